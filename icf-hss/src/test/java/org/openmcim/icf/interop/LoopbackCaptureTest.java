package org.openmcim.icf.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The capture check itself must be able to fail: a well-formed CER on the wire dissects cleanly,
 * the AIR with an AVP Length of 0 (interop/malformed/03) is reported by tshark. Otherwise "no
 * Malformed, no expert Warning/Error" in the freeDiameter and NextEPC tests would prove nothing.
 */
class LoopbackCaptureTest {

    @Test
    void tsharkFlagsAMalformedFrameAndPassesAGoodOne(@TempDir Path dir) throws Exception {
        assumeTrue(LoopbackCapture.available(), "dumpcap/tshark not installed or not root (Debian: tshark)");
        byte[] good = RawPeer.HexCase.load("interop/malformed/00-cer-mme.hex").bytes();
        byte[] bad = RawPeer.HexCase.load("interop/malformed/03-air-avp-length-zero.hex").bytes();
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = server.getLocalPort();
            try (LoopbackCapture capture = new LoopbackCapture(dir, port)) {
                try (Socket s = new Socket("127.0.0.1", port); Socket accepted = server.accept()) {
                    s.setTcpNoDelay(true);
                    s.getOutputStream().write(good);
                    s.getOutputStream().flush();
                    Thread.sleep(100); // separate segments, so each frame stands on its own
                    s.getOutputStream().write(bad);
                    s.getOutputStream().flush();
                    accepted.getInputStream().readNBytes(good.length + bad.length);
                }
                String dissection = capture.dissect();
                List<String> problems = LoopbackCapture.problems(dissection);
                java.nio.file.Files.writeString(dir.resolve("problems.txt"), String.join("\n", problems));
                Interop.keep(dir, "capture-selftest");
                assertFalse(problems.isEmpty(), "tshark must flag the zero AVP Length");
                assertTrue(problems.stream().noneMatch(p -> p.startsWith("Frame " + firstFrameWith(dissection, "Capabilities-Exchange") + ":")),
                        "the CER is clean: " + problems);
                assertEquals(List.of("257 request", "318 request"), capture.commands());
            }
        }
    }

    private static String firstFrameWith(String dissection, String text) {
        String frame = "";
        for (String line : dissection.split("\n")) {
            if (line.startsWith("Frame ")) {
                frame = line.split(":")[0].substring("Frame ".length());
            }
            if (line.contains(text)) {
                return frame;
            }
        }
        return "?";
    }
}
