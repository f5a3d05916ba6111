package org.openmcim.icf.peer;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

import org.openmcim.diameter.ApplicationId;
import org.openmcim.service.IoTransport;
import org.openmcim.diameter.Avp;
import org.openmcim.diameter.CommandCode;
import org.openmcim.diameter.DecodeResult;
import org.openmcim.diameter.DiameterAddress;
import org.openmcim.diameter.DiameterCodec;
import org.openmcim.diameter.DiameterMessage;
import org.openmcim.diameter.ResultCode;
import org.openmcim.diameter.VendorId;
import org.openmcim.diameter.netty.DiameterPipeline;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;

/**
 * A connection this node opens to another Diameter node (an SHO's HSS it relays to): the
 * initiator side of RFC 6733 §5.6 — connect, CER, wait for a successful CEA, then Open; the RFC
 * 3539 watchdog; on any loss, reconnect after Tc (RFC 6733 §2.1: "Tc ... recommended 30 seconds",
 * configurable here). Requests sent while not Open fail at once so the caller answers 3002.
 */
public final class OutboundPeer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(OutboundPeer.class.getName());

    private final LocalIdentity local;
    private final String peerHost;
    private final InetSocketAddress address;
    private final DiameterCodec codec;
    private final EventLoopGroup group;
    private final Duration watchdog;
    private final Duration reconnect;
    private final AtomicInteger hopByHop = new AtomicInteger((int) System.nanoTime());
    private final Map<Integer, CompletableFuture<DiameterMessage>> pending = new ConcurrentHashMap<>();
    private volatile Channel channel;
    private volatile boolean open;
    private volatile boolean closed;

    public OutboundPeer(LocalIdentity local, String peerHost, InetSocketAddress address, DiameterCodec codec,
                        EventLoopGroup group, Duration watchdog, Duration reconnect) {
        this.local = local;
        this.peerHost = peerHost;
        this.address = address;
        this.codec = codec;
        this.group = group;
        this.watchdog = watchdog;
        this.reconnect = reconnect;
    }

    public void start() {
        connect();
    }

    public boolean isOpen() {
        return open;
    }

    public String peerHost() {
        return peerHost;
    }

    private void connect() {
        if (closed) {
            return;
        }
        InetSocketAddress to = address.isUnresolved() ? new InetSocketAddress(address.getHostString(), address.getPort()) : address;
        new Bootstrap().group(group).channel(IoTransport.of(group).channel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 3000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new IdleStateHandler(watchdog.toMillis(), 0, 0, TimeUnit.MILLISECONDS));
                        DiameterPipeline.addCodec(ch.pipeline(), codec);
                        ch.pipeline().addLast(new Handler());
                    }
                })
                .connect(to).addListener(f -> {
                    if (!f.isSuccess()) {
                        scheduleReconnect();
                    }
                });
    }

    private void scheduleReconnect() {
        if (!closed) {
            group.schedule(this::connect, reconnect.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Sends {@code request} under a fresh hop-by-hop id; fails fast when the peer is not Open. */
    public CompletableFuture<DiameterMessage> send(DiameterMessage request, Duration timeout) {
        Channel ch = channel;
        if (!open || ch == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("peer " + peerHost + " is not open"));
        }
        int hbh = hopByHop.incrementAndGet();
        CompletableFuture<DiameterMessage> f = new CompletableFuture<>();
        pending.put(hbh, f);
        ch.writeAndFlush(request.withHopByHop(hbh)).addListener(w -> {
            if (!w.isSuccess()) {
                pending.remove(hbh);
                f.completeExceptionally(w.cause());
            }
        });
        group.schedule(() -> {
            if (pending.remove(hbh) != null) {
                f.completeExceptionally(new TimeoutException("no answer from " + peerHost + " in " + timeout.toMillis() + " ms"));
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        return f;
    }

    private DiameterMessage cer() {
        var d = local.dictionary();
        DiameterMessage.Builder b = DiameterMessage.request(CommandCode.CAPABILITIES_EXCHANGE, ApplicationId.COMMON)
                .hopByHop(hopByHop.incrementAndGet()).endToEnd(hopByHop.get())
                .add(local.originHost(), local.originRealm());
        for (var ip : local.hostIps()) {
            b.add(Avp.address(d.avp("Host-IP-Address"), DiameterAddress.of(ip)));
        }
        b.add(Avp.unsigned32(d.avp("Vendor-Id"), LocalIdentity.VENDOR_ID), Avp.utf8String(d.avp("Product-Name"), LocalIdentity.PRODUCT_NAME),
                Avp.unsigned32(d.avp("Origin-State-Id"), local.originStateId()),
                Avp.unsigned32(d.avp("Supported-Vendor-Id"), VendorId.THREE_GPP));
        for (int app : local.applicationIds()) {
            b.add(Avp.grouped(d.avp("Vendor-Specific-Application-Id"), Avp.unsigned32(d.avp("Vendor-Id"), VendorId.THREE_GPP),
                    Avp.unsigned32(d.avp("Auth-Application-Id"), app)));
        }
        return b.build();
    }

    private final class Handler extends SimpleChannelInboundHandler<DecodeResult> {
        private boolean watchdogOutstanding;

        Handler() {
            super(DecodeResult.class);
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            ctx.writeAndFlush(cer());
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DecodeResult msg) {
            if (!(msg instanceof DiameterMessage m)) {
                ctx.close(); // an undecodable frame from a peer we chose to trust: start over
                return;
            }
            watchdogOutstanding = false;
            if (m.isRequest()) {
                if (m.commandCode() == CommandCode.DEVICE_WATCHDOG) {
                    ctx.writeAndFlush(local.answer(m, ResultCode.DIAMETER_SUCCESS).build());
                } else if (m.commandCode() == CommandCode.DISCONNECT_PEER) {
                    ctx.writeAndFlush(local.answer(m, ResultCode.DIAMETER_SUCCESS).build());
                    open = false;
                } else {
                    ctx.writeAndFlush(local.answer(m, ResultCode.DIAMETER_COMMAND_UNSUPPORTED).build());
                }
                return;
            }
            if (!open && m.commandCode() == CommandCode.CAPABILITIES_EXCHANGE) {
                if (m.resultCode() == ResultCode.DIAMETER_SUCCESS) {
                    open = true;
                    LOG.info(() -> local.host() + ": relay peer " + peerHost + " open");
                } else {
                    LOG.warning(() -> local.host() + ": relay peer " + peerHost + " refused CER with " + m.resultCode());
                    ctx.close();
                }
                return;
            }
            CompletableFuture<DiameterMessage> f = pending.remove(m.hopByHop());
            if (f != null) {
                f.complete(m);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent) {
                if (watchdogOutstanding || !open) {
                    ctx.close();
                    return;
                }
                watchdogOutstanding = true;
                ctx.writeAndFlush(DiameterMessage.request(CommandCode.DEVICE_WATCHDOG, ApplicationId.COMMON)
                        .hopByHop(hopByHop.incrementAndGet()).endToEnd(hopByHop.get())
                        .add(local.originHost(), local.originRealm()).build());
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            open = false;
            channel = null;
            IllegalStateException gone = new IllegalStateException("connection to " + peerHost + " lost");
            pending.values().forEach(f -> f.completeExceptionally(gone));
            pending.clear();
            scheduleReconnect();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    @Override
    public void close() {
        closed = true;
        Channel ch = channel;
        if (ch != null) {
            ch.close().syncUninterruptibly();
        }
    }
}
