package org.openmcim.icf.swx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

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
import org.openmcim.icf.s6a.VectorService;
import org.openmcim.store.Subscriber;

/**
 * SWx (TS 29.273 §8) between a 3GPP AAA server and this HSS, for non-3GPP access: MAR/MAA
 * (§8.1.2.1, EAP-AKA and EAP-AKA' vectors) and SAR/SAA (§8.1.2.2, AAA server registration and
 * Non-3GPP-User-Data), with the Cx AVP formats of TS 29.229 §6.3. Translates Diameter to
 * {@link SwxService} and back; the rules live there.
 */
public final class SwxHandler implements ApplicationHandler {
    /** RFC 6733 §8.11 Auth-Session-State NO_STATE_MAINTAINED (TS 29.273 §8.2.2: SWx keeps none). */
    private static final int NO_STATE_MAINTAINED = 1;
    /** TS 29.273 §8.2.3.21 AAA-Failure-Indication bit 0: the registered AAA server is unavailable. */
    private static final long AAA_FAILURE = 1;
    /** TS 29.229 §6.3.15 Server-Assignment-Type values used on SWx (TS 29.273 table 8.1.2.2.1/1). */
    static final int REGISTRATION = 1;
    static final int TIMEOUT_DEREGISTRATION = 4;
    static final int USER_DEREGISTRATION = 5;
    static final int ADMINISTRATIVE_DEREGISTRATION = 8;
    static final int AAA_USER_DATA_REQUEST = 12;
    static final int PGW_UPDATE = 13;
    /** RFC 4006 §8.47 Subscription-Id-Type. */
    private static final int END_USER_E164 = 0;
    private static final int END_USER_IMSI = 1;
    /** TS 29.273 §8.2.3.3 NON_3GPP_SUBSCRIPTION_ALLOWED; §8.2.3.4 Non_3GPP_APNS_ENABLE. */
    private static final int NON_3GPP_SUBSCRIPTION_ALLOWED = 0;
    private static final int NON_3GPP_APNS_ENABLE = 0;
    /** The context id of the profile's single APN configuration, as in the S6a ULA. */
    private static final int DEFAULT_CONTEXT = 1;

    private final LocalIdentity local;
    private final SwxService service;
    private final SubscriptionProfile profile;
    private final int maxVectors;
    private final A a;
    private final org.openmcim.icf.config.ProfileAvps profileAvps;

    /** AVP definitions looked up once. */
    private record A(AvpDefinition userName, AvpDefinition numberAuthItems, AvpDefinition authDataItem,
                     AvpDefinition itemNumber, AvpDefinition scheme, AvpDefinition authenticate,
                     AvpDefinition authorization, AvpDefinition ck, AvpDefinition ik, AvpDefinition anid,
                     AvpDefinition aaaFailure, AvpDefinition aaaServerName, AvpDefinition assignmentType,
                     AvpDefinition userData, AvpDefinition subscriptionId, AvpDefinition subscriptionIdType,
                     AvpDefinition subscriptionIdData, AvpDefinition ipAccess, AvpDefinition ipAccessApn,
                     AvpDefinition contextId, AvpDefinition authSessionState, AvpDefinition vsai,
                     AvpDefinition vendorId, AvpDefinition authApplicationId, AvpDefinition errorMessage) {
        static A of(Dictionary d) {
            return new A(d.avp("User-Name"), d.avp("SIP-Number-Auth-Items"), d.avp("SIP-Auth-Data-Item"),
                    d.avp("SIP-Item-Number"), d.avp("SIP-Authentication-Scheme"), d.avp("SIP-Authenticate"),
                    d.avp("SIP-Authorization"), d.avp("Confidentiality-Key"), d.avp("Integrity-Key"), d.avp("ANID"),
                    d.avp("AAA-Failure-Indication"), d.avp("3GPP-AAA-Server-Name"), d.avp("Server-Assignment-Type"),
                    d.avp("Non-3GPP-User-Data"), d.avp("Subscription-Id"), d.avp("Subscription-Id-Type"),
                    d.avp("Subscription-Id-Data"), d.avp("Non-3GPP-IP-Access"), d.avp("Non-3GPP-IP-Access-APN"),
                    d.avp("Context-Identifier"), d.avp("Auth-Session-State"), d.avp("Vendor-Specific-Application-Id"),
                    d.avp("Vendor-Id"), d.avp("Auth-Application-Id"), d.avp("Error-Message"));
        }
    }

