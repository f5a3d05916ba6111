package org.openmcim.pva;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmcim.http.HttpsClient;
import org.openmcim.http.JsonHttpServer;
import org.openmcim.pki.DevelopmentPki;
import org.openmcim.pki.TlsContexts;

/**
 * {@link PeerCheck} on a kept-alive connection: a success is remembered for that connection and those
 * roots only, and only while the date is within the certificates' validity.
 */
class PeerCheckTest {
    @TempDir
    Path tmp;

    @Test
    void aConnectionRemembersOnlyWhatItPassedAndOnlyWhileValid() throws Exception {
        DevelopmentPki pki = DevelopmentPki.init(tmp.resolve("pki"), Instant.now(), new SecureRandom(), false);
        List<java.security.cert.X509Certificate> ro = List.of(pki.root("ro-root"));
        List<java.security.cert.X509Certificate> sho = List.of(pki.root("sho1-root"));
        AtomicReference<Instant> now = new AtomicReference<>(Instant.now());
        try (JsonHttpServer s = JsonHttpServer.builder("peer-check")
                .tls(TlsContexts.server(pki.credential("sho1"), List.of(pki.root("ro-root"), pki.root("sho1-root")), true))
                .route("POST", "/ro", r -> {
                    PeerCheck.require(r, ro, "RO", now.get());
                    return JsonHttpServer.Response.ok(Map.of());
                })
                .route("POST", "/sho", r -> {
                    PeerCheck.require(r, sho, "SHO", now.get());
                    return JsonHttpServer.Response.ok(Map.of());
                })
                .start(new InetSocketAddress("127.0.0.1", 0));
             HttpsClient dpf = HttpsClient.builder("t", TlsContexts.client(pki.credential("dpf"), List.of(pki.root("sho1-root"))))
                     .maxConnectionsPerPeer(1).build()) {
            URI base = URI.create("https://localhost:" + s.address().getPort());
            for (int i = 0; i < 3; i++) {
                assertEquals(200, dpf.post(base.resolve("/ro"), "application/json", "{}".getBytes()).status());
                // Passing for the RO roots does not pass for the SHO roots on the same connection.
                HttpsClient.Response refused = dpf.post(base.resolve("/sho"), "application/json", "{}".getBytes());
                assertEquals(403, refused.status());
                assertEquals("forbidden-peer", JsonHttpServer.reasonOf(refused.body()));
            }
            // After the DPF certificate expires (730 days), the remembered success no longer counts.
            now.set(Instant.now().plus(Duration.ofDays(800)));
            assertEquals(403, dpf.post(base.resolve("/ro"), "application/json", "{}".getBytes()).status());
            now.set(Instant.now());
            assertEquals(200, dpf.post(base.resolve("/ro"), "application/json", "{}".getBytes()).status());
            assertEquals(1, s.tlsHandshakes(), "all of it on one connection");
            assertTrue(dpf.openConnections(base) <= 1);
        }
    }
}
