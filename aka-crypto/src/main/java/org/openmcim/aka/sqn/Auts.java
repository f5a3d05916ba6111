package org.openmcim.aka.sqn;

import java.security.MessageDigest;
import java.util.OptionalLong;

import org.openmcim.aka.AuthenticationFunctions;

/**
 * The resynchronisation token AUTS = SQN_MS ⊕ AK* ‖ MAC-S (TS 33.102 §6.3.3), with
 * AK* = f5*(RAND) and MAC-S = f1*(SQN_MS, RAND, AMF*), where AMF* is the dummy value 0x0000.
 * The USIM builds it on a synchronisation failure; the HE recovers SQN_MS from it (§6.3.5).
 */
public final class Auts {
    /** §6.3.3: AMF* is a dummy, all zeros, so it need not be sent. */
    private static final byte[] AMF_STAR = new byte[2];

    public static final int LENGTH = 14;

    private Auts() {
    }

    /** USIM side: AUTS for {@code sqnMs} under the RAND of the failed challenge. */
    public static byte[] generate(AuthenticationFunctions f, byte[] rand, long sqnMs) {
        byte[] sqn = SqnPolicy.toBytes(sqnMs);
        byte[] akStar = f.f5Star(rand);
        byte[] macS = f.f1Star(rand, sqn, AMF_STAR);
        byte[] auts = new byte[6 + macS.length];
        for (int i = 0; i < 6; i++) {
            auts[i] = (byte) (sqn[i] ^ akStar[i]);
        }
        System.arraycopy(macS, 0, auts, 6, macS.length);
        return auts;
    }

    /**
     * HE side: SQN_MS from {@code auts}, or empty when MAC-S does not verify (then nothing may
     * change, §6.3.5 step 5). The comparison is constant-time.
     */
    public static OptionalLong recover(AuthenticationFunctions f, byte[] rand, byte[] auts) {
        if (auts.length < 6 + 8) {
            throw new IllegalArgumentException("AUTS must be at least 14 bytes, got " + auts.length);
        }
        byte[] akStar = f.f5Star(rand);
        byte[] sqn = new byte[6];
        for (int i = 0; i < 6; i++) {
            sqn[i] = (byte) (auts[i] ^ akStar[i]);
        }
        byte[] expected = f.f1Star(rand, sqn, AMF_STAR);
        byte[] received = java.util.Arrays.copyOfRange(auts, 6, auts.length);
        if (!MessageDigest.isEqual(expected, received)) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(SqnPolicy.fromBytes(sqn));
    }
}
