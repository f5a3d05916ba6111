package org.openmcim.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSession;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

/** Real TLS 1.3 handshakes over loopback with the development PKI: who is accepted and who is not. */
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
        CompletableFuture<SSLSession> server = new CompletableFuture<>();
        holder[0] = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        SslHandler h = ctx.newHandler(ch.alloc());
                        ch.pipeline().addLast(h);
                        h.handshakeFuture().addListener(f -> {
                            if (f.isSuccess()) {
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

    @Test
    void operatorsTalkMutualTls13() throws Exception {
        Channel[] server = new Channel[1];
        // The DPF (RO) accepts SHOs' clients; the SHO trusts the RO root.
        CompletableFuture<SSLSession> session = serve(TlsContexts.server(pki.credential("dpf"),
                List.of(pki.root("sho1-root"), pki.root("sho2-root")), true), server);
        try {
            SslContext sho1 = TlsContexts.client(pki.credential("sho1"), List.of(pki.root("ro-root")));
            assertTrue(connect(sho1, (InetSocketAddress) server[0].localAddress(), "dpf.ro.localdomain"));
            SSLSession s = session.get(5, TimeUnit.SECONDS);
            assertEquals("TLSv1.3", s.getProtocol());
            assertTrue(s.getPeerPrincipal().getName().contains("CN=sho1"));
        } finally {
            server[0].close();
        }
    }

    @Test
    void clientFromAnUntrustedRootIsRefused() throws Exception {
        Channel[] server = new Channel[1];
        CompletableFuture<SSLSession> session = serve(TlsContexts.server(pki.credential("dpf"), List.of(pki.root("sho1-root")), true), server);
        try {
            // sho2's certificate chains to sho2-root, which this DPF does not trust.
            SslContext sho2 = TlsContexts.client(pki.credential("sho2"), List.of(pki.root("ro-root")));
            connect(sho2, (InetSocketAddress) server[0].localAddress(), "dpf.ro.localdomain");
            assertTrue(session.handle((s, e) -> e != null).get(5, TimeUnit.SECONDS), "handshake must fail on the server");
        } finally {
            server[0].close();
        }
    }

    @Test
    void serverNameIsVerified() throws Exception {
        Channel[] server = new Channel[1];
        serve(TlsContexts.server(pki.credential("dpf"), List.of(), false), server);
        try {
            SslContext device = TlsContexts.client(null, List.of(pki.root("ro-root")));
            InetSocketAddress a = (InetSocketAddress) server[0].localAddress();
            assertTrue(connect(device, a, "dpf.ro.localdomain"), "right name");
            assertFalse(connect(device, a, "sho1.localdomain"), "a name the certificate does not carry");
            SslContext trustsShoOnly = TlsContexts.client(null, List.of(pki.root("sho1-root")));
            assertFalse(connect(trustsShoOnly, a, "dpf.ro.localdomain"), "a server from an untrusted root");
        } finally {
            server[0].close();
        }
    }
}
