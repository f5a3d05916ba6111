package org.openmcim.bench.mme;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.openmcim.aka.kdf.Kdf;
import org.openmcim.aka.vector.EutranVector;
import org.openmcim.aka.vector.VectorFactory;
import org.openmcim.uesim.Octets;
import org.openmcim.uesim.nas.NasCodec;
import org.openmcim.uesim.nas.NasDecodeResult;
import org.openmcim.uesim.nas.NasIes;
import org.openmcim.uesim.nas.NasMessage;
import org.openmcim.uesim.nas.NasMessage.ActivateDefaultBearerAccept;
import org.openmcim.uesim.nas.NasMessage.ActivateDefaultBearerRequest;
import org.openmcim.uesim.nas.NasMessage.AttachAccept;
import org.openmcim.uesim.nas.NasMessage.AttachComplete;
import org.openmcim.uesim.nas.NasMessage.AttachReject;
import org.openmcim.uesim.nas.NasMessage.AttachRequest;
import org.openmcim.uesim.nas.NasMessage.AuthenticationFailure;
import org.openmcim.uesim.nas.NasMessage.AuthenticationReject;
import org.openmcim.uesim.nas.NasMessage.AuthenticationRequest;
import org.openmcim.uesim.nas.NasMessage.AuthenticationResponse;
import org.openmcim.uesim.nas.NasMessage.DetachAccept;
import org.openmcim.uesim.nas.NasMessage.EmmInformation;
import org.openmcim.uesim.nas.NasMessage.EsmInformationRequest;
import org.openmcim.uesim.nas.NasMessage.EsmInformationResponse;
import org.openmcim.uesim.nas.NasMessage.IdentityRequest;
import org.openmcim.uesim.nas.NasMessage.IdentityResponse;
import org.openmcim.uesim.nas.NasMessage.PdnConnectivityRequest;
import org.openmcim.uesim.nas.NasMessage.SecurityModeCommand;
import org.openmcim.uesim.nas.NasMessage.SecurityModeComplete;
import org.openmcim.uesim.nas.NasMessage.SecurityModeReject;
import org.openmcim.uesim.nas.NasMessage.UeDetachRequest;
import org.openmcim.uesim.nas.security.NasSecurityContext;
import org.openmcim.uesim.nas.security.SecurityHeaderType;
import org.openmcim.uesim.s1ap.S1apIes;
import org.openmcim.uesim.s1ap.S1apMessage;

/**
 * The MME's side of one UE through EPS attach and UE-initiated detach, in the order NextEPC's MME
 * runs them against our UE: identification (only for a GUTI it does not know, TS 24.301 §5.4.4),
 * authentication with a real vector (§5.4.2), security mode control with 128-EIA2 (§5.4.3), ESM
 * information when the PDN CONNECTIVITY REQUEST asked for it (§6.6.1.2), INITIAL CONTEXT SETUP
 * carrying ATTACH ACCEPT and the default bearer (TS 36.413 §8.3.1, TS 24.301 §5.5.1.2.4), ATTACH
 * COMPLETE, EMM INFORMATION, then DETACH REQUEST → DETACH ACCEPT → UE CONTEXT RELEASE COMMAND
 * (§5.5.2.2, TS 36.413 §8.3.3).
 *
 * <p>Like the UE side it takes decoded messages and returns what to send; it does no I/O. The
 * states are the MME's EMM states of TS 24.301 §5.1.3.4; {@link Pending} says which procedure's
 * answer is awaited. Not thread-safe: owned by one association's event loop.
 */
final class MmeUeContext {

    /** TS 24.301 §5.1.3.4.2, the MME's main EMM states. */
    enum EmmState { EMM_DEREGISTERED, EMM_COMMON_PROCEDURE_INITIATED, EMM_REGISTERED }

    /** The answer the MME waits for. */
    enum Pending { ATTACH_REQUEST, IDENTITY_RESPONSE, AUTHENTICATION_RESPONSE, SECURITY_MODE_COMPLETE, ESM_INFORMATION_RESPONSE,
        ATTACH_COMPLETE, DETACH_REQUEST, RELEASE_COMPLETE }

