package org.openmcim.aka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class XorTestAlgorithmTest {

    static Stream<Arguments> vectors() {
        return VectorFile.arguments("vectors/xor-ts34108.txt");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void everyFunction(VectorFile.Vector v) {
        XorTestAlgorithm x = new XorTestAlgorithm(v.hex("K"));
        byte[] rand = v.hex("RAND"), sqn = v.hex("SQN"), amf = v.hex("AMF");
        assertArrayEquals(v.hex("f1"), x.f1(rand, sqn, amf));
        assertArrayEquals(v.hex("f1*"), x.f1Star(rand, sqn, amf));
        AkaOutputs o = x.f2345(rand);
        assertArrayEquals(v.hex("f2"), o.res());
        assertArrayEquals(v.hex("f3"), o.ck());
        assertArrayEquals(v.hex("f4"), o.ik());
        assertArrayEquals(v.hex("f5"), o.ak());
        assertArrayEquals(v.hex("f5*"), x.f5Star(rand));
        // The default quintet assembly over the same functions.
        UmtsVector q = x.quintet(rand, sqn, amf);
        assertArrayEquals(v.hex("f1"), q.macA());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shortResIsAPrefix(VectorFile.Vector v) {
        byte[] res = new XorTestAlgorithm(v.hex("K"), 8).f2345(v.hex("RAND")).res();
        assertArrayEquals(Arrays.copyOf(v.hex("f2"), 8), res);
    }

    @Test
    void resLengthBounds() {
        assertThrows(IllegalArgumentException.class, () -> new XorTestAlgorithm(new byte[16], 3));
        assertThrows(IllegalArgumentException.class, () -> new XorTestAlgorithm(new byte[16], 17));
    }
}
