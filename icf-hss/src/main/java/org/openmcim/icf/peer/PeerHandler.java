package org.openmcim.icf.peer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.openmcim.diameter.ApplicationId;
import org.openmcim.diameter.Avp;
import org.openmcim.diameter.AvpFormatException;
import org.openmcim.diameter.BaseAvpCode;
import org.openmcim.diameter.CommandCode;
import org.openmcim.diameter.DecodeResult;
import org.openmcim.diameter.DiameterMessage;
import org.openmcim.diameter.InvalidMessage;
import org.openmcim.diameter.ResultCode;
import org.openmcim.diameter.VendorId;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * One Diameter connection from a peer, on the responder side of the RFC 6733 §5.6 peer state
 * machine: Wait-CER until a CER from an allowed peer with a common application (else CEA 3010 or
 * 5010 and close), then Open, answering DWR/DPR itself and handing application requests to
 * {@link RequestDispatcher}; the RFC 3539 watchdog sends DWR after Tw of silence and closes after a
 * second Tw without an answer.
 *
 * <p>Runs on the connection's event loop: it never blocks; application work goes to the
 * dispatcher's workers.
 */
public final class PeerHandler extends SimpleChannelInboundHandler<DecodeResult> {
    private static final Logger LOG = Logger.getLogger(PeerHandler.class.getName());

    /** RFC 6733 §5.6 states, as far as a responder has them. */
    enum State { WAIT_CER, OPEN, CLOSING }

    private final LocalIdentity local;
    private final PeerAuthorizer authorizer;
    private final RequestDispatcher dispatcher;
    private final PeerTable peers;
    private final AtomicInteger hopByHop = new AtomicInteger((int) System.nanoTime());
    private final Map<Integer, CompletableFuture<DiameterMessage>> pending = new ConcurrentHashMap<>();

    private State state = State.WAIT_CER;
    private ApplicationHandler.PeerInfo peer;
    private boolean watchdogOutstanding;
    private ChannelHandlerContext ctx;

    public PeerHandler(LocalIdentity local, PeerAuthorizer authorizer, RequestDispatcher dispatcher, PeerTable peers) {
        super(DecodeResult.class);
        this.local = local;
        this.authorizer = authorizer;
        this.dispatcher = dispatcher;
        this.peers = peers;
    }

    State state() {
        return state;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DecodeResult msg) {
        if (msg instanceof InvalidMessage bad) {
            onInvalid(ctx, bad);
            return;
        }
        DiameterMessage m = (DiameterMessage) msg;
        watchdogOutstanding = false; // RFC 3539 §3.4.1: any traffic resets the watchdog
        if (!m.isRequest()) {
            CompletableFuture<DiameterMessage> f = pending.remove(m.hopByHop());
            if (f != null) {
                f.complete(m);
            }
            // RFC 6733 §6.2.2: an answer matching no pending request is discarded.
            return;
        }
        switch (state) {
            case WAIT_CER:
                if (m.commandCode() == CommandCode.CAPABILITIES_EXCHANGE) {
                    onCer(ctx, m);
                } else {
                    // RFC 6733 §5.6: anything but CER before the exchange closes the connection.
                    LOG.fine(() -> "request before CER from " + ctx.channel().remoteAddress() + ", closing");
                    ctx.close();
                }
                break;
            case OPEN:
                onOpenRequest(ctx, m);
                break;
            default:
                break; // CLOSING: DPA is on its way, nothing else is processed
        }
    }