    /** What the S1 layer should do: send these messages; and what happened, for the counters. */
    record Step(List<S1apMessage> send, Optional<Event> event) {
        static Step of(List<S1apMessage> send) {
            return new Step(send, Optional.empty());
        }
    }

    enum Event { ATTACHED, DETACHED, ATTACH_REJECTED, AUTHENTICATION_FAILED, DISCARDED }

    /** Default bearer: EBI 5, QCI 9, ARP 8 not pre-empting, pre-emptable (NextEPC's defaults). */
    private static final int DEFAULT_EBI = 5;
    private static final int QCI = 9;
    /** GPRS timer T3412 (TS 24.008 §10.5.7.3): unit decihours, value 9 = 54 min. */
    private static final int T3412 = 0x49;
    /** APN-AMBR (TS 24.301 §9.9.4.2): 0xfe = 8640 kbit/s each way. */
    private static final Octets APN_AMBR = Octets.hex("fefe");
    private static final long UE_AMBR = 1_000_000_000L;
    /** The APN granted when the UE names none (TS 23.401 §5.3.2.1: the subscription's default). */
    private static final String DEFAULT_APN = "internet";
    /**
     * EMM INFORMATION's full network name (TS 24.008 §10.5.3.5a): octet 3 = ext 1, coding scheme
     * 001 (UCS2), no CI, no spare bits; then "OpenMCIM" in UCS2.
     */
    private static final Octets NETWORK_NAME = Octets.hex("90004f00700065006e004d00430049004d");
    /** §9.9.3.7 EMM cause #2 IMSI unknown in HSS. */
    private static final int CAUSE_IMSI_UNKNOWN = 2;
    /** §9.9.3.7 EMM cause #23 UE security capabilities mismatch. */
    private static final int CAUSE_SECURITY_CAPABILITIES_MISMATCH = 23;
    /** Synch failures answered with a fresh vector before giving up (§5.4.2.6 c: the network may retry). */
    private static final int MAX_RESYNCHRONISATIONS = 1;

    private final MmeNetwork network;
    private final VectorFactory vectors;
    private final Kdf kdf;
    private final NasCodec nas;
    private final long mmeUeS1apId;
    private final long enbUeS1apId;

    private EmmState state = EmmState.EMM_DEREGISTERED;
    private Pending pending = Pending.ATTACH_REQUEST;
    private S1apIes.Tai tai;
    private String imsi;
    private Optional<NasIes.Guti> attachedWith = Optional.empty();
    private NasIes.UeNetworkCapability capability;
    private PdnConnectivityRequest pdn;
    private EutranVector vector;
    private int ksi = -1;
    private int resynchronisations;
    private NasSecurityContext security;

    MmeUeContext(MmeNetwork network, VectorFactory vectors, Kdf kdf, NasCodec nas, long mmeUeS1apId, long enbUeS1apId) {
        this.network = network;
        this.vectors = vectors;
        this.kdf = kdf;
        this.nas = nas;
        this.mmeUeS1apId = mmeUeS1apId;
        this.enbUeS1apId = enbUeS1apId;
    }

    long mmeUeS1apId() {
        return mmeUeS1apId;
    }

    long enbUeS1apId() {
        return enbUeS1apId;
    }

    EmmState state() {
        return state;
    }

    Pending pending() {
        return pending;
    }

    // ------------------------------------------------------------------------------ S1AP in

    /** INITIAL UE MESSAGE: its NAS-PDU must be a plain ATTACH REQUEST (§4.4.4.3 allows it unprotected). */
    Step onInitialUeMessage(S1apMessage.InitialUeMessage m) {
        tai = m.tai();
        NasDecodeResult d = nas.decode(m.nasPdu().toByteArray(), NasCodec.Direction.UPLINK);
        if (!(d instanceof AttachRequest attach)) {
            return discard();
        }
        NasDecodeResult esm = nas.decode(attach.esmContainer().toByteArray(), NasCodec.Direction.UPLINK);
        if (!(esm instanceof PdnConnectivityRequest p)) {
            return discard();
        }
        pdn = p;
        capability = attach.capability();
        if (attach.identity() instanceof NasIes.Imsi i) {
            imsi = i.digits();
            return authenticate();
        }
        if (attach.identity() instanceof NasIes.Guti g) {
            attachedWith = Optional.of(g);
            Optional<String> known = network.imsiFor(g);
            if (known.isPresent()) {
                imsi = known.get();
                return authenticate();
            }
        }
        // §5.4.4.2: a GUTI this MME cannot resolve; ask for the IMSI.
        state = EmmState.EMM_COMMON_PROCEDURE_INITIATED;
        pending = Pending.IDENTITY_RESPONSE;
        return Step.of(List.of(downlink(nas.encode(new IdentityRequest(1)))));
    }

