package org.openmcim.uesim.nas.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openmcim.aka.VectorFile;
import org.openmcim.aka.VectorFile.Vector;

/** TS 33.401 Annex C.1 (128-EEA2) and C.2 (128-EIA2), every published test set, from data files. */
class NasAlgorithmsTest {

    static Stream<Arguments> eia2() {
        return Stream.concat(VectorFile.arguments("vectors/eia2-ts33401-c2.txt"),
                VectorFile.arguments("vectors/eia2-ts33401-c2-8.txt"));
    }

    static Stream<Arguments> eea2() {
        return Stream.concat(VectorFile.arguments("vectors/eea2-ts33401-c1.txt"),
                VectorFile.arguments("vectors/eea2-ts33401-c1-6.txt"));
    }

    private static long count(Vector v) {
        return Long.parseLong(v.get("count"), 16);
    }

    private static int bearer(Vector v) {
        return Integer.parseInt(v.get("bearer"), 16);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eia2")
    void eia2MatchesAnnexC2(Vector v) {
        byte[] mac = NasAlgorithms.mac(NasAlgorithms.EIA2, v.hex("ik"), count(v), bearer(v),
                Integer.parseInt(v.get("direction")), v.hex("message"), Long.parseLong(v.get("length")));
        assertArrayEquals(v.hex("mac"), mac);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eia2")
    void eia2DetectsAFlippedMessageBit(Vector v) {
        byte[] message = v.hex("message");
        message[0] ^= (byte) 0x80;
        byte[] mac = NasAlgorithms.mac(NasAlgorithms.EIA2, v.hex("ik"), count(v), bearer(v),
                Integer.parseInt(v.get("direction")), message, Long.parseLong(v.get("length")));
        assertFalse(Arrays.equals(v.hex("mac"), mac));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eea2")
    void eea2EncryptsAsAnnexC1(Vector v) {
        byte[] out = NasAlgorithms.cipher(NasAlgorithms.EEA2, v.hex("key"), count(v), bearer(v),
                Integer.parseInt(v.get("direction")), v.hex("plaintext"), Long.parseLong(v.get("length")));
        assertArrayEquals(v.hex("ciphertext"), out);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eea2")
    void eea2DecryptsAsAnnexC1(Vector v) {
        byte[] out = NasAlgorithms.cipher(NasAlgorithms.EEA2, v.hex("key"), count(v), bearer(v),
                Integer.parseInt(v.get("direction")), v.hex("ciphertext"), Long.parseLong(v.get("length")));
        assertArrayEquals(v.hex("plaintext"), out);
    }

    /**
     * A context keeps one keyed instance for every message: calls must not leak state into each
     * other (CBC chaining of CMAC, counter blocks of CTR), and a message may start at an offset.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("eia2")
    void eia2KeyedInstanceIsReusableAndTakesAnOffset(Vector v) {
        NasAlgorithms.Integrity eia2 = NasAlgorithms.Integrity.of(NasAlgorithms.EIA2, v.hex("ik"));
        byte[] message = v.hex("message");
        byte[] shifted = new byte[3 + message.length];
        System.arraycopy(message, 0, shifted, 3, message.length);
        int direction = Integer.parseInt(v.get("direction"));
        long bits = Long.parseLong(v.get("length"));
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(v.hex("mac"), eia2.mac(count(v), bearer(v), direction, message, 0, bits), "call " + i);
            assertArrayEquals(v.hex("mac"), eia2.mac(count(v), bearer(v), direction, shifted, 3, bits), "offset, call " + i);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eea2")
    void eea2KeyedInstanceIsReusableAndTakesAnOffset(Vector v) {
        NasAlgorithms.Ciphering eea2 = NasAlgorithms.Ciphering.of(NasAlgorithms.EEA2, v.hex("key"));
        byte[] plain = v.hex("plaintext");
        byte[] shifted = new byte[6 + plain.length];
        System.arraycopy(plain, 0, shifted, 6, plain.length);
        int direction = Integer.parseInt(v.get("direction"));
        long bits = Long.parseLong(v.get("length"));
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(v.hex("ciphertext"), eea2.apply(count(v), bearer(v), direction, plain, 0, bits), "call " + i);
            assertArrayEquals(v.hex("ciphertext"), eea2.apply(count(v), bearer(v), direction, shifted, 6, bits), "offset, call " + i);
        }
    }

    @Test
    void nullAlgorithmsPassThroughAndMacIsZero() {
        byte[] key = new byte[16];
        byte[] data = {1, 2, 3};
        assertArrayEquals(data, NasAlgorithms.cipher(NasAlgorithms.EEA0, key, 5, 0, 1, data, 24));
        assertArrayEquals(new byte[4], NasAlgorithms.mac(NasAlgorithms.EIA0, key, 5, 0, 1, data, 24));
    }

    @Test
    void nasCountWrapsSequenceIntoOverflow() {
        NasCount c = new NasCount(3, 0xff);
        assertEquals(new NasCount(4, 0), c.next());
        assertEquals(0x400, c.next().value());
        assertEquals(new NasCount(4, 2), c.estimate(2), "a smaller sequence number means the overflow moved on");
        assertEquals(new NasCount(3, 0xff), new NasCount(3, 0x10).estimate(0xff));
    }
}
