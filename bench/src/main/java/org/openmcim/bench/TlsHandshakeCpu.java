package org.openmcim.bench;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import org.openmcim.pki.DevelopmentPki;
import org.openmcim.pki.TlsContexts;
import org.openmcim.pki.TlsProvider;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

/**
 * CPU time of one TLS 1.3 handshake on each side, as the device-facing listeners run them: a Netty
 * server from {@link TlsContexts#server} on one event loop, the DPF's certificate, against a JDK
 * {@link SSLSocket} client like bin/bench-prov's devices, one connection after another on one thread.
 * Thread CPU time (user + system) of the server's event loop and of the client thread, per handshake:
 * on a machine shared with other processes this moves far less than wall-clock rates do, because
 * waiting for a core is not counted. The event loop's figure includes accepting the connection and
 * setting up its pipeline, as in the services.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar org.openmcim.bench.TlsHandshakeCpu [openssl|jdk] [full|resume] [handshakes per round]
 * </pre>
 */
public final class TlsHandshakeCpu {
    public static void main(String[] args) throws Exception {
        TlsProvider provider = TlsProvider.parse(args.length > 0 ? args[0] : "openssl").effective("tls-handshake-cpu");
        boolean resume = args.length > 1 && args[1].equals("resume");
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        DevelopmentPki pki = DevelopmentPki.init(WorkDirectory.create("tls-cpu").resolve("pki"), Instant.now().minusSeconds(3600),
                new SecureRandom(), false);
        SslContext ctx = TlsContexts.server(pki.credential("dpf"), List.of(), false, provider);
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try {
            Channel server = new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class).childHandler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    SslHandler h = ctx.newHandler(ch.alloc());
                    ch.pipeline().addLast(h);
                    // One byte after the handshake: the client reads it after the TLS 1.3 tickets, so it keeps them.
                    h.handshakeFuture().addListener(f -> {
                        if (f.isSuccess()) {
                            ch.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1}));
                        }
                    });
                }
            }).bind("127.0.0.1", 0).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            System.out.printf("TLS 1.3 handshakes, %s server (Netty, one event loop) and JDK client, %s, %d per round; load average %.2f%n",
                    provider.configName(), resume ? "resumed with the server's ticket" : "full", n,
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            for (int round = 1; round <= 5; round++) {
                long loop0 = loop.submit(mx::getCurrentThreadCpuTime).get();
                long client0 = mx.getCurrentThreadCpuTime();
                SSLContext device = TlsContexts.jdkClient(null, List.of(pki.root("ro-root")));
                int stalled = 0;
                for (int i = 0; i < n; i++) {
                    try (SSLSocket s = (SSLSocket) device.getSocketFactory().createSocket("localhost", port)) {
                        s.setSoTimeout(5_000);
                        SSLParameters p = s.getSSLParameters();
                        p.setEndpointIdentificationAlgorithm("HTTPS");
                        s.setSSLParameters(p);
                        s.startHandshake();
                        try {
                            if (s.getInputStream().read() != 1) {
                                throw new IllegalStateException("no byte after the handshake");
                            }
                        } catch (java.net.SocketTimeoutException e) {
                            // Seen once in ~1,500 resumed connections on the OpenSSL stack: the client finished its
                            // handshake, the server's byte never came (not investigated; the services' clients send
                            // their request at once and none stalled in bin/bench-prov). Counted, not hidden.
                            stalled++;
                        }
                        if (!resume) {
                            s.getSession().invalidate();
                        }
                    }
                }
                long client = mx.getCurrentThreadCpuTime() - client0;
                long server1 = loop.submit(mx::getCurrentThreadCpuTime).get() - loop0;
                System.out.printf("round %d: server event loop %,6.0f µs, JDK client %,6.0f µs of CPU per handshake%s%s%n", round,
                        server1 / 1e3 / n, client / 1e3 / n, round == 1 ? " (warm-up)" : "",
                        stalled > 0 ? "; " + stalled + " stalled 5 s after the handshake" : "");
            }
            server.close().sync();
        } finally {
            loop.shutdownGracefully().sync();
        }
    }
}
