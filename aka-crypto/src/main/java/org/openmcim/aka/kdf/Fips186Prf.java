package org.openmcim.aka.kdf;

import org.openmcim.aka.Lengths;

import java.util.Arrays;
import java.util.Objects;

/**
 * The pseudo-random function of FIPS 186-2 change notice 1 (Appendix 3.1, "algorithm for
 * computing m values of x", with the change-notice modification), as EAP-SIM and EAP-AKA use it:
 * RFC 4186 Appendix B and RFC 4187 §7 run it with b = 160, XKEY = MK and XSEED_j = 0.
 *
 * <pre>
 *   for j = 0 .. m-1:
 *     for i = 0, 1:
 *       w_i  = G(t, XKEY)                    -- XVAL = XKEY + 0
 *       XKEY = (1 + XKEY + w_i) mod 2^160
 *     x_j = w_0 || w_1                       -- 40 octets per round
 * </pre>
 *
 * G(t, c) is the SHA-1 compression function (FIPS 186-2 Appendix 3.3): the 160-bit input is
 * zero-padded to one 512-bit block (no SHA-1 length padding) and compressed once from the SHA-1
 * initial value t. That raw compression is not reachable through {@code MessageDigest}, hence the
 * small SHA-1 round function here. Stateless and thread-safe.
 */
public final class Fips186Prf {
    /** b = 160 bits. */
    public static final int XKEY_BYTES = 20;

    private static final int[] T = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};

    private Fips186Prf() {
    }

    /**
     * Produces {@code length} octets from the 20-octet {@code xkey} (the input is not modified).
     * The output is the concatenation x_0 || x_1 || ... cut to {@code length}.
     */
    public static byte[] generate(byte[] xkey, int length) {
        Lengths.require("XKEY", xkey, XKEY_BYTES);
        if (length < 0) {
            throw new IllegalArgumentException("length must not be negative, got " + length);
        }
        byte[] key = xkey.clone();
        byte[] w = new byte[XKEY_BYTES];
        int[] schedule = new int[80];
        byte[] out = new byte[length];
        int produced = 0;
        while (produced < length) {
            // One w_i per pass; x_j = w_0 || w_1 simply continues the stream.
            g(key, w, schedule);
            addOnePlus(key, w);
            int n = Math.min(XKEY_BYTES, length - produced);
            System.arraycopy(w, 0, out, produced, n);
            produced += n;
        }
        Arrays.fill(key, (byte) 0);
        Arrays.fill(w, (byte) 0);
        Arrays.fill(schedule, 0);
        return out;
    }

    /** FIPS 186-2 Appendix 3.3: w = G(t, c) for a 160-bit c. */
    private static void g(byte[] c, byte[] w, int[] schedule) {
        // c || 0^352 as sixteen big-endian words; words 5..15 are zero.
        for (int i = 0; i < 5; i++) {
            schedule[i] = ((c[4 * i] & 0xff) << 24) | ((c[4 * i + 1] & 0xff) << 16)
                    | ((c[4 * i + 2] & 0xff) << 8) | (c[4 * i + 3] & 0xff);
        }
        Arrays.fill(schedule, 5, 16, 0);
        for (int i = 16; i < 80; i++) {
            schedule[i] = Integer.rotateLeft(
                    schedule[i - 3] ^ schedule[i - 8] ^ schedule[i - 14] ^ schedule[i - 16], 1);
        }
        int a = T[0];
        int b = T[1];
        int cc = T[2];
        int d = T[3];
        int e = T[4];
        for (int i = 0; i < 80; i++) {
            int f;
            int k;
            if (i < 20) {
                f = (b & cc) | (~b & d);
                k = 0x5A827999;
            } else if (i < 40) {
                f = b ^ cc ^ d;
                k = 0x6ED9EBA1;
            } else if (i < 60) {
                f = (b & cc) | (b & d) | (cc & d);
                k = 0x8F1BBCDC;
            } else {
                f = b ^ cc ^ d;
                k = 0xCA62C1D6;
            }
            int temp = Integer.rotateLeft(a, 5) + f + e + k + schedule[i];
            e = d;
            d = cc;
            cc = Integer.rotateLeft(b, 30);
            b = a;
            a = temp;
        }
        putInt(w, 0, T[0] + a);
        putInt(w, 4, T[1] + b);
        putInt(w, 8, T[2] + cc);
        putInt(w, 12, T[3] + d);
        putInt(w, 16, T[4] + e);
    }

    /** xkey = (1 + xkey + w) mod 2^160, big-endian. */
    private static void addOnePlus(byte[] xkey, byte[] w) {
        int carry = 1;
        for (int i = XKEY_BYTES - 1; i >= 0; i--) {
            int sum = (xkey[i] & 0xff) + (w[i] & 0xff) + carry;
            xkey[i] = (byte) sum;
            carry = sum >>> 8;
        }
    }

    private static void putInt(byte[] out, int offset, int v) {
        out[offset] = (byte) (v >>> 24);
        out[offset + 1] = (byte) (v >>> 16);
        out[offset + 2] = (byte) (v >>> 8);
        out[offset + 3] = (byte) v;
    }
}
