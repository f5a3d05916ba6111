package org.openmcim.metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * {@code GET /metrics} in the Prometheus text format for one service's registry. The JDK's small
 * HTTP server is enough for a scrape endpoint on a management address; the services' own
 * protocols use Netty.
 */
public final class PrometheusEndpoint implements AutoCloseable {
    private final PrometheusMeterRegistry registry;
    private final HttpServer server;

    private PrometheusEndpoint(PrometheusMeterRegistry registry, HttpServer server) {
        this.registry = registry;
        this.server = server;
    }

    /** A registry to hand to the service's components. */
    public static PrometheusMeterRegistry newRegistry() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    /**
     * The endpoint on {@code listen} if the configuration names one, else null (the services'
     * optional {@code metrics:} key). A service registers it with its {@code StartUp}, so that an
     * address already taken also closes what started before it.
     */
    public static PrometheusEndpoint start(PrometheusMeterRegistry registry, java.util.Optional<InetSocketAddress> listen)
            throws IOException {
        return listen.isEmpty() ? null : start(registry, listen.get());
    }

    public static PrometheusEndpoint start(PrometheusMeterRegistry registry, InetSocketAddress listen) throws IOException {
        InetSocketAddress bind = listen.isUnresolved() ? new InetSocketAddress(listen.getHostString(), listen.getPort()) : listen;
        HttpServer server = HttpServer.create(bind, 16);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "metrics-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/metrics", exchange -> {
            try (exchange) {
                if (!"GET".equals(exchange.getRequestMethod())) {
                    exchange.getResponseHeaders().add("Allow", "GET");
                    byte[] body = "405 method not allowed: only GET /metrics\n".getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(405, body.length);
                    exchange.getResponseBody().write(body);
                    return;
                }
                byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
        return new PrometheusEndpoint(registry, server);
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
