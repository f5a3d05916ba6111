package org.openmcim.icf.s6a;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.logging.Logger;

import org.openmcim.aka.UmtsVector;
import org.openmcim.aka.kdf.PlmnId;
import org.openmcim.aka.vector.EutranVector;
import org.openmcim.aka.vector.GeranTriplet;
import org.openmcim.diameter.ApplicationId;
import org.openmcim.diameter.Avp;
import org.openmcim.diameter.AvpFormatException;
import org.openmcim.diameter.CommandCode;
import org.openmcim.diameter.DiameterMessage;
import org.openmcim.diameter.ExperimentalResultCode;
import org.openmcim.diameter.ResultCode;
import org.openmcim.diameter.VendorId;
import org.openmcim.diameter.dictionary.AvpDefinition;
import org.openmcim.diameter.dictionary.Dictionary;
import org.openmcim.icf.config.SubscriptionProfile;
import org.openmcim.icf.peer.ApplicationHandler;
import org.openmcim.icf.peer.LocalIdentity;
import org.openmcim.store.CredentialState;
import org.openmcim.store.CredentialStore;
import org.openmcim.store.Subscriber;
import org.openmcim.store.SubscriberKind;

/**
 * S6a (TS 29.272) between a visited MME and this HSS: AIR/AIA (§5.2.3.1), ULR/ULA (§5.2.1.1),
 * PUR/PUA (§5.2.1.3) and NOR/NOA (§5.2.5.1). Translates Diameter to {@link VectorService} and the
 * credential store and back; the business rules live there.
 */
public final class S6aHandler implements ApplicationHandler {
    private static final Logger LOG = Logger.getLogger(S6aHandler.class.getName());

    /** TS 29.272 §7.3.7 ULR-Flags bit 2: Skip Subscriber Data. */
    private static final long ULR_SKIP_SUBSCRIBER_DATA = 1 << 2;
    /** TS 29.272 §7.3.8 ULA-Flags bit 0: Separation Indication. */
    private static final long ULA_SEPARATION_INDICATION = 1;
    /** TS 29.272 §7.3.13 Auth-Session-State NO_STATE_MAINTAINED. */
    private static final int NO_STATE_MAINTAINED = 1;

    private final LocalIdentity local;
    private final VectorService vectors;
    private final CredentialStore store;
    private final SubscriptionProfile profile;
    private final int maxVectors;
    private final Predicate<String> servedLocally;
    private final Clock clock;
    private final A a;
    private final org.openmcim.icf.config.ProfileAvps profileAvps;

    /** AVP definitions looked up once. */
    private record A(AvpDefinition userName, AvpDefinition visitedPlmn, AvpDefinition reqEutran,
                     AvpDefinition reqUtran, AvpDefinition numVectors, AvpDefinition resync, AvpDefinition authInfo,
                     AvpDefinition eutranVector, AvpDefinition utranVector, AvpDefinition geranVector,
                     AvpDefinition itemNumber, AvpDefinition rand, AvpDefinition xres, AvpDefinition autn,
                     AvpDefinition kasme, AvpDefinition ck, AvpDefinition ik, AvpDefinition sres, AvpDefinition kc,
                     AvpDefinition authSessionState, AvpDefinition vsai, AvpDefinition vendorId,
                     AvpDefinition authApplicationId, AvpDefinition ulrFlags, AvpDefinition ulaFlags,
                     AvpDefinition puaFlags, AvpDefinition subscriptionData, AvpDefinition msisdn,
                     AvpDefinition subscriberStatus, AvpDefinition networkAccessMode, AvpDefinition accessRestriction,
                     AvpDefinition apnProfile, AvpDefinition contextId, AvpDefinition allApnsIncluded,
                     AvpDefinition periodicTau, AvpDefinition errorMessage) {
        static A of(Dictionary d) {
            return new A(d.avp("User-Name"), d.avp("Visited-PLMN-Id"), d.avp("Requested-EUTRAN-Authentication-Info"),
                    d.avp("Requested-UTRAN-GERAN-Authentication-Info"), d.avp("Number-Of-Requested-Vectors"),
                    d.avp("Re-Synchronization-Info"), d.avp("Authentication-Info"), d.avp("E-UTRAN-Vector"),
                    d.avp("UTRAN-Vector"), d.avp("GERAN-Vector"), d.avp("Item-Number"), d.avp("RAND"), d.avp("XRES"),
                    d.avp("AUTN"), d.avp("KASME"), d.avp("Confidentiality-Key"), d.avp("Integrity-Key"), d.avp("SRES"),
                    d.avp("Kc"), d.avp("Auth-Session-State"), d.avp("Vendor-Specific-Application-Id"),
                    d.avp("Vendor-Id"), d.avp("Auth-Application-Id"), d.avp("ULR-Flags"), d.avp("ULA-Flags"),
                    d.avp("PUA-Flags"), d.avp("Subscription-Data"), d.avp("MSISDN"), d.avp("Subscriber-Status"),
                    d.avp("Network-Access-Mode"), d.avp("Access-Restriction-Data"), d.avp("APN-Configuration-Profile"),
                    d.avp("Context-Identifier"), d.avp("All-APN-Configurations-Included-Indicator"),
                    d.avp("Subscribed-Periodic-RAU-TAU-Timer"), d.avp("Error-Message"));
        }
    }

