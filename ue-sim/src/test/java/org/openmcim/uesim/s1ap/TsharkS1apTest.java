package org.openmcim.uesim.s1ap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop: every PDU the encoder produces (all of {@link SampleS1apMessages}, with the NAS PDUs
 * inside) is dissected by Wireshark's S1AP and NAS-EPS dissectors with no malformed packet and no
 * expert warning or error, and tshark reads back the procedure code and PDU type we meant. The
 * PDUs travel as SCTP DATA chunks with PPID 18 (TS 36.412 §7), as on a real S1-MME. Skipped only
 * when tshark/text2pcap are absent (Debian package tshark).
 */
class TsharkS1apTest {

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    static String run(Path dir, String... cmd) throws IOException, InterruptedException {
        Path out = dir.resolve("out-" + System.nanoTime());
        Path err = dir.resolve("err-" + System.nanoTime());
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(err.toFile()).redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", cmd) + " timed out");
        String text = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ":\n" + text + Files.readString(err, StandardCharsets.UTF_8));
        return text;
    }

    /** Writes one SCTP/PPID-18 packet per PDU and returns the pcap path. */
    static Path pcap(Path dir, List<byte[]> pdus) throws Exception {
        StringBuilder dump = new StringBuilder();
        for (byte[] b : pdus) {
            for (int i = 0; i < b.length; i += 16) {
                dump.append(String.format("%06x", i));
                for (int j = i; j < Math.min(b.length, i + 16); j++) {
                    dump.append(String.format(" %02x", b[j]));
                }
                dump.append('\n');
            }
        }
        Files.writeString(dir.resolve("pdus.txt"), dump.toString());
        run(dir, "text2pcap", "-q", "-S", "36412,36412,18", "pdus.txt", "pdus.pcap");
        return dir.resolve("pdus.pcap");
    }

    static List<String> problems(String text) {
        List<String> problems = new ArrayList<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.contains("Malformed") || l.startsWith("[Expert Info (Error") || l.startsWith("[Expert Info (Warning")
                    || l.contains("Unknown message") || l.contains("Extraneous Data")) {
                problems.add(l);
            }
        }
        return problems;
    }

    @Test
    void encoderOutputDissectsCleanly(@TempDir Path dir) throws Exception {
        assumeTrue(onPath("tshark") && onPath("text2pcap"), "tshark/text2pcap not installed (Debian: apt-get install tshark)");
        S1apCodec codec = new S1apCodec();
        List<S1apMessage> messages = SampleS1apMessages.all();
        List<byte[]> pdus = messages.stream().map(codec::encode).toList();
        pcap(dir, pdus);
        String text = run(dir, "tshark", "-n", "-r", "pdus.pcap", "-V");
        List<String> problems = problems(text);
        assertTrue(problems.isEmpty(), "tshark reports:\n" + String.join("\n", problems));
        // the NAS PDUs inside were dissected as the messages we built
        for (String name : List.of("Attach request (0x41)", "PDN connectivity request (0xd0)", "Attach accept (0x42)",
                "Activate default EPS bearer context request (0xc1)", "Detach request (0x45)", "Identity response (0x56)",
                "Identity request (0x55)")) {
            assertTrue(text.contains(name), "tshark did not find " + name);
        }
        String fields = run(dir, "tshark", "-n", "-r", "pdus.pcap", "-T", "fields", "-e", "s1ap.procedureCode", "-e", "s1ap.S1AP_PDU");
        List<String> expected = messages.stream().map(m -> {
            S1apPdu p = codec.toPdu(m);
            return p.procedureCode() + "\t" + p.type().ordinal();
        }).toList();
        assertEquals(expected, fields.lines().toList());
    }

    /** Every NAS sample, carried in Uplink/Downlink NAS Transport, is dissected by tshark's NAS-EPS dissector cleanly. */
    @Test
    void nasSamplesDissectCleanly(@TempDir Path dir) throws Exception {
        assumeTrue(onPath("tshark") && onPath("text2pcap"), "tshark/text2pcap not installed (Debian: apt-get install tshark)");
        S1apCodec codec = new S1apCodec();
        org.openmcim.uesim.nas.NasCodec nas = new org.openmcim.uesim.nas.NasCodec();
        List<byte[]> pdus = new ArrayList<>();
        var samples = org.openmcim.uesim.nas.SampleNasMessages.all();
        for (var s : samples) {
            byte[] plain = nas.encode(s.message());
            // TS 24.301 §4.4.4: ESM messages outside an EMM container are always integrity
            // protected; send those in a security header type 1 envelope (MAC zero, EIA0) so the
            // dissector sees them as a network would.
            byte[] wire = plain;
            if ((plain[0] & 0x0f) == org.openmcim.uesim.nas.NasCodec.PD_ESM) {
                wire = new byte[6 + plain.length];
                wire[0] = 0x17;
                System.arraycopy(plain, 0, wire, 6, plain.length);
            }
            org.openmcim.uesim.Octets pdu = org.openmcim.uesim.Octets.of(wire);
            pdus.add(codec.encode(s.direction() == org.openmcim.uesim.nas.NasCodec.Direction.UPLINK
                    ? new S1apMessage.UplinkNasTransport(7, 1, pdu, org.openmcim.uesim.lab.LabScenario.cgi(),
                            org.openmcim.uesim.lab.LabScenario.tai())
                    : new S1apMessage.DownlinkNasTransport(7, 1, pdu)));
        }
        pcap(dir, pdus);
        String text = run(dir, "tshark", "-n", "-r", "pdus.pcap", "-V");
        List<String> problems = problems(text);
        assertTrue(problems.isEmpty(), "tshark reports:\n" + String.join("\n", problems));
        String types = run(dir, "tshark", "-n", "-r", "pdus.pcap", "-T", "fields", "-e", "nas_eps.nas_msg_emm_type",
                "-e", "nas_eps.nas_msg_esm_type");
        // the outermost message: the EMM type if any, else the ESM type; first value of each field
        List<String> got = types.lines().map(l -> Arrays.stream(l.split("\t")).filter(f -> !f.isEmpty()).findFirst()
                .orElse("").split(",")[0]).toList();
        assertEquals(samples.size(), got.size());
        for (int i = 0; i < samples.size(); i++) {
            byte[] b = nas.encode(samples.get(i).message());
            int type = (b[0] & 0x0f) == 7 ? b[1] & 0xff : b[2] & 0xff;
            assertEquals(String.format("0x%02x", type), got.get(i), "message type of sample " + samples.get(i));
        }
        assertTrue(text.contains("IMSI: 001010000000001"), "tshark reads our IMSI digits");
        assertTrue(text.contains("M-TMSI: 3237998081 (0xc0ffee01)"), "tshark reads our GUTI");
        assertTrue(text.contains("APN: internet"), "tshark reads our APN");
    }
}