    private void onCer(ChannelHandlerContext ctx, DiameterMessage cer) {
        String host;
        String realm;
        try {
            host = cer.originHost();
            realm = cer.originRealm();
        } catch (AvpFormatException e) {
            host = null;
            realm = null;
        }
        if (host == null || realm == null) {
            write(ctx, local.failed(cer, ResultCode.DIAMETER_MISSING_AVP,
                    Avp.of(host == null ? BaseAvpCode.ORIGIN_HOST : BaseAvpCode.ORIGIN_REALM, 0, Avp.FLAG_MANDATORY, new byte[0]),
                    "CER without Origin-Host or Origin-Realm"), true);
            return;
        }
        if (!authorizer.allowed(host, realm)) {
            // RFC 6733 §5.3: an unknown peer's CER is answered with DIAMETER_UNKNOWN_PEER and closed.
            String h = host;
            LOG.warning(() -> "CER from unconfigured peer " + h + " at " + ctx.channel().remoteAddress() + ": refused");
            write(ctx, capabilities(cer, ResultCode.DIAMETER_UNKNOWN_PEER).build(), true);
            return;
        }
        if (!hasCommonApplication(cer)) {
            write(ctx, capabilities(cer, ResultCode.DIAMETER_NO_COMMON_APPLICATION).build(), true);
            return;
        }
        peer = new ApplicationHandler.PeerInfo(host, realm);
        state = State.OPEN;
        peers.opened(this);
        String h = host;
        LOG.info(() -> local.host() + ": peer " + h + " open from " + ctx.channel().remoteAddress());
        write(ctx, capabilities(cer, ResultCode.DIAMETER_SUCCESS).build(), false);
    }

    /** RFC 6733 §5.3.1 CEA: who we are, what we serve (one VSAI per 3GPP application). */
    private DiameterMessage.Builder capabilities(DiameterMessage cer, long resultCode) {
        var d = local.dictionary();
        DiameterMessage.Builder b = local.answer(cer, resultCode);
        for (var ip : local.hostIps()) {
            b.add(Avp.address(d.avp("Host-IP-Address"), org.openmcim.diameter.DiameterAddress.of(ip)));
        }
        b.add(Avp.unsigned32(d.avp("Vendor-Id"), LocalIdentity.VENDOR_ID));
        b.add(Avp.utf8String(d.avp("Product-Name"), LocalIdentity.PRODUCT_NAME));
        b.add(Avp.unsigned32(d.avp("Origin-State-Id"), local.originStateId()));
        b.add(Avp.unsigned32(d.avp("Supported-Vendor-Id"), VendorId.THREE_GPP));
        for (int app : local.applicationIds()) {
            b.add(Avp.grouped(d.avp("Vendor-Specific-Application-Id"),
                    Avp.unsigned32(d.avp("Vendor-Id"), VendorId.THREE_GPP),
                    Avp.unsigned32(d.avp("Auth-Application-Id"), app)));
        }
        b.add(Avp.unsigned32(d.avp("Firmware-Revision"), LocalIdentity.FIRMWARE_REVISION));
        return b;
    }

    /** RFC 6733 §5.3: the peer advertised one of our applications, or the relay application. */
    private boolean hasCommonApplication(DiameterMessage cer) {
        List<Long> advertised = new ArrayList<>();
        var d = local.dictionary();
        try {
            for (Avp a : cer.all(d.avp("Auth-Application-Id"))) {
                advertised.add(a.unsigned32());
            }
            for (Avp a : cer.all(d.avp("Acct-Application-Id"))) {
                advertised.add(a.unsigned32());
            }
            for (Avp vsai : cer.all(d.avp("Vendor-Specific-Application-Id"))) {
                for (Avp c : vsai.grouped()) {
                    if (c.is(d.avp("Auth-Application-Id")) || c.is(d.avp("Acct-Application-Id"))) {
                        advertised.add(c.unsigned32());
                    }
                }
            }
        } catch (AvpFormatException e) {
            return false;
        }
        for (long app : advertised) {
            if (app == (ApplicationId.RELAY & 0xFFFF_FFFFL) || local.applicationIds().contains((int) app)) {
                return true;
            }
        }
        return false;
    }