    /** UPLINK NAS TRANSPORT: protected messages are verified first; failures are discarded (§4.4.4.3). */
    Step onUplinkNas(Octets pdu) {
        byte[] bytes = pdu.toByteArray();
        int header = NasSecurityContext.headerType(bytes);
        boolean integrityOk = false;
        byte[] plain = bytes;
        if (header >= 1 && header <= 4) {
            if (security == null) {
                return discard();
            }
            if (!(security.unprotect(bytes) instanceof NasSecurityContext.Verified v)) {
                return discard();
            }
            plain = v.plain();
            integrityOk = true;
        }
        NasDecodeResult d = nas.decode(plain, NasCodec.Direction.UPLINK);
        if (!(d instanceof NasMessage m)) {
            return discard();
        }
        return switch (pending) {
            case IDENTITY_RESPONSE -> m instanceof IdentityResponse r && r.identity() instanceof NasIes.Imsi i
                    ? identified(i.digits()) : discard();
            case AUTHENTICATION_RESPONSE -> onAuthenticationAnswer(m);
            case SECURITY_MODE_COMPLETE -> integrityOk && m instanceof SecurityModeComplete ? securityModeCompleted()
                    : m instanceof SecurityModeReject ? release(Optional.of(Event.AUTHENTICATION_FAILED)) : discard();
            case ESM_INFORMATION_RESPONSE -> integrityOk && m instanceof EsmInformationResponse r && r.pti() == pdn.pti()
                    ? initialContextSetup(r.apn().map(NasIes.Apn::name).orElse(DEFAULT_APN)) : discard();
            case ATTACH_COMPLETE -> integrityOk && m instanceof AttachComplete c ? attachCompleted(c) : discard();
            case DETACH_REQUEST -> integrityOk && m instanceof UeDetachRequest r ? detach(r) : discard();
            default -> discard();
        };
    }

    /** §8.3.1.2: the eNB set the bearer up; the MME waits for ATTACH COMPLETE, which may already be here. */
    Step onInitialContextSetupResponse(S1apMessage.InitialContextSetupResponse r) {
        return Step.of(List.of());
    }

    /** §8.3.1.3: the eNB could not set the context up: release it; the attach has failed. */
    Step onInitialContextSetupFailure() {
        return release(Optional.of(Event.ATTACH_REJECTED));
    }

    /** §8.3.2: the eNB asks for a release (radio lost, inactivity). */
    Step onReleaseRequest() {
        return release(Optional.empty());
    }

    // ------------------------------------------------------------------------------ procedures

    private Step identified(String digits) {
        imsi = digits;
        return authenticate();
    }

    /** §5.4.2.2: a fresh vector and a new KSI_ASME; the challenge travels unprotected. */
    private Step authenticate() {
        Optional<EutranVector> v = network.hss.vector(imsi, vectors, network.config.plmn());
        if (v.isEmpty()) {
            // §5.5.1.2.5 with cause #2, as NextEPC answers when the HSS does not know the IMSI.
            return reject(CAUSE_IMSI_UNKNOWN);
        }
        vector = v.get();
        ksi = (ksi + 1) % 7; // §9.9.3.21: 0..6; 7 means "no key"
        state = EmmState.EMM_COMMON_PROCEDURE_INITIATED;
        pending = Pending.AUTHENTICATION_RESPONSE;
        return Step.of(List.of(downlink(nas.encode(new AuthenticationRequest(new NasIes.NasKsi(false, ksi),
                Octets.of(vector.rand()), Octets.of(vector.autn()))))));
    }

