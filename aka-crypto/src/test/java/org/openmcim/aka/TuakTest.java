package org.openmcim.aka;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** TUAK against the TS 35.233 test sets, plus the length checks of TS 35.231. */
class TuakTest {
    private static final String VECTORS = "vectors/tuak-ts35233.txt";

    static Stream<Arguments> ts35233() {
        return VectorFile.arguments(VECTORS);
    }

    /** The output lengths a test set exercises are the lengths of its expected values. */
    private static Tuak.Builder configured(VectorFile.Vector v) {
        return Tuak.builder()
                .key(v.hex("K"))
                .macBits(v.hex("f1").length * 8)
                .resBits(v.hex("f2").length * 8)
                .ckBits(v.hex("f3").length * 8)
                .ikBits(v.hex("f4").length * 8)
                .keccakIterations(Integer.parseInt(v.get("KeccakIterations")));
    }

    private static void assertAllOutputs(VectorFile.Vector v, Tuak tuak) {
        byte[] rand = v.hex("RAND");
        byte[] sqn = v.hex("SQN");
        byte[] amf = v.hex("AMF");
        AkaOutputs out = tuak.f2345(rand);
        assertAll(v.name(),
                () -> assertEquals(hex(v, "f1"), Hex.encode(tuak.f1(rand, sqn, amf)), "f1 (MAC-A)"),
                () -> assertEquals(hex(v, "f1*"), Hex.encode(tuak.f1Star(rand, sqn, amf)), "f1* (MAC-S)"),
                () -> assertEquals(hex(v, "f2"), Hex.encode(out.res()), "f2 (RES)"),
                () -> assertEquals(hex(v, "f3"), Hex.encode(out.ck()), "f3 (CK)"),
                () -> assertEquals(hex(v, "f4"), Hex.encode(out.ik()), "f4 (IK)"),
                () -> assertEquals(hex(v, "f5"), Hex.encode(out.ak()), "f5 (AK)"),
                () -> assertEquals(hex(v, "f5*"), Hex.encode(tuak.f5Star(rand)), "f5* (AK for resync)"));
    }

