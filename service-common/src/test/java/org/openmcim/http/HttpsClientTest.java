package org.openmcim.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openmcim.http.HttpsClient.HttpsClientException;
import org.openmcim.http.HttpsClient.HttpsClientException.Kind;
import org.openmcim.pki.CertificateAuthority;
import org.openmcim.pki.Credential;
import org.openmcim.pki.DevelopmentPki;
import org.openmcim.pki.TlsContexts;
import org.openmcim.pki.TlsProvider;

/**
 * The services' HTTPS client against real listeners ({@link JsonHttpServer} as the services run it,
 * and raw peers that misbehave on purpose), over real TLS 1.3, on each {@link TlsProvider} for both
 * ends: who is accepted, keep-alive, resumption, every timeout and limit.
 */
class HttpsClientTest {
    @TempDir
    static Path tmp;
    static DevelopmentPki pki;
    static final CountDownLatch neverReleased = new CountDownLatch(1);

    @BeforeAll
    static void setUp() throws Exception {
        pki = DevelopmentPki.init(tmp.resolve("pki"), Instant.now(), new SecureRandom(), false);
    }

    @AfterAll
    static void tearDown() {
        neverReleased.countDown();
    }

    /** The SHO's operator listener as the SHO builds it: mutual TLS, RO roots trusted for clients. */
    static JsonHttpServer sho(TlsProvider provider) throws InterruptedException {
        return JsonHttpServer.builder("sho-test").tls(TlsContexts.server(pki.credential("sho1"), List.of(pki.root("ro-root")), true, provider))
                .maxBody(4096)
                .route("POST", "/echo", r -> JsonHttpServer.Response.ok(Map.of("peer", r.peer().getSubjectX500Principal().getName(),
                        "got", JsonHttpServer.json(r).path("x").asText())))
                .route("GET", "/big", r -> JsonHttpServer.Response.of(200, "application/octet-stream", new byte[8192]))
                .route("GET", "/slow", r -> {
                    neverReleased.await(10, TimeUnit.SECONDS);
                    return JsonHttpServer.Response.ok(Map.of());
                })
                .start(new InetSocketAddress("127.0.0.1", 0));
    }

    static HttpsClient.Builder dpf(TlsProvider provider) {
        return HttpsClient.builder("test-client", TlsContexts.client(pki.credential("dpf"), List.of(pki.root("sho1-root")), provider))
                .connectTimeout(Duration.ofSeconds(2)).requestTimeout(Duration.ofSeconds(3)).maxResponseBody(4096);
    }

    static URI url(JsonHttpServer s, String path) {
        return URI.create("https://localhost:" + s.address().getPort() + path);
    }

