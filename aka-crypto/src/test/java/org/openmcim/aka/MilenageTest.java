package org.openmcim.aka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MilenageTest {

    static Stream<Arguments> ts35208() {
        return VectorFile.arguments("vectors/milenage-ts35208.txt");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ts35208")
    void opcFromOp(VectorFile.Vector v) {
        assertArrayEquals(v.hex("OPc"), Milenage.opc(v.hex("K"), v.hex("OP")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ts35208")
    void everyFunction(VectorFile.Vector v) {
        Milenage m = Milenage.withOpc(v.hex("K"), v.hex("OPc"));
        byte[] rand = v.hex("RAND"), sqn = v.hex("SQN"), amf = v.hex("AMF");
        assertArrayEquals(v.hex("f1"), m.f1(rand, sqn, amf), "f1");
        assertArrayEquals(v.hex("f1*"), m.f1Star(rand, sqn, amf), "f1*");
        AkaOutputs o = m.f2345(rand);
        assertArrayEquals(v.hex("f2"), o.res(), "f2");
        assertArrayEquals(v.hex("f3"), o.ck(), "f3");
        assertArrayEquals(v.hex("f4"), o.ik(), "f4");
        assertArrayEquals(v.hex("f5"), o.ak(), "f5");
        assertArrayEquals(v.hex("f5*"), m.f5Star(rand), "f5*");
    }

    /** The two-call fast path must agree with the function-by-function definition. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("ts35208")
    void quintetFastPathMatchesFunctions(VectorFile.Vector v) {
        Milenage m = Milenage.withOp(v.hex("K"), v.hex("OP"));
        byte[] rand = v.hex("RAND"), sqn = v.hex("SQN"), amf = v.hex("AMF");
        UmtsVector q = m.quintet(rand, sqn, amf);
        assertArrayEquals(v.hex("f2"), q.xres());
        assertArrayEquals(v.hex("f3"), q.ck());
        assertArrayEquals(v.hex("f4"), q.ik());
        assertArrayEquals(v.hex("f1"), q.macA());
        assertArrayEquals(amf, q.amf());
        byte[] ak = v.hex("f5");
        byte[] sqnXorAk = q.sqnXorAk();
        for (int i = 0; i < 6; i++) {
            assertEquals((byte) (sqn[i] ^ ak[i]), sqnXorAk[i]);
        }
    }

    @Test
    void rejectsWrongLengthsWithTheFieldName() {
        byte[] k = new byte[16];
        assertEquals("K must be 16 bytes, got 15",
                assertThrows(IllegalArgumentException.class, () -> Milenage.withOpc(new byte[15], k)).getMessage());
        Milenage m = Milenage.withOpc(k, k);
        assertEquals("RAND must be 16 bytes, got 8",
                assertThrows(IllegalArgumentException.class, () -> m.f2345(new byte[8])).getMessage());
        assertEquals("SQN must be 6 bytes, got 5",
                assertThrows(IllegalArgumentException.class, () -> m.f1(new byte[16], new byte[5], new byte[2])).getMessage());
    }

    @Test
    void neverPrintsKeyMaterial() {
        assertEquals("Milenage", Milenage.withOpc(new byte[16], new byte[16]).toString());
    }
}