    /** §5.4.2.4: RES = XRES (constant time) → security mode; §5.4.2.6: synch failure → resynchronise once. */
    private Step onAuthenticationAnswer(NasMessage m) {
        if (m instanceof AuthenticationResponse r) {
            if (MessageDigest.isEqual(r.res().toByteArray(), vector.xres())) {
                return securityModeCommand();
            }
            return authenticationReject();
        }
        if (m instanceof AuthenticationFailure f && f.emmCause() == AuthenticationFailure.SYNCH_FAILURE && f.auts().isPresent()
                && resynchronisations++ < MAX_RESYNCHRONISATIONS
                && network.hss.resynchronise(imsi, vector.rand(), f.auts().get().toByteArray())) {
            return authenticate();
        }
        return m instanceof AuthenticationFailure ? authenticationReject() : discard();
    }

    /**
     * §5.4.3.2: select 128-EIA2 and the configured EEA if the UE has it (else EEA0), replay the
     * UE's capabilities, and protect the command under the new context (header type 3, downlink
     * count 0; TS 33.401 §7.2.4.4).
     */
    private Step securityModeCommand() {
        if (!capability.supportsEia(2)) {
            return reject(CAUSE_SECURITY_CAPABILITIES_MISMATCH);
        }
        int eea = capability.supportsEea(network.config.eea()) ? network.config.eea() : 0;
        security = NasSecurityContext.forNetwork(vector.kasme(), ksi, eea, 2);
        byte[] smc = nas.encode(new SecurityModeCommand(eea, 2, new NasIes.NasKsi(false, ksi),
                Octets.of(new byte[] {(byte) capability.eea(), (byte) capability.eia()}), false));
        pending = Pending.SECURITY_MODE_COMPLETE;
        return Step.of(List.of(downlink(security.protect(smc, SecurityHeaderType.INTEGRITY_PROTECTED_NEW_CONTEXT))));
    }

    private Step securityModeCompleted() {
        state = EmmState.EMM_DEREGISTERED; // common procedure done; EMM-REGISTERED comes with ATTACH COMPLETE
        if (pdn.esmInformationTransfer()) {
            // §6.6.1.2: the UE set the ESM information transfer flag; ask for the APN now that NAS is ciphered.
            pending = Pending.ESM_INFORMATION_RESPONSE;
            return Step.of(List.of(downlink(protect(nas.encode(new EsmInformationRequest(pdn.pti()))))));
        }
        return initialContextSetup(pdn.apn().map(NasIes.Apn::name).orElse(DEFAULT_APN));
    }

    /**
     * §5.5.1.2.4 and TS 36.413 §8.3.1: ATTACH ACCEPT (new GUTI, the serving TAI, the default
     * bearer's ACTIVATE DEFAULT EPS BEARER CONTEXT REQUEST) as the NAS-PDU of the E-RAB in INITIAL
     * CONTEXT SETUP REQUEST, with KeNB = KDF(KASME, uplink NAS COUNT) (TS 33.401 A.3), the count
     * being that of the SECURITY MODE COMPLETE as in Open5GS's MME.
     */
    private Step initialContextSetup(String apn) {
        NasIes.Guti guti = network.allocateGuti(imsi, attachedWith);
        byte[] bearer = nas.encode(new ActivateDefaultBearerRequest(DEFAULT_EBI, pdn.pti(), Octets.of(new byte[] {QCI}),
                new NasIes.Apn(apn), new NasIes.PdnAddress(1, Octets.of(network.nextUeAddress())), Optional.of(APN_AMBR),
                Optional.empty(), Optional.empty()));
        byte[] accept = protect(nas.encode(new AttachAccept(1, T3412, List.of(new NasIes.Tai(tai.plmn(), tai.tac())),
                Octets.of(bearer), Optional.of(guti), Optional.empty())));
        long ulCount = security.lastReceived().orElseThrow().value();
        S1apIes.ErabToBeSetup erab = new S1apIes.ErabToBeSetup(DEFAULT_EBI, new S1apIes.ErabQos(QCI, 8, false, true),
                network.sgwAddress, Octets.of(network.nextTeid()), Optional.of(Octets.of(accept)));
        pending = Pending.ATTACH_COMPLETE;
        return Step.of(List.of(new S1apMessage.InitialContextSetupRequest(mmeUeS1apId, enbUeS1apId, UE_AMBR, UE_AMBR,
                List.of(erab), s1apCapabilities(), Octets.of(kdf.kEnb(vector.kasme(), ulCount)))));
    }