    static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Mutual TLS both ways; several calls, in sequence and concurrently, on kept-alive connections. */
    @ParameterizedTest(name = "client {0}, server {1}")
    @org.junit.jupiter.params.provider.MethodSource("stacks")
    void mutualTlsAndKeepAlive(TlsProvider client, TlsProvider server) throws Exception {
        assumeStacks(client, server);
        try (JsonHttpServer s = sho(server); HttpsClient c = dpf(client).maxConnectionsPerPeer(2).build()) {
            for (int i = 0; i < 5; i++) {
                HttpsClient.Response r = c.post(url(s, "/echo"), "application/json", json("{\"x\":\"n" + i + "\"}"));
                assertEquals(200, r.status(), r.text());
                assertTrue(r.text().contains("CN=dpf") && r.text().contains("n" + i), r.text());
            }
            assertEquals(1, s.tlsHandshakes(), "five calls in sequence, one connection");
            List<CompletableFuture<HttpsClient.Response>> fs = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                fs.add(c.send(io.netty.handler.codec.http.HttpMethod.POST, url(s, "/echo"), "application/json", json("{\"x\":\"p" + i + "\"}")));
            }
            for (int i = 0; i < 20; i++) {
                HttpsClient.Response r = fs.get(i).get(10, TimeUnit.SECONDS);
                assertTrue(r.text().contains("p" + i), r.text());
            }
            assertTrue(s.tlsHandshakes() <= 2, "at most two connections per peer: " + s.tlsHandshakes());
            assertTrue(c.openConnections(url(s, "/")) <= 2);
            // A refusal is an answer, not an exception.
            HttpsClient.Response bad = c.post(url(s, "/echo"), "text/plain", json("x"));
            assertEquals(415, bad.status());
            assertEquals("unsupported-media-type", JsonHttpServer.reasonOf(bad.body()));
        }
    }

    static List<org.junit.jupiter.params.provider.Arguments> stacks() {
        List<org.junit.jupiter.params.provider.Arguments> out = new ArrayList<>();
        for (TlsProvider c : TlsProvider.values()) {
            for (TlsProvider s : TlsProvider.values()) {
                out.add(org.junit.jupiter.params.provider.Arguments.of(c, s));
            }
        }
        return out;
    }

    static void assumeStacks(TlsProvider... ps) {
        for (TlsProvider p : ps) {
            assumeTrue(p != TlsProvider.OPENSSL || TlsProvider.openSslAvailable(), "BoringSSL does not load here");
        }
    }

    /** A new connection after the first one closed resumes with the server's TLS 1.3 ticket. */
    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void aNewConnectionResumes(TlsProvider client) throws Exception {
        assumeStacks(client, TlsProvider.OPENSSL);
        try (JsonHttpServer s = sho(TlsProvider.OPENSSL); HttpsClient c = dpf(client).build()) {
            for (int i = 0; i < 3; i++) {
                try (HttpsClient.Connection conn = c.open(url(s, "/"))) {
                    assertEquals(200, conn.post("/echo", "application/json", json("{\"x\":\"r\"}"), true).status());
                }
            }
            assertEquals(3, s.tlsHandshakes());
            assertEquals(2, s.tlsResumed(), "the second and third connections resumed");
        }
    }

    /** The server's chain must lead to the roots given, and name the host asked for. */
    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void aServerOutsideTheRootsOrWithAnotherNameIsRefused(TlsProvider client) throws Exception {
        assumeStacks(client);
        try (JsonHttpServer s = sho(TlsProvider.preferred())) {
            try (HttpsClient trustsPva = HttpsClient.builder("t", TlsContexts.client(pki.credential("dpf"), List.of(pki.root("pva-root")), client))
                    .build()) {
                HttpsClientException e = assertThrows(HttpsClientException.class, () -> trustsPva.post(url(s, "/echo"), "application/json",
                        json("{}")));
                assertEquals(Kind.TLS, e.kind(), e.getMessage());
            }
            try (HttpsClient c = dpf(client).build()) {
                assertEquals(200, c.post(url(s, "/echo"), "application/json", json("{}")).status());
            }
        }
        // A genuine sho1-root certificate for another name (RFC 6125: the name asked for must be in it).
        Credential elsewhere = CertificateAuthority.of(pki.credential("sho1-root"), new SecureRandom())
                .issue("sho1", CertificateAuthority.Usage.TLS, List.of("sho1.elsewhere.example"), List.of(), Instant.now(), Duration.ofDays(1));
        try (JsonHttpServer s = JsonHttpServer.builder("other-name")
                .tls(TlsContexts.server(elsewhere, List.of(pki.root("ro-root")), true, TlsProvider.preferred()))
                .route("POST", "/echo", r -> JsonHttpServer.Response.ok(Map.of())).start(new InetSocketAddress("127.0.0.1", 0));
             HttpsClient c = dpf(client).build()) {
            HttpsClientException e = assertThrows(HttpsClientException.class, () -> c.post(url(s, "/echo"), "application/json", json("{}")));
            assertEquals(Kind.TLS, e.kind(), e.getMessage());
        }
        // A client without a certificate is refused by a listener that requires one.
        try (JsonHttpServer s = sho(TlsProvider.preferred());
             HttpsClient anonymous = HttpsClient.builder("t", TlsContexts.client(null, List.of(pki.root("sho1-root")), client))
                     .connectTimeout(Duration.ofSeconds(2)).requestTimeout(Duration.ofSeconds(3)).build()) {
            HttpsClientException e = assertThrows(HttpsClientException.class, () -> anonymous.post(url(s, "/echo"), "application/json",
                    json("{}")));
            assertTrue(e.kind() == Kind.TLS || e.kind() == Kind.CLOSED, e.kind() + ": " + e.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void timeoutsAndLimits(TlsProvider client) throws Exception {
        assumeStacks(client);
        try (JsonHttpServer s = sho(TlsProvider.preferred()); HttpsClient c = dpf(client).requestTimeout(Duration.ofMillis(500)).build()) {
            long t0 = System.nanoTime();
            HttpsClientException slow = assertThrows(HttpsClientException.class, () -> c.get(url(s, "/slow")));
            assertEquals(Kind.TIMEOUT, slow.kind());
            assertTrue(System.nanoTime() - t0 < 3_000_000_000L, "gave up at the request timeout");
            HttpsClientException big = assertThrows(HttpsClientException.class, () -> c.get(url(s, "/big")));
            assertEquals(Kind.TOO_LARGE, big.kind(), big.getMessage());
            // Neither left a broken connection in the pool.
            assertEquals(200, c.post(url(s, "/echo"), "application/json", json("{\"x\":\"ok\"}")).status());
        }
        // Nothing listens: unreachable.
        int free;
        try (ServerSocket ss = new ServerSocket(0)) {
            free = ss.getLocalPort();
        }
        try (HttpsClient c = dpf(client).build()) {
            HttpsClientException e = assertThrows(HttpsClientException.class, () -> c.post(URI.create("https://localhost:" + free + "/x"),
                    "application/json", json("{}")));
            assertEquals(Kind.UNREACHABLE, e.kind(), e.getMessage());
        }
        // A peer that accepts TCP but never answers the ClientHello: the connect timeout.
        try (ServerSocket mute = new ServerSocket(0);
             HttpsClient c = dpf(client).connectTimeout(Duration.ofMillis(300)).requestTimeout(Duration.ofSeconds(5)).build()) {
            long t0 = System.nanoTime();
            HttpsClientException e = assertThrows(HttpsClientException.class, () -> c.post(URI.create("https://localhost:"
                    + mute.getLocalPort() + "/x"), "application/json", json("{}")));
            assertEquals(Kind.CONNECT_TIMEOUT, e.kind(), e.getMessage());
            assertTrue(System.nanoTime() - t0 < 3_000_000_000L);
        }
        try (HttpsClient c = dpf(client).build()) {
            assertThrows(IllegalArgumentException.class, () -> c.post(URI.create("http://localhost:1/x"), null, null));
        }
    }

    /** A peer that writes garbage, or closes after half an answer, over real TLS. */
    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void brokenAnswers(TlsProvider client) throws Exception {
        assumeStacks(client);
        javax.net.ssl.SSLContext jdk = javax.net.ssl.SSLContext.getInstance("TLSv1.3");
        jdk.init(keyManagers(), null, null);
        try (SSLServerSocket ss = (SSLServerSocket) jdk.getServerSocketFactory().createServerSocket(0, 50,
                java.net.InetAddress.getLoopbackAddress());
             HttpsClient c = dpf(client).build()) {
            Thread peer = new Thread(() -> {
                for (String answer : List.of("SMTP ready\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"half\":")) {
                    try (SSLSocket s = (SSLSocket) ss.accept()) {
                        InputStream in = s.getInputStream();
                        readHead(in);
                        OutputStream out = s.getOutputStream();
                        out.write(answer.getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            peer.start();
            URI u = URI.create("https://localhost:" + ss.getLocalPort() + "/x");
            HttpsClientException garbage = assertThrows(HttpsClientException.class, () -> c.post(u, "application/json", json("{}")));
            assertEquals(Kind.MALFORMED, garbage.kind(), garbage.getMessage());
            HttpsClientException half = assertThrows(HttpsClientException.class, () -> c.post(u, "application/json", json("{}")));
            assertEquals(Kind.CLOSED, half.kind(), half.getMessage());
            assertFalse(half.getMessage().contains("half"), "no answer content in the message");
            peer.join(5000);
        }
    }

    private static javax.net.ssl.KeyManager[] keyManagers() throws Exception {
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        var sho = pki.credential("sho1");
        ks.setKeyEntry("k", sho.key(), new char[0], sho.chain().toArray(java.security.cert.X509Certificate[]::new));
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("PKIX");
        kmf.init(ks, new char[0]);
        return kmf.getKeyManagers();
    }

    /** Reads a request's head and its Content-Length body. */
    private static void readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return;
            }
            head.append((char) b);
        }
        for (String l : head.toString().split("\r\n")) {
            if (l.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                in.readNBytes(Integer.parseInt(l.substring(15).trim()));
            }
        }
    }
}