    private void onOpenRequest(ChannelHandlerContext ctx, DiameterMessage m) {
        switch (m.commandCode()) {
            case CommandCode.CAPABILITIES_EXCHANGE:
                onCer(ctx, m); // RFC 6733 §5.6 R-Open + R-Rcv-CER: answer again
                return;
            case CommandCode.DEVICE_WATCHDOG:
                LOG.fine(() -> local.host() + ": DWR from " + peer.host() + ", answering DWA");
                write(ctx, local.answer(m, ResultCode.DIAMETER_SUCCESS)
                        .add(Avp.unsigned32(local.dictionary().avp("Origin-State-Id"), local.originStateId())).build(), false);
                return;
            case CommandCode.DISCONNECT_PEER:
                state = State.CLOSING;
                LOG.info(() -> local.host() + ": DPR from " + peer.host() + ", answering DPA and closing");
                write(ctx, local.answer(m, ResultCode.DIAMETER_SUCCESS).build(), true);
                return;
            default:
                dispatcher.dispatch(m, peer, local, answer -> {
                    if (ctx.executor().inEventLoop()) {
                        write(ctx, answer, false); // answered on the loop (worker-threads 0, or answerWithoutBlocking): no task per answer
                    } else {
                        ctx.executor().execute(() -> write(ctx, answer, false));
                    }
                });
        }
    }

    private void onInvalid(ChannelHandlerContext ctx, InvalidMessage bad) {
        LOG.fine(() -> "invalid message from " + ctx.channel().remoteAddress() + ": " + bad.resultCode() + " " + bad.errorMessage());
        dispatcher.metrics().invalid(bad.resultCode());
        if (bad.answerable()) {
            write(ctx, bad.errorAnswer().add(local.originHost(), local.originRealm()).build(), bad.closeConnection());
        } else if (bad.closeConnection()) {
            ctx.close();
        }
    }

    private void write(ChannelHandlerContext ctx, DiameterMessage m, boolean closeAfter) {
        if (!ctx.channel().isActive()) {
            return;
        }
        var f = ctx.writeAndFlush(m);
        if (closeAfter) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * Sends a request to this peer (DWR, CLR) and completes with its answer, or exceptionally when
     * the connection closes first.
     */
    public CompletableFuture<DiameterMessage> send(DiameterMessage.Builder request) {
        int hbh = hopByHop.incrementAndGet();
        DiameterMessage m = request.hopByHop(hbh).build();
        CompletableFuture<DiameterMessage> f = new CompletableFuture<>();
        pending.put(hbh, f);
        ctx.channel().writeAndFlush(m).addListener(w -> {
            if (!w.isSuccess()) {
                pending.remove(hbh);
                f.completeExceptionally(w.cause());
            }
        });
        return f;
    }

    public ApplicationHandler.PeerInfo peer() {
        return peer;
    }

    public LocalIdentity local() {
        return local;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && state == State.OPEN) {
            if (watchdogOutstanding) {
                // RFC 3539 §3.4.1: no answer to the last DWR within Tw: the connection is down.
                LOG.warning(() -> "peer " + peer.host() + " did not answer DWR, closing");
                ctx.close();
                return;
            }
            watchdogOutstanding = true;
            var d = local.dictionary();
            send(DiameterMessage.request(CommandCode.DEVICE_WATCHDOG, ApplicationId.COMMON)
                    .endToEnd(hopByHop.get())
                    .add(local.originHost(), local.originRealm(),
                            Avp.unsigned32(d.avp("Origin-State-Id"), local.originStateId())));
        } else if (evt instanceof IdleStateEvent && state == State.WAIT_CER) {
            ctx.close(); // no CER within Tw: RFC 6733 §5.6 Tc-like timeout for a silent connection
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (peer != null) {
            peers.closed(this);
            LOG.info(() -> local.host() + ": peer " + peer.host() + " closed");
        }
        RuntimeException closed = new RejectedExecutionException("connection closed");
        pending.values().forEach(f -> f.completeExceptionally(closed));
        pending.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // An I/O error on one connection never touches others; the decoder itself never throws.
        LOG.log(Level.FINE, "connection " + ctx.channel().remoteAddress() + " failed", cause);
        ctx.close();
    }
}
