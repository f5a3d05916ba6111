package org.openmcim.aka.aes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openmcim.aka.VectorFile;

class BitslicedAes128Test {

    static Stream<Arguments> fips197() {
        return VectorFile.arguments("vectors/aes128-fips197.txt");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fips197")
    void knownAnswer(VectorFile.Vector v) {
        BitslicedAes128 aes = new BitslicedAes128().setKey(v.hex("key"));
        byte[] out = new byte[16];
        aes.encrypt(v.hex("plaintext"), 0, out, 0);
        assertArrayEquals(v.hex("ciphertext"), out);
    }

    /**
     * The S-box circuit against the S-box computed from its definition (FIPS 197 §5.1.1: inverse in
     * GF(2^8) modulo x^8+x^4+x^3+x+1, then the affine map with constant 0x63), for all 256 inputs.
     */
    @Test
    void sboxCircuitMatchesDefinitionForEveryByte() {
        long[] q = new long[8];
        for (int x = 0; x < 256; x++) {
            for (int b = 0; b < 8; b++) {
                // Put x in lane 0 and its complement in lane 63 to catch lane cross-talk.
                q[b] = ((x >>> b) & 1L) | ((((~x) >>> b) & 1L) << 63);
            }
            BitslicedAes128.subBytes(q);
            int y = 0;
            int yc = 0;
            for (int b = 0; b < 8; b++) {
                y |= (int) (q[b] & 1) << b;
                yc |= (int) ((q[b] >>> 63) & 1) << b;
            }
            assertEquals(sboxByDefinition(x), y, "S(" + x + ")");
            assertEquals(sboxByDefinition(~x & 0xff), yc, "S(~" + x + ")");
        }
    }

    /** Four lanes, random keys and blocks, against the JDK's AES (an independent implementation). */
    @Test
    void agreesWithJceOnRandomKeysAndBlocks() throws GeneralSecurityException {
        SplittableRandom rnd = new SplittableRandom(0x33_812L);
        Cipher jce = Cipher.getInstance("AES/ECB/NoPadding");
        for (int i = 0; i < 2000; i++) {
            byte[] key = bytes(rnd, 16);
            byte[] in = bytes(rnd, 64);
            jce.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
            byte[] expected = jce.doFinal(in);
            byte[] out = new byte[64 + 3];
            // Unusual offsets and lane order prove the lanes are independent.
            new BitslicedAes128().setKey(key).encrypt4(in, 48, in, 0, in, 32, in, 16, out, 51, out, 3, out, 35, out, 19);
            assertArrayEquals(Arrays.copyOfRange(expected, 0, 64), Arrays.copyOfRange(out, 3, 67), "iteration " + i);
        }
    }

    /** Four different keys, one per lane, against JCE. */
    @Test
    void perLaneKeysAgreeWithJce() throws GeneralSecurityException {
        SplittableRandom rnd = new SplittableRandom(0x4c414e45L);
        Cipher jce = Cipher.getInstance("AES/ECB/NoPadding");
        for (int i = 0; i < 500; i++) {
            byte[][] keys = {bytes(rnd, 16), bytes(rnd, 16), bytes(rnd, 16), bytes(rnd, 16)};
            byte[] in = bytes(rnd, 64);
            byte[] out = new byte[64];
            new BitslicedAes128().setKeys(keys[0], keys[1], keys[2], keys[3])
                    .encrypt4(in, 0, in, 16, in, 32, in, 48, out, 0, out, 16, out, 32, out, 48);
            for (int lane = 0; lane < 4; lane++) {
                jce.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keys[lane], "AES"));
                assertArrayEquals(jce.doFinal(in, 16 * lane, 16), Arrays.copyOfRange(out, 16 * lane, 16 * lane + 16),
                        "iteration " + i + " lane " + lane);
            }
        }
    }

    @Test
    void encryptInPlaceIsAllowed() throws GeneralSecurityException {
        byte[] key = bytes(new SplittableRandom(1), 16);
        byte[] block = bytes(new SplittableRandom(2), 16);
        Cipher jce = Cipher.getInstance("AES/ECB/NoPadding");
        jce.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
        byte[] expected = jce.doFinal(block);
        new BitslicedAes128().setKey(key).encrypt(block, 0, block, 0);
        assertArrayEquals(expected, block);
    }

    @Test
    void rejectsWrongKeyLength() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BitslicedAes128().setKey(new byte[24]));
        assertEquals("AES-128 key must be 16 bytes, got 24", e.getMessage());
    }

    private static byte[] bytes(SplittableRandom rnd, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) rnd.nextInt(256);
        }
        return b;
    }

    private static int sboxByDefinition(int x) {
        int inv = 0;
        if (x != 0) {
            for (int c = 1; c < 256; c++) {
                if (gfMul(x, c) == 1) {
                    inv = c;
                    break;
                }
            }
        }
        int s = inv;
        for (int r = 1; r <= 4; r++) {
            s ^= ((inv << r) | (inv >>> (8 - r))) & 0xff;
        }
        return s ^ 0x63;
    }

    private static int gfMul(int a, int b) {
        int p = 0;
        for (int i = 0; i < 8; i++) {
            if ((b & 1) != 0) {
                p ^= a;
            }
            boolean hi = (a & 0x80) != 0;
            a = (a << 1) & 0xff;
            if (hi) {
                a ^= 0x1b;
            }
            b >>= 1;
        }
        return p;
    }
}