    /** Expected value of {@code field}, normalised to the form Hex.encode produces. */
    private static String hex(VectorFile.Vector v, String field) {
        return Hex.encode(v.hex(field));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ts35233")
    void topcFromTop(VectorFile.Vector v) {
        int iterations = Integer.parseInt(v.get("KeccakIterations"));
        assertEquals(hex(v, "TOPc"), Hex.encode(Tuak.deriveTopc(v.hex("TOP"), v.hex("K"), iterations)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ts35233")
    void allOutputsGivenTop(VectorFile.Vector v) {
        assertAllOutputs(v, configured(v).top(v.hex("TOP")).build());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ts35233")
    void allOutputsGivenTopc(VectorFile.Vector v) {
        assertAllOutputs(v, configured(v).topc(v.hex("TOPc")).build());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ts35233")
    void repeatedCallsAgree(VectorFile.Vector v) {
        // The template state must not be disturbed by a call.
        Tuak tuak = configured(v).topc(v.hex("TOPc")).build();
        byte[] first = tuak.f1(v.hex("RAND"), v.hex("SQN"), v.hex("AMF"));
        tuak.f2345(v.hex("RAND"));
        tuak.f5Star(v.hex("RAND"));
        assertEquals(Hex.encode(first), Hex.encode(tuak.f1(v.hex("RAND"), v.hex("SQN"), v.hex("AMF"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ts35233")
    void toStringShowsNoKeyMaterial(VectorFile.Vector v) {
        Tuak.Builder builder = configured(v).top(v.hex("TOP"));
        Tuak tuak = builder.build();
        for (String text : new String[] {tuak.toString(), builder.toString()}) {
            String flat = text.toLowerCase(java.util.Locale.ROOT);
            for (String secret : new String[] {"K", "TOP", "TOPc"}) {
                String h = hex(v, secret);
                assertFalse(flat.contains(h.substring(0, 8)), () -> text + " shows part of " + secret);
            }
        }
        assertTrue(tuak.toString().contains("KeccakIterations=" + v.get("KeccakIterations")));
    }

    @Test
    void algorithmIsTuak() {
        assertEquals(AuthenticationFunctions.Algorithm.TUAK, minimal().algorithm());
    }

    @Test
    void defaultsAreTheTs33102Lengths() {
        Tuak t = minimal();
        assertEquals(128, t.keyBits());
        assertEquals(64, t.macBits());
        assertEquals(64, t.resBits());
        assertEquals(128, t.ckBits());
        assertEquals(128, t.ikBits());
        assertEquals(1, t.keccakIterations());
        assertEquals(8, t.f1(new byte[16], new byte[6], new byte[2]).length);
        AkaOutputs out = t.f2345(new byte[16]);
        assertEquals(8, out.res().length);
        assertEquals(16, out.ck().length);
        assertEquals(16, out.ik().length);
        assertEquals(6, out.ak().length);
    }

    @Test
    void inputsAreCopied() {
        byte[] k = new byte[16];
        byte[] topc = new byte[32];
        Tuak t = Tuak.builder().key(k).topc(topc).build();
        byte[] before = t.f5Star(new byte[16]);
        k[0] = 1;
        topc[0] = 1;
        assertEquals(Hex.encode(before), Hex.encode(t.f5Star(new byte[16])));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 8, 15, 17, 24, 31, 33, 64})
    void rejectsKeyLength(int bytes) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tuak.builder().key(new byte[bytes]));
        assertEquals("K must be 128 or 256 bits (16 or 32 bytes), got " + bytes + " bytes", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tuak.deriveTopc(new byte[32], new byte[bytes]));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 16, 31, 33})
    void rejectsTopLength(int bytes) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tuak.builder().top(new byte[bytes]));
        assertEquals("TOP must be 256 bits (32 bytes), got " + bytes + " bytes", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tuak.builder().topc(new byte[bytes]));
        assertThrows(IllegalArgumentException.class, () -> Tuak.deriveTopc(new byte[bytes], new byte[16]));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 32, 96, 192, 512, -64})
    void rejectsMacLength(int bits) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tuak.builder().macBits(bits));
        assertEquals("MAC length must be 64, 128 or 256 bits, got " + bits, e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 16, 48, 96, 512})
    void rejectsResLength(int bits) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tuak.builder().resBits(bits));
        assertEquals("RES length must be 32, 64, 128 or 256 bits, got " + bits, e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 64, 192, 512})
    void rejectsCkAndIkLength(int bits) {
        assertEquals("CK length must be 128 or 256 bits, got " + bits,
                assertThrows(IllegalArgumentException.class, () -> Tuak.builder().ckBits(bits)).getMessage());
        assertEquals("IK length must be 128 or 256 bits, got " + bits,
                assertThrows(IllegalArgumentException.class, () -> Tuak.builder().ikBits(bits)).getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    void rejectsKeccakIterations(int n) {
        assertEquals("KeccakIterations must be at least 1, got " + n,
                assertThrows(IllegalArgumentException.class, () -> Tuak.builder().keccakIterations(n)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tuak.deriveTopc(new byte[32], new byte[16], n));
    }

    @Test
    void buildNeedsKeyAndExactlyOneOfTopAndTopc() {
        assertThrows(IllegalStateException.class, () -> Tuak.builder().top(new byte[32]).build());
        assertThrows(IllegalStateException.class, () -> Tuak.builder().key(new byte[16]).build());
        assertThrows(IllegalStateException.class,
                () -> Tuak.builder().key(new byte[16]).top(new byte[32]).topc(new byte[32]).build());
    }

    @Test
    void rejectsBadCallInputs() {
        Tuak t = minimal();
        assertEquals("RAND must be 128 bits (16 bytes), got 15 bytes",
                assertThrows(IllegalArgumentException.class, () -> t.f1(new byte[15], new byte[6], new byte[2])).getMessage());
        assertEquals("SQN must be 48 bits (6 bytes), got 5 bytes",
                assertThrows(IllegalArgumentException.class, () -> t.f1Star(new byte[16], new byte[5], new byte[2])).getMessage());
        assertEquals("AMF must be 16 bits (2 bytes), got 3 bytes",
                assertThrows(IllegalArgumentException.class, () -> t.f1(new byte[16], new byte[6], new byte[3])).getMessage());
        assertThrows(IllegalArgumentException.class, () -> t.f2345(new byte[17]));
        assertThrows(IllegalArgumentException.class, () -> t.f5Star(new byte[0]));
        assertThrows(NullPointerException.class, () -> t.f2345(null));
        assertThrows(NullPointerException.class, () -> Tuak.builder().key(null));
    }

    private static Tuak minimal() {
        return Tuak.builder().key(new byte[16]).topc(new byte[32]).build();
    }
}
