package org.openmcim.icf.peer;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.openmcim.diameter.DiameterCodec;
import org.openmcim.diameter.netty.DiameterPipeline;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;

/**
 * One listening Diameter identity over TCP (RFC 6733 §2.1; SCTP where the kernel has it is a
 * later addition). Each accepted connection gets the codec, the watchdog's idle timer (Tw) and
 * its own {@link PeerHandler}.
 */
public final class DiameterServer implements AutoCloseable {
    private final LocalIdentity local;
    private final InetSocketAddress listen;
    private final PeerAuthorizer authorizer;
    private final RequestDispatcher dispatcher;
    private final PeerTable peers;
    private final DiameterCodec codec;
    private final Duration watchdog;
    private final EventLoopGroup group;
    private Channel channel;

    public DiameterServer(LocalIdentity local, InetSocketAddress listen, PeerAuthorizer authorizer,
                          RequestDispatcher dispatcher, PeerTable peers, DiameterCodec codec, Duration watchdog,
                          EventLoopGroup group) {
        this.local = local;
        this.listen = listen;
        this.authorizer = authorizer;
        this.dispatcher = dispatcher;
        this.peers = peers;
        this.codec = codec;
        this.watchdog = watchdog;
        this.group = group;
    }

    /** Binds and returns the address actually bound (port 0 picks a free one). */
    public InetSocketAddress start() throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("watchdog", new IdleStateHandler(watchdog.toMillis(), 0, 0, TimeUnit.MILLISECONDS));
                        DiameterPipeline.addCodec(ch.pipeline(), codec);
                        ch.pipeline().addLast("peer", new PeerHandler(local, authorizer, dispatcher, peers));
                    }
                });
        InetSocketAddress bindTo = listen.isUnresolved() ? new InetSocketAddress(listen.getHostString(), listen.getPort()) : listen;
        channel = b.bind(bindTo).sync().channel();
        return (InetSocketAddress) channel.localAddress();
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
