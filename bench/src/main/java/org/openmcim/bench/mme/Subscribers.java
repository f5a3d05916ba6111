package org.openmcim.bench.mme;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The bench's subscribers: IMSIs 001 01 0000000000.. with K and OPc drawn from a seeded
 * generator, so that a stub MME in another JVM given the same seed and count holds the same keys
 * as the simulated USIMs. Test keys only: never use a seeded generator for real credentials.
 */
public final class Subscribers {
    /** One subscriber's identity and Milenage keys. */
    public record Keys(String imsi, byte[] k, byte[] opc) {
    }

    private Subscribers() {
    }

    public static List<Keys> generate(long seed, int count) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Keys> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] k = new byte[16];
            byte[] opc = new byte[16];
            r.nextBytes(k);
            r.nextBytes(opc);
            out.add(new Keys(imsi(i), k, opc));
        }
        return out;
    }

    /** MCC 001, MNC 01 (the test PLMN of TS 36.523-1 and of our lab), then a 10-digit MSIN. */
    public static String imsi(int index) {
        return String.format("00101%010d", index);
    }
}
