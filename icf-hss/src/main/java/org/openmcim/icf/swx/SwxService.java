package org.openmcim.icf.swx;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import org.openmcim.aka.UmtsVector;
import org.openmcim.aka.vector.EapAkaPrimeVector;
import org.openmcim.icf.s6a.VectorService;
import org.openmcim.store.CredentialStore;
import org.openmcim.store.CredentialStore.ServingNode;
import org.openmcim.store.Subscriber;
import org.openmcim.store.SubscriberKind;

/**
 * The HSS side of SWx (TS 29.273 §8.1.2) without Diameter: which subscriber may authenticate over
 * non-3GPP access, which 3GPP AAA server serves it, and the vectors. Blocking (store calls): runs
 * on worker threads. Callers translate requests and outcomes.
 */
public final class SwxService {
    private final VectorService vectors;
    private final CredentialStore store;
    private final Predicate<String> servedLocally;
    private final Clock clock;

    public SwxService(VectorService vectors, CredentialStore store, Predicate<String> servedLocally, Clock clock) {
        this.vectors = vectors;
        this.store = store;
        this.servedLocally = servedLocally;
        this.clock = clock;
    }

    /**
     * A MAR, decoded.
     *
     * @param anid       access network identity (TS 24.302 §8.1.1), required for EAP-AKA'
     * @param aaaFailure AAA-Failure-Indication bit 0 (TS 29.273 §8.2.3.21): the registered AAA
     *                   server is unreachable, so this one may take over
     */
    public record AuthRequest(String imsi, String aaaHost, String aaaRealm, AuthScheme scheme, String anid, int count,
                              Optional<VectorService.Resync> resync, boolean aaaFailure) {
    }

    /** One SIP-Auth-Data-Item's worth: CK/IK are CK'/IK' for EAP-AKA'. */
    public record Item(byte[] rand, byte[] autn, byte[] xres, byte[] ck, byte[] ik) {
        @Override
        public String toString() {
            return "Item[rand=" + org.openmcim.aka.Hex.encode(rand) + "]"; // XRES, CK, IK stay out of logs
        }
    }

    public sealed interface AuthOutcome permits Vectors, Refused {
    }

    public record Vectors(AuthScheme scheme, List<Item> items) implements AuthOutcome {
    }

    /**
     * Why not: each maps to one SWx result in the caller.
     *
     * @param registered for {@link Reason#ALREADY_REGISTERED}, the AAA server that holds the user
     */
    public record Refused(Reason reason, String detail, Optional<ServingNode> registered) implements AuthOutcome, SarOutcome {
        static Refused of(Reason reason, String detail) {
            return new Refused(reason, detail, Optional.empty());
        }
    }

    public enum Reason {
        /** Unknown IMSI or not a served range: 5001 DIAMETER_ERROR_USER_UNKNOWN. */
        USER_UNKNOWN,
        /** Retired, expired or revoked credential: 5450 DIAMETER_ERROR_USER_NO_NON_3GPP_SUBSCRIPTION. */
        NO_NON_3GPP_SUBSCRIPTION,
        /** Another AAA server is registered: 5005 DIAMETER_ERROR_IDENTITY_ALREADY_REGISTERED. */
        ALREADY_REGISTERED,
        /** AUTS does not verify, SEQ exhausted or store failure. */
        UNAVAILABLE
    }

    /** TS 29.273 §8.1.2.1.1 (Authentication procedure, HSS detailed behaviour). */
    public AuthOutcome authenticate(AuthRequest r) {
        Optional<Refused> refused = checkSubscription(r.imsi(), true);
        if (refused.isPresent()) {
            return refused.get();
        }
        Optional<ServingNode> registered = store.aaaServer(r.imsi());
        if (registered.isPresent() && !registered.get().host().equalsIgnoreCase(r.aaaHost())) {
            if (!r.aaaFailure()) {
                // Another AAA server serves this user: the requester is told which one, so it can
                // proxy there, and gets no vectors.
                return new Refused(Reason.ALREADY_REGISTERED, "served by another 3GPP AAA server", registered);
            }
            // AAA-Failure-Indication: the old server failed; let the requester register in its place.
            store.deregisterAaaServer(r.imsi(), registered.get().host());
        }
        VectorService.Outcome o = r.scheme() == AuthScheme.EAP_AKA_PRIME
                ? vectors.eapAkaPrime(r.imsi(), r.aaaHost(), r.anid(), r.count(), r.resync())
                : vectors.eapAka(r.imsi(), r.aaaHost(), r.count(), r.resync());
        if (o instanceof VectorService.Refused v) {
            switch (v.reason()) {
                case UNKNOWN_USER:
                    return Refused.of(Reason.USER_UNKNOWN, v.detail());
                case NO_SUBSCRIPTION:
                    return Refused.of(Reason.NO_NON_3GPP_SUBSCRIPTION, v.detail());
                default:
                    return Refused.of(Reason.UNAVAILABLE, v.detail());
            }
        }
        List<Item> items = new ArrayList<>();
        if (o instanceof VectorService.EapVectors e) {
            for (EapAkaPrimeVector v : e.vectors()) {
                items.add(new Item(v.rand(), v.autn(), v.xres(), v.ckPrime(), v.ikPrime()));
            }
        } else {
            for (UmtsVector v : ((VectorService.Vectors) o).utran()) {
                items.add(new Item(v.rand(), v.autn(), v.xres(), v.ck(), v.ik()));
            }
        }
        return new Vectors(r.scheme(), items);
    }

