package org.openmcim.icf.routing;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

import org.openmcim.diameter.Avp;
import org.openmcim.diameter.AvpFormatException;
import org.openmcim.diameter.DiameterMessage;
import org.openmcim.diameter.ResultCode;
import org.openmcim.diameter.dictionary.AvpDefinition;
import org.openmcim.icf.peer.ApplicationHandler;
import org.openmcim.icf.peer.LocalIdentity;
import org.openmcim.icf.peer.OutboundPeer;

/**
 * Relays S6a requests for IMSI ranges served elsewhere to that range's home HSS, the way a
 * Diameter routing agent with IMSI-prefix routing does. A visited MME has one Diameter peer and
 * puts its own realm in Destination-Realm (NextEPC and Open5GS do), so once a device holds its MCIM
 * its AIR/ULR arrive here and must reach the SHO's HSS (TS 29.272 §7.16 derives the home realm from
 * the IMSI; RFC 6733 §6.1.9 relay rules: Route-Record of the previous hop, a new hop-by-hop
 * identifier, the answer sent back under the original one; §6.1.3 loop detection: 3005).
 *
 * <p>Wraps the local handler: IMSIs in locally served ranges go to it unchanged.
 */
public final class ImsiRelay implements ApplicationHandler {
    private static final Logger LOG = Logger.getLogger(ImsiRelay.class.getName());

    /** One configured range and the connection to its home HSS. */
    public record Route(String imsiPrefix, OutboundPeer peer) {
    }

    private final ApplicationHandler local;
    private final LocalIdentity identity;
    private final List<Route> routes;
    private final Duration timeout;
    private final AvpDefinition userName;
    private final AvpDefinition routeRecord;

    public ImsiRelay(ApplicationHandler local, LocalIdentity identity, List<Route> routes, Duration timeout) {
        this.local = local;
        this.identity = identity;
        // Longest prefix first, so a narrower route overrides a wider one.
        this.routes = routes.stream().sorted(Comparator.comparingInt((Route r) -> r.imsiPrefix().length()).reversed()).toList();
        this.timeout = timeout;
        this.userName = identity.dictionary().avp("User-Name");
        this.routeRecord = identity.dictionary().avp("Route-Record");
    }

    @Override
    public int applicationId() {
        return local.applicationId();
    }

    @Override
    public DiameterMessage answer(DiameterMessage request, PeerInfo peer) {
        Optional<Route> route = route(request);
        if (route.isEmpty()) {
            return local.answer(request, peer);
        }
        try {
            for (Avp rr : request.all(routeRecord)) {
                if (rr.diameterIdentity().equalsIgnoreCase(identity.host())) {
                    // RFC 6733 §6.1.3: our own identity in Route-Record means the request looped.
                    return identity.answer(request, ResultCode.DIAMETER_LOOP_DETECTED).build();
                }
            }
        } catch (AvpFormatException e) {
            return identity.failed(request, e.resultCode(), null, e.getMessage());
        }
        DiameterMessage forwarded = DiameterMessage.request(request.commandCode(), request.applicationId())
                .proxiable(request.isProxiable())
                .retransmit(request.isRetransmit())
                .endToEnd(request.endToEnd())
                .addAll(request.avps())
                .add(Avp.diameterIdentity(routeRecord, peer.host()))
                .build();
        try {
            DiameterMessage answer = route.get().peer().send(forwarded, timeout).get(timeout.toMillis() + 100, TimeUnit.MILLISECONDS);
            return answer.withHopByHop(request.hopByHop());
        } catch (ExecutionException | TimeoutException e) {
            String why = e instanceof ExecutionException ? e.getCause().getMessage() : "timed out";
            LOG.warning(() -> "relay to " + route.get().peer().peerHost() + " failed: " + why);
            // RFC 6733 §7.1.3 DIAMETER_UNABLE_TO_DELIVER: no route to the home HSS right now.
            return identity.failed(request, ResultCode.DIAMETER_UNABLE_TO_DELIVER, null,
                    "home HSS " + route.get().peer().peerHost() + " unreachable");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return identity.answer(request, ResultCode.DIAMETER_UNABLE_TO_DELIVER).build();
        }
    }

    private Optional<Route> route(DiameterMessage request) {
        Avp u = request.first(userName);
        if (u == null) {
            return Optional.empty();
        }
        String imsi;
        try {
            imsi = u.utf8String();
        } catch (AvpFormatException e) {
            return Optional.empty();
        }
        for (Route r : routes) {
            if (imsi.startsWith(r.imsiPrefix())) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
