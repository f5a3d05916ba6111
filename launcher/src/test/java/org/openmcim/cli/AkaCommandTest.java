package org.openmcim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openmcim.aka.Hex;
import org.openmcim.aka.VectorFile;

import picocli.CommandLine;

/** {@code openmcim aka}, driven in-process as a lab engineer would type it. */
class AkaCommandTest {

    record Run(int exit, String out, String err) {
        Map<String, String> fields() {
            Map<String, String> m = new LinkedHashMap<>();
            for (String line : out.split("\n")) {
                int c = line.indexOf(':');
                if (c > 0) {
                    m.put(line.substring(0, c), line.substring(c + 1).strip());
                }
            }
            return m;
        }
    }

    static Run run(String... args) {
        CommandLine cl = OpenMcim.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static Stream<Arguments> ts35208() {
        return VectorFile.arguments("vectors/milenage-ts35208.txt");
    }

    static String h(VectorFile.Vector v, String field) {
        return Hex.encode(v.hex(field));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ts35208")
    void vectorPrintsTheSpecValues(VectorFile.Vector v) {
        Run r = run("aka", "vector", "--k", v.get("K"), "--op", v.get("OP"), "--sqn", v.get("SQN"), "--amf", v.get("AMF"),
                "--rand", v.get("RAND"));
        assertEquals(0, r.exit(), r.err());
        Map<String, String> f = r.fields();
        assertEquals(h(v, "RAND"), f.get("RAND"));
        assertEquals(h(v, "f2"), f.get("XRES"));
        assertEquals(h(v, "f3"), f.get("CK"));
        assertEquals(h(v, "f4"), f.get("IK"));
        assertEquals(h(v, "f5"), f.get("AK"));
        assertTrue(f.get("AUTN").endsWith(h(v, "AMF") + h(v, "f1")), f.get("AUTN"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ts35208")
    void opc(VectorFile.Vector v) {
        Run r = run("aka", "opc", "--k", v.get("K"), "--op", v.get("OP"));
        assertEquals(0, r.exit(), r.err());
        assertEquals(h(v, "OPc"), r.fields().get("OPc"));
    }

    /** KASME through the CLI equals the KDF vector file's expectation for the same CK/IK/SQN⊕AK. */
    @Test
    void kasmeNeedsPlmnAndWarnsWithoutSeparationBit() {
        VectorFile.Vector v = VectorFile.load("vectors/milenage-ts35208.txt").get(0);
        Run without = run("aka", "vector", "--k", v.get("K"), "--opc", v.get("OPc"), "--sqn", v.get("SQN"), "--amf", "0000",
                "--rand", v.get("RAND"));
        assertTrue(!without.fields().containsKey("KASME"));
        Run with = run("aka", "vector", "--k", v.get("K"), "--opc", v.get("OPc"), "--sqn", v.get("SQN"), "--amf", "0000",
                "--rand", v.get("RAND"), "--plmn", "00101");
        assertEquals(64, with.fields().get("KASME").length());
        assertTrue(with.err().contains("separation bit"), with.err());
    }

    @Test
    void autsThenResyncRecoversSqnMs() {
        VectorFile.Vector v = VectorFile.load("vectors/milenage-ts35208.txt").get(2);
        Run auts = run("aka", "auts", "--k", v.get("K"), "--opc", v.get("OPc"), "--rand", v.get("RAND"), "--sqn-ms", "00000000a3e5");
        assertEquals(0, auts.exit(), auts.err());
        Run resync = run("aka", "resync", "--k", v.get("K"), "--opc", v.get("OPc"), "--rand", v.get("RAND"),
                "--auts", auts.fields().get("AUTS"));
        assertEquals(0, resync.exit(), resync.err());
        assertEquals("00000000a3e5", resync.fields().get("SQN_MS"));
        assertEquals(String.valueOf(0xa3e5 >>> 5), resync.fields().get("SEQ"));
        assertEquals(String.valueOf(0xa3e5 & 31), resync.fields().get("IND"));
    }

    @Test
    void forgedAutsExitsOne() {
        VectorFile.Vector v = VectorFile.load("vectors/milenage-ts35208.txt").get(0);
        Run r = run("aka", "resync", "--k", v.get("K"), "--opc", v.get("OPc"), "--rand", v.get("RAND"), "--auts", "00".repeat(14));
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("MAC-S does not verify"), r.err());
    }

    @Test
    void badInputExitsTwoWithOneLine() {
        Run shortK = run("aka", "vector", "--k", "0011", "--opc", "00".repeat(16), "--sqn", "00".repeat(6), "--amf", "8000");
        assertEquals(2, shortK.exit());
        assertEquals("openmcim aka vector: K must be 16 bytes (32 hex digits), got 2", shortK.err().strip());
        Run badHex = run("aka", "opc", "--k", "xy".repeat(16), "--op", "00".repeat(16));
        assertEquals(2, badHex.exit());
        assertTrue(badHex.err().startsWith("openmcim aka opc: K: not a hex digit"), badHex.err());
        Run missing = run("aka", "vector", "--k", "00".repeat(16), "--sqn", "00".repeat(6), "--amf", "8000");
        assertEquals(2, missing.exit());
        Run badAlg = run("aka", "vector", "--k", "00".repeat(16), "--opc", "00".repeat(16), "--sqn", "00".repeat(6), "--amf", "8000",
                "--algorithm", "comp128");
        assertEquals(2, badAlg.exit());
        assertTrue(badAlg.err().contains("unknown --algorithm 'comp128'"), badAlg.err());
        assertEquals(2, run("aka").exit());
        assertEquals(2, run().exit());
        assertEquals(0, run("--help").exit());
    }

    static Stream<Arguments> tuak() {
        return VectorFile.arguments("vectors/tuak-ts35233.txt");
    }

    /** Every TS 35.233 set, its output lengths given as options. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("tuak")
    void tuakVector(VectorFile.Vector v) {
        Run r = run("aka", "vector", "--algorithm", "tuak", "--k", v.get("K"), "--op", v.get("TOP"), "--sqn", v.get("SQN"),
                "--amf", v.get("AMF"), "--rand", v.get("RAND"),
                "--mac-bits", bits(v, "f1"), "--res-bits", bits(v, "f2"), "--ck-bits", bits(v, "f3"), "--ik-bits", bits(v, "f4"),
                "--keccak-iterations", v.get("KeccakIterations"));
        assertEquals(0, r.exit(), r.err());
        assertEquals(h(v, "f2"), r.fields().get("XRES"));
        assertEquals(h(v, "f3"), r.fields().get("CK"));
        assertEquals(h(v, "f4"), r.fields().get("IK"));
        assertEquals(h(v, "f5"), r.fields().get("AK"));
        assertTrue(r.fields().get("AUTN").endsWith(h(v, "f1")));
    }

    private static String bits(VectorFile.Vector v, String field) {
        return String.valueOf(8 * v.hex(field).length);
    }
}