    /** What a SAR asks for, from the Server-Assignment-Type values SWx uses (TS 29.273 §8.2.3.x, TS 29.229 §6.3.15). */
    public enum Assignment {
        /** REGISTRATION: register the AAA server and return the user data. */
        REGISTRATION,
        /** AAA_USER_DATA_REQUEST: the user data only. */
        USER_DATA,
        /** USER_ / TIMEOUT_ / ADMINISTRATIVE_DEREGISTRATION: drop the AAA server's registration. */
        DEREGISTRATION,
        /** PGW_UPDATE: the PDN GW chosen for an APN; this ICF keeps no PGW identities. */
        PGW_UPDATE
    }

    public sealed interface SarOutcome permits UserData, Done, Refused {
    }

    /** Registered (or just asked): the subscriber whose Non-3GPP-User-Data goes back. */
    public record UserData(Subscriber subscriber) implements SarOutcome {
    }

    /** Deregistered, or accepted without data. */
    public record Done(boolean deregistered) implements SarOutcome {
    }

    /** TS 29.273 §8.1.2.2.1 (Server assignment, HSS detailed behaviour). */
    public SarOutcome serverAssignment(String imsi, String aaaHost, String aaaRealm, Assignment what) {
        ServingNode aaa = new ServingNode(aaaHost, aaaRealm, clock.instant());
        if (what == Assignment.DEREGISTRATION) {
            // A deregistration needs no live subscription: a retired PCID's AAA server must still
            // be able to let go of it.
            if (!servedLocally.test(imsi) || store.find(imsi).isEmpty()) {
                return Refused.of(Reason.USER_UNKNOWN, "unknown IMSI");
            }
            return new Done(store.deregisterAaaServer(imsi, aaa.host()));
        }
        Optional<Refused> refused = checkSubscription(imsi, false);
        if (refused.isPresent()) {
            return refused.get();
        }
        switch (what) {
            case REGISTRATION: {
                Optional<ServingNode> holder = store.registerAaaServer(imsi, aaa);
                if (holder.isEmpty()) {
                    return Refused.of(Reason.USER_UNKNOWN, "unknown IMSI");
                }
                if (!holder.get().host().equalsIgnoreCase(aaa.host())) {
                    return new Refused(Reason.ALREADY_REGISTERED, "served by another 3GPP AAA server", holder);
                }
                break;
            }
            case PGW_UPDATE:
                return new Done(false);
            default:
                break;
        }
        return store.find(imsi).<SarOutcome>map(UserData::new).orElseGet(() -> Refused.of(Reason.USER_UNKNOWN, "unknown IMSI"));
    }

    /** Known, served here, and holding a credential that may still be used. */
    /**
     * @param fetchUnknown a MAR: an unknown PCID in a CHTIF's range is fetched on demand, as the S6a
     *                     AIR does (TR 33.812 §5.1.3.6.2 step 3 NOTE 1; the non-3GPP access of
     *                     §5.1.3.6.3 authenticates the same PCIDs). A SAR comes after a MAR, so the
     *                     credential is there by then; a SAR for an unknown IMSI stays 5001.
     */
    private Optional<Refused> checkSubscription(String imsi, boolean fetchUnknown) {
        if (!servedLocally.test(imsi)) {
            return Optional.of(Refused.of(Reason.USER_UNKNOWN, "IMSI range not served here"));
        }
        Optional<Subscriber> found = store.find(imsi);
        if (found.isEmpty() && fetchUnknown) {
            Optional<VectorService.Refused> notObtained = vectors.obtainIfUnknown(imsi);
            if (notObtained.isPresent()) {
                return Optional.of(Refused.of(notObtained.get().reason() == VectorService.Reason.UNKNOWN_USER
                        ? Reason.USER_UNKNOWN : Reason.UNAVAILABLE, notObtained.get().detail()));
            }
            found = store.find(imsi);
        }
        if (found.isEmpty()) {
            return Optional.of(Refused.of(Reason.USER_UNKNOWN, "unknown IMSI"));
        }
        Subscriber s = found.get();
        if (!s.state().servesVectors() || (s.kind() == SubscriberKind.PCID && s.expiredAt(clock.instant()))) {
            return Optional.of(Refused.of(Reason.NO_NON_3GPP_SUBSCRIPTION, "credential is " + s.state()));
        }
        return Optional.empty();
    }
}
