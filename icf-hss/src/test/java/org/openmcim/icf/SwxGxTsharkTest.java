package org.openmcim.icf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmcim.config.ConfigNode;
import org.openmcim.diameter.ApplicationId;
import org.openmcim.diameter.DiameterMessage;
import org.openmcim.diameter.ResultCode;
import org.openmcim.icf.config.IcfConfig;
import org.openmcim.icf.gx.InProcessAttachEvents;
import org.openmcim.store.InMemoryCredentialStore;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Interop check for the SWx and Gx answers this server writes: MAR/MAA, SAR/SAA and CCR/CCA
 * frames, as exchanged over TCP, are dissected by Wireshark's Diameter dissector without malformed
 * packets, expert warnings/errors or unknown AVPs. Skipped, not failed, when tshark and text2pcap
 * are not installed (the pattern of diameter's TsharkDissectionTest).
 */
class SwxGxTsharkTest {

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static String run(Path dir, String... cmd) throws Exception {
        Path out = dir.resolve("out-" + System.nanoTime() + ".txt");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", cmd) + " timed out");
        String text = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ":\n" + text);
        return text;
    }

    @Test
    void swxAndGxFramesDissectCleanly(@TempDir Path dir) throws Exception {
        assumeTrue(onPath("tshark") && onPath("text2pcap"), "tshark/text2pcap not installed");
        InMemoryCredentialStore store = new InMemoryCredentialStore();
        store.insertAll(List.of(SwxServerTest.pcid(SwxServerTest.IMSI, new byte[16], new byte[16])));
        String yaml = SwxServerTest.yaml(IcfServerTest.freePort()).replace("peers:\n", """
                  - host: pcrf.localdomain
                    realm: localdomain
                    listen: 127.0.0.1:%d
                    applications: [gx]
                peers:
                  - {host: pgw.localdomain, realm: localdomain}
                """.formatted(IcfServerTest.freePort()));
        IcfConfig config = IcfConfig.from(ConfigNode.parse("test-tshark.yaml", new StringReader(yaml)));
        List<DiameterMessage> frames = new ArrayList<>();
        try (IcfServer icf = IcfServer.start(config, store, new SimpleMeterRegistry(),
                Clock.fixed(SwxServerTest.NOW, ZoneOffset.UTC), new SecureRandom(), new InProcessAttachEvents())) {
            try (DiameterTestClient c = new DiameterTestClient(icf.boundAddresses().get(0), "aaa.localdomain", "localdomain")) {
                c.exchange(c.cer(ApplicationId.SWX));
                List<DiameterMessage> requests = List.of(
                        SwxServerTest.mar(c, SwxServerTest.NAI_PRIME, "EAP-AKA'", 2, SwxServerTest.ANID, null).build(),
                        SwxServerTest.mar(c, SwxServerTest.NAI_AKA, "EAP-AKA", 1, null, null).build(),
                        SwxServerTest.mar(c, SwxServerTest.NAI_PRIME, "Digest-AKAv1-MD5", 1, SwxServerTest.ANID, null).build(),
                        SwxServerTest.sar(c, SwxServerTest.NAI_PRIME, 1), SwxServerTest.sar(c, SwxServerTest.NAI_PRIME, 5));
                for (DiameterMessage r : requests) {
                    frames.add(r);
                    frames.add(c.exchange(r));
                }
            }
            try (DiameterTestClient c = new DiameterTestClient(icf.boundAddresses().get(1), "pgw.localdomain", "localdomain")) {
                c.exchange(c.cer(ApplicationId.GX));
                for (String f : List.of("gx/nextepc-ccr-initial.hex", "gx/nextepc-ccr-termination.hex")) {
                    byte[] raw = GxServerTest.hexdump(f);
                    frames.add((DiameterMessage) c.codec.decode(raw));
                    c.sendRaw(raw);
                    DiameterMessage a = c.receive();
                    assertEquals(ResultCode.DIAMETER_SUCCESS, a.resultCode());
                    frames.add(a);
                }
                DiameterMessage bad = GxServerTest.ccrInitial(c, "pgw.localdomain;x", null, new byte[] {10, 45, 0, 3});
                frames.add(bad);
                frames.add(c.exchange(bad));
            }
        }
        StringBuilder dump = new StringBuilder();
        org.openmcim.diameter.DiameterCodec codec = new org.openmcim.diameter.DiameterCodec(
                org.openmcim.diameter.dictionary.Dictionary.standard());
        for (DiameterMessage m : frames) {
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
        String text = run(dir, "tshark", "-n", "-r", "frames.pcap", "-V", "-o", "tcp.analyze_sequence_numbers:FALSE");
        List<String> problems = new ArrayList<>();
        int pdus = 0;
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.startsWith("Diameter Protocol")) {
                pdus++;
            }
            if (l.contains("Malformed") || l.startsWith("[Expert Info (Error") || l.startsWith("[Expert Info (Warning")
                    || l.contains("Unknown AVP") || l.contains("Unknown command")) {
                problems.add(l);
            }
        }
        assertEquals(frames.size(), pdus, "one Diameter PDU per frame");
        assertTrue(problems.isEmpty(), "tshark reports:\n" + String.join("\n", problems));
        assertTrue(text.contains("SIP-Auth-Data-Item") && text.contains("Non-3GPP-User-Data") && text.contains("Default-EPS-Bearer-QoS"),
                "the dissection shows the SWx and Gx AVPs");
    }
}
