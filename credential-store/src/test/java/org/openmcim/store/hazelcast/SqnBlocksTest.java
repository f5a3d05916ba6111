package org.openmcim.store.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmcim.aka.sqn.SqnArray;
import org.openmcim.aka.sqn.SqnPolicy;
import org.openmcim.store.CredentialState;
import org.openmcim.store.CredentialStore;
import org.openmcim.store.SqnGrant;
import org.openmcim.store.Subscriber;

/**
 * Member-local SQN blocks ({@link SqnBlocks}) on real members on loopback with a real H2 file
 * database: uniqueness across members under concurrent grants, what a USIM (our {@link SqnArray},
 * TS 33.102 C.2.2) accepts, resynchronisation, retirement while grants stream, a full restart and
 * a member killed mid-stream. Nothing here measures time.
 */
class SqnBlocksTest {
    private static final SqnPolicy P = SqnPolicy.DEFAULT;
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private static final int B = 16;

    @TempDir
    Path dir;
    private final List<TestCluster> clusters = new ArrayList<>();

    @AfterEach
    void stop() {
        clusters.forEach(TestCluster::close);
    }

    private TestCluster start(String db, int... blocks) {
        TestCluster c = TestCluster.start(blocks.length, TestCluster.h2(dir, db), TestCluster.randomCipher(),
                TestCluster.LEASE, blocks);
        clusters.add(c);
        return c;
    }

    private TestCluster start(String db, SqnBlocks.Settings... blocks) {
        TestCluster c = TestCluster.start(blocks.length, TestCluster.h2(dir, db), TestCluster.randomCipher(),
                TestCluster.LEASE, blocks);
        clusters.add(c);
        return c;
    }

    private static long granted(CredentialStore s, String imsi, int ind, int count) {
        SqnGrant g = s.grantVectors(imsi, P, ind, count, T0);
        SqnGrant.Granted ok = assertInstanceOf(SqnGrant.Granted.class, g, imsi + ": " + g);
        assertEquals(ok.sqns()[count - 1], ok.subscriber().sqnHe(), "the caller's SQN_HE is its own last SQN");
        return ok.sqns()[0];
    }

