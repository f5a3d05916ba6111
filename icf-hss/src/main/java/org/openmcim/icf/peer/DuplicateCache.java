package org.openmcim.icf.peer;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

import org.openmcim.diameter.DiameterCodec;
import org.openmcim.diameter.DiameterMessage;

/**
 * Answers recently sent, by Origin-Host and End-to-End Identifier (RFC 6733 §6.1.3: together
 * they detect duplicates; a retransmission carries the T flag). A duplicate gets the same answer
 * again instead of being processed twice, which for AIR would burn SQNs and hand out different
 * vectors. Bounded in entries, octets and age; the oldest answer goes first.
 *
 * <p>Nothing is allocated per answer: the answers are encoded straight into one preallocated
 * array (a ring, oldest first), and an open-addressing table of primitive positions finds them.
 * Under AIR load the cache's previous form (a {@code LinkedHashMap} of one {@code byte[]} and
 * three small objects per answer) lived just long enough to be copied by every young collection
 * (issue #3: ~530 MB live, young pauses up to 44 ms); the one array here is allocated once, holds
 * no references and is never copied.
 *
 * <p>Entry layout at its position in the ring: total length (int, or -1: "the rest of this lap is
 * unused"), End-to-End Identifier (int), hash (int), stored-at milliseconds (long), Origin-Host
 * length (short) and its octets (lower case, UTF-8), then the answer as sent. Thread-safe.
 */
final class DuplicateCache {
    private static final int HEADER = 4 + 4 + 4 + 8 + 2;
    private static final int SKIP = -1;

    private final int capacity;
    private final long maxAgeMillis;
    private final Clock clock;
    private final DiameterCodec codec;

    private final byte[] ring;
    /** Absolute (never wrapping) positions: the next entry goes at {@code head}, the oldest is at {@code tail}. */
    private long head;
    private long tail;
    private int count;

    /**
     * Index, one long a slot (one cache line to probe, not two): the entry's hash in the high 32
     * bits, its offset in the ring + 1 in the low 32 (0: empty). Live entries never share an offset.
     */
    private final long[] slots;

    /**
     * @param capacity  most answers kept
     * @param ringBytes octets for the answers and their keys (an answer that does not fit is not kept)
     */
    DuplicateCache(int capacity, int ringBytes, Duration maxAge, Clock clock, DiameterCodec codec) {
        if (capacity < 1 || ringBytes < HEADER) {
            throw new IllegalArgumentException("capacity " + capacity + ", ring " + ringBytes + " octets");
        }
        this.capacity = capacity;
        this.maxAgeMillis = maxAge.toMillis();
        this.clock = clock;
        this.codec = codec;
        this.ring = new byte[ringBytes];
        int n = Integer.highestOneBit(Math.max(2, capacity) * 2 - 1) << 1; // at most half full
        this.slots = new long[n];
    }

    /** The answer sent for this Origin-Host's End-to-End Identifier, or null (none kept, or too old). */
    DiameterMessage find(String originHost, int endToEnd) {
        String host = originHost.toLowerCase(Locale.ROOT);
        int hash = hash(host, endToEnd);
        byte[] answer;
        synchronized (this) {
            int i = lookup(host, endToEnd, hash);
            if (i < 0) {
                return null;
            }
            int at = entryAt(slots[i]);
            if (clock.millis() - getLong(at + 12) > maxAgeMillis) {
                return null;
            }
            int start = at + HEADER + getShort(at + 20);
            answer = Arrays.copyOfRange(ring, start, at + getInt(at));
        }
        return codec.decode(answer) instanceof DiameterMessage m ? m : null;
    }

    void put(String originHost, int endToEnd, DiameterMessage answer) {
        String host = originHost.toLowerCase(Locale.ROOT);
        byte[] hostOctets = host.getBytes(StandardCharsets.UTF_8);
        int hash = hash(host, endToEnd);
        int need = HEADER + hostOctets.length + answer.length();
        if (need > ring.length || hostOctets.length > Short.MAX_VALUE) {
            return;
        }
        long now = clock.millis();
        synchronized (this) {
            // Where the entry goes: here, or at the start of the next lap if it does not fit before
            // the end of the array. Make room first, oldest first.
            long at = head;
            if (ring.length - offset(at) < need) {
                at = (at / ring.length + 1) * ring.length;
            }
            while (count > 0 && (count >= capacity || at + need - tail > ring.length)) {
                evictOldest();
            }
            if (count == 0) {
                tail = head;
            }
            if (at != head && ring.length - offset(head) >= 4) {
                putInt(offset(head), SKIP);
            }
            int p = offset(at);
            putInt(p, need);
            putInt(p + 4, endToEnd);
            putInt(p + 8, hash);
            putLong(p + 12, now);
            putShort(p + 20, hostOctets.length);
            System.arraycopy(hostOctets, 0, ring, p + HEADER, hostOctets.length);
            codec.encode(answer, ring, p + HEADER + hostOctets.length);
            head = at + need;
            count++;
            int i = lookup(host, endToEnd, hash);
            // The same key answered again: the newer answer wins; the older entry is now unindexed.
            slots[i >= 0 ? i : -i - 1] = slot(hash, p);
        }
    }

