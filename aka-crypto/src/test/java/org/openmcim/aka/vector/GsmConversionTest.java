package org.openmcim.aka.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openmcim.aka.VectorFile;

/** c2/c3 against the TS 55.205 SRES/Kc values recorded beside the TS 35.208 sets. */
class GsmConversionTest {

    static Stream<Arguments> withGsmOutputs() {
        return VectorFile.load("vectors/milenage-ts35208.txt").stream().filter(v -> v.has("SRES")).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("withGsmOutputs")
    void triplet(VectorFile.Vector v) {
        assertArrayEquals(v.hex("SRES"), GsmConversion.c2(v.hex("f2")));
        assertArrayEquals(v.hex("Kc"), GsmConversion.c3(v.hex("f3"), v.hex("f4")));
    }

    @Test
    void lengths() {
        assertThrows(IllegalArgumentException.class, () -> GsmConversion.c2(new byte[3]));
        assertThrows(IllegalArgumentException.class, () -> GsmConversion.c3(new byte[16], new byte[8]));
    }
}
