package org.openmcim.uesim.transport;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;

/**
 * S1AP over TCP with a 4-byte big-endian length before each PDU: what {@code lab/sctp-over-tcp}
 * makes of the MME's SCTP socket. Framing is declared with Netty's {@link
 * LengthFieldBasedFrameDecoder} / {@link LengthFieldPrepender}; a frame above {@link
 * #MAX_PDU} octets closes the association (S1AP PDUs are far smaller).
 */
public final class FramedTcpTransport implements S1Transport {
    /** Largest accepted S1AP PDU. */
    public static final int MAX_PDU = 1 << 16;

    private final EventLoopGroup group;
    private final Channel channel;

    private FramedTcpTransport(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    /**
     * The pipeline: frame decoder (length 0..3, stripped), prepender, and the PDU handler. Public
     * so that the accepting end of a framed association (the bench's stub MME) declares the same
     * framing instead of a copy of it.
     */
    public static void initPipeline(Channel ch, Listener listener) {
        ch.pipeline().addLast("frameDecoder", new LengthFieldBasedFrameDecoder(MAX_PDU, 0, 4, 0, 4));
        ch.pipeline().addLast("framePrepender", new LengthFieldPrepender(4));
        ch.pipeline().addLast("pdu", new SimpleChannelInboundHandler<ByteBuf>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
                listener.onPdu(ByteBufUtil.getBytes(frame));
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                listener.onClosed("connection closed");
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close(); // oversize frame or I/O error: the association is unusable
            }
        });
    }

    /** Connects to {@code mme} (the lab: 127.0.0.2:36412), waiting at most {@code timeoutMillis}. */
    public static FramedTcpTransport connect(InetSocketAddress mme, Listener listener, int timeoutMillis)
            throws InterruptedException {
        // Named "enb-io": thread dumps and per-thread CPU (bench-attach) tell the eNB's loop apart.
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new io.netty.util.concurrent.DefaultThreadFactory("enb-io"),
                NioIoHandler.newFactory());
        try {
            Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMillis)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            initPipeline(ch, listener);
                        }
                    });
            Channel ch = b.connect(mme).sync().channel();
            return new FramedTcpTransport(group, ch);
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    @Override
    public void send(byte[] pdu) {
        channel.writeAndFlush(Unpooled.wrappedBuffer(pdu));
    }

    @Override
    public TransportKind kind() {
        return TransportKind.TCP_FRAMED;
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
