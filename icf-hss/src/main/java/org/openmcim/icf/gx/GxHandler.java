package org.openmcim.icf.gx;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

import org.openmcim.diameter.ApplicationId;
import org.openmcim.diameter.Avp;
import org.openmcim.diameter.AvpFormatException;
import org.openmcim.diameter.CommandCode;
import org.openmcim.diameter.DiameterMessage;
import org.openmcim.diameter.ResultCode;
import org.openmcim.diameter.VendorId;
import org.openmcim.diameter.dictionary.AvpDefinition;
import org.openmcim.diameter.dictionary.Dictionary;
import org.openmcim.icf.config.SubscriptionProfile;
import org.openmcim.icf.peer.ApplicationHandler;
import org.openmcim.icf.peer.LocalIdentity;

/**
 * Gx (TS 29.212) between a PCEF (the PGW) and this node acting as PCRF for PCIDs: CCR/CCA
 * (§5.6.2/§5.6.3) for IP-CAN session establishment, modification and termination (§4.5.1-§4.5.3).
 * The answer to CCR-Initial carries the default bearer QoS and APN-AMBR of the subscription
 * profile. Translates Diameter to {@link GxSessions} and back.
 *
 * <p>NextEPC 0.3.10's PGW (src/pgw/pgw_fd_path.c) holds Create Session until the CCA, drops a CCA
 * without CC-Request-Type, and reads QoS-Information/APN-AMBR and Default-EPS-Bearer-QoS from it;
 * Charging-Rule-Install would create dedicated bearers, which the provisioning APN does not need.
 */
public final class GxHandler implements ApplicationHandler {
    /** RFC 4006 §8.3 CC-Request-Type. */
    static final int INITIAL_REQUEST = 1;
    static final int UPDATE_REQUEST = 2;
    static final int TERMINATION_REQUEST = 3;
    /** RFC 4006 §8.47 Subscription-Id-Type END_USER_IMSI. */
    static final int END_USER_IMSI = 1;
    /**
     * TS 29.212 §5.3.23 Bearer-Control-Mode UE_ONLY: the provisioning APN needs no network-initiated
     * bearers. NextEPC 0.3.10's PGW has no case for this AVP (code 1023) in its CCA parser and logs
     * "Not supported(1023)" once per CCA-Initial, then ignores it; the AVP is the spec's, so it stays.
     */
    static final int UE_ONLY = 0;
    /** TS 29.212 §5.4.1 Gx feature list 1, bit 0 "Rel8": the only release behaviour this PCRF implements. */
    static final long FEATURE_LIST_ID = 1;
    static final long SUPPORTED_FEATURES = 0b1;
    /** RFC 6733 §8.16 / TS 29.212 §5.4.1: the vendor of the Gx feature lists. */
    private static final int FEATURE_VENDOR = VendorId.THREE_GPP;

    private final LocalIdentity local;
    private final GxSessions sessions;
    private final SubscriptionProfile profile;
    private final A a;

    /** AVP definitions looked up once. */
    private record A(AvpDefinition requestType, AvpDefinition requestNumber, AvpDefinition subscriptionId,
                     AvpDefinition subscriptionIdType, AvpDefinition subscriptionIdData, AvpDefinition framedIp,
                     AvpDefinition framedIpv6Prefix, AvpDefinition calledStationId, AvpDefinition authApplicationId,
                     AvpDefinition supportedFeatures, AvpDefinition vendorId, AvpDefinition featureListId, AvpDefinition featureList,
                     AvpDefinition bearerControlMode, AvpDefinition qosInformation, AvpDefinition apnAmbrUl,
                     AvpDefinition apnAmbrDl, AvpDefinition defaultBearerQos, AvpDefinition qci, AvpDefinition arp,
                     AvpDefinition priorityLevel, AvpDefinition preemptionCapability, AvpDefinition preemptionVulnerability,
                     AvpDefinition errorMessage, AvpDefinition failedAvp) {
        static A of(Dictionary d) {
            return new A(d.avp("CC-Request-Type"), d.avp("CC-Request-Number"), d.avp("Subscription-Id"),
                    d.avp("Subscription-Id-Type"), d.avp("Subscription-Id-Data"), d.avp("Framed-IP-Address"),
                    d.avp("Framed-IPv6-Prefix"), d.avp("Called-Station-Id"), d.avp("Auth-Application-Id"),
                    d.avp("Supported-Features"), d.avp("Vendor-Id"), d.avp("Feature-List-ID"), d.avp("Feature-List"),
                    d.avp("Bearer-Control-Mode"), d.avp("QoS-Information"), d.avp("APN-Aggregate-Max-Bitrate-UL"),
                    d.avp("APN-Aggregate-Max-Bitrate-DL"), d.avp("Default-EPS-Bearer-QoS"), d.avp("QoS-Class-Identifier"),
                    d.avp("Allocation-Retention-Priority"), d.avp("Priority-Level"), d.avp("Pre-emption-Capability"),
                    d.avp("Pre-emption-Vulnerability"), d.avp("Error-Message"), d.avp("Failed-AVP"));
        }
    }