    /**
     * Six threads, two per member, grant one or two vectors at a time for eight PCIDs: no SEQ is
     * handed out twice, and every thread sees its SEQ values per PCID rise (each member's do).
     */
    @Test
    void concurrentGrantsOnThreeMembersNeverRepeatASeq() throws Exception {
        TestCluster c = start("unique", B, B, B);
        List<Subscriber> subs = StoreFaultTest.pcids(8);
        c.member(0).store().insertAll(subs);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Map<String, List<Long>>>> futures = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                CredentialStore s = c.member(t % 3).store();
                int ind = t;
                futures.add(pool.submit(() -> {
                    Map<String, List<Long>> seen = new HashMap<>();
                    for (int i = 0; i < 300; i++) {
                        String imsi = subs.get(i % subs.size()).imsi();
                        int count = 1 + i % 2;
                        SqnGrant.Granted g = assertInstanceOf(SqnGrant.Granted.class,
                                s.grantVectors(imsi, P, ind, count, T0));
                        for (long sqn : g.sqns()) {
                            assertEquals(ind, P.ind(sqn));
                            seen.computeIfAbsent(imsi, k -> new ArrayList<>()).add(P.seq(sqn));
                        }
                    }
                    return seen;
                }));
            }
            Map<String, Set<Long>> all = new HashMap<>();
            int total = 0;
            for (Future<Map<String, List<Long>>> f : futures) {
                for (Map.Entry<String, List<Long>> e : f.get().entrySet()) {
                    List<Long> seqs = e.getValue();
                    for (int i = 1; i < seqs.size(); i++) {
                        assertTrue(seqs.get(i) > seqs.get(i - 1), e.getKey() + ": SEQ fell within one thread: " + seqs);
                    }
                    for (long seq : seqs) {
                        assertTrue(all.computeIfAbsent(e.getKey(), k -> new HashSet<>()).add(seq),
                                e.getKey() + ": SEQ " + seq + " handed out twice");
                        total++;
                    }
                }
            }
            assertEquals(6 * 450, total);
            for (Subscriber s : subs) {
                long max = all.get(s.imsi()).stream().mapToLong(Long::longValue).max().orElseThrow();
                assertTrue(P.seq(c.member(1).store().find(s.imsi()).orElseThrow().sqnHe()) >= max,
                        "the cluster's SQN_HE covers every block");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * C.2.2 with IND per serving node: two MMEs, each on its own ICF member, interleaved AIRs; the
     * USIM takes each vector as it is issued and accepts them all. Then one MME whose AIRs alternate
     * between the members: the USIM refuses a vector from the lower block (the documented cost),
     * the ICF resynchronises with its AUTS, and from then on every vector from either member is
     * above SQN_MS and accepted.
     */
    @Test
    void usimAcceptsEachMembersVectorsAndResyncDropsEveryBlock() {
        TestCluster c = start("usim", B, B);
        String imsi = StoreFaultTest.pcids(1).get(0).imsi();
        c.member(0).store().insertAll(StoreFaultTest.pcids(1));
        CredentialStore m1 = c.member(0).store();
        CredentialStore m2 = c.member(1).store();
        SqnArray usim = new SqnArray(P);
        // Not a multiple of B: member 1 ends with part of a block left, below member 2's current one.
        for (int i = 0; i < 3 * B - 4; i++) {
            assertEquals(SqnArray.Verdict.ACCEPTED, usim.accept(granted(m1, imsi, 1, 1)), "MME 1 (IND 1) through member 1, AIR " + i);
            assertEquals(SqnArray.Verdict.ACCEPTED, usim.accept(granted(m2, imsi, 2, 1)), "MME 2 (IND 2) through member 2, AIR " + i);
        }
        // One MME (IND 3) alternating: member 2's block lies above member 1's.
        assertEquals(SqnArray.Verdict.ACCEPTED, usim.accept(granted(m2, imsi, 3, 1)));
        long stale = granted(m1, imsi, 3, 1);
        assertEquals(SqnArray.Verdict.NOT_FRESH, usim.accept(stale), "a lower block under the same IND");
        // Synch failure: AUTS carries SQN_MS, the highest accepted (C.2.2); resync through member 1.
        long sqnMs = usim.sqnMs();
        assertTrue(m1.resync(imsi, P, sqnMs).isPresent());
        for (int i = 0; i < 2 * B; i++) {
            long a = granted(m1, imsi, 3, 1);
            long b = granted(m2, imsi, 4, 1);
            assertTrue(P.seq(a) > P.seq(sqnMs) && P.seq(b) > P.seq(sqnMs), "after resync, above SQN_MS: " + a + ", " + b);
            assertEquals(SqnArray.Verdict.ACCEPTED, usim.accept(a));
            assertEquals(SqnArray.Verdict.ACCEPTED, usim.accept(b));
        }
    }

    /**
     * A state change made through a member without blocks (as the DPF's is) while two members with
     * blocks stream grants for the PCID: no grant that starts after retire() returned is granted.
     * The blocks are large (the streams cannot use them up while the change is on its way), so a
     * member that kept its block after the change would go on granting from it.
     */
    @Test
    void retireStopsGrantsOnEveryMemberBeforeItReturns() throws Exception {
        int big = 50_000;
        TestCluster c = start("retire", big, big, 0);
        String imsi = StoreFaultTest.pcids(1).get(0).imsi();
        c.member(2).store().insertAll(StoreFaultTest.pcids(1));
        CredentialStore dpf = c.member(2).store();
        granted(c.member(0).store(), imsi, 1, 1);
        granted(c.member(1).store(), imsi, 2, 1);
        assertEquals(CredentialState.ISSUED, dpf.transition(imsi, CredentialState.ATTACHED, T0).orElseThrow());
        assertEquals(CredentialState.ATTACHED, dpf.transition(imsi, CredentialState.PROVISIONING, T0).orElseThrow());
        assertEquals(1, c.member(0).store().blocks().held(), "states that serve vectors leave blocks alone");

        AtomicBoolean retired = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<String> afterRetire = new ConcurrentLinkedQueue<>();
        // One latch per stream: grants from memory take microseconds, so one stream could make all of
        // a shared count before the other's thread has started (seen on a loaded machine).
        List<CountDownLatch> streaming = List.of(new CountDownLatch(100), new CountDownLatch(100));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> streams = new ArrayList<>();
            for (int m = 0; m < 2; m++) {
                CredentialStore s = c.member(m).store();
                int ind = m + 1;
                CountDownLatch mine = streaming.get(m);
                streams.add(pool.submit(() -> {
                    int granted = 0;
                    while (!stop.get()) {
                        boolean late = retired.get(); // read before the call starts
                        SqnGrant g = s.grantVectors(imsi, P, ind, 1, T0);
                        if (g instanceof SqnGrant.Granted) {
                            granted++;
                            mine.countDown();
                            if (late) {
                                afterRetire.add("member " + ind + " granted " + g + " after retire() returned");
                            }
                        }
                    }
                    return granted;
                }));
            }
            for (CountDownLatch l : streaming) {
                l.await(); // both streams granting (100 each, at least)
            }
            assertEquals(CredentialState.PROVISIONING, dpf.transition(imsi, CredentialState.RETIRED, T0).orElseThrow());
            retired.set(true);
            for (int m = 0; m < 2; m++) {
                assertEquals(CredentialState.RETIRED, assertInstanceOf(SqnGrant.NotServing.class,
                        c.member(m).store().grantVectors(imsi, P, 1, 1, T0)).state(), "member " + m);
            }
            stop.set(true);
            for (Future<Integer> f : streams) {
                assertTrue(f.get() > 0);
            }
            assertTrue(afterRetire.isEmpty(), afterRetire.toString());
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
    }

    /**
     * {@code grantVectorsWithoutBlocking} (what the ICF calls on its event loops): nothing until this
     * member holds a block, and nothing taken then; from a held block the next SEQ values, interleaved
     * in order with {@code grantVectors}' from the same block; nothing once the block is used up, on a
     * member without blocks, or after a revocation dropped the blocks (then the grant through the
     * cluster says REVOKED).
     */
    @Test
    void grantsWithoutBlockingOnlyFromAHeldBlock() {
        TestCluster c = start("noblock", B, 0);
        String imsi = StoreFaultTest.pcids(1).get(0).imsi();
        c.member(0).store().insertAll(StoreFaultTest.pcids(1));
        CredentialStore withBlocks = c.member(0).store();
        CredentialStore without = c.member(1).store();
        long before = withBlocks.find(imsi).orElseThrow().sqnHe();
        assertTrue(withBlocks.grantVectorsWithoutBlocking(imsi, P, 1, 1, T0).isEmpty(), "no block held yet");
        assertTrue(without.grantVectorsWithoutBlocking(imsi, P, 1, 1, T0).isEmpty(), "a member without blocks");
        assertEquals(before, withBlocks.find(imsi).orElseThrow().sqnHe(), "nothing taken");

        SqnArray usim = new SqnArray(P);
        long first = granted(withBlocks, imsi, 1, 1); // reserves the block: SEQ first .. first + B - 1
        assertEquals(SqnArray.Verdict.ACCEPTED, usim.accept(first));
        long expected = P.seq(first) + 1;
        for (int i = 1; i < B; i++) {
            long sqn;
            if (i % 3 == 0) {
                sqn = granted(withBlocks, imsi, 1, 1);
            } else {
                SqnGrant.Granted g = assertInstanceOf(SqnGrant.Granted.class,
                        withBlocks.grantVectorsWithoutBlocking(imsi, P, 1, 1, T0).orElseThrow(), "from the block, grant " + i);
                assertEquals(g.sqns()[0], g.subscriber().sqnHe(), "the caller's SQN_HE is its own last SQN");
                sqn = g.sqns()[0];
            }
            assertEquals(expected++, P.seq(sqn), "the block's next SEQ, grant " + i);
            assertEquals(SqnArray.Verdict.ACCEPTED, usim.accept(sqn));
        }
        assertTrue(withBlocks.grantVectorsWithoutBlocking(imsi, P, 1, 1, T0).isEmpty(), "the block is used up");
        assertEquals(expected, P.seq(granted(withBlocks, imsi, 1, 1)), "the next block, through the cluster");
        assertTrue(withBlocks.grantVectorsWithoutBlocking(imsi, P, 1, 1, T0).isPresent());

        assertEquals(CredentialState.ISSUED, without.transition(imsi, CredentialState.REVOKED, T0).orElseThrow());
        assertTrue(withBlocks.grantVectorsWithoutBlocking(imsi, P, 1, 1, T0).isEmpty(), "the revocation dropped the block");
        assertEquals(CredentialState.REVOKED, assertInstanceOf(SqnGrant.NotServing.class,
                withBlocks.grantVectors(imsi, P, 1, 1, T0)).state());
    }

    /**
     * {@code sqn.block-validity}: a member with 2 s stops granting from its block after 2 s (the next
     * grant reserves a new one through the cluster), while one with the default 10 s still grants from
     * its block; and each member announces its validity to the cluster, which a state change waits for
     * when a member does not answer its drop.
     */
    @Test
    void blockValidityIsPerSettingAndAnnounced() throws Exception {
        TestCluster c = start("validity", new SqnBlocks.Settings(B, Duration.ofSeconds(2)), SqnBlocks.Settings.of(B));
        List<Subscriber> subs = StoreFaultTest.pcids(1);
        String imsi = subs.get(0).imsi();
        c.member(0).store().insertAll(subs);
        HazelcastCredentialStore shortLived = c.member(0).store();
        HazelcastCredentialStore standard = c.member(1).store();
        long t0 = System.nanoTime();
        granted(shortLived, imsi, 1, 1);
        granted(standard, imsi, 2, 1);
        assertEquals(1, shortLived.blockReservations());
        assertTrue(shortLived.grantVectorsWithoutBlocking(imsi, P, 1, 1, T0).isPresent(), "within 2 s");
        Thread.sleep(Math.max(0, 2_100 - (System.nanoTime() - t0) / 1_000_000));
        assertTrue(shortLived.grantVectorsWithoutBlocking(imsi, P, 1, 1, T0).isEmpty(), "expired after 2 s");
        assertTrue(standard.grantVectorsWithoutBlocking(imsi, P, 2, 1, T0).isPresent(), "10 s: still valid");
        granted(shortLived, imsi, 1, 1);
        assertEquals(2, shortLived.blockReservations(), "the expired block was replaced through the cluster");

        Map<String, Duration> announced = new HashMap<>();
        for (com.hazelcast.cluster.Member m : c.member(0).hazelcast().getCluster().getMembers()) {
            announced.put(m.getAttribute(SqnBlocks.ATTRIBUTE) + "@" + m.getAddress().getPort(), SqnBlocks.announcedValidity(m));
        }
        assertEquals(List.of(Duration.ofSeconds(2), Duration.ofSeconds(10)),
                announced.values().stream().sorted().toList(), announced.toString());
    }

    /** Block settings: B 0..MAX, validity 1 s..10 min. */
    @Test
    void blockSettingsAreChecked() {
        assertEquals(new SqnBlocks.Settings(64, Duration.ofSeconds(10)), SqnBlocks.Settings.of(64));
        new SqnBlocks.Settings(0, Duration.ofSeconds(1));
        new SqnBlocks.Settings(SqnBlocks.MAX, Duration.ofMinutes(10));
        for (Runnable bad : List.<Runnable>of(
                () -> new SqnBlocks.Settings(-1, Duration.ofSeconds(10)),
                () -> new SqnBlocks.Settings(SqnBlocks.MAX + 1, Duration.ofSeconds(10)),
                () -> new SqnBlocks.Settings(64, Duration.ofMillis(999)),
                () -> new SqnBlocks.Settings(64, Duration.ofMinutes(10).plusMillis(1)),
                () -> new SqnBlocks.Settings(64, null))) {
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, bad::run);
        }
    }

