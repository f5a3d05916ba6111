package org.openmcim.icf.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.openmcim.diameter.ApplicationId;
import org.openmcim.diameter.Avp;
import org.openmcim.diameter.CommandCode;
import org.openmcim.diameter.DiameterCodec;
import org.openmcim.diameter.DiameterMessage;
import org.openmcim.diameter.dictionary.Dictionary;
import org.openmcim.icf.MutableClock;

/**
 * The duplicate-answer cache (RFC 6733 §6.1.3: Origin-Host and End-to-End Identifier identify a
 * request; its retransmission gets the same answer) in its ring form: answers come back octet for
 * octet, keys are exact, and eviction by count, octets and age drops the oldest answers and only
 * those, checked against a plain map doing the same.
 */
class DuplicateCacheTest {
    final Dictionary d = Dictionary.standard();
    final DiameterCodec codec = new DiameterCodec(d);
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));

    /** An AIA-like answer whose size grows with {@code padding}. */
    DiameterMessage answer(int endToEnd, int padding) {
        DiameterMessage request = DiameterMessage.request(CommandCode.AUTHENTICATION_INFORMATION, ApplicationId.S6A).proxiable(true)
                .hopByHop(7).endToEnd(endToEnd).sessionId("mme.localdomain;" + endToEnd + ";" + "x".repeat(padding)).build();
        return DiameterMessage.answerTo(request)
                .add(Avp.diameterIdentity(d.avp("Origin-Host"), "hss.localdomain"),
                        Avp.unsigned32(d.avp("Result-Code"), 2001))
                .build();
    }

    @Test
    void findsTheAnswerByOriginHostAndEndToEndOnly() {
        DuplicateCache c = new DuplicateCache(16, 1 << 16, Duration.ofSeconds(60), clock, codec);
        DiameterMessage a = answer(77, 10);
        c.put("mme.localdomain", 77, a);
        assertEquals(a, c.find("mme.localdomain", 77));
        assertEquals(a, c.find("MME.LocalDomain", 77), "DiameterIdentity compares case-insensitively (RFC 6733 §4.3.1)");
        assertNull(c.find("mme.localdomain", 78), "another End-to-End Identifier");
        assertNull(c.find("mme2.localdomain", 77), "the same identifier from another host");
        assertNull(c.find("mme.localdomai", 77), "a host that is a prefix");
        c.put("mme2.localdomain", 77, answer(77, 20));
        assertEquals(a, c.find("mme.localdomain", 77));
        assertEquals(answer(77, 20), c.find("mme2.localdomain", 77));
        c.put("mmé.example", 5, answer(5, 1));
        assertEquals(answer(5, 1), c.find("MMÉ.example", 5), "non-ASCII identities by their UTF-8 octets");
        assertNull(c.find("mme.example", 5));
    }

    @Test
    void theNewerAnswerForTheSameKeyWinsAndOutlivesTheOlderOne() {
        DuplicateCache c = new DuplicateCache(3, 1 << 16, Duration.ofSeconds(60), clock, codec);
        c.put("mme", 1, answer(1, 1));
        c.put("mme", 1, answer(1, 2));
        assertEquals(answer(1, 2), c.find("mme", 1));
        c.put("mme", 2, answer(2, 0));
        c.put("mme", 3, answer(3, 0)); // evicts the first (older, unindexed) answer for 1 only
        assertEquals(answer(1, 2), c.find("mme", 1));
        c.put("mme", 4, answer(4, 0)); // now the newer answer for 1 goes
        assertNull(c.find("mme", 1));
        assertNotNull(c.find("mme", 4));
    }

    @Test
    void answersOlderThanTheMaximumAgeAreNotDuplicates() {
        DuplicateCache c = new DuplicateCache(16, 1 << 16, Duration.ofSeconds(60), clock, codec);
        c.put("mme", 1, answer(1, 1));
        clock.advance(Duration.ofMillis(60_000));
        assertNotNull(c.find("mme", 1));
        clock.advance(Duration.ofMillis(1));
        assertNull(c.find("mme", 1));
    }

    /**
     * Random keys (many colliding in a small index), repeated keys and random sizes, through many
     * laps of the ring: a find returns the newest answer put for its key among the last
     * {@code capacity} puts, always when the octets since then fit in half the ring (whatever the
     * ends of laps waste), never one put earlier, and nothing for a key not put since.
     */
    @Test
    void keepsExactlyTheNewestAnswersThroughWrapsAndCollisions() {
        SplittableRandom r = new SplittableRandom(6733);
        for (int ringBytes : new int[] {1 << 20, 4_000, 1_999}) {
            int capacity = 40;
            DuplicateCache c = new DuplicateCache(capacity, ringBytes, Duration.ofSeconds(60), clock, codec);
            List<String> keys = new ArrayList<>();
            List<DiameterMessage> answers = new ArrayList<>();
            List<Integer> sizes = new ArrayList<>();
            for (int n = 0; n < 20_000; n++) {
                String host = "mme" + r.nextInt(3) + ".localdomain";
                int e2e = r.nextInt(120); // keys repeat: some puts replace a live answer
                DiameterMessage a = answer(e2e, r.nextInt(200));
                c.put(host, e2e, a);
                keys.add(host + "/" + e2e);
                answers.add(a);
                sizes.add(22 + host.length() + a.length());
                if (n % 97 == 0 || n > 19_900) {
                    check(c, keys, answers, sizes, ringBytes, capacity);
                }
            }
        }
    }

    private void check(DuplicateCache c, List<String> keys, List<DiameterMessage> answers, List<Integer> sizes, int ringBytes,
                       int capacity) {
        int newest = keys.size() - 1;
        Map<String, Integer> newestPut = new LinkedHashMap<>();
        for (int i = Math.max(0, newest - 400); i <= newest; i++) {
            newestPut.put(keys.get(i), i);
        }
        for (Map.Entry<String, Integer> e : newestPut.entrySet()) {
            int j = e.getValue();
            String[] hk = e.getKey().split("/");
            DiameterMessage got = c.find(hk[0], Integer.parseInt(hk[1]));
            if (newest - j >= capacity) {
                assertNull(got, "evicted by count: " + e.getKey());
                continue;
            }
            int octets = 0;
            for (int i = j; i <= newest; i++) {
                octets += sizes.get(i);
            }
            if (ringBytes >= 1 << 20 || octets <= ringBytes / 2) {
                assertEquals(answers.get(j), got, "kept: " + e.getKey());
            } else if (got != null) {
                assertEquals(answers.get(j), got, "only the newest answer for " + e.getKey());
            }
        }
        assertTrue(c.size() <= capacity);
    }

    @Test
    void anAnswerLargerThanTheRingIsNotKept() {
        DuplicateCache c = new DuplicateCache(16, 300, Duration.ofSeconds(60), clock, codec);
        c.put("mme", 1, answer(1, 50));
        assertNotNull(c.find("mme", 1));
        c.put("mme", 2, answer(2, 400));
        assertNull(c.find("mme", 2));
        assertNotNull(c.find("mme", 1), "the refused answer evicted nothing");
    }
}
