package org.openmcim.sho;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmcim.pki.DevelopmentPki;
import org.openmcim.pki.TlsContexts;

/** The shipped sho1 configuration really starts: SHO listeners, the embedded home-mode HSS, metrics. */
class ShoLaunchTest {
    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void shippedSho1ConfigurationRuns(@TempDir Path tmp) throws Exception {
        DevelopmentPki pki = DevelopmentPki.init(tmp.resolve(".work/pki"), Instant.now(), new SecureRandom(), false);
        Path conf = Files.createDirectories(tmp.resolve("config/parts")).getParent();
        Path src = Path.of("..", "config");
        Files.copy(src.resolve("parts/meter-reading.json"), conf.resolve("parts/meter-reading.json"));
        int metricsPort = freePort();
        Files.writeString(conf.resolve("sho1.yaml"), Files.readString(src.resolve("sho1.yaml"))
                .replace("127.0.0.1:9443", "127.0.0.1:" + freePort()).replace("127.0.0.1:9444", "127.0.0.1:" + freePort())
                .replace("127.0.0.1:9471", "127.0.0.1:" + metricsPort)
                .replace("https://localhost:8443", "https://localhost:" + freePort())); // no DRF there: recorded as not registered
        Files.writeString(conf.resolve("sho1-hss.yaml"), Files.readString(src.resolve("sho1-hss.yaml"))
                .replace("127.0.0.1:3870", "127.0.0.1:" + freePort()));
        try (ShoCommand.Running run = ShoCommand.launch(conf.resolve("sho1.yaml"), Clock.systemUTC(), new SecureRandom())) {
            assertNotNull(run.hss(), "the SHO's HSS runs in the same process");
            try (Socket s = new Socket("127.0.0.1", run.hss().boundAddresses().get(0).getPort())) {
                assertTrue(s.isConnected(), "its Diameter port accepts connections");
            }
            HttpClient admin = HttpClient.newBuilder().sslContext(TlsContexts.jdkClient(pki.credential("sho1"), List.of(pki.root("sho1-root"))))
                    .build();
            HttpResponse<String> r = admin.send(HttpRequest.newBuilder(URI.create("https://localhost:" + run.sho().address().getPort()
                    + "/sho/v1/contracts")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"treId\":\"tre-0001\",\"pcid\":\"001010000000001\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(201, r.statusCode(), r.body());
            assertTrue(r.body().contains("\"drfRegistered\":false"), r.body());
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("sho_requests_total{endpoint=\"contracts\",outcome=\"ok\"}"), metrics);
            assertFalse(metrics.toLowerCase().contains("opc"), "nothing key-like in metrics");
        }
    }
}
