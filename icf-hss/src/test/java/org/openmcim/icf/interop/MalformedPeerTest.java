package org.openmcim.icf.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openmcim.diameter.Avp;
import org.openmcim.diameter.BaseAvpCode;
import org.openmcim.diameter.DiameterMessage;
import org.openmcim.diameter.ResultCode;
import org.openmcim.icf.IcfServer;

/**
 * A scripted raw TCP peer feeds the running ICF the byte-level inputs of
 * {@code src/test/resources/interop/malformed/*.hex} (each file says what it is, the spec clause
 * and the expected outcome) while a second, already-open peer (mme2.localdomain) keeps sending
 * AIRs: every case must end with the exact Result-Code / Failed-AVP / connection outcome, and the
 * other peer must stay Open and keep getting 2001 AIAs throughout (RFC 6733 §2.1: a fault on one
 * transport connection concerns that connection only).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedPeerTest {
    static final String FOLDER = "interop/malformed";

    IcfServer icf;
    InetSocketAddress address;
    RawPeer other;
    Thread otherLoop;
    final AtomicBoolean running = new AtomicBoolean(true);
    final AtomicInteger otherAias = new AtomicInteger();
    final ConcurrentLinkedQueue<String> otherFailures = new ConcurrentLinkedQueue<>();

    @BeforeAll
    void start() throws Exception {
        icf = Interop.start(Interop.config("hss.localdomain", "127.0.0.1:" + Interop.freePort(), "30s",
                "mme.localdomain", "localdomain", "mme2.localdomain", "localdomain"));
        address = icf.boundAddresses().get(0);
        other = new RawPeer(address, "mme2.localdomain");
        assertEquals(ResultCode.DIAMETER_SUCCESS, other.exchange(other.cer()).resultCode());
        otherLoop = new Thread(() -> {
            while (running.get()) {
                try {
                    DiameterMessage aia = other.exchange(other.air(Interop.IMSI));
                    if (aia == null) {
                        otherFailures.add("connection closed");
                        return;
                    }
                    if (aia.resultCode() != ResultCode.DIAMETER_SUCCESS) {
                        otherFailures.add("AIA " + aia.resultCode());
                    }
                    otherAias.incrementAndGet();
                    Thread.sleep(10);
                } catch (IOException | RuntimeException e) {
                    if (running.get()) {
                        otherFailures.add(e.toString());
                    }
                    return;
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "mme2-air-loop");
        otherLoop.setDaemon(true);
        otherLoop.start();
    }

    @AfterAll
    void stop() throws Exception {
        running.set(false);
        otherLoop.join(6000);
        other.close();
        icf.close();
    }

    static Stream<String> cases() throws Exception {
        Path dir = Path.of(MalformedPeerTest.class.getClassLoader().getResource(FOLDER).toURI());
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".hex"))
                    .filter(n -> !n.startsWith("00-")).sorted().toList();
            assertEquals(7, names.size(), "cases in " + FOLDER + ": " + names);
            return names.stream().map(n -> FOLDER + "/" + n);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rawPeerGetsTheExactErrorAndOthersAreUnaffected(String resource) throws Exception {
        RawPeer.HexCase c = RawPeer.HexCase.load(resource);
        int before = otherAias.get();
        try (RawPeer raw = new RawPeer(address, "mme.localdomain")) {
            if (c.get("open-first", "yes").equals("yes")) {
                RawPeer.HexCase cer = RawPeer.HexCase.load(FOLDER + "/00-cer-mme.hex");
                raw.send(cer.bytes());
                DiameterMessage cea = raw.receive();
                assertEquals(ResultCode.DIAMETER_SUCCESS, cea.resultCode());
                assertTrue(Interop.await(Duration.ofSeconds(2), () -> icf.peers().find("mme.localdomain").isPresent()));
            }
            raw.send(c.bytes());
            if (c.get("pad-to-message-length", "no").equals("yes")) {
                // The rest of the declared Message Length, in 64 KiB writes as a real sender would.
                int left = c.declaredLength() - c.bytes().length;
                byte[] chunk = new byte[64 * 1024];
                while (left > 0) {
                    int n = Math.min(left, chunk.length);
                    raw.socket.getOutputStream().write(chunk, 0, n);
                    left -= n;
                }
                raw.socket.getOutputStream().flush();
            }
            if (c.get("then", "").equals("close")) {
                raw.socket.shutdownOutput();
            }

            String expected = c.get("expect-result", "none");
            if (expected.equals("none")) {
                // Nothing can be answered without a whole header (RFC 6733 §7.2 needs its identifiers).
                assertTrue(raw.closedByServer() || raw.receive() == null, "no answer, connection closed");
            } else {
                DiameterMessage answer = raw.receive();
                assertNotNull(answer, c.name() + ": the ICF closed without answering");
                assertFalse(answer.isRequest());
                assertEquals(c.hopByHop(), answer.hopByHop(), "RFC 6733 §6.2: the answer carries the request's Hop-by-Hop");
                assertEquals(Long.parseLong(expected), answer.resultCode(), c.name() + ": " + answer);
                assertEquals(c.get("expect-e-bit", "no").equals("yes"), answer.isError(),
                        "RFC 6733 §7.1.3: 'E' bit on protocol errors (3xxx) only");
                assertEquals("hss.localdomain", answer.originHost());
                String failed = c.get("expect-failed-avp", "");
                Avp f = answer.first(BaseAvpCode.FAILED_AVP, 0);
                if (failed.isEmpty()) {
                    assertNull(f, "no Failed-AVP expected in " + answer);
                } else {
                    assertNotNull(f, "RFC 6733 §7.5: Failed-AVP expected in " + answer);
                    List<Avp> inside = f.grouped();
                    assertEquals(1, inside.size());
                    assertEquals(Integer.parseInt(failed), inside.get(0).code(), "the offending AVP's code");
                    if (c.name().contains("length-zero")) {
                        // §7.1.5: header plus a zero-filled minimum payload: UTF8String has none.
                        assertArrayEquals(new byte[0], inside.get(0).octetString());
                    }
                }
                if (c.get("expect-close", "no").equals("yes")) {
                    assertTrue(raw.closedByServer(), c.name() + ": the ICF must close the connection");
                    assertTrue(icf.peers().find("rogue.example").isEmpty());
                } else {
                    // The connection stays in step: the next well-formed request is answered.
                    DiameterMessage aia = raw.exchange(raw.air(Interop.IMSI));
                    assertNotNull(aia, c.name() + ": connection lost after the error answer");
                    assertEquals(ResultCode.DIAMETER_SUCCESS, aia.resultCode());
                }
            }
        }
        // The other peer was never disturbed and keeps being served after this case.
        assertTrue(Interop.await(Duration.ofSeconds(5), () -> otherAias.get() >= before + 5),
                "mme2 AIAs stalled at " + otherAias.get() + " (was " + before + ")");
        assertTrue(otherFailures.isEmpty(), "mme2: " + otherFailures);
        assertTrue(icf.peers().find("mme2.localdomain").isPresent(), "mme2 must still be Open");
    }
}
