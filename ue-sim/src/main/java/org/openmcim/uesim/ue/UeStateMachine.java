package org.openmcim.uesim.ue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.openmcim.aka.kdf.Kdf;
import org.openmcim.aka.kdf.PlmnId;
import org.openmcim.aka.usim.Usim;
import org.openmcim.uesim.Octets;
import org.openmcim.uesim.nas.NasCodec;
import org.openmcim.uesim.nas.NasDecodeError;
import org.openmcim.uesim.nas.NasDecodeResult;
import org.openmcim.uesim.nas.NasIes;
import org.openmcim.uesim.nas.NasMessage;
import org.openmcim.uesim.nas.NasMessage.*;
import org.openmcim.uesim.nas.security.NasSecurityContext;
import org.openmcim.uesim.nas.security.SecurityHeaderType;

/**
 * The UE's EMM/ESM logic for attach, authentication, security mode, ESM information, attach
 * accept/complete and detach (TS 24.301 §5.3-5.5, §6.4.1, §6.6.1.2), with the states of §5.1.3.2.
 * It takes NAS PDUs and commands and returns {@link UeAction}s; it does no I/O, so it is tested
 * without sockets and driven by the eNB layer in the lab.
 *
 * <p>Security: before a NAS security context exists only the messages of §4.4.4.2 are accepted
 * in plain (Identity Request, Authentication Request/Reject, Attach Reject, Detach Accept/Request,
 * EMM Status); afterwards every downlink message must pass the integrity check. The SECURITY MODE
 * COMMAND is checked with K_NASint derived from the KASME of the last successful AKA (TS 33.401
 * A.2/A.7) and its replayed UE security capabilities against ours (§5.4.3.3).
 *
 * <p>Not thread-safe: one owner, one event at a time.
 */
public final class UeStateMachine {

    /** The fixed profile of the simulated UE. */
    public record Profile(String imsi, NasIes.UeNetworkCapability capability, String apn, PlmnId servingNetwork) {
        public Profile {
            Objects.requireNonNull(imsi);
            Objects.requireNonNull(capability);
            Objects.requireNonNull(apn);
            Objects.requireNonNull(servingNetwork);
        }
    }

    private static final int PTI = 1;

    private final Profile profile;
    private final Usim usim;
    private final NasCodec nas = new NasCodec();
    private final Kdf kdf = new Kdf();
    private EmmState state = EmmState.EMM_DEREGISTERED;
    private NasSecurityContext security;
    private byte[] kasme;
    private int kasmeKsi = -1;
    private Optional<NasIes.Guti> guti = Optional.empty();

    public UeStateMachine(Profile profile, Usim usim) {
        this.profile = Objects.requireNonNull(profile);
        this.usim = Objects.requireNonNull(usim);
    }

    public EmmState state() {
        return state;
    }

    public Optional<NasSecurityContext> securityContext() {
        return Optional.ofNullable(security);
    }

    // ------------------------------------------------------------------------------ commands

    /** §5.5.1.2.2: ATTACH REQUEST with the IMSI (or the GUTI from the last attach) and a PDN CONNECTIVITY REQUEST. */
    public List<UeAction> attach() {
        if (state != EmmState.EMM_DEREGISTERED) {
            throw new IllegalStateException("attach in " + state);
        }
        security = null;
        byte[] esm = nas.encode(new PdnConnectivityRequest(PTI, 1, 1, true, Optional.empty(), Optional.empty()));
        NasIes.MobileIdentity id = guti.<NasIes.MobileIdentity>map(g -> g).orElse(new NasIes.Imsi(profile.imsi()));
        byte[] attach = nas.encode(new AttachRequest(1, NasIes.NasKsi.NO_KEY, id, profile.capability(), Octets.of(esm)));
        state = EmmState.EMM_REGISTERED_INITIATED;
        return List.of(new UeAction.SendNas(Octets.of(attach)));
    }

    /** §5.5.2.2: UE-initiated detach; with switch-off the UE does not wait for DETACH ACCEPT. */
    public List<UeAction> detach(boolean switchOff) {
        if (state != EmmState.EMM_REGISTERED) {
            throw new IllegalStateException("detach in " + state);
        }
        NasIes.MobileIdentity id = guti.<NasIes.MobileIdentity>map(g -> g).orElse(new NasIes.Imsi(profile.imsi()));
        byte[] plain = nas.encode(new UeDetachRequest(switchOff, 1, new NasIes.NasKsi(false, security.ksi()), id));
        List<UeAction> out = new ArrayList<>(List.of(send(plain)));
        if (switchOff) {
            state = EmmState.EMM_DEREGISTERED;
            out.add(new UeAction.Deregistered("switch-off detach"));
        } else {
            state = EmmState.EMM_DEREGISTERED_INITIATED;
        }
        return out;
    }

