package org.openmcim.drfdpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmcim.dpf.DpfConfig;
import org.openmcim.dpf.DpfServer;
import org.openmcim.http.HttpsClient;
import org.openmcim.pki.DevelopmentPki;
import org.openmcim.pki.TlsContexts;
import org.openmcim.pki.TlsProvider;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * {@code tls.groups} reaches the DPF's device-facing listener as shipped configuration sets it: with
 * {@code [X25519MLKEM768]} a device offering only classical groups (JDK 17's client, or BoringSSL told
 * X25519 alone) fails the handshake (RFC 8446 §4.2.7), and one offering the hybrid gets through to the
 * HTTP layer, where its empty request is refused as any other would be.
 */
class TlsGroupsServiceTest {
    @TempDir
    Path tmp;

    @Test
    void aHybridOnlyDpfRefusesClassicalDevices() throws Exception {
        assumeTrue(TlsProvider.openSslAvailable(), "BoringSSL does not load here");
        DevelopmentPki pki = DevelopmentPki.init(tmp.resolve(".work/pki"), Instant.now().minus(Duration.ofDays(1)), new SecureRandom(), false);
        Path conf = Files.createDirectories(tmp.resolve("config"));
        Path repo = Path.of(System.getProperty("user.dir")).getParent();
        int port = HazelcastStateTest.freePorts(1)[0];
        String yaml = Files.readString(repo.resolve("config/dpf.yaml"));
        Files.writeString(conf.resolve("dpf.yaml"), yaml.replace("127.0.0.1:8443", "127.0.0.1:" + port).replace("metrics: 127.0.0.1:9466", "")
                .replace("  provider: openssl", "  provider: openssl\n  groups: [X25519MLKEM768]"));
        DpfConfig cfg = DpfConfig.load(conf.resolve("dpf.yaml"));
        assertEquals(List.of("X25519MLKEM768"), cfg.tlsGroups());
        URI provision = URI.create("https://localhost:" + port + "/dpf/v1/provision");
        List<java.security.cert.X509Certificate> ro = List.of(pki.root("ro-root"));
        try (DpfServer dpf = DpfServer.start(cfg, Clock.systemUTC(), new SecureRandom(), new SimpleMeterRegistry());
             HttpsClient classical = HttpsClient.builder("x25519-device", TlsContexts.client(null, ro, TlsProvider.OPENSSL, List.of("X25519")))
                     .threads(1).build();
             HttpsClient hybrid = HttpsClient.builder("hybrid-device", TlsContexts.client(null, ro, TlsProvider.OPENSSL, List.of("X25519MLKEM768")))
                     .threads(1).build()) {
            HttpsClient.HttpsClientException refused = assertThrows(HttpsClient.HttpsClientException.class,
                    () -> classical.post(provision, "application/json", "{}".getBytes(StandardCharsets.UTF_8)));
            assertEquals(HttpsClient.HttpsClientException.Kind.TLS, refused.kind(), refused.getMessage());
            HttpClient jdk = HttpClient.newBuilder().sslContext(TlsContexts.jdkClient(null, ro)).version(HttpClient.Version.HTTP_1_1).build();
            assertThrows(javax.net.ssl.SSLHandshakeException.class, () -> jdk.send(HttpRequest.newBuilder(provision)
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json").build(),
                    HttpResponse.BodyHandlers.ofString()));
            HttpsClient.Response answered = hybrid.post(provision, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
            assertEquals(400, answered.status(), answered.text());
        }
    }
}
