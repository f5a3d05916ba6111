package org.openmcim.aka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Keccak-f[1600] checked against an independent implementation: the JDK's SHA-3 (FIPS 202),
 * rebuilt here as a sponge around {@link Keccak#permute}. Messages span zero, one and several
 * rate-sized blocks so that every lane and several permutations are exercised.
 */
class KeccakTest {

    @ParameterizedTest(name = "{0}, {1}-byte message")
    @CsvSource({
        "SHA3-256, 0", "SHA3-256, 1", "SHA3-256, 135", "SHA3-256, 136", "SHA3-256, 137", "SHA3-256, 500",
        "SHA3-512, 0", "SHA3-512, 71", "SHA3-512, 72", "SHA3-512, 200", "SHA3-224, 144", "SHA3-384, 1000",
    })
    void sha3SpongeMatchesJdk(String algorithm, int length) throws NoSuchAlgorithmException {
        int outBytes = Integer.parseInt(algorithm.substring(5)) / 8;
        byte[] message = new byte[length];
        for (int i = 0; i < length; i++) {
            message[i] = (byte) (i * 151 + 7);
        }
        byte[] expected = MessageDigest.getInstance(algorithm).digest(message);
        assertArrayEquals(expected, sha3(message, outBytes));
    }

    @ParameterizedTest
    @CsvSource({"0", "24", "26"})
    void rejectsWrongStateSize(int lanes) {
        assertThrows(IllegalArgumentException.class, () -> Keccak.permute(new long[lanes]));
    }

    /** SHA3-(8*outBytes) per FIPS 202 §6.1: rate 200 - 2*outBytes bytes, domain bits 01 then pad10*1. */
    private static byte[] sha3(byte[] message, int outBytes) {
        int rate = 200 - 2 * outBytes;
        byte[] padded = new byte[(message.length / rate + 1) * rate];
        System.arraycopy(message, 0, padded, 0, message.length);
        padded[message.length] ^= 0x06;
        padded[padded.length - 1] ^= (byte) 0x80;
        long[] state = new long[25];
        for (int off = 0; off < padded.length; off += rate) {
            for (int i = 0; i < rate; i++) {
                state[i >>> 3] ^= (padded[off + i] & 0xffL) << ((i & 7) << 3);
            }
            Keccak.permute(state);
        }
        byte[] out = new byte[outBytes];
        for (int i = 0; i < outBytes; i++) {
            out[i] = (byte) (state[i >>> 3] >>> ((i & 7) << 3));
        }
        return out;
    }
}
