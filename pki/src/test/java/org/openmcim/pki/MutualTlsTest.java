package org.openmcim.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

/**
 * Real TLS 1.3 handshakes over loopback with the development PKI: who is accepted and who is not, on
 * each {@link TlsProvider} (the same policy must hold whichever stack runs the handshake).
 */
class MutualTlsTest {
    @TempDir
    static Path tmp;
    static DevelopmentPki pki;
    static EventLoopGroup group;

    @BeforeAll
    static void setUp() throws Exception {
        pki = DevelopmentPki.init(tmp.resolve("pki"), Instant.now(), new SecureRandom(), false);
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    }

    @AfterAll
    static void tearDown() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Server side session of one handshake, or the failure. */
    CompletableFuture<SSLSession> serve(SslContext ctx, Channel[] holder) throws InterruptedException {
        return serve(ctx, holder, false);
    }

    /** With {@code greet}, the server writes one byte after each handshake (so a client has something to read). */
    CompletableFuture<SSLSession> serve(SslContext ctx, Channel[] holder, boolean greet) throws InterruptedException {
        CompletableFuture<SSLSession> server = new CompletableFuture<>();
        holder[0] = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        SslHandler h = ctx.newHandler(ch.alloc());
                        ch.pipeline().addLast(h);
                        h.handshakeFuture().addListener(f -> {
                            if (f.isSuccess()) {
                                if (greet) {
                                    ch.writeAndFlush(io.netty.buffer.Unpooled.wrappedBuffer(new byte[] {1}));
                                }
                                server.complete(h.engine().getSession());
                            } else {
                                server.completeExceptionally(f.cause());
                            }
                        });
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        return server;
    }

