package org.openmcim.icf.s6a;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

import org.openmcim.diameter.ApplicationId;
import org.openmcim.diameter.Avp;
import org.openmcim.diameter.CommandCode;
import org.openmcim.diameter.DiameterMessage;
import org.openmcim.diameter.VendorId;
import org.openmcim.diameter.dictionary.Dictionary;
import org.openmcim.icf.peer.LocalIdentity;
import org.openmcim.icf.peer.PeerHandler;
import org.openmcim.icf.peer.PeerTable;
import org.openmcim.store.CredentialState;
import org.openmcim.store.CredentialStore;

/**
 * Retiring a PCID once its MCIM is installed (TR 33.812 step 18-20: the device now attaches as the
 * SHO's subscriber): the credential moves to RETIRED, so it gets no more vectors, and the MME that
 * last registered it receives Cancel-Location (TS 29.272 §5.2.1.2, Cancellation-Type
 * SUBSCRIPTION_WITHDRAWAL) so it drops the old context instead of keeping it until it expires.
 */
public final class PcidRetirement {
    private static final Logger LOG = Logger.getLogger(PcidRetirement.class.getName());
    /** TS 29.272 §7.3.24 Cancellation-Type SUBSCRIPTION_WITHDRAWAL. */
    private static final int SUBSCRIPTION_WITHDRAWAL = 2;

    private final CredentialStore store;
    private final PeerTable peers;
    private final LocalIdentity local;
    private final Clock clock;
    private final AtomicLong sessions = new AtomicLong();

    public PcidRetirement(CredentialStore store, PeerTable peers, LocalIdentity local, Clock clock) {
        this.store = store;
        this.peers = peers;
        this.local = local;
        this.clock = clock;
    }

    /** What happened to the serving MME. */
    public enum Cancellation { ANSWERED, NO_SERVING_NODE, PEER_NOT_CONNECTED }

    /**
     * Retires {@code imsi} and cancels its location. The future completes with the CLA's
     * Result-Code outcome; the retirement itself is done (or refused with IllegalStateException)
     * before this returns.
     */
    public CompletableFuture<Result> retire(String imsi) {
        if (store.transition(imsi, CredentialState.RETIRED, clock.instant()).isEmpty()) {
            throw new IllegalArgumentException("unknown IMSI " + imsi);
        }
        return cancelLocation(imsi);
    }

    /**
     * Sends Cancel-Location (SUBSCRIPTION_WITHDRAWAL) to the MME that last registered {@code imsi}, if
     * it is connected: after a retirement, and after an operator revokes a PCID (admin API), so the
     * MME drops its context and the device must authenticate again, which it no longer can.
     */
    public CompletableFuture<Result> cancelLocation(String imsi) {
        Optional<CredentialStore.ServingNode> node = store.servingNode(imsi);
        if (node.isEmpty()) {
            return CompletableFuture.completedFuture(new Result(Cancellation.NO_SERVING_NODE, 0));
        }
        Optional<PeerHandler> peer = peers.find(node.get().host());
        if (peer.isEmpty()) {
            LOG.info(() -> imsi + ": serving MME " + node.get().host() + " not connected; no Cancel-Location sent");
            return CompletableFuture.completedFuture(new Result(Cancellation.PEER_NOT_CONNECTED, 0));
        }
        Dictionary d = local.dictionary();
        DiameterMessage.Builder clr = DiameterMessage.request(CommandCode.CANCEL_LOCATION, ApplicationId.S6A)
                .proxiable(true)
                .endToEnd((int) (clock.millis() ^ sessions.incrementAndGet()))
                .sessionId(local.host() + ";" + clock.millis() + ";" + sessions.get())
                .add(Avp.grouped(d.avp("Vendor-Specific-Application-Id"), Avp.unsigned32(d.avp("Vendor-Id"), VendorId.THREE_GPP),
                        Avp.unsigned32(d.avp("Auth-Application-Id"), ApplicationId.S6A)))
                .add(Avp.enumerated(d.avp("Auth-Session-State"), 1), local.originHost(), local.originRealm(),
                        Avp.diameterIdentity(d.avp("Destination-Host"), node.get().host()),
                        Avp.diameterIdentity(d.avp("Destination-Realm"), node.get().realm()),
                        Avp.utf8String(d.avp("User-Name"), imsi),
                        Avp.enumerated(d.avp("Cancellation-Type"), SUBSCRIPTION_WITHDRAWAL));
        return peer.get().send(clr).thenApply(cla -> new Result(Cancellation.ANSWERED, cla.resultCode()));
    }

    /** The cancellation outcome and, when answered, the CLA's Result-Code. */
    public record Result(Cancellation cancellation, long resultCode) {
    }
}
