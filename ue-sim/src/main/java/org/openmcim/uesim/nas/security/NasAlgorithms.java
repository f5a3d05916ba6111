package org.openmcim.uesim.nas.security;

import java.security.GeneralSecurityException;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * The EPS NAS algorithms of TS 33.401 Annex B with bit-exact lengths, on the JDK's AES only:
 * 128-EEA2 (AES-CTR, B.1.3), 128-EIA2 (AES-CMAC, B.2.3), and the null algorithms EEA0/EIA0.
 * CMAC (NIST SP 800-38B) is written here over AES-ECB rather than taken from Bouncy Castle
 * because Annex C's test messages have lengths that are not whole octets (58, 254, 511 bits),
 * which SP 800-38B allows and octet-oriented MAC APIs do not.
 *
 * <p>Two forms. The static {@link #mac} and {@link #cipher} take the key on every call and are
 * stateless. {@link Integrity} and {@link Ciphering} hold one key for the life of a NAS security
 * context: the AES key schedule and the CMAC subkeys are computed once, not per message (a
 * {@code Cipher.getInstance} and key expansion per message were over 40 % of the simulator
 * threads' profile samples in the attach benchmark, docs/benchmarks.md); those are owned by one
 * context and not thread-safe.
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
        return Integrity.of(eia, key).mac(count, bearer, direction, message, 0, lengthBits);
    }

    /**
     * TS 33.401 B.1.3: 128-EEA2 is AES-128 in CTR mode with the initial counter block
     * T1 = COUNT || BEARER || DIRECTION || 0^26 || 0^64; bits after {@code lengthBits} in the last
     * octet come out zero. EEA0 (B.1.1) returns the input. Encryption and decryption are one operation.
     */
    public static byte[] cipher(int eea, byte[] key, long count, int bearer, int direction, byte[] data, long lengthBits) {
        return Ciphering.of(eea, key).apply(count, bearer, direction, data, 0, lengthBits);
    }

    /** One EIA algorithm under one key (K_NASint): AES key schedule and CMAC subkeys computed at construction. */
    public static final class Integrity {
        private final int eia;
        private final Aes aes;
        private final byte[] k1;
        private final byte[] k2;

        private Integrity(int eia, byte[] key) {
            checkKey(key);
            this.eia = eia;
            if (eia == EIA0) {
                aes = null;
                k1 = k2 = null;
            } else if (eia == EIA2) {
                aes = new Aes(key);
                // SP 800-38B §6.1 subkeys: L = CIPH_K(0^128); K1 = L<<1 (^R128), K2 = K1<<1 (^R128).
                byte[] l = new byte[16];
                aes.encryptBlock(new byte[16], 0, l);
                k1 = dbl(l);
                k2 = dbl(k1);
            } else {
                throw new IllegalArgumentException("EIA" + eia + " not implemented (EIA0 and 128-EIA2 are)");
            }
        }

        public static Integrity of(int eia, byte[] key) {
            return new Integrity(eia, key);
        }

        /** {@link NasAlgorithms#mac} over {@code lengthBits} bits of {@code message} from octet {@code offset}. */
        public byte[] mac(long count, int bearer, int direction, byte[] message, int offset, long lengthBits) {
            checkInputs(count, bearer, direction, message, offset, lengthBits);
            if (eia == EIA0) {
                return new byte[4];
            }
            int msgBytes = (int) ((lengthBits + 7) / 8);
            byte[] m = new byte[8 + msgBytes];
            putCount(m, count, bearer, direction);
            System.arraycopy(message, offset, m, 8, msgBytes);
            return Arrays.copyOf(cmac(m, 64 + lengthBits), 4);
        }

        /** NIST SP 800-38B AES-CMAC over the first {@code bits} bits of {@code m}; the 16-octet tag. */
        byte[] cmac(byte[] m, long bits) {
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
                aes.encryptBlock(block, 0, c);
            }
            xor(last, c);
            byte[] tag = new byte[16];
            aes.encryptBlock(last, 0, tag);
            return tag;
        }
    }

    /** One EEA algorithm under one key (K_NASenc): AES key schedule computed at construction. */
    public static final class Ciphering {
        private final int eea;
        private final Aes aes;

        private Ciphering(int eea, byte[] key) {
            checkKey(key);
            this.eea = eea;
            if (eea == EEA0) {
                aes = null;
            } else if (eea == EEA2) {
                aes = new Aes(key);
            } else {
                throw new IllegalArgumentException("EEA" + eea + " not implemented (EEA0 and 128-EEA2 are)");
            }
        }

        public static Ciphering of(int eea, byte[] key) {
            return new Ciphering(eea, key);
        }

        /** {@link NasAlgorithms#cipher} over {@code lengthBits} bits of {@code data} from octet {@code offset}. */
        public byte[] apply(long count, int bearer, int direction, byte[] data, int offset, long lengthBits) {
            checkInputs(count, bearer, direction, data, offset, lengthBits);
            int n = (int) ((lengthBits + 7) / 8);
            byte[] out = Arrays.copyOfRange(data, offset, offset + n);
            if (eea == EEA2) {
                // B.1.3: keystream blocks E_K(T_i), T_1 = COUNT || BEARER || DIRECTION || 0^26 || 0^64,
                // each next T the 64 least significant bits incremented (mod 2^64).
                int blocks = (n + 15) / 16;
                byte[] counters = new byte[16 * blocks];
                putCount(counters, count, bearer, direction);
                for (int b = 1; b < blocks; b++) {
                    System.arraycopy(counters, 16 * (b - 1), counters, 16 * b, 16);
                    for (int i = 16 * b + 15; i >= 16 * b + 8; i--) {
                        if (++counters[i] != 0) {
                            break;
                        }
                    }
                }
                byte[] keystream = new byte[counters.length];
                aes.encryptBlocks(counters, keystream);
                for (int i = 0; i < n; i++) {
                    out[i] ^= keystream[i];
                }
            }
            maskTail(out, lengthBits);
            return out;
        }
    }

    /** AES-128 block encryption with the key expanded once (the JDK's AES, AES-NI where present). */
    private static final class Aes {
        private final Cipher ecb;

        Aes(byte[] key) {
            try {
                ecb = Cipher.getInstance("AES/ECB/NoPadding");
                ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES/ECB unavailable in this JDK", e);
            }
        }

        void encryptBlock(byte[] in, int offset, byte[] out) {
            try {
                ecb.update(in, offset, 16, out, 0);
            } catch (ShortBufferException e) {
                throw new IllegalStateException(e);
            }
        }

        /** ECB over whole blocks; without padding the cipher keeps no state between calls. */
        void encryptBlocks(byte[] in, byte[] out) {
            try {
                ecb.update(in, 0, in.length, out, 0);
            } catch (ShortBufferException e) {
                throw new IllegalStateException(e);
            }
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

    private static void checkKey(byte[] key) {
        if (key.length != 16) {
            throw new IllegalArgumentException("key must be 128 bits");
        }
    }

    private static void checkInputs(long count, int bearer, int direction, byte[] data, int offset, long lengthBits) {
        if (count < 0 || count > 0xffff_ffffL) {
            throw new IllegalArgumentException("COUNT is 32 bits");
        }
        if (bearer < 0 || bearer > 31) {
            throw new IllegalArgumentException("BEARER is 5 bits");
        }
        if (direction != 0 && direction != 1) {
            throw new IllegalArgumentException("DIRECTION is one bit");
        }
        if (offset < 0 || offset > data.length || lengthBits < 0 || (lengthBits + 7) / 8 > data.length - offset) {
            throw new IllegalArgumentException(lengthBits + " bits do not fit in " + (data.length - offset) + " octets");
        }
    }
}
