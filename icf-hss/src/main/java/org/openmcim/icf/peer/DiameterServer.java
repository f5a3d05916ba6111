package org.openmcim.icf.peer;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.openmcim.diameter.DiameterCodec;
import org.openmcim.diameter.netty.DiameterPipeline;
import org.openmcim.icf.config.IcfConfig;
import org.openmcim.service.IoTransport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.sctp.SctpChannel;
import io.netty.channel.sctp.SctpChannelOption;
import io.netty.handler.codec.sctp.SctpMessageCompletionHandler;
import io.netty.channel.sctp.nio.NioSctpServerChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;

/**
 * One listening Diameter identity over TCP or SCTP (RFC 6733 §2.1; SCTP only where the kernel has
 * it: asked for on a kernel without it, {@link #start()} fails and says so). Each accepted
 * connection gets the codec, the watchdog's idle timer (Tw) and its own {@link PeerHandler}; over
 * SCTP the same codec sits behind {@link SctpFraming}.
 */
public final class DiameterServer implements AutoCloseable {
    private final LocalIdentity local;
    private final InetSocketAddress listen;
    private final IcfConfig.Transport transport;
    private final PeerAuthorizer authorizer;
    private final RequestDispatcher dispatcher;
    private final PeerTable peers;
    private final DiameterCodec codec;
    private final Duration watchdog;
    private final EventLoopGroup group;
    private Channel channel;

    public DiameterServer(LocalIdentity local, InetSocketAddress listen, IcfConfig.Transport transport, PeerAuthorizer authorizer,
                          RequestDispatcher dispatcher, PeerTable peers, DiameterCodec codec, Duration watchdog,
                          EventLoopGroup group) {
        this.local = local;
        this.listen = listen;
        this.transport = transport;
        this.authorizer = authorizer;
        this.dispatcher = dispatcher;
        this.peers = peers;
        this.codec = codec;
        this.watchdog = watchdog;
        this.group = group;
    }

    /** Binds and returns the address actually bound (port 0 picks a free one). */
    public InetSocketAddress start() throws InterruptedException {
        InetSocketAddress bindTo = listen.isUnresolved() ? new InetSocketAddress(listen.getHostString(), listen.getPort()) : listen;
        ServerBootstrap b = new ServerBootstrap().group(group).option(ChannelOption.SO_REUSEADDR, true);
        if (transport == IcfConfig.Transport.SCTP) {
            if (!sctpAvailable()) {
                throw new IllegalStateException(local.host() + ": transport sctp on " + bindTo + ", but this kernel has no SCTP "
                        + "(the sctp module is not loaded or not built); use transport: tcp");
            }
            b.channel(NioSctpServerChannel.class)
                    .childOption(SctpChannelOption.SCTP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SctpChannel>() {
                        @Override
                        protected void initChannel(SctpChannel ch) {
                            ch.pipeline().addLast("sctp-reassembly", new SctpMessageCompletionHandler());
                            ch.pipeline().addLast("sctp-framing", new SctpFraming());
                            addDiameter(ch);
                        }
                    });
        } else {
            b.channel(IoTransport.of(group).serverChannel())
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            addDiameter(ch);
                        }
                    });
        }
        channel = b.bind(bindTo).sync().channel();
        return (InetSocketAddress) channel.localAddress();
    }

    private void addDiameter(Channel ch) {
        // Answers are written one by one (from the workers, or from tasks on the loop): flush them
        // together, once per loop turn, instead of one write(2) each (issue #3). A flush waits at
        // most until the tasks already queued on this loop have run.
        ch.pipeline().addLast("flush-consolidation", new FlushConsolidationHandler(
                FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
        ch.pipeline().addLast("watchdog", new IdleStateHandler(watchdog.toMillis(), 0, 0, TimeUnit.MILLISECONDS));
        DiameterPipeline.addCodec(ch.pipeline(), codec);
        ch.pipeline().addLast("peer", new PeerHandler(local, authorizer, dispatcher, peers));
    }

    /** Whether the JDK can open an SCTP socket here (Linux needs the kernel's sctp module and libsctp). */
    public static boolean sctpAvailable() {
        try {
            com.sun.nio.sctp.SctpServerChannel.open().close();
            return true;
        } catch (UnsupportedOperationException | java.io.IOException | LinkageError e) {
            return false;
        }
    }

    public LocalIdentity local() {
        return local;
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
    }
}