    public S6aHandler(LocalIdentity local, VectorService vectors, CredentialStore store, SubscriptionProfile profile,
                      int maxVectors, Predicate<String> servedLocally, Clock clock) {
        this.local = local;
        this.vectors = vectors;
        this.store = store;
        this.profile = profile;
        this.maxVectors = maxVectors;
        this.servedLocally = servedLocally;
        this.clock = clock;
        this.a = A.of(local.dictionary());
        this.profileAvps = new org.openmcim.icf.config.ProfileAvps(local.dictionary(), profile);
    }

    @Override
    public int applicationId() {
        return ApplicationId.S6A;
    }

    @Override
    public DiameterMessage answer(DiameterMessage request, PeerInfo peer) {
        try {
            switch (request.commandCode()) {
                case CommandCode.AUTHENTICATION_INFORMATION:
                    return air(request);
                case CommandCode.UPDATE_LOCATION:
                    return ulr(request);
                case CommandCode.PURGE_UE:
                    return known(request, CommandCode.PURGE_UE);
                case CommandCode.NOTIFY:
                    return known(request, CommandCode.NOTIFY);
                default:
                    return local.answer(request, ResultCode.DIAMETER_COMMAND_UNSUPPORTED).build();
            }
        } catch (AvpFormatException e) {
            // A present AVP whose value cannot be read (RFC 6733 §7.1.5: 5004 / 5014).
            return local.failed(request, e.resultCode(), null, e.getMessage());
        }
    }

    /**
     * An AIR whose SQNs the store can grant from memory (the in-memory store; a member-local SQN
     * block, {@code sqn.block}), answered on the event loop; anything else null, for a worker.
     */
    @Override
    public DiameterMessage answerWithoutBlocking(DiameterMessage request, PeerInfo peer) {
        if (request.commandCode() != CommandCode.AUTHENTICATION_INFORMATION) {
            return null;
        }
        try {
            return air(request, r -> vectors.authenticationInfoWithoutBlocking(r).orElse(null));
        } catch (AvpFormatException e) {
            return local.failed(request, e.resultCode(), null, e.getMessage());
        }
    }

    // ---------------------------------------------------------------------------------- AIR

    private DiameterMessage air(DiameterMessage req) {
        return air(req, vectors::authenticationInfo);
    }

