package org.openmcim.aka;

import java.util.Arrays;

/**
 * An authentication quintet (TS 33.102 §6.3.2): RAND, XRES, CK, IK and AUTN, where
 * AUTN = SQN ⊕ AK ‖ AMF ‖ MAC-A. E-UTRAN and EAP vectors are derived from it.
 */
public record UmtsVector(byte[] rand, byte[] xres, byte[] ck, byte[] ik, byte[] autn) {

    /** Assembles AUTN from its parts (TS 33.102 §6.3.2). */
    public static byte[] autn(byte[] sqn, byte[] ak, byte[] amf, byte[] macA) {
        byte[] autn = new byte[6 + 2 + macA.length];
        for (int i = 0; i < 6; i++) {
            autn[i] = (byte) (sqn[i] ^ ak[i]);
        }
        autn[6] = amf[0];
        autn[7] = amf[1];
        System.arraycopy(macA, 0, autn, 8, macA.length);
        return autn;
    }

    /** SQN ⊕ AK, the first six octets of AUTN: the KASME and CK'/IK' derivations take it as input. */
    public byte[] sqnXorAk() {
        return Arrays.copyOf(autn, 6);
    }

    /** AMF as carried in AUTN. */
    public byte[] amf() {
        return Arrays.copyOfRange(autn, 6, 8);
    }

    /** MAC-A as carried in AUTN. */
    public byte[] macA() {
        return Arrays.copyOfRange(autn, 8, autn.length);
    }

    @Override
    public String toString() {
        // RAND and AUTN are public on the air interface; XRES, CK and IK are not.
        return "UmtsVector[rand=" + Hex.encode(rand) + ", autn=" + Hex.encode(autn) + "]";
    }
}