    /** §5.5.1.2.4: ATTACH COMPLETE with ACTIVATE DEFAULT EPS BEARER CONTEXT ACCEPT for our bearer → EMM-REGISTERED. */
    private Step attachCompleted(AttachComplete c) {
        NasDecodeResult esm = nas.decode(c.esmContainer().toByteArray(), NasCodec.Direction.UPLINK);
        if (!(esm instanceof ActivateDefaultBearerAccept a) || a.ebi() != DEFAULT_EBI) {
            return discard();
        }
        state = EmmState.EMM_REGISTERED;
        pending = Pending.DETACH_REQUEST;
        List<S1apMessage> send = new ArrayList<>(1);
        if (network.config.emmInformation()) {
            // §5.4.5: NextEPC's MME sends the network name right after ATTACH COMPLETE.
            send.add(downlink(protect(nas.encode(new EmmInformation(Optional.of(NETWORK_NAME),
                    Optional.empty(), Optional.empty())))));
        }
        return new Step(send, Optional.of(Event.ATTACHED));
    }

    /** §5.5.2.2.2: DETACH ACCEPT unless switched off, then release the S1 context with cause nas/detach. */
    private Step detach(UeDetachRequest r) {
        state = EmmState.EMM_DEREGISTERED;
        List<S1apMessage> send = new ArrayList<>(2);
        if (!r.switchOff()) {
            send.add(downlink(protect(nas.encode(new DetachAccept()))));
        }
        send.add(releaseCommand(S1apIes.Cause.NAS_DETACH));
        pending = Pending.RELEASE_COMPLETE;
        return new Step(send, Optional.of(Event.DETACHED));
    }

    /** §5.5.1.2.5: ATTACH REJECT in plain (no security context yet), then release. */
    private Step reject(int cause) {
        state = EmmState.EMM_DEREGISTERED;
        pending = Pending.RELEASE_COMPLETE;
        return new Step(List.of(downlink(nas.encode(new AttachReject(cause, Optional.empty()))),
                releaseCommand(S1apIes.Cause.NAS_NORMAL_RELEASE)), Optional.of(Event.ATTACH_REJECTED));
    }

    /** §5.4.2.5: AUTHENTICATION REJECT, then release. */
    private Step authenticationReject() {
        state = EmmState.EMM_DEREGISTERED;
        pending = Pending.RELEASE_COMPLETE;
        return new Step(List.of(downlink(nas.encode(new AuthenticationReject())), releaseCommand(S1apIes.Cause.NAS_NORMAL_RELEASE)),
                Optional.of(Event.AUTHENTICATION_FAILED));
    }

    private Step release(Optional<Event> event) {
        state = EmmState.EMM_DEREGISTERED;
        pending = Pending.RELEASE_COMPLETE;
        return new Step(List.of(releaseCommand(S1apIes.Cause.NAS_NORMAL_RELEASE)), event);
    }

    private Step discard() {
        return new Step(List.of(), Optional.of(Event.DISCARDED));
    }

    // ------------------------------------------------------------------------------ building

    /** §4.4.5: after security mode control every downlink message is integrity protected and ciphered. */
    private byte[] protect(byte[] plain) {
        return security.protect(plain, SecurityHeaderType.INTEGRITY_PROTECTED_CIPHERED);
    }

    private S1apMessage downlink(byte[] nasPdu) {
        return new S1apMessage.DownlinkNasTransport(mmeUeS1apId, enbUeS1apId, Octets.of(nasPdu));
    }

    private S1apMessage releaseCommand(S1apIes.Cause cause) {
        return new S1apMessage.UeContextReleaseCommand(mmeUeS1apId, OptionalLong.of(enbUeS1apId), cause);
    }

    /**
     * TS 36.413 §9.2.1.40 from the NAS UE network capability (TS 24.301 §9.9.3.34): S1AP leaves out
     * EEA0/EIA0, so NAS bit 7 (128-EEA1) becomes the S1AP mask's first bit, and so on.
     */
    private S1apIes.UeSecurityCapabilities s1apCapabilities() {
        return new S1apIes.UeSecurityCapabilities(((capability.eea() << 1) & 0xfe) << 8, ((capability.eia() << 1) & 0xfe) << 8);
    }
}