    public SwxHandler(LocalIdentity local, SwxService service, SubscriptionProfile profile, int maxVectors) {
        this.local = local;
        this.service = service;
        this.profile = profile;
        this.maxVectors = maxVectors;
        this.a = A.of(local.dictionary());
        this.profileAvps = new org.openmcim.icf.config.ProfileAvps(local.dictionary(), profile);
    }

    @Override
    public int applicationId() {
        return ApplicationId.SWX;
    }

    @Override
    public DiameterMessage answer(DiameterMessage request, PeerInfo peer) {
        try {
            switch (request.commandCode()) {
                case CommandCode.MULTIMEDIA_AUTH:
                    return mar(request);
                case CommandCode.SERVER_ASSIGNMENT:
                    return sar(request);
                default:
                    return local.answer(request, ResultCode.DIAMETER_COMMAND_UNSUPPORTED).build();
            }
        } catch (AvpFormatException e) {
            // A present AVP whose value cannot be read (RFC 6733 §7.1.5: 5004 / 5014).
            return local.failed(request, e.resultCode(), null, e.getMessage());
        }
    }

    // ---------------------------------------------------------------------------------- MAR

    private DiameterMessage mar(DiameterMessage req) {
        Avp userName = req.first(a.userName());
        if (userName == null) {
            return missing(req, a.userName());
        }
        Optional<String> imsi = NaiIdentity.imsiOf(userName.utf8String());
        if (imsi.isEmpty()) {
            return local.failed(req, ResultCode.DIAMETER_INVALID_AVP_VALUE, userName,
                    "User-Name is neither an IMSI nor a permanent-identity NAI (TS 23.003 §19.3.2)");
        }
        Avp item = req.first(a.authDataItem());
        if (item == null) {
            return missing(req, a.authDataItem());
        }
        Avp schemeAvp = item.child(a.scheme());
        if (schemeAvp == null) {
            return missing(req, a.scheme());
        }
        Optional<AuthScheme> scheme = AuthScheme.fromWire(schemeAvp.utf8String());
        if (scheme.isEmpty()) {
            return experimental(req, ExperimentalResultCode.DIAMETER_ERROR_AUTH_SCHEME_NOT_SUPPORTED,
                    "SIP-Authentication-Scheme must be EAP-AKA or EAP-AKA'").build();
        }
        String anid = null;
        if (scheme.get() == AuthScheme.EAP_AKA_PRIME) {
            // TS 29.273 §8.1.2.1.1: ANID is present for EAP-AKA'; CK'/IK' are bound to it (TS 33.402 A.2).
            Avp anidAvp = req.first(a.anid());
            if (anidAvp == null) {
                return missing(req, a.anid());
            }
            anid = anidAvp.utf8String();
            if (anid.isEmpty()) {
                return local.failed(req, ResultCode.DIAMETER_INVALID_AVP_VALUE, anidAvp, "ANID is empty");
            }
        }
        Optional<VectorService.Resync> resync = Optional.empty();
        Avp authorization = item.child(a.authorization());
        if (authorization != null) {
            // TS 29.273 §8.1.2.1.1 / TS 29.229 §6.3.11: on synchronisation failure the AAA server
            // sends RAND (16 octets) followed by AUTS (14 octets) in SIP-Authorization.
            byte[] v = authorization.octetString();
            if (v.length != 30) {
                return local.failed(req, ResultCode.DIAMETER_INVALID_AVP_VALUE, authorization,
                        "SIP-Authorization must be RAND||AUTS, 30 octets");
            }
            resync = Optional.of(new VectorService.Resync(Arrays.copyOf(v, 16), Arrays.copyOfRange(v, 16, 30)));
        }
        Avp n = req.first(a.numberAuthItems());
        int count = n == null ? 1 : (int) Math.max(1, Math.min(n.unsigned32(), maxVectors));
        Avp failure = req.first(a.aaaFailure());
        boolean aaaFailure = failure != null && (failure.unsigned32() & AAA_FAILURE) != 0;

        SwxService.AuthOutcome o = service.authenticate(new SwxService.AuthRequest(imsi.get(),
                req.originHost(), req.originRealm(), scheme.get(), anid, count, resync, aaaFailure));
        if (o instanceof SwxService.Refused r) {
            return refused(req, r);
        }
        SwxService.Vectors v = (SwxService.Vectors) o;
        DiameterMessage.Builder b = success(req).add(userName)
                .add(Avp.unsigned32(a.numberAuthItems(), v.items().size()));
        int number = 1;
        for (SwxService.Item i : v.items()) {
            byte[] challenge = new byte[i.rand().length + i.autn().length];
            System.arraycopy(i.rand(), 0, challenge, 0, i.rand().length);
            System.arraycopy(i.autn(), 0, challenge, i.rand().length, i.autn().length);
            // TS 29.273 §8.2.3.9 (SIP-Auth-Data-Item in MAA): RAND||AUTN, XRES, CK(')/IK(').
            b.add(Avp.grouped(a.authDataItem(), Avp.unsigned32(a.itemNumber(), number++),
                    Avp.utf8String(a.scheme(), v.scheme().wire()), Avp.octetString(a.authenticate(), challenge),
                    Avp.octetString(a.authorization(), i.xres()), Avp.octetString(a.ck(), i.ck()),
                    Avp.octetString(a.ik(), i.ik())));
        }
        return b.build();
    }