    // ------------------------------------------------------------------------------ downlink

    /** Handles one downlink NAS PDU. */
    public List<UeAction> onDownlink(byte[] pdu) {
        int header = NasSecurityContext.headerType(pdu);
        byte[] plain;
        boolean integrityOk;
        if (header == 3 || header == 4) {
            if (header == 3) {
                // SECURITY MODE COMMAND comes integrity protected, not ciphered, under the new context.
                return onSecurityModeCommand(pdu);
            }
            return List.of(new UeAction.Discarded("header type 4 is only used uplink after SMC"));
        } else if (header == 1 || header == 2) {
            if (security == null) {
                return List.of(new UeAction.Discarded("protected message without a security context"));
            }
            NasSecurityContext.Unprotected u = security.unprotect(pdu);
            if (u instanceof NasSecurityContext.Rejected r) {
                return List.of(new UeAction.Discarded(r.reason()));
            }
            plain = ((NasSecurityContext.Verified) u).plain();
            integrityOk = true;
        } else {
            plain = pdu;
            integrityOk = false;
        }
        NasDecodeResult decoded = nas.decode(plain, NasCodec.Direction.DOWNLINK);
        if (decoded instanceof NasDecodeError e) {
            return List.of(send(nas.encode(new EmmStatus(e.emmCause()))));
        }
        NasMessage m = (NasMessage) decoded;
        if (!integrityOk && security != null && !allowedPlain(m)) {
            return List.of(new UeAction.Discarded("§4.4.4.2: " + m.getClass().getSimpleName() + " must be integrity protected"));
        }
        if (!integrityOk && security == null && !allowedPlain(m)) {
            return List.of(new UeAction.Discarded("§4.4.4.2: " + m.getClass().getSimpleName() + " before security mode"));
        }
        return handle(m);
    }

    /** §4.4.4.2: what may arrive without integrity protection. */
    private static boolean allowedPlain(NasMessage m) {
        return m instanceof IdentityRequest || m instanceof AuthenticationRequest || m instanceof AuthenticationReject
                || m instanceof AttachReject || m instanceof DetachAccept || m instanceof NetworkDetachRequest
                || m instanceof EmmStatus;
    }

    private List<UeAction> handle(NasMessage m) {
        if (m instanceof IdentityRequest r) {
            // §5.4.4.3: answer with the requested identity; only the IMSI is held by this UE.
            if (r.identityType() != 1) {
                return List.of(send(nas.encode(new EmmStatus(96))));
            }
            return List.of(send(nas.encode(new IdentityResponse(new NasIes.Imsi(profile.imsi())))));
        }
        if (m instanceof AuthenticationRequest r) {
            return onAuthenticationRequest(r);
        }
        if (m instanceof AuthenticationReject) {
            state = EmmState.EMM_DEREGISTERED;
            security = null;
            return List.of(new UeAction.AttachFailed(-1));
        }
        if (m instanceof AttachReject r) {
            state = EmmState.EMM_DEREGISTERED;
            return List.of(new UeAction.AttachFailed(r.emmCause()));
        }
        if (m instanceof EsmInformationRequest r) {
            return List.of(send(nas.encode(new EsmInformationResponse(r.pti(), Optional.of(new NasIes.Apn(profile.apn())),
                    Optional.empty()))));
        }
        if (m instanceof AttachAccept a) {
            return onAttachAccept(a);
        }
        if (m instanceof NetworkDetachRequest) {
            List<UeAction> out = List.of(send(nas.encode(new DetachAccept())),
                    new UeAction.Deregistered("network detach"));
            state = EmmState.EMM_DEREGISTERED;
            return out;
        }
        if (m instanceof DetachAccept && state == EmmState.EMM_DEREGISTERED_INITIATED) {
            state = EmmState.EMM_DEREGISTERED;
            return List.of(new UeAction.Deregistered("detach accepted"));
        }
        if (m instanceof EmmInformation || m instanceof EmmStatus) {
            return List.of();
        }
        return List.of(new UeAction.Discarded("unexpected " + m.getClass().getSimpleName() + " in " + state));
    }

