package org.openmcim.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmcim.pki.DevelopmentPki;
import org.openmcim.pki.TlsContexts;

/** The service shell over real TLS 1.3, with mutual TLS, driven by the JDK's HTTP client. */
class JsonHttpServerTest {
    @TempDir
    static Path tmp;
    static DevelopmentPki pki;
    static JsonHttpServer server;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        pki = DevelopmentPki.init(tmp.resolve("pki"), Instant.now(), new SecureRandom(), false);
        server = JsonHttpServer.builder("test")
                .tls(TlsContexts.server(pki.credential("dpf"), List.of(pki.root("sho1-root")), true))
                .maxBody(1024)
                .route("POST", "/echo", r -> JsonHttpServer.Response.ok(Map.of("peer", r.peer().getSubjectX500Principal().getName(),
                        "got", JsonHttpServer.json(r).path("x").asText())))
                .route("GET", "/boom", r -> {
                    throw new IllegalStateException("secret internal detail");
                })
                .route("GET", "/refuse", r -> {
                    throw new JsonHttpServer.HttpException(409, "already-used", "nonce already used");
                })
                .route("GET", "/things/{id}", r -> JsonHttpServer.Response.ok(Map.of("id", r.pathParam("id"))))
                .route("POST", "/things/{id}/parts/{part}", r -> JsonHttpServer.Response.ok(Map.of("id", r.pathParam("id"),
                        "part", r.pathParam("part"))))
                .route("GET", "/things/special", r -> JsonHttpServer.Response.ok(Map.of("special", true)))
                .route("POST", "/csv", List.of("text/csv"), r -> JsonHttpServer.Response.of(201, "text/csv; charset=us-ascii",
                        ("accept=" + r.header("ACCEPT") + "\n" + new String(r.body(), java.nio.charset.StandardCharsets.US_ASCII))
                                .getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
                .start(new InetSocketAddress("127.0.0.1", 0));
        base = "https://localhost:" + server.address().getPort();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpClient client(String identity) {
        return HttpClient.newBuilder().sslContext(TlsContexts.jdkClient(identity == null ? null : pki.credential(identity),
                List.of(pki.root("ro-root")))).build();
    }

    static HttpResponse<String> send(HttpClient c, String method, String path, String contentType, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return c.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void mutualTlsPeerReachesTheHandler() throws Exception {
        HttpResponse<String> r = send(client("sho1"), "POST", "/echo", "application/json", "{\"x\":\"hello\"}");
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("CN=sho1") && r.body().contains("hello"), r.body());
    }

    @Test
    void everyErrorIsJsonWithAReason() throws Exception {
        HttpClient c = client("sho1");
        assertReason(send(c, "GET", "/nope", null, null), 404, "not-found");
        assertReason(send(c, "GET", "/echo", null, null), 405, "method-not-allowed");
        assertReason(send(c, "POST", "/echo", "text/plain", "x"), 415, "unsupported-media-type");
        assertReason(send(c, "POST", "/echo", "application/json", "not json"), 400, "malformed-json");
        assertReason(send(c, "GET", "/refuse", null, null), 409, "already-used");
        HttpResponse<String> boom = send(c, "GET", "/boom", null, null);
        assertReason(boom, 500, "internal");
        assertFalse(boom.body().contains("secret"), "no internals on the wire");
        assertReason(send(c, "POST", "/echo", "application/json", "{\"x\":\"" + "a".repeat(2000) + "\"}"), 413, "too-large");
        // Still serving after all of that.
        assertEquals(200, send(c, "POST", "/echo", "application/json", "{\"x\":\"again\"}").statusCode());
    }

    /** {name} segments: matched whole, a literal path wins, a missing or extra segment is 404, another method 405. */
    @Test
    void pathParameters() throws Exception {
        HttpClient c = client("sho1");
        HttpResponse<String> one = send(c, "GET", "/things/abc", null, null);
        assertEquals(200, one.statusCode(), one.body());
        assertEquals("{\"id\":\"abc\"}", one.body());
        HttpResponse<String> two = send(c, "POST", "/things/7/parts/x", "application/json", "{}");
        assertTrue(two.body().contains("\"id\":\"7\"") && two.body().contains("\"part\":\"x\""), two.body());
        assertEquals("{\"special\":true}", send(c, "GET", "/things/special", null, null).body());
        assertReason(send(c, "GET", "/things/", null, null), 404, "not-found");
        assertReason(send(c, "GET", "/things/a/b", null, null), 404, "not-found");
        assertReason(send(c, "POST", "/things/abc", "application/json", "{}"), 405, "method-not-allowed");
    }

    /** A route may take and give another media type; refusals stay JSON; nothing is cacheable. */
    @Test
    void otherMediaTypes() throws Exception {
        HttpClient c = client("sho1");
        HttpResponse<String> csv = c.send(HttpRequest.newBuilder(URI.create(base + "/csv")).header("Content-Type", "text/csv")
                .header("Accept", "text/csv").POST(HttpRequest.BodyPublishers.ofString("imsi,k\n1,2\n")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, csv.statusCode());
        assertEquals("text/csv; charset=us-ascii", csv.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("accept=text/csv\nimsi,k\n1,2\n", csv.body());
        assertEquals("no-store", csv.headers().firstValue("Cache-Control").orElseThrow());
        HttpResponse<String> json = send(c, "POST", "/csv", "application/json", "{}");
        assertReason(json, 415, "unsupported-media-type");
        assertTrue(json.body().contains("send text/csv"), json.body());
        assertEquals("no-store", json.headers().firstValue("Cache-Control").orElseThrow());
        assertReason(send(c, "POST", "/echo", "text/csv", "a,b"), 415, "unsupported-media-type");
    }

    @Test
    void clientsWithoutATrustedCertificateAreRefused() {
        assertThrows(java.io.IOException.class, () -> send(client(null), "POST", "/echo", "application/json", "{}"));
        assertThrows(java.io.IOException.class, () -> send(client("sho2"), "POST", "/echo", "application/json", "{}"));
    }

    /**
     * A listener that asks for no client certificate (the device-facing ones) gives its handlers an
     * empty peer chain, on every request of a connection, even from a client that holds a
     * certificate: it is never sent without a CertificateRequest (RFC 8446 §4.3.2). The chain is
     * not read from the TLS session there at all (JsonHttpServer.Dispatch.peer).
     */
    @Test
    void aListenerWithoutClientAuthenticationHasNoPeerChain() throws Exception {
        JsonHttpServer open = JsonHttpServer.builder("server-auth-only")
                .tls(TlsContexts.server(pki.credential("dpf"), List.of(), false))
                .route("GET", "/peer", r -> JsonHttpServer.Response.ok(Map.of("certificates", r.peerCertificates().size(),
                        "peer", String.valueOf(r.peer()))))
                .start(new InetSocketAddress("127.0.0.1", 0));
        try {
            HttpClient c = HttpClient.newBuilder().sslContext(TlsContexts.jdkClient(pki.credential("sho1"), List.of(pki.root("ro-root"))))
                    .build();
            for (int i = 0; i < 2; i++) { // the second request on the kept-alive connection too
                HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create("https://localhost:" + open.address().getPort() + "/peer"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), r.body());
                assertEquals("{\"certificates\":0,\"peer\":\"null\"}".length(), r.body().length(), r.body());
                assertTrue(r.body().contains("\"certificates\":0") && r.body().contains("\"peer\":\"null\""), r.body());
            }
        } finally {
            open.close();
        }
    }

    static void assertReason(HttpResponse<String> r, int status, String reason) {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"error\":\"" + reason + "\""), r.body());
    }

    /** close() closes the open keep-alive connections too, so their clients see the end at once instead of a timeout. */
    @Test
    void closeEndsKeepAliveConnections() throws Exception {
        JsonHttpServer plain = JsonHttpServer.builder("closing").route("GET", "/x", r -> JsonHttpServer.Response.ok(Map.of("x", 1)))
                .start(new InetSocketAddress("127.0.0.1", 0));
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", plain.address().getPort())) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write("GET /x HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            java.io.InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            String got = "";
            while (!got.contains("{\"x\":1}")) {
                int n = in.read(buf);
                assertTrue(n > 0, "answer before the close");
                got += new String(buf, 0, n, java.nio.charset.StandardCharsets.US_ASCII);
            }
            plain.close();
            assertEquals(-1, in.read(), "the server closed the idle keep-alive connection");
        }
    }
}