    public GxHandler(LocalIdentity local, GxSessions sessions, SubscriptionProfile profile) {
        this.local = local;
        this.sessions = sessions;
        this.profile = profile;
        this.a = A.of(local.dictionary());
    }

    @Override
    public int applicationId() {
        return ApplicationId.GX;
    }

    @Override
    public DiameterMessage answer(DiameterMessage request, PeerInfo peer) {
        if (request.commandCode() != CommandCode.CREDIT_CONTROL) {
            // RAR flows PCRF → PCEF; nothing else is ours to answer.
            return local.answer(request, ResultCode.DIAMETER_COMMAND_UNSUPPORTED).build();
        }
        try {
            return ccr(request);
        } catch (AvpFormatException e) {
            // A present AVP whose value cannot be read (RFC 6733 §7.1.5: 5004 / 5014).
            return cca(request, e.resultCode()).add(Avp.utf8String(a.errorMessage(), e.getMessage())).build();
        }
    }

    private DiameterMessage ccr(DiameterMessage req) {
        Avp type = req.first(a.requestType());
        if (type == null) {
            return failed(req, ResultCode.DIAMETER_MISSING_AVP, Avp.enumerated(a.requestType(), 0), "CC-Request-Type is required");
        }
        if (req.first(a.requestNumber()) == null) {
            return failed(req, ResultCode.DIAMETER_MISSING_AVP, Avp.unsigned32(a.requestNumber(), 0), "CC-Request-Number is required");
        }
        switch (type.enumerated()) {
            case INITIAL_REQUEST:
                return initial(req);
            case UPDATE_REQUEST: {
                if (sessions.update(req.sessionId()).isEmpty()) {
                    return failed(req, ResultCode.DIAMETER_UNKNOWN_SESSION_ID, null, "no Gx session " + req.sessionId());
                }
                return cca(req, ResultCode.DIAMETER_SUCCESS).build();
            }
            case TERMINATION_REQUEST: {
                if (sessions.terminate(req.sessionId()).isEmpty()) {
                    return failed(req, ResultCode.DIAMETER_UNKNOWN_SESSION_ID, null, "no Gx session " + req.sessionId());
                }
                return cca(req, ResultCode.DIAMETER_SUCCESS).build();
            }
            default:
                // TS 29.212 §5.6.2: Gx uses INITIAL, UPDATE and TERMINATION only (no EVENT_REQUEST).
                return failed(req, ResultCode.DIAMETER_INVALID_AVP_VALUE, type, "CC-Request-Type " + type.enumerated() + " is not used on Gx");
        }
    }