    /** The AIA, with the vectors from {@code vectorsFor}; null if that gives none (not without blocking). */
    private DiameterMessage air(DiameterMessage req, Function<VectorService.Request, VectorService.Outcome> vectorsFor) {
        String imsi = userName(req);
        if (imsi == null) {
            return missing(req, a.userName());
        }
        Avp vplmn = req.first(a.visitedPlmn());
        if (vplmn == null) {
            return missing(req, a.visitedPlmn());
        }
        PlmnId servingNetwork;
        try {
            servingNetwork = PlmnId.fromOctets(vplmn.octetString());
        } catch (IllegalArgumentException e) {
            return local.failed(req, ResultCode.DIAMETER_INVALID_AVP_VALUE, vplmn, "Visited-PLMN-Id: " + e.getMessage());
        }
        int eutran = 0;
        int utran = 0;
        Optional<VectorService.Resync> resync = Optional.empty();
        Avp reqE = req.first(a.reqEutran());
        Avp reqU = req.first(a.reqUtran());
        for (Avp group : new Avp[] {reqE, reqU}) {
            if (group == null) {
                continue;
            }
            Avp n = group.child(a.numVectors());
            int count = n == null ? 1 : (int) Math.min(n.unsigned32(), maxVectors);
            if (group == reqE) {
                eutran = count;
            } else {
                utran = count;
            }
            Avp rs = group.child(a.resync());
            if (rs != null) {
                byte[] v = rs.octetString();
                // TS 29.272 §7.3.15: RAND (16 octets) followed by AUTS (14 octets).
                if (v.length != 30) {
                    return local.failed(req, ResultCode.DIAMETER_INVALID_AVP_VALUE, rs,
                            "Re-Synchronization-Info must be RAND||AUTS, 30 octets");
                }
                resync = Optional.of(new VectorService.Resync(java.util.Arrays.copyOf(v, 16), java.util.Arrays.copyOfRange(v, 16, 30)));
            }
        }
        if (eutran + utran == 0) {
            return missing(req, a.reqEutran());
        }
        if (!servedLocally.test(imsi)) {
            return experimental(req, ExperimentalResultCode.DIAMETER_ERROR_USER_UNKNOWN, "IMSI range not served here");
        }
        // A UTRAN/GERAN request gets quintets; GERAN-only MMEs/SGSNs convert (TS 29.272 §5.2.3.1.3).
        VectorService.Outcome o = vectorsFor.apply(new VectorService.Request(imsi, req.originHost(), servingNetwork,
                eutran, utran, 0, resync));
        if (o == null) {
            return null;
        }
        if (o instanceof VectorService.Refused r) {
            return refused(req, r);
        }
        VectorService.Vectors v = (VectorService.Vectors) o;
        List<Avp> info = new ArrayList<>();
        int item = 1;
        for (EutranVector e : v.eutran()) {
            info.add(Avp.grouped(a.eutranVector(), Avp.unsigned32(a.itemNumber(), item++), Avp.octetString(a.rand(), e.rand()),
                    Avp.octetString(a.xres(), e.xres()), Avp.octetString(a.autn(), e.autn()), Avp.octetString(a.kasme(), e.kasme())));
        }
        item = 1;
        for (UmtsVector u : v.utran()) {
            info.add(Avp.grouped(a.utranVector(), Avp.unsigned32(a.itemNumber(), item++), Avp.octetString(a.rand(), u.rand()),
                    Avp.octetString(a.xres(), u.xres()), Avp.octetString(a.autn(), u.autn()), Avp.octetString(a.ck(), u.ck()),
                    Avp.octetString(a.ik(), u.ik())));
        }
        item = 1;
        for (GeranTriplet g : v.geran()) {
            info.add(Avp.grouped(a.geranVector(), Avp.unsigned32(a.itemNumber(), item++), Avp.octetString(a.rand(), g.rand()),
                    Avp.octetString(a.sres(), g.sres()), Avp.octetString(a.kc(), g.kc())));
        }
        return success(req).add(Avp.grouped(a.authInfo(), info)).build();
    }

    // ---------------------------------------------------------------------------------- ULR

    private DiameterMessage ulr(DiameterMessage req) {
        String imsi = userName(req);
        if (imsi == null) {
            return missing(req, a.userName());
        }
        if (req.first(a.visitedPlmn()) == null) {
            return missing(req, a.visitedPlmn());
        }
        Optional<Subscriber> found = servedLocally.test(imsi) ? store.find(imsi) : Optional.empty();
        if (found.isEmpty()) {
            return experimental(req, ExperimentalResultCode.DIAMETER_ERROR_USER_UNKNOWN, "unknown IMSI");
        }
        Subscriber s = found.get();
        if (!s.state().servesVectors() || (s.kind() == SubscriberKind.PCID && s.expiredAt(clock.instant()))) {
            return experimental(req, ExperimentalResultCode.DIAMETER_ERROR_UNKNOWN_EPS_SUBSCRIPTION, "credential is " + s.state());
        }
        // Remember the MME: Cancel-Location goes there when the PCID is retired (TS 29.272 §5.2.1.2).
        store.recordServingNode(imsi, new CredentialStore.ServingNode(req.originHost(), req.originRealm(), clock.instant()));
        if (s.kind() == SubscriberKind.PCID && s.state() == CredentialState.ISSUED) {
            try {
                store.transition(imsi, CredentialState.ATTACHED, clock.instant());
            } catch (IllegalStateException e) {
                LOG.fine(() -> imsi + ": " + e.getMessage()); // raced with another transition; the ULR still succeeds
            }
        }
        Avp flagsAvp = req.first(a.ulrFlags());
        long flags = flagsAvp == null ? 0 : flagsAvp.unsigned32();
        DiameterMessage.Builder b = success(req).add(Avp.unsigned32(a.ulaFlags(), ULA_SEPARATION_INDICATION));
        if ((flags & ULR_SKIP_SUBSCRIBER_DATA) == 0) {
            b.add(subscriptionData(s));
        }
        // NextEPC 0.3.10's MME reads Subscribed-Periodic-RAU-TAU-Timer at the top level of the ULA
        // (TS 29.272 places it inside Subscription-Data, where it is too).
        b.add(Avp.unsigned32(a.periodicTau(), profile.periodicTauSeconds()));
        return b.build();
    }