    // ---------------------------------------------------------------------------------- SAR

    private DiameterMessage sar(DiameterMessage req) {
        Avp userName = req.first(a.userName());
        if (userName == null) {
            return missing(req, a.userName());
        }
        Optional<String> imsi = NaiIdentity.imsiOf(userName.utf8String());
        if (imsi.isEmpty()) {
            return local.failed(req, ResultCode.DIAMETER_INVALID_AVP_VALUE, userName,
                    "User-Name is neither an IMSI nor a permanent-identity NAI (TS 23.003 §19.3.2)");
        }
        Avp typeAvp = req.first(a.assignmentType());
        if (typeAvp == null) {
            return missing(req, a.assignmentType());
        }
        SwxService.Assignment what;
        switch (typeAvp.enumerated()) {
            case REGISTRATION:
                what = SwxService.Assignment.REGISTRATION;
                break;
            case AAA_USER_DATA_REQUEST:
                what = SwxService.Assignment.USER_DATA;
                break;
            case USER_DEREGISTRATION:
            case TIMEOUT_DEREGISTRATION:
            case ADMINISTRATIVE_DEREGISTRATION:
                what = SwxService.Assignment.DEREGISTRATION;
                break;
            case PGW_UPDATE:
                what = SwxService.Assignment.PGW_UPDATE;
                break;
            default:
                // The IMS-only values of TS 29.229 §6.3.15 have no meaning on SWx.
                return local.failed(req, ResultCode.DIAMETER_INVALID_AVP_VALUE, typeAvp,
                        "Server-Assignment-Type " + typeAvp.enumerated() + " is not used on SWx");
        }
        SwxService.SarOutcome o = service.serverAssignment(imsi.get(), req.originHost(),
                req.originRealm(), what);
        if (o instanceof SwxService.Refused r) {
            return refused(req, r);
        }
        DiameterMessage.Builder b = success(req).add(userName);
        if (o instanceof SwxService.UserData u) {
            b.add(non3gppUserData(u.subscriber()));
        }
        return b.build();
    }

