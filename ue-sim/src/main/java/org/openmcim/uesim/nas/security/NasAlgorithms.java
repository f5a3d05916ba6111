package org.openmcim.uesim.nas.security;

import java.security.GeneralSecurityException;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The EPS NAS algorithms of TS 33.401 Annex B with bit-exact lengths, on the JDK's AES only:
 * 128-EEA2 (AES-CTR, B.1.3), 128-EIA2 (AES-CMAC, B.2.3), and the null algorithms EEA0/EIA0.
 * CMAC (NIST SP 800-38B) is written here over AES-ECB rather than taken from Bouncy Castle
 * because Annex C's test messages have lengths that are not whole octets (58, 254, 511 bits),
 * which SP 800-38B allows and octet-oriented MAC APIs do not.
 *
 * <p>Stateless: every call builds its own {@link Cipher}; safe from any thread.
 */
public final class NasAlgorithms {
    public static final int EEA0 = 0;
    public static final int EEA2 = 2;
    public static final int EIA0 = 0;
    public static final int EIA2 = 2;

    private NasAlgorithms() {
    }

    /**
     * TS 33.401 B.2.3: MAC-I = the 32 most significant bits of AES-CMAC(KEY, M) with
     * M = COUNT (32) || BEARER (5) || DIRECTION (1) || 0^26 || MESSAGE (lengthBits).
     * EIA0 (B.2.1 / TS 24.301 §4.4.4) gives 32 zero bits.
     */
    public static byte[] mac(int eia, byte[] key, long count, int bearer, int direction, byte[] message, long lengthBits) {
        checkInputs(key, count, bearer, direction, message, lengthBits);
        if (eia == EIA0) {
            return new byte[4];
        }
        if (eia != EIA2) {
            throw new IllegalArgumentException("EIA" + eia + " not implemented (EIA0 and 128-EIA2 are)");
        }
        int msgBytes = (int) ((lengthBits + 7) / 8);
        byte[] m = new byte[8 + msgBytes];
        putCount(m, count, bearer, direction);
        System.arraycopy(message, 0, m, 8, msgBytes);
        return Arrays.copyOf(cmac(key, m, 64 + lengthBits), 4);
    }

    /**
     * TS 33.401 B.1.3: 128-EEA2 is AES-128 in CTR mode with the initial counter block
     * T1 = COUNT || BEARER || DIRECTION || 0^26 || 0^64; bits after {@code lengthBits} in the last
     * octet come out zero. EEA0 (B.1.1) returns the input. Encryption and decryption are one operation.
     */
    public static byte[] cipher(int eea, byte[] key, long count, int bearer, int direction, byte[] data, long lengthBits) {
        checkInputs(key, count, bearer, direction, data, lengthBits);
        int n = (int) ((lengthBits + 7) / 8);
        byte[] out;
        if (eea == EEA0) {
            out = Arrays.copyOf(data, n);
        } else if (eea == EEA2) {
            byte[] iv = new byte[16];
            putCount(iv, count, bearer, direction);
            try {
                Cipher ctr = Cipher.getInstance("AES/CTR/NoPadding");
                ctr.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
                out = ctr.doFinal(data, 0, n);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES/CTR unavailable in this JDK", e);
            }
        } else {
            throw new IllegalArgumentException("EEA" + eea + " not implemented (EEA0 and 128-EEA2 are)");
        }
        maskTail(out, lengthBits);
        return out;
    }

    /** NIST SP 800-38B AES-CMAC over the first {@code bits} bits of {@code m}; returns the 16-octet tag. */
    static byte[] cmac(byte[] key, byte[] m, long bits) {
        try {
            Cipher aes = Cipher.getInstance("AES/ECB/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
            // SP 800-38B §6.1 subkeys: L = CIPH_K(0^128); K1 = L<<1 (^R128), K2 = K1<<1 (^R128).
            byte[] k1 = dbl(aes.doFinal(new byte[16]));
            byte[] k2 = dbl(k1);
            int blocks = (int) Math.max(1, (bits + 127) / 128);
            boolean complete = bits > 0 && bits % 128 == 0;
            byte[] last = new byte[16];
            long lastBits = bits - 128L * (blocks - 1);
            int lastStart = 16 * (blocks - 1);
            for (int i = 0; i < 16 && lastStart + i < m.length && 8L * i < lastBits; i++) {
                last[i] = m[lastStart + i];
            }
            if (complete) {
                xor(last, k1);
            } else {
                // §6.2 step 3: M_n* || 1 || 0^j, the remaining bits of the octet cleared first
                maskTail(last, lastBits);
                last[(int) (lastBits / 8)] |= (byte) (0x80 >>> (lastBits % 8));
                xor(last, k2);
            }
            byte[] c = new byte[16];
            byte[] block = new byte[16];
            for (int b = 0; b < blocks - 1; b++) {
                System.arraycopy(m, 16 * b, block, 0, 16);
                xor(block, c);
                c = aes.doFinal(block);
            }
            xor(last, c);
            return aes.doFinal(last);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/ECB unavailable in this JDK", e);
        }
    }

    private static byte[] dbl(byte[] in) {
        byte[] out = new byte[16];
        for (int i = 0; i < 16; i++) {
            out[i] = (byte) ((in[i] << 1) | (i < 15 ? (in[i + 1] & 0xff) >>> 7 : 0));
        }
        if ((in[0] & 0x80) != 0) {
            out[15] ^= (byte) 0x87; // R128 = 0^120 || 10000111
        }
        return out;
    }

    private static void xor(byte[] a, byte[] b) {
        for (int i = 0; i < 16; i++) {
            a[i] ^= b[i];
        }
    }

    /** Clears every bit at position ≥ {@code bits} (bit 0 = MSB of octet 0) within the array. */
    private static void maskTail(byte[] a, long bits) {
        for (int i = 0; i < a.length; i++) {
            long start = 8L * i;
            if (start >= bits) {
                a[i] = 0;
            } else if (start + 8 > bits) {
                a[i] &= (byte) (0xff << (8 - (bits - start)));
            }
        }
    }

    private static void putCount(byte[] out, long count, int bearer, int direction) {
        out[0] = (byte) (count >>> 24);
        out[1] = (byte) (count >>> 16);
        out[2] = (byte) (count >>> 8);
        out[3] = (byte) count;
        out[4] = (byte) ((bearer << 3) | (direction << 2));
    }

    private static void checkInputs(byte[] key, long count, int bearer, int direction, byte[] data, long lengthBits) {
        if (key.length != 16) {
            throw new IllegalArgumentException("key must be 128 bits");
        }
        if (count < 0 || count > 0xffff_ffffL) {
            throw new IllegalArgumentException("COUNT is 32 bits");
        }
        if (bearer < 0 || bearer > 31) {
            throw new IllegalArgumentException("BEARER is 5 bits");
        }
        if (direction != 0 && direction != 1) {
            throw new IllegalArgumentException("DIRECTION is one bit");
        }
        if (lengthBits < 0 || (lengthBits + 7) / 8 > data.length) {
            throw new IllegalArgumentException(lengthBits + " bits do not fit in " + data.length + " octets");
        }
    }
}
