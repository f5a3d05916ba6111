package org.openmcim.aka.vector;

/**
 * The conversion functions of TS 33.102 §6.8.1.2 that turn a UMTS quintet into a GSM triplet for
 * GERAN access (an S6a AIR may ask for GERAN vectors, TS 29.272 §7.3.11).
 */
public final class GsmConversion {
    private GsmConversion() {
    }

    /** c2: SRES = XRES*1 ⊕ XRES*2 ⊕ XRES*3 ⊕ XRES*4, the 32-bit words of XRES zero-padded to 128 bits. */
    public static byte[] c2(byte[] xres) {
        if (xres.length < 4 || xres.length > 16) {
            throw new IllegalArgumentException("XRES must be 4..16 bytes, got " + xres.length);
        }
        byte[] sres = new byte[4];
        for (int i = 0; i < xres.length; i++) {
            sres[i & 3] ^= xres[i];
        }
        return sres;
    }

    /** c3: Kc = CK1 ⊕ CK2 ⊕ IK1 ⊕ IK2, the 64-bit halves of CK and IK. */
    public static byte[] c3(byte[] ck, byte[] ik) {
        if (ck.length != 16 || ik.length != 16) {
            throw new IllegalArgumentException("CK and IK must be 16 bytes each");
        }
        byte[] kc = new byte[8];
        for (int i = 0; i < 8; i++) {
            kc[i] = (byte) (ck[i] ^ ck[i + 8] ^ ik[i] ^ ik[i + 8]);
        }
        return kc;
    }
}
