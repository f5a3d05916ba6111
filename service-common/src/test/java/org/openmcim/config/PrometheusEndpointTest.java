package org.openmcim.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.openmcim.metrics.PrometheusEndpoint;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

class PrometheusEndpointTest {
    @Test
    void scrapesTheRegistryOverHttp() throws Exception {
        PrometheusMeterRegistry registry = PrometheusEndpoint.newRegistry();
        registry.counter("diameter.too_busy").increment(3);
        try (PrometheusEndpoint e = PrometheusEndpoint.start(registry, new InetSocketAddress("127.0.0.1", 0))) {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + e.address().getPort();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertTrue(r.body().contains("diameter_too_busy_total 3.0"), r.body());
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode());
        }
    }

    /**
     * A metrics address that cannot be bound stops start-up and closes what was already running (as
     * the service commands register both with their StartUp); no metrics address starts nothing.
     */
    @Test
    void aTakenAddressStopsStartUpAndClosesTheRunningService() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            InetSocketAddress at = new InetSocketAddress("127.0.0.1", taken.getLocalPort());
            org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> {
                try (org.openmcim.service.StartUp up = new org.openmcim.service.StartUp()) {
                    up.started(() -> closed.set(true));
                    up.started(PrometheusEndpoint.start(PrometheusEndpoint.newRegistry(), java.util.Optional.of(at)));
                    up.succeeded();
                }
            });
        }
        assertTrue(closed.get(), "the running service was closed");
        closed.set(false);
        try (org.openmcim.service.StartUp up = new org.openmcim.service.StartUp()) {
            up.started(() -> closed.set(true));
            assertEquals(null, up.started(PrometheusEndpoint.start(PrometheusEndpoint.newRegistry(), java.util.Optional.empty())));
            up.succeeded();
        }
        assertTrue(!closed.get(), "no metrics address: nothing started, nothing closed");
    }
}
