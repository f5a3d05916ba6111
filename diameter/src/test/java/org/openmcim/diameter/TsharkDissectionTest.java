package org.openmcim.diameter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop check: frames this encoder writes are dissected by Wireshark's Diameter dissector
 * (tshark) without malformed packets or expert warnings/errors. Skipped, not failed, when tshark
 * and text2pcap (Debian package tshark) are not installed.
 */
class TsharkDissectionTest {

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static String run(Path dir, String... cmd) throws IOException, InterruptedException {
        long n = System.nanoTime();
        Path out = dir.resolve("out-" + n + ".txt");
        Path err = dir.resolve("err-" + n + ".txt");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(err.toFile())
                .redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", cmd) + " timed out");
        String text = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ":\n" + text + Files.readString(err, StandardCharsets.UTF_8));
        return text;
    }

    private static final java.util.regex.Pattern AVP_LINE =
            java.util.regex.Pattern.compile("^AVP: ([A-Za-z0-9-]+)\\((\\d+)\\) l=\\d+ f=([V-])");

    /** Writes the messages into a pcap (one TCP segment each, port 3868) and returns {@code tshark -V}. */
    private static String dissect(Path dir, List<DiameterMessage> messages) throws Exception {
        DiameterCodec codec = new DiameterCodec(TestData.DICTIONARY);
        // text2pcap's input: one hexdump per packet, offsets restarting at 000000.
        StringBuilder dump = new StringBuilder();
        for (DiameterMessage m : messages) {
            byte[] b = codec.encode(m);
            for (int i = 0; i < b.length; i += 16) {
                dump.append(String.format("%06x", i));
                for (int j = i; j < Math.min(b.length, i + 16); j++) {
                    dump.append(String.format(" %02x", b[j]));
                }
                dump.append('\n');
            }
        }
        Files.writeString(dir.resolve("frames.txt"), dump.toString());
        run(dir, "text2pcap", "-q", "-T", "3868,3868", "frames.txt", "frames.pcap");
        return run(dir, "tshark", "-n", "-r", "frames.pcap", "-V", "-o", "tcp.analyze_sequence_numbers:FALSE");
    }

    private static List<String> problems(String text) {
        List<String> problems = new ArrayList<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.contains("Malformed") || l.startsWith("[Expert Info (Error") || l.startsWith("[Expert Info (Warning")
                    || l.contains("Unknown AVP") || l.contains("Unknown command")) {
                problems.add(l);
            }
        }
        return problems;
    }

    /** AVP lines whose code Wireshark names differently from our dictionary; returns the count of AVP lines. */
    private static int compareNames(String text, java.util.Set<String> mismatches) {
        int named = 0;
        for (String line : text.split("\n")) {
            java.util.regex.Matcher m = AVP_LINE.matcher(line.strip());
            if (m.find()) {
                int vendor = m.group(3).equals("V") ? VendorId.THREE_GPP : 0;
                var def = TestData.DICTIONARY.avp(Integer.parseInt(m.group(2)), vendor);
                // Wireshark prefixes the TS 29.229 SIP-* AVPs with "3GPP-" to tell them from IETF ones.
                if (def == null || !(def.name().equalsIgnoreCase(m.group(1))
                        || ("3GPP-" + def.name()).equalsIgnoreCase(m.group(1)))) {
                    mismatches.add(m.group(2) + "/" + vendor + ": tshark " + m.group(1) + ", ours " + def);
                }
                named++;
            }
        }
        return named;
    }

    @Test
    void encodedMessagesDissectCleanly(@TempDir Path dir) throws Exception {
        assumeTrue(onPath("tshark") && onPath("text2pcap"), "tshark/text2pcap not installed (Debian: apt-get install tshark)");
        List<DiameterMessage> messages = SampleMessages.all(TestData.DICTIONARY);
        String text = dissect(dir, messages);
        List<String> problems = problems(text);
        assertTrue(problems.isEmpty(), "tshark reports:\n" + String.join("\n", problems));
        java.util.Set<String> mismatches = new java.util.TreeSet<>();
        assertTrue(compareNames(text, mismatches) > 100);
        assertTrue(mismatches.isEmpty(), "names differ:\n" + String.join("\n", mismatches));
        long dissected = text.lines().filter(l -> l.startsWith("Diameter Protocol")).count();
        assertEquals(messages.size(), dissected, "one Diameter PDU per frame");
        String summary = run(dir, "tshark", "-n", "-r", "frames.pcap", "-T", "fields", "-e", "diameter.cmd.code",
                "-e", "diameter.flags.request");
        List<String> expected = messages.stream().map(m -> m.commandCode() + "\t" + (m.isRequest() ? "True" : "False")).toList();
        assertEquals(expected, summary.lines().map(s -> s.replace("\t1", "\tTrue").replace("\t0", "\tFalse")).toList());
    }

    /**
     * Every AVP of the dictionary, sent once with a minimal value of its format: Wireshark's own
     * dictionary must know each code under the same name (an independent check of the codes).
     */
    @Test
    void wiresharkKnowsEveryDictionaryAvpByTheSameName(@TempDir Path dir) throws Exception {
        assumeTrue(onPath("tshark") && onPath("text2pcap"), "tshark/text2pcap not installed (Debian: apt-get install tshark)");
        List<DiameterMessage> messages = new ArrayList<>();
        DiameterMessage.Builder b = null;
        int n = 0;
        for (var def : TestData.DICTIONARY.avps()) {
            if (n % 40 == 0) {
                if (b != null) {
                    messages.add(b.build());
                }
                b = DiameterMessage.request(CommandCode.UPDATE_LOCATION, ApplicationId.S6A).proxiable(true).hopByHop(n);
            }
            int len = switch (def.type()) {
                case GROUPED, UTF8_STRING, DIAMETER_IDENTITY, DIAMETER_URI, IP_FILTER_RULE, OCTET_STRING -> 0;
                default -> def.type().minimumLength();
            };
            byte[] data = new byte[len];
            if (def.type() == org.openmcim.diameter.dictionary.AvpType.ADDRESS) {
                data[1] = 1; // IPv4 0.0.0.0
            } else if (def.type() == org.openmcim.diameter.dictionary.AvpType.TIME) {
                data[0] = (byte) 0xE0; // 2019
            }
            b.add(Avp.of(def.code(), def.vendorId(), 0, data));
            n++;
        }
        messages.add(b.build());
        String text = dissect(dir, messages);
        java.util.Set<String> mismatches = new java.util.TreeSet<>();
        assertEquals(TestData.DICTIONARY.avps().size(), compareNames(text, mismatches));
        java.util.Set<String> known = new java.util.TreeSet<>(
                Files.readAllLines(TestData.resource("vectors/wireshark-name-differences.txt")).stream()
                        .filter(l -> !l.isBlank() && !l.startsWith("#")).toList());
        mismatches.removeAll(known);
        assertTrue(mismatches.isEmpty(), "names differ:\n" + String.join("\n", mismatches));
    }
}