    /** Number of answers kept (indexed or not), for tests. */
    synchronized int size() {
        return count;
    }

    // ------------------------------------------------------------------ ring

    private void evictOldest() {
        int p = offset(tail);
        if (ring.length - p < HEADER || getInt(p) == SKIP) {
            tail = (tail / ring.length + 1) * ring.length;
            p = 0;
        }
        int len = getInt(p);
        unindex(p, getInt(p + 8));
        tail += len;
        count--;
    }

    private int offset(long absolute) {
        return (int) (absolute % ring.length);
    }

    // ------------------------------------------------------------------ index (linear probing)

    private static int hash(String lowerHost, int endToEnd) {
        int h = lowerHost.hashCode() * 31 + endToEnd;
        h ^= h >>> 16;
        h *= 0x85EB_CA6B;
        h ^= h >>> 13;
        h *= 0xC2B2_AE35;
        return h ^ (h >>> 16);
    }

    private static long slot(int hash, int offset) {
        return (long) hash << 32 | (offset + 1L);
    }

    private static int entryAt(long slot) {
        return (int) slot - 1;
    }

    /** Slot of the entry for this key, or -(the empty slot where it would go) - 1. */
    private int lookup(String lowerHost, int endToEnd, int hash) {
        int mask = slots.length - 1;
        int i = hash & mask;
        for (long s; (s = slots[i]) != 0; i = (i + 1) & mask) {
            if ((int) (s >>> 32) == hash) {
                int p = entryAt(s);
                if (getInt(p + 4) == endToEnd && hostIs(lowerHost, p + HEADER, getShort(p + 20))) {
                    return i;
                }
            }
        }
        return -i - 1;
    }

    /** Removes the index slot pointing at ring offset {@code p}, if any (a replaced entry has none). */
    private void unindex(int p, int hash) {
        int mask = slots.length - 1;
        long wanted = slot(hash, p);
        int i = hash & mask;
        while (slots[i] != 0 && slots[i] != wanted) {
            i = (i + 1) & mask;
        }
        if (slots[i] == 0) {
            return;
        }
        // Backward-shift deletion: move up every later entry of the run that may live in the hole.
        int hole = i;
        for (int j = (hole + 1) & mask; slots[j] != 0; j = (j + 1) & mask) {
            int home = (int) (slots[j] >>> 32) & mask;
            // j's entry may move to the hole unless its home lies cyclically in (hole, j].
            boolean homeBetween = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
            if (!homeBetween) {
                slots[hole] = slots[j];
                hole = j;
            }
        }
        slots[hole] = 0;
    }

    private boolean hostIs(String lowerHost, int p, int len) {
        int n = lowerHost.length();
        for (int k = 0; k < n; k++) {
            if (lowerHost.charAt(k) >= 0x80) {
                // Not ASCII (a DiameterIdentity is an FQDN, so rarely): compare the UTF-8 octets.
                byte[] o = lowerHost.getBytes(StandardCharsets.UTF_8);
                return o.length == len && Arrays.equals(o, 0, len, ring, p, p + len);
            }
        }
        if (n != len) {
            return false;
        }
        for (int k = 0; k < n; k++) {
            if (ring[p + k] != (byte) lowerHost.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ octets

    private int getInt(int p) {
        return (ring[p] & 0xFF) << 24 | (ring[p + 1] & 0xFF) << 16 | (ring[p + 2] & 0xFF) << 8 | (ring[p + 3] & 0xFF);
    }

    private void putInt(int p, int v) {
        ring[p] = (byte) (v >>> 24);
        ring[p + 1] = (byte) (v >>> 16);
        ring[p + 2] = (byte) (v >>> 8);
        ring[p + 3] = (byte) v;
    }

    private int getShort(int p) {
        return (ring[p] & 0xFF) << 8 | (ring[p + 1] & 0xFF);
    }

    private void putShort(int p, int v) {
        ring[p] = (byte) (v >>> 8);
        ring[p + 1] = (byte) v;
    }

    private long getLong(int p) {
        return (long) getInt(p) << 32 | (getInt(p + 4) & 0xFFFF_FFFFL);
    }

    private void putLong(int p, long v) {
        putInt(p, (int) (v >>> 32));
        putInt(p + 4, (int) v);
    }
}
