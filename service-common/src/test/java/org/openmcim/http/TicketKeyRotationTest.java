package org.openmcim.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmcim.pki.DevelopmentPki;
import org.openmcim.pki.TicketKeyRotation;
import org.openmcim.pki.TlsContexts;
import org.openmcim.pki.TlsProvider;

/**
 * TLS 1.3 ticket keys of an OpenSSL listener rotate (RFC 8446 §4.6.1): a ticket resumes across one
 * rotation (the previous key still decrypts) and not across two (a full handshake instead, never an
 * error), and the listener rotates on its own schedule. Real TLS: a JDK client, which resumes with
 * the tickets it cached per host and port, against the BoringSSL listener, whose own counters say
 * which handshakes resumed.
 */
class TicketKeyRotationTest {
    @TempDir
    static Path tmp;
    static DevelopmentPki pki;

    @BeforeAll
    static void pki() throws Exception {
        pki = DevelopmentPki.init(tmp.resolve("pki"), Instant.now(), new SecureRandom(), false);
    }

    private static JsonHttpServer listener(Duration rotation) throws InterruptedException {
        return JsonHttpServer.builder("tickets").ticketKeyRotation(rotation)
                .tls(TlsContexts.server(pki.credential("dpf"), List.of(), false, TlsProvider.OPENSSL.effective("test")))
                .route("GET", "/ping", r -> JsonHttpServer.Response.ok(Map.of("pong", true)))
                .start(new InetSocketAddress("127.0.0.1", 0));
    }

    /** One connection, one request: reading the answer also reads the server's NewSessionTicket. */
    private static void ping(SSLContext client, JsonHttpServer server) throws Exception {
        try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket("localhost", server.address().getPort())) {
            OutputStream out = s.getOutputStream();
            out.write("GET /ping HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        }
    }

    @Test
    void aTicketSurvivesOneRotationAndNotTwo() throws Exception {
        try (JsonHttpServer server = listener(Duration.ofHours(1))) {
            TicketKeyRotation keys = server.ticketKeyRotation().orElseThrow(() -> new AssertionError("OpenSSL listener rotates"));
            SSLContext client = TlsContexts.jdkClient(null, List.of(pki.root("ro-root")));

            ping(client, server);
            assertEquals(1, server.tlsHandshakes());
            assertEquals(0, server.tlsResumed(), "the first connection is a full handshake");

            ping(client, server);
            assertEquals(1, server.tlsResumed(), "no rotation yet: resumed");

            keys.rotate();
            ping(client, server);
            assertEquals(2, server.tlsResumed(), "one rotation: the previous key still decrypts the ticket");

            keys.rotate();
            keys.rotate();
            ping(client, server);
            assertEquals(4, server.tlsHandshakes());
            assertEquals(2, server.tlsResumed(), "two rotations: the ticket's key is gone, a full handshake instead");

            ping(client, server);
            assertEquals(3, server.tlsResumed(), "and the ticket of that full handshake resumes again");
        }
    }

    @Test
    void theListenerRotatesOnItsOwnSchedule() throws Exception {
        try (JsonHttpServer server = listener(Duration.ofMillis(200))) {
            TicketKeyRotation keys = server.ticketKeyRotation().orElseThrow();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (keys.rotations() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(keys.rotations() >= 2, "rotated " + keys.rotations() + " times in 20 s with a 200 ms period");
            ping(TlsContexts.jdkClient(null, List.of(pki.root("ro-root"))), server); // still serving
        }
    }

    @Test
    void periodsBeyondTheTicketLifetimeLimitAreRefused() {
        var tls = TlsContexts.server(pki.credential("dpf"), List.of(), false, TlsProvider.OPENSSL.effective("test"));
        assertThrows(IllegalArgumentException.class, () -> TicketKeyRotation.of(tls, Duration.ofDays(8)));
        assertThrows(IllegalArgumentException.class, () -> TicketKeyRotation.of(tls, Duration.ZERO));
        assertTrue(TicketKeyRotation.of(TlsContexts.server(pki.credential("dpf"), List.of(), false, TlsProvider.JDK), Duration.ofHours(1))
                .isEmpty(), "the JDK stack keeps its own ticket keys");
    }
}