    /** TS 29.272 §7.3.2 Subscription-Data with one APN configuration (the profile's APN as default). */
    private Avp subscriptionData(Subscriber s) {
        Avp ambr = profileAvps.ambr();
        Avp apn = profileAvps.apnConfiguration(1);
        List<Avp> data = new ArrayList<>();
        if (s.msisdn() != null) {
            data.add(Avp.octetString(a.msisdn(), tbcd(s.msisdn())));
        }
        data.add(Avp.enumerated(a.subscriberStatus(), 0)); // SERVICE_GRANTED
        data.add(Avp.enumerated(a.networkAccessMode(), 2)); // ONLY_PACKET: M2M provisioning needs no CS
        data.add(Avp.unsigned32(a.accessRestriction(), 0));
        data.add(ambr);
        data.add(Avp.grouped(a.apnProfile(), Avp.unsigned32(a.contextId(), 1), Avp.enumerated(a.allApnsIncluded(), 0), apn));
        data.add(Avp.unsigned32(a.periodicTau(), profile.periodicTauSeconds()));
        return Avp.grouped(a.subscriptionData(), data);
    }

    /** TS 29.329 §6.3.2 MSISDN: TBCD digits, filler 'F' for an odd count. */
    static byte[] tbcd(String digits) {
        byte[] out = new byte[(digits.length() + 1) / 2];
        for (int i = 0; i < digits.length(); i++) {
            int d = digits.charAt(i) - '0';
            out[i / 2] |= (byte) (i % 2 == 0 ? d : d << 4);
        }
        if (digits.length() % 2 == 1) {
            out[out.length - 1] |= (byte) 0xF0;
        }
        return out;
    }

    // ---------------------------------------------------------------------------------- PUR / NOR

    /** PUR and NOR: the HSS only needs to know the subscriber (TS 29.272 §5.2.1.3, §5.2.5.1). */
    private DiameterMessage known(DiameterMessage req, int command) {
        String imsi = userName(req);
        if (imsi == null) {
            return missing(req, a.userName());
        }
        if (!servedLocally.test(imsi) || store.find(imsi).isEmpty()) {
            return experimental(req, ExperimentalResultCode.DIAMETER_ERROR_USER_UNKNOWN, "unknown IMSI");
        }
        DiameterMessage.Builder b = success(req);
        if (command == CommandCode.PURGE_UE) {
            b.add(Avp.unsigned32(a.puaFlags(), 0)); // no M-TMSI freeze needed: the PCID will not come back soon
        }
        return b.build();
    }

    // ---------------------------------------------------------------------------------- helpers

    private String userName(DiameterMessage req) {
        Avp u = req.first(a.userName());
        return u == null ? null : u.utf8String();
    }

    private DiameterMessage.Builder success(DiameterMessage req) {
        return local.answer(req, ResultCode.DIAMETER_SUCCESS).add(vsai(), Avp.enumerated(a.authSessionState(), NO_STATE_MAINTAINED));
    }

    private Avp vsai() {
        return Avp.grouped(a.vsai(), Avp.unsigned32(a.vendorId(), VendorId.THREE_GPP),
                Avp.unsigned32(a.authApplicationId(), ApplicationId.S6A));
    }

    private DiameterMessage missing(DiameterMessage req, AvpDefinition what) {
        return local.failed(req, ResultCode.DIAMETER_MISSING_AVP, Avp.octetString(what, new byte[0]), what.name() + " is required");
    }

    private DiameterMessage experimental(DiameterMessage req, long code, String why) {
        return local.experimental(req, code).add(vsai(), Avp.enumerated(a.authSessionState(), NO_STATE_MAINTAINED),
                Avp.utf8String(a.errorMessage(), why)).build();
    }

    private DiameterMessage refused(DiameterMessage req, VectorService.Refused r) {
        switch (r.reason()) {
            case UNKNOWN_USER:
                return experimental(req, ExperimentalResultCode.DIAMETER_ERROR_USER_UNKNOWN, r.detail());
            case NO_SUBSCRIPTION:
                return experimental(req, ExperimentalResultCode.DIAMETER_ERROR_UNKNOWN_EPS_SUBSCRIPTION, r.detail());
            default:
                return experimental(req, ExperimentalResultCode.DIAMETER_AUTHENTICATION_DATA_UNAVAILABLE, r.detail());
        }
    }
}