    boolean connect(SslContext ctx, InetSocketAddress to, String hostName) throws InterruptedException {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel c) {
                SslHandler h = ctx.newHandler(c.alloc(), hostName, to.getPort());
                c.pipeline().addLast(h);
                h.handshakeFuture().addListener(f -> done.complete(f.isSuccess()));
            }
        }).connect(to).sync().channel();
        try {
            return done.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return false;
        } finally {
            ch.close();
        }
    }

    /** Skips the OpenSSL cases where the native library does not exist; {@link #openSslLoadsWhereCiRuns} keeps CI honest. */
    static TlsProvider usable(TlsProvider p) {
        assumeTrue(p == TlsProvider.JDK || TlsProvider.openSslAvailable(), "no netty-tcnative for this platform");
        return p;
    }

    @Test
    void openSslLoadsWhereCiRuns() {
        // CI and the lab run Debian bookworm on x86_64, for which the pki module ships the native
        // library: there the services must not silently fall back to the slower JDK stack.
        boolean linuxX64 = System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")
                && List.of("amd64", "x86_64").contains(System.getProperty("os.arch"));
        assumeTrue(linuxX64, "the native library is shipped for linux-x86_64 only");
        assertTrue(TlsProvider.openSslAvailable(), "netty-tcnative-boringssl-static did not load: " + io.netty.handler.ssl.OpenSsl.unavailabilityCause());
        assertEquals(TlsProvider.OPENSSL, TlsProvider.preferred());
    }

    @Test
    void providerNamesAreParsedStrictly() {
        assertEquals(TlsProvider.OPENSSL, TlsProvider.parse("openssl"));
        assertEquals(TlsProvider.JDK, TlsProvider.parse("jdk"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> TlsProvider.parse("OpenSSL"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> TlsProvider.parse("boringssl"));
    }

    @ParameterizedTest(name = "server and client on {0}")
    @EnumSource(TlsProvider.class)
    void operatorsTalkMutualTls13(TlsProvider provider) throws Exception {
        usable(provider);
        Channel[] server = new Channel[1];
        // The DPF (RO) accepts SHOs' clients; the SHO trusts the RO root.
        CompletableFuture<SSLSession> session = serve(TlsContexts.server(pki.credential("dpf"),
                List.of(pki.root("sho1-root"), pki.root("sho2-root")), true, provider), server);
        try {
            SslContext sho1 = TlsContexts.client(pki.credential("sho1"), List.of(pki.root("ro-root")), provider);
            assertTrue(connect(sho1, (InetSocketAddress) server[0].localAddress(), "dpf.ro.localdomain"));
            SSLSession s = session.get(5, TimeUnit.SECONDS);
            assertEquals("TLSv1.3", s.getProtocol());
            assertTrue(s.getPeerPrincipal().getName().contains("CN=sho1"));
        } finally {
            server[0].close();
        }
    }

    @ParameterizedTest(name = "server on {0}")
    @EnumSource(TlsProvider.class)
    void clientFromAnUntrustedRootIsRefused(TlsProvider provider) throws Exception {
        usable(provider);
        Channel[] server = new Channel[1];
        CompletableFuture<SSLSession> session = serve(TlsContexts.server(pki.credential("dpf"), List.of(pki.root("sho1-root")), true, provider),
                server);
        try {
            // sho2's certificate chains to sho2-root, which this DPF does not trust.
            SslContext sho2 = TlsContexts.client(pki.credential("sho2"), List.of(pki.root("ro-root")), TlsProvider.JDK);
            connect(sho2, (InetSocketAddress) server[0].localAddress(), "dpf.ro.localdomain");
            assertTrue(session.handle((s, e) -> e != null).get(5, TimeUnit.SECONDS), "handshake must fail on the server");
        } finally {
            server[0].close();
        }
    }

    /**
     * A client certificate that names sho1-root as its issuer and carries CN=sho1, but was signed by
     * another key under a look-alike root of the same name: it does not chain (RFC 5280 §6.1.3 (a)(1):
     * the signature must verify with the working public key). Refused on both stacks, the OpenSSL one
     * included, whose verify callback runs the same PKIX trust manager.
     */
    @ParameterizedTest(name = "server on {0}")
    @EnumSource(TlsProvider.class)
    void clientCertificateThatDoesNotChainIsRefused(TlsProvider provider) throws Exception {
        usable(provider);
        Instant now = Instant.now();
        String rootName = pki.root("sho1-root").getSubjectX500Principal().getName();
        String cn = rootName.substring(rootName.indexOf("CN=") + 3).split(",")[0];
        CertificateAuthority lookAlike = CertificateAuthority.newRoot(cn, now, Duration.ofDays(1), new SecureRandom());
        assertEquals(pki.root("sho1-root").getSubjectX500Principal(), lookAlike.certificate().getSubjectX500Principal());
        Credential forged = lookAlike.issue("sho1", CertificateAuthority.Usage.TLS, List.of("sho1.localdomain"), List.of(), now,
                Duration.ofDays(1));
        // The forged leaf alone, and the leaf with the real sho1-root appended as if it were its issuer.
        for (List<java.security.cert.X509Certificate> chain : List.of(List.of(forged.certificate()),
                List.of(forged.certificate(), pki.root("sho1-root")))) {
            Channel[] server = new Channel[1];
            CompletableFuture<SSLSession> session = serve(TlsContexts.server(pki.credential("dpf"), List.of(pki.root("sho1-root")), true,
                    provider), server);
            try {
                // A key manager that presents the chain whatever the server asks for: the JDK's own would
                // send no certificate at all for a chain it finds inconsistent, and the test would then
                // only show that a missing certificate is refused.
                java.util.concurrent.atomic.AtomicBoolean presented = new java.util.concurrent.atomic.AtomicBoolean();
                SSLContext mallory = SSLContext.getInstance("TLSv1.3");
                mallory.init(new javax.net.ssl.KeyManager[] {presenting(forged.key(), chain, presented)},
                        TlsContexts.jdkTrustManagers(List.of(pki.root("ro-root"))), null);
                try (SSLSocket s = (SSLSocket) mallory.getSocketFactory().createSocket("localhost",
                        ((InetSocketAddress) server[0].localAddress()).getPort())) {
                    s.setSoTimeout(5_000);
                    s.startHandshake();
                    s.getInputStream().read(); // the server's alert, or end of stream
                } catch (java.io.IOException expected) {
                    // refused
                }
                assertTrue(presented.get(), "the client presented its chain");
                assertTrue(session.handle((x, e) -> e != null).get(5, TimeUnit.SECONDS), "handshake must fail on the server: " + chain.size());
            } finally {
                server[0].close();
            }
        }
    }

    private static javax.net.ssl.X509ExtendedKeyManager presenting(java.security.PrivateKey key,
            List<java.security.cert.X509Certificate> chain, java.util.concurrent.atomic.AtomicBoolean presented) {
        return new javax.net.ssl.X509ExtendedKeyManager() {
            @Override
            public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, java.net.Socket socket) {
                presented.set(true);
                return "mallory";
            }

            @Override
            public java.security.cert.X509Certificate[] getCertificateChain(String alias) {
                return chain.toArray(java.security.cert.X509Certificate[]::new);
            }

            @Override
            public java.security.PrivateKey getPrivateKey(String alias) {
                return key;
            }

            @Override
            public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
                return new String[] {"mallory"};
            }

            @Override
            public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
                return null;
            }

            @Override
            public String chooseServerAlias(String keyType, java.security.Principal[] issuers, java.net.Socket socket) {
                return null;
            }
        };
    }

    /**
     * The OpenSSL server issues TLS 1.3 tickets (Netty turns them off by default) and a JDK client —
     * the devices' stack — resumes with one: the second handshake counts as a ticket resumption.
     */
    @Test
    void openSslServerResumesJdkClients() throws Exception {
        usable(TlsProvider.OPENSSL);
        Channel[] server = new Channel[1];
        SslContext ctx = TlsContexts.server(pki.credential("dpf"), List.of(), false, TlsProvider.OPENSSL);
        serve(ctx, server, true);
        try {
            SSLContext device = TlsContexts.jdkClient(null, List.of(pki.root("ro-root")));
            int port = ((InetSocketAddress) server[0].localAddress()).getPort();
            for (int i = 0; i < 2; i++) {
                try (SSLSocket s = (SSLSocket) device.getSocketFactory().createSocket("localhost", port)) {
                    SSLParameters p = s.getSSLParameters();
                    p.setEndpointIdentificationAlgorithm("HTTPS");
                    s.setSSLParameters(p);
                    s.setSoTimeout(5_000);
                    s.startHandshake();
                    assertEquals("TLSv1.3", s.getSession().getProtocol());
                    // TLS 1.3 tickets follow the handshake (RFC 8446 §4.6.1); the byte the server writes
                    // after them is read only once the client has taken them in.
                    assertEquals(1, s.getInputStream().read());
                }
            }
            long resumed = ((OpenSslSessionContext) ctx.sessionContext()).stats().ticketKeyResume();
            assertEquals(1, resumed, "the second connection resumes with the ticket of the first");
        } finally {
            server[0].close();
        }
    }

    @ParameterizedTest(name = "server and client on {0}")
    @EnumSource(TlsProvider.class)
    void serverNameIsVerified(TlsProvider provider) throws Exception {
        usable(provider);
        Channel[] server = new Channel[1];
        serve(TlsContexts.server(pki.credential("dpf"), List.of(), false, provider), server);
        try {
            SslContext device = TlsContexts.client(null, List.of(pki.root("ro-root")), provider);
            InetSocketAddress a = (InetSocketAddress) server[0].localAddress();
            assertTrue(connect(device, a, "dpf.ro.localdomain"), "right name");
            assertFalse(connect(device, a, "sho1.localdomain"), "a name the certificate does not carry");
            SslContext trustsShoOnly = TlsContexts.client(null, List.of(pki.root("sho1-root")), provider);
            assertFalse(connect(trustsShoOnly, a, "dpf.ro.localdomain"), "a server from an untrusted root");
        } finally {
            server[0].close();
        }
    }

    /**
     * A client's groups reach BoringSSL: against a server that accepts only x25519, a client offering
     * only the hybrid X25519MLKEM768 has no common group and fails (RFC 8446 §4.1.1), one offering
     * x25519 completes, and so does one on the default groups (which list x25519 after the hybrid).
     * The JDK provider refuses per-context groups instead of ignoring them.
     */
    @Test
    void clientGroupsAreWhatTheClientOffers() throws Exception {
        usable(TlsProvider.OPENSSL);
        Channel[] server = new Channel[1];
        SslContext x25519Only = io.netty.handler.ssl.SslContextBuilder.forServer(pki.credential("dpf").key(),
                        pki.credential("dpf").chain().toArray(java.security.cert.X509Certificate[]::new))
                .sslProvider(io.netty.handler.ssl.SslProvider.OPENSSL).protocols("TLSv1.3")
                .option(io.netty.handler.ssl.OpenSslContextOption.GROUPS, new String[] {"X25519"}).build();
        serve(x25519Only, server);
        try {
            InetSocketAddress a = (InetSocketAddress) server[0].localAddress();
            List<java.security.cert.X509Certificate> ro = List.of(pki.root("ro-root"));
            assertFalse(connect(TlsContexts.client(null, ro, TlsProvider.OPENSSL, List.of("X25519MLKEM768")), a, "dpf.ro.localdomain"),
                    "no group in common");
            assertTrue(connect(TlsContexts.client(null, ro, TlsProvider.OPENSSL, List.of("X25519")), a, "dpf.ro.localdomain"));
            assertTrue(connect(TlsContexts.client(null, ro, TlsProvider.OPENSSL), a, "dpf.ro.localdomain"), "default groups");
        } finally {
            server[0].close();
        }
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TlsContexts.client(null, List.of(pki.root("ro-root")), TlsProvider.JDK, List.of("X25519")));
    }

    /**
     * A server's {@code tls.groups} (TlsContexts.server with groups) is what it accepts: a hybrid-only
     * DPF refuses a device that offers X25519 alone and takes one that offers the hybrid, even second
     * (RFC 8446 §4.1.4: a HelloRetryRequest asks for that share).
     */
    @Test
    void serverGroupsAreWhatTheServerAccepts() throws Exception {
        usable(TlsProvider.OPENSSL);
        Channel[] server = new Channel[1];
        serve(TlsContexts.server(pki.credential("dpf"), List.of(), false, TlsProvider.OPENSSL, List.of("X25519MLKEM768")), server);
        try {
            InetSocketAddress a = (InetSocketAddress) server[0].localAddress();
            List<java.security.cert.X509Certificate> ro = List.of(pki.root("ro-root"));
            assertFalse(connect(TlsContexts.client(null, ro, TlsProvider.OPENSSL, List.of("X25519")), a, "dpf.ro.localdomain"),
                    "no group in common");
            assertTrue(connect(TlsContexts.client(null, ro, TlsProvider.OPENSSL, List.of("X25519", "X25519MLKEM768")), a, "dpf.ro.localdomain"),
                    "the hybrid offered second: a HelloRetryRequest");
            assertTrue(connect(TlsContexts.client(null, ro, TlsProvider.OPENSSL), a, "dpf.ro.localdomain"), "BoringSSL's default groups");
        } finally {
            server[0].close();
        }
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TlsContexts.server(pki.credential("dpf"), List.of(), false, TlsProvider.JDK, List.of("X25519")));
    }
}