    /** A PCID's lifetime ending stops grants from a block on the spot (the cluster marks it EXPIRED). */
    @Test
    void expiryStopsGrantsFromABlock() {
        TestCluster c = start("expiry", B);
        Subscriber s = StoreFaultTest.pcids(1).get(0);
        c.member(0).store().insertAll(List.of(s));
        granted(c.member(0).store(), s.imsi(), 1, 1);
        SqnGrant.NotServing ns = assertInstanceOf(SqnGrant.NotServing.class,
                c.member(0).store().grantVectors(s.imsi(), P, 1, 1, T0.plus(Duration.ofDays(365))));
        assertEquals(CredentialState.EXPIRED, ns.state());
    }

    /**
     * Grants through two members with blocks, then both die without a word and a new cluster starts
     * on the same database: every PCID's next SQN is above everything handed out, blocks included.
     * Then a member is killed while the other two stream grants: no SEQ twice, its block skipped.
     */
    @Test
    void fullRestartAndAKilledMemberReuseNoSqn() throws Exception {
        var db = TestCluster.h2(dir, "restart");
        var cipher = TestCluster.randomCipher();
        List<Subscriber> subs = StoreFaultTest.pcids(16);
        Map<String, Set<Long>> all = new HashMap<>();
        TestCluster first = TestCluster.start(2, db, cipher, TestCluster.LEASE, new int[] {B, B});
        clusters.add(first);
        first.member(0).store().insertAll(subs);
        for (int round = 0; round < 3; round++) {
            for (Subscriber s : subs) {
                for (int m = 0; m < 2; m++) {
                    all.computeIfAbsent(s.imsi(), k -> new HashSet<>()).add(P.seq(granted(first.member(m).store(), s.imsi(), m, 1)));
                }
            }
        }
        first.member(0).kill();
        first.member(1).kill();

        TestCluster second = TestCluster.start(3, db, cipher, TestCluster.LEASE, new int[] {B, B, B});
        clusters.add(second);
        for (Subscriber s : subs) {
            long max = all.get(s.imsi()).stream().mapToLong(Long::longValue).max().orElseThrow();
            long next = P.seq(granted(second.member(0).store(), s.imsi(), 0, 1));
            assertTrue(next > max, s.imsi() + ": " + next + " after a full restart, not above " + max);
            all.get(s.imsi()).add(next);
            assertTrue(all.get(s.imsi()).add(P.seq(granted(second.member(2).store(), s.imsi(), 2, 1))));
        }
        second.awaitSafe();

        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch half = new CountDownLatch(2);
            List<Future<Map<String, List<Long>>>> streams = new ArrayList<>();
            for (int m : new int[] {0, 1}) {
                CredentialStore st = second.member(m).store();
                streams.add(pool.submit(() -> {
                    Map<String, List<Long>> seen = new HashMap<>();
                    for (int i = 0; i < 40 * subs.size(); i++) {
                        if (i == 20 * subs.size()) {
                            half.countDown();
                        }
                        String imsi = subs.get(i % subs.size()).imsi();
                        seen.computeIfAbsent(imsi, k -> new ArrayList<>()).add(P.seq(granted(st, imsi, m, 1)));
                    }
                    return seen;
                }));
            }
            half.await();
            second.member(2).kill(); // holds a block of every PCID: skipped, never handed out again
            for (Future<Map<String, List<Long>>> f : streams) {
                for (Map.Entry<String, List<Long>> e : f.get().entrySet()) {
                    for (long seq : e.getValue()) {
                        assertTrue(all.get(e.getKey()).add(seq), e.getKey() + ": SEQ " + seq + " handed out twice");
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