    /** §5.4.2.3 / TS 33.102 §6.3.3: run the USIM; answer RES, or #20 MAC failure, or #21 with AUTS. */
    private List<UeAction> onAuthenticationRequest(AuthenticationRequest r) {
        Usim.Result result = usim.authenticate(r.rand().toByteArray(), r.autn().toByteArray());
        if (result instanceof Usim.Success s) {
            // §5.4.2.3 and TS 33.401 §6.1.1: the "separation bit" (AMF bit 0) must be 1 for E-UTRAN.
            if ((s.amf()[0] & 0x80) == 0) {
                return List.of(send(nas.encode(new AuthenticationFailure(26, Optional.empty()))));
            }
            kasme = kdf.kasme(s.ck(), s.ik(), profile.servingNetwork(), s.sqnXorAk());
            kasmeKsi = r.ksi().value();
            return List.of(send(nas.encode(new AuthenticationResponse(Octets.of(s.res())))));
        }
        if (result instanceof Usim.SynchFailure f) {
            return List.of(send(nas.encode(new AuthenticationFailure(AuthenticationFailure.SYNCH_FAILURE,
                    Optional.of(Octets.of(f.auts()))))));
        }
        return List.of(send(nas.encode(new AuthenticationFailure(AuthenticationFailure.MAC_FAILURE, Optional.empty()))));
    }

    /** §5.4.3.3: accept the SMC only if its MAC verifies with the new keys and it replays our capabilities. */
    private List<UeAction> onSecurityModeCommand(byte[] pdu) {
        if (pdu.length < 7) {
            return List.of(new UeAction.Discarded("short SECURITY MODE COMMAND"));
        }
        NasDecodeResult d = nas.decode(Arrays.copyOfRange(pdu, 6, pdu.length), NasCodec.Direction.DOWNLINK);
        if (!(d instanceof SecurityModeCommand smc)) {
            return List.of(new UeAction.Discarded("header type 3 without a SECURITY MODE COMMAND"));
        }
        if (kasme == null || smc.ksi().value() != kasmeKsi) {
            return List.of(send(nas.encode(new SecurityModeReject(24))));
        }
        NasSecurityContext candidate = NasSecurityContext.fromKasme(kasme, kasmeKsi, smc.eea(), smc.eia());
        if (!(candidate.unprotect(pdu) instanceof NasSecurityContext.Verified)) {
            // §5.4.3.5 d: integrity check failed: the message is discarded, no reject is sent.
            return List.of(new UeAction.Discarded("SECURITY MODE COMMAND failed the integrity check"));
        }
        byte[] ours = new byte[] {(byte) profile.capability().eea(), (byte) profile.capability().eia()};
        byte[] replayed = smc.replayedCapabilities().toByteArray();
        if (!Arrays.equals(ours, Arrays.copyOf(replayed, 2)) || smc.eia() == 0
                || !profile.capability().supportsEea(smc.eea()) || !profile.capability().supportsEia(smc.eia())) {
            return List.of(send(nas.encode(new SecurityModeReject(23)))); // #23 UE security capabilities mismatch
        }
        security = candidate;
        byte[] complete = nas.encode(new SecurityModeComplete(Optional.empty()));
        return List.of(new UeAction.SendNas(Octets.of(
                security.protect(complete, SecurityHeaderType.INTEGRITY_PROTECTED_CIPHERED_NEW_CONTEXT))));
    }

    /** §5.5.1.2.4 / §6.4.1.3: store the GUTI, accept the default bearer inside ATTACH COMPLETE. */
    private List<UeAction> onAttachAccept(AttachAccept a) {
        NasDecodeResult esm = nas.decode(a.esmContainer().toByteArray(), NasCodec.Direction.DOWNLINK);
        if (!(esm instanceof ActivateDefaultBearerRequest bearer)) {
            return List.of(send(nas.encode(new EmmStatus(96))));
        }
        guti = a.guti().or(() -> guti);
        byte[] accept = nas.encode(new ActivateDefaultBearerAccept(bearer.ebi(), bearer.pti(), Optional.empty()));
        byte[] complete = nas.encode(new AttachComplete(Octets.of(accept)));
        state = EmmState.EMM_REGISTERED;
        return List.of(send(complete),
                new UeAction.Registered(guti, bearer.pdnAddress(), bearer.apn().name(), bearer.ebi()));
    }

    /** Plain before the security context exists, integrity protected and ciphered after (§4.4.5). */
    private UeAction send(byte[] plain) {
        if (security == null) {
            return new UeAction.SendNas(Octets.of(plain));
        }
        return new UeAction.SendNas(Octets.of(security.protect(plain, SecurityHeaderType.INTEGRITY_PROTECTED_CIPHERED)));
    }

    @Override
    public String toString() {
        return "UE[" + state + ", " + security + "]";
    }
}
