package org.openmcim.icf.peer;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.openmcim.diameter.DiameterCodec;
import org.openmcim.diameter.DiameterMessage;

/**
 * Answers recently sent, by Origin-Host and End-to-End Identifier (RFC 6733 §6.1.3: together
 * they detect duplicates; a retransmission carries the T flag). A duplicate gets the same answer
 * again instead of being processed twice, which for AIR would burn SQNs and hand out different
 * vectors. Bounded in size and age.
 */
final class DuplicateCache {
    private final int capacity;
    private final Duration maxAge;
    private final Clock clock;
    private final LinkedHashMap<Key, Entry> entries;

    private record Key(String originHost, int endToEnd) {
    }

    private record Entry(byte[] answer, long storedAtMillis) {
    }

    private final DiameterCodec codec;

    DuplicateCache(int capacity, Duration maxAge, Clock clock, DiameterCodec codec) {
        this.codec = codec;
        this.capacity = capacity;
        this.maxAge = maxAge;
        this.clock = clock;
        this.entries = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
                return size() > DuplicateCache.this.capacity;
            }
        };
    }

    DiameterMessage find(String originHost, int endToEnd) {
        Entry e;
        synchronized (this) {
            e = entries.get(new Key(originHost.toLowerCase(java.util.Locale.ROOT), endToEnd));
        }
        if (e == null || clock.millis() - e.storedAtMillis() > maxAge.toMillis()) {
            return null;
        }
        return codec.decode(e.answer()) instanceof DiameterMessage m ? m : null;
    }

    void put(String originHost, int endToEnd, DiameterMessage answer) {
        byte[] encoded = codec.encode(answer);
        Entry e = new Entry(encoded, clock.millis());
        Key k = new Key(originHost.toLowerCase(java.util.Locale.ROOT), endToEnd);
        synchronized (this) {
            entries.put(k, e);
        }
    }
}
