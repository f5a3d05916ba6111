package org.openmcim.bench;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.security.cert.X509Certificate;

import org.openmcim.http.HttpsClient;
import org.openmcim.pki.TlsContexts;
import org.openmcim.pki.TlsProvider;

import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;

/**
 * One simulated device's HTTPS client in the provisioning load tool, on either stack
 * ({@code --device-client}): the JDK's blocking {@link javax.net.ssl.SSLSocket} ({@link DeviceHttps}), or
 * Netty with the services' own {@link HttpsClient} on the {@code --tls-provider} stack (BoringSSL by
 * default). Either way the tool decides when a TCP connection and a TLS handshake happen, and each
 * device has its own TLS context, hence its own session cache, as a real device would.
 */
interface DeviceClient {
    /** Opens a TCP connection and completes the TLS handshake, checking the server's name (RFC 6125). */
    Connection open(URI base) throws IOException;

    /** One connection: requests in sequence (keep-alive), then {@link #close()}. */
    interface Connection extends AutoCloseable {
        DeviceHttps.Answer post(String path, byte[] json, boolean last) throws IOException;

        DeviceHttps.Answer get(String pathAndQuery, boolean last) throws IOException;

        @Override
        void close();
    }

    /** The JDK's SSLSocket, one {@code SSLContext} per device (what the tool used first). */
    static DeviceClient jdk(List<X509Certificate> roRoots, boolean resume) {
        DeviceHttps d = new DeviceHttps(TlsContexts.jdkClient(null, roRoots), resume);
        return base -> {
            DeviceHttps.Connection c = d.open(base);
            return new Connection() {
                @Override
                public DeviceHttps.Answer post(String path, byte[] json, boolean last) throws IOException {
                    return c.post(path, json, last);
                }

                @Override
                public DeviceHttps.Answer get(String pathAndQuery, boolean last) throws IOException {
                    return c.get(pathAndQuery, last);
                }

                @Override
                public void close() {
                    c.close();
                }
            };
        };
    }

    /**
     * Netty on {@code tls}, one client {@link SslContext} per device (its own session cache), on the
     * shared {@code group} (whose threads the tool counts as the devices'). With {@code resume} the
     * context keeps the servers' TLS 1.3 tickets by host and port and the next connection resumes;
     * without, the cache is off (OpenSSL) or the session invalidated when the connection closes (JDK),
     * so every connection is a full handshake. {@code groups}: the TLS 1.3 groups the device offers on
     * OpenSSL (empty: the stack's default); on the JDK stack the process-wide property decides.
     */
    static DeviceClient netty(List<X509Certificate> roRoots, boolean resume, TlsProvider tls, List<String> groups, EventLoopGroup group) {
        SslContext ctx = TlsContexts.client(null, roRoots, tls, tls == TlsProvider.OPENSSL ? groups : List.of());
        if (!resume && ctx.sessionContext() instanceof OpenSslSessionContext o) {
            o.setSessionCacheEnabled(false);
        }
        HttpsClient http = HttpsClient.builder("device", ctx).group(group).connectTimeout(Duration.ofSeconds(30))
                .requestTimeout(Duration.ofSeconds(30)).maxResponseBody(1 << 20).build();
        return base -> {
            HttpsClient.Connection c;
            try {
                c = http.open(base);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
            return new Connection() {
                @Override
                public DeviceHttps.Answer post(String path, byte[] json, boolean last) throws IOException {
                    try {
                        return answer(c.post(path, "application/json", json, last));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted");
                    }
                }

                @Override
                public DeviceHttps.Answer get(String pathAndQuery, boolean last) throws IOException {
                    try {
                        return answer(c.get(pathAndQuery, last));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted");
                    }
                }

                @Override
                public void close() {
                    javax.net.ssl.SSLSession s = c.session();
                    c.close();
                    if (!resume) {
                        s.invalidate();
                    }
                }
            };
        };
    }

    private static DeviceHttps.Answer answer(HttpsClient.Response r) {
        return new DeviceHttps.Answer(r.status(), r.body());
    }
}