    /** TS 29.273 §8.2.3.1 Non-3GPP-User-Data from the ICF's subscription profile. */
    private Avp non3gppUserData(Subscriber s) {
        List<Avp> data = new ArrayList<>();
        // TS 29.273 §8.2.3.1 names the MSISDN here; a PCID has none, so its IMSI identifies it.
        data.add(s.msisdn() != null
                ? Avp.grouped(a.subscriptionId(), Avp.enumerated(a.subscriptionIdType(), END_USER_E164),
                        Avp.utf8String(a.subscriptionIdData(), s.msisdn()))
                : Avp.grouped(a.subscriptionId(), Avp.enumerated(a.subscriptionIdType(), END_USER_IMSI),
                        Avp.utf8String(a.subscriptionIdData(), s.imsi())));
        data.add(Avp.enumerated(a.ipAccess(), NON_3GPP_SUBSCRIPTION_ALLOWED));
        data.add(Avp.enumerated(a.ipAccessApn(), NON_3GPP_APNS_ENABLE));
        data.add(profileAvps.ambr());
        data.add(Avp.unsigned32(a.contextId(), DEFAULT_CONTEXT));
        data.add(profileAvps.apnConfiguration(DEFAULT_CONTEXT));
        return Avp.grouped(a.userData(), data);
    }

    // ---------------------------------------------------------------------------------- helpers

    private DiameterMessage.Builder success(DiameterMessage req) {
        return local.answer(req, ResultCode.DIAMETER_SUCCESS).add(vsai(), Avp.enumerated(a.authSessionState(), NO_STATE_MAINTAINED));
    }

    private Avp vsai() {
        return Avp.grouped(a.vsai(), Avp.unsigned32(a.vendorId(), VendorId.THREE_GPP),
                Avp.unsigned32(a.authApplicationId(), ApplicationId.SWX));
    }

    private DiameterMessage missing(DiameterMessage req, AvpDefinition what) {
        return local.failed(req, ResultCode.DIAMETER_MISSING_AVP, Avp.octetString(what, new byte[0]), what.name() + " is required");
    }

    private DiameterMessage.Builder experimental(DiameterMessage req, long code, String why) {
        return local.experimental(req, code).add(vsai(), Avp.enumerated(a.authSessionState(), NO_STATE_MAINTAINED),
                Avp.utf8String(a.errorMessage(), why));
    }

    private DiameterMessage refused(DiameterMessage req, SwxService.Refused r) {
        switch (r.reason()) {
            case USER_UNKNOWN:
                return experimental(req, ExperimentalResultCode.DIAMETER_ERROR_USER_UNKNOWN, r.detail()).build();
            case NO_NON_3GPP_SUBSCRIPTION:
                return experimental(req, ExperimentalResultCode.DIAMETER_ERROR_USER_NO_NON_3GPP_SUBSCRIPTION, r.detail()).build();
            case ALREADY_REGISTERED: {
                // TS 29.273 §8.1.2.1.1 / §8.1.2.2.1: name the registered AAA server so the
                // requester can route the user there.
                DiameterMessage.Builder b = experimental(req, ExperimentalResultCode.DIAMETER_ERROR_IDENTITY_ALREADY_REGISTERED,
                        r.detail());
                r.registered().ifPresent(s -> b.add(Avp.diameterIdentity(a.aaaServerName(), s.host())));
                return b.build();
            }
            default:
                // TS 29.273 §8.1.2.1.1: a request the HSS cannot fulfil for other reasons
                // (here an AUTS that does not verify, or SEQ exhausted) gets DIAMETER_UNABLE_TO_COMPLY.
                return local.failed(req, ResultCode.DIAMETER_UNABLE_TO_COMPLY, null, r.detail());
        }
    }
}