    /** TS 29.212 §4.5.1: IP-CAN session establishment. */
    private DiameterMessage initial(DiameterMessage req) {
        String imsi = null;
        for (Avp sub : req.all(a.subscriptionId())) {
            Avp t = sub.child(a.subscriptionIdType());
            Avp d = sub.child(a.subscriptionIdData());
            if (t != null && d != null && t.enumerated() == END_USER_IMSI) {
                imsi = d.utf8String();
                break;
            }
        }
        if (imsi == null) {
            // RFC 6733 §7.5: Failed-AVP shows the missing AVP by example; the type says which one.
            return failed(req, ResultCode.DIAMETER_MISSING_AVP, Avp.grouped(a.subscriptionId(),
                    Avp.enumerated(a.subscriptionIdType(), END_USER_IMSI)), "Subscription-Id of type END_USER_IMSI is required");
        }
        Avp apn = req.first(a.calledStationId());
        if (apn == null) {
            // TS 29.212 §4.5.1: the PCEF gives the APN in Called-Station-Id.
            return failed(req, ResultCode.DIAMETER_MISSING_AVP, Avp.utf8String(a.calledStationId(), ""),
                    "Called-Station-Id is required");
        }
        InetAddress ip;
        Avp v4 = req.first(a.framedIp());
        Avp v6 = req.first(a.framedIpv6Prefix());
        if (v4 != null) {
            // RFC 7155 §4.4.10.5.1 / TS 29.212 §5.3: the IPv4 address, 4 octets.
            if (v4.octetString().length != 4) {
                return failed(req, ResultCode.DIAMETER_INVALID_AVP_VALUE, v4, "Framed-IP-Address must be 4 octets");
            }
            ip = address(v4.octetString());
        } else if (v6 != null) {
            // RFC 3162 §2.3: Reserved (1), Prefix-Length (1), Prefix (0..16 octets).
            byte[] p = v6.octetString();
            if (p.length < 2 || p.length > 18 || (p[1] & 0xFF) > 128 || p.length - 2 < ((p[1] & 0xFF) + 7) / 8) {
                return failed(req, ResultCode.DIAMETER_INVALID_AVP_VALUE, v6, "Framed-IPv6-Prefix is malformed");
            }
            ip = address(Arrays.copyOf(Arrays.copyOfRange(p, 2, p.length), 16));
        } else {
            return failed(req, ResultCode.DIAMETER_MISSING_AVP, Avp.octetString(a.framedIp(), new byte[4]),
                    "Framed-IP-Address is required: the UE address is what the ICF learns here");
        }
        GxSessions.Outcome o = sessions.initial(req.sessionId(), imsi, ip, apn.utf8String());
        if (o instanceof GxSessions.Refused r) {
            switch (r.reason()) {
                case USER_UNKNOWN:
                    // RFC 4006 §9.1 5030 DIAMETER_USER_UNKNOWN, which TS 29.212 §5.5.1 makes
                    // applicable to Gx: an IETF code, so in Result-Code, not Experimental-Result.
                    return failed(req, ResultCode.DIAMETER_USER_UNKNOWN, null, r.detail());
                case NOT_AUTHORIZED:
                    return failed(req, ResultCode.DIAMETER_AUTHORIZATION_REJECTED, null, r.detail());
                default:
                    return failed(req, ResultCode.DIAMETER_UNABLE_TO_COMPLY, null, r.detail());
            }
        }
        DiameterMessage.Builder b = cca(req, ResultCode.DIAMETER_SUCCESS);
        supportedFeatures(req).ifPresent(b::add);
        b.add(Avp.enumerated(a.bearerControlMode(), UE_ONLY));
        // TS 29.212 §4.5.1 / §5.3.16: APN-AMBR of the subscription goes in QoS-Information.
        b.add(Avp.grouped(a.qosInformation(), Avp.unsigned32(a.apnAmbrUl(), profile.ambrUl()),
                Avp.unsigned32(a.apnAmbrDl(), profile.ambrDl())));
        // TS 29.212 §5.3.48 Default-EPS-Bearer-QoS; §5.3.46/§5.3.47: 0 = ENABLED, 1 = DISABLED.
        b.add(Avp.grouped(a.defaultBearerQos(), Avp.enumerated(a.qci(), profile.qci()),
                Avp.grouped(a.arp(), Avp.unsigned32(a.priorityLevel(), profile.priorityLevel()),
                        Avp.enumerated(a.preemptionCapability(), profile.preemptionCapable() ? 0 : 1),
                        Avp.enumerated(a.preemptionVulnerability(), profile.preemptionVulnerable() ? 0 : 1))));
        return b.build();
    }

    /**
     * TS 29.229 §7.2 feature negotiation (applied to Gx by TS 29.212 §5.4.1): answer a PCEF that
     * sent list 1 with the features both sides support; no Supported-Features if it sent none.
     */
    private Optional<Avp> supportedFeatures(DiameterMessage req) {
        for (Avp sf : req.all(a.supportedFeatures())) {
            Avp id = sf.child(a.featureListId());
            Avp list = sf.child(a.featureList());
            if (id != null && list != null && id.unsigned32() == FEATURE_LIST_ID) {
                return Optional.of(Avp.grouped(a.supportedFeatures(), Avp.unsigned32(a.vendorId(), FEATURE_VENDOR),
                        Avp.unsigned32(a.featureListId(), FEATURE_LIST_ID),
                        Avp.unsigned32(a.featureList(), list.unsigned32() & SUPPORTED_FEATURES)));
            }
        }
        return Optional.empty();
    }

    // ---------------------------------------------------------------------------------- helpers

    private static InetAddress address(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e); // only for lengths other than 4 and 16, excluded above
        }
    }

    /**
     * A CCA with {@code code}: RFC 4006 §3.2 / TS 29.212 §5.6.3 make Auth-Application-Id,
     * CC-Request-Type and CC-Request-Number mandatory in every CCA, errors included.
     */
    private DiameterMessage.Builder cca(DiameterMessage req, long code) {
        DiameterMessage.Builder b = local.answer(req, code);
        completeAnswer(req, b);
        return b;
    }

    @Override
    public void completeAnswer(DiameterMessage req, DiameterMessage.Builder b) {
        b.add(Avp.unsigned32(a.authApplicationId(), ApplicationId.GX));
        Avp type = firstReadable(req, a.requestType());
        Avp number = firstReadable(req, a.requestNumber());
        if (type != null) {
            b.add(type);
        }
        if (number != null) {
            b.add(number);
        }
    }

    private static Avp firstReadable(DiameterMessage req, AvpDefinition d) {
        try {
            Avp v = req.first(d);
            if (v != null) {
                v.unsigned32(); // both are 4-octet values: echo only what can be read
            }
            return v;
        } catch (AvpFormatException e) {
            return null;
        }
    }

    private DiameterMessage failed(DiameterMessage req, long code, Avp failedAvp, String why) {
        DiameterMessage.Builder b = cca(req, code).add(Avp.utf8String(a.errorMessage(), why));
        if (failedAvp != null) {
            b.add(Avp.grouped(a.failedAvp(), failedAvp));
        }
        return b.build();
    }
}
