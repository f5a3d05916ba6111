package org.openmcim.uesim.nas;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.openmcim.uesim.Octets;
import org.openmcim.uesim.nas.NasIes.Apn;
import org.openmcim.uesim.nas.NasIes.Guti;
import org.openmcim.uesim.nas.NasIes.MobileIdentity;
import org.openmcim.uesim.nas.NasIes.NasKsi;
import org.openmcim.uesim.nas.NasIes.PdnAddress;
import org.openmcim.uesim.nas.NasIes.Tai;
import org.openmcim.uesim.nas.NasIes.UeNetworkCapability;

/**
 * Plain EPS NAS messages (TS 24.301 §8.2 EMM, §8.3 ESM) as immutable records. ESM messages
 * travel inside EMM ones as ESM message containers (octets), encoded with the same codec.
 */
public sealed interface NasMessage extends NasDecodeResult {

    // ------------------------------------------------------------------------------- EMM

    /** §8.2.4 ATTACH REQUEST. attachType 1 = EPS attach, 2 = combined, 6 = emergency. */
    record AttachRequest(int attachType, NasKsi ksi, MobileIdentity identity, UeNetworkCapability capability,
            Octets esmContainer) implements NasMessage {
        public AttachRequest {
            NasIes.check("EPS attach type", attachType, 0, 7);
            Objects.requireNonNull(ksi);
            if (identity instanceof NasIes.Imeisv) {
                throw new IllegalArgumentException("EPS mobile identity is IMSI, GUTI or IMEI");
            }
            Objects.requireNonNull(capability);
            Objects.requireNonNull(esmContainer);
        }
    }

    /** §8.2.1 ATTACH ACCEPT. t3412: the GPRS timer octet (§9.9.3.16). */
    record AttachAccept(int attachResult, int t3412, List<Tai> taiList, Octets esmContainer, Optional<Guti> guti,
            Optional<Integer> emmCause) implements NasMessage {
        public AttachAccept {
            NasIes.check("EPS attach result", attachResult, 0, 7);
            NasIes.check("T3412", t3412, 0, 255);
            taiList = List.copyOf(taiList);
            NasIes.check("TAIs", taiList.size(), 1, 16);
            Objects.requireNonNull(esmContainer);
            Objects.requireNonNull(guti);
            Objects.requireNonNull(emmCause);
        }
    }

    /** §8.2.2 ATTACH COMPLETE. */
    record AttachComplete(Octets esmContainer) implements NasMessage {
        public AttachComplete {
            Objects.requireNonNull(esmContainer);
        }
    }

    /** §8.2.3 ATTACH REJECT. */
    record AttachReject(int emmCause, Optional<Octets> esmContainer) implements NasMessage {
        public AttachReject {
            NasIes.check("EMM cause", emmCause, 0, 255);
            Objects.requireNonNull(esmContainer);
        }
    }

    /** §8.2.11.1 DETACH REQUEST, UE originating. detachType 1 EPS, 2 IMSI, 3 combined. */
    record UeDetachRequest(boolean switchOff, int detachType, NasKsi ksi, MobileIdentity identity)
            implements NasMessage {
        public UeDetachRequest {
            NasIes.check("detach type", detachType, 0, 7);
            Objects.requireNonNull(ksi);
            Objects.requireNonNull(identity);
        }
    }

    /** §8.2.11.2 DETACH REQUEST, UE terminated. detachType 1 re-attach required, 2 not required, 3 IMSI. */
    record NetworkDetachRequest(int detachType, Optional<Integer> emmCause) implements NasMessage {
        public NetworkDetachRequest {
            NasIes.check("detach type", detachType, 0, 7);
            Objects.requireNonNull(emmCause);
        }
    }

    /** §8.2.10 DETACH ACCEPT (both directions; no IEs). */
    record DetachAccept() implements NasMessage {
    }

    /** §8.2.18 IDENTITY REQUEST. identityType 1 IMSI, 2 IMEI, 3 IMEISV, 4 TMSI. */
    record IdentityRequest(int identityType) implements NasMessage {
        public IdentityRequest {
            NasIes.check("identity type", identityType, 0, 7);
        }
    }

    /** §8.2.19 IDENTITY RESPONSE. */
    record IdentityResponse(MobileIdentity identity) implements NasMessage {
        public IdentityResponse {
            Objects.requireNonNull(identity);
        }
    }

    /** §8.2.7 AUTHENTICATION REQUEST: KSI_ASME, RAND (16 octets), AUTN (16 octets). */
    record AuthenticationRequest(NasKsi ksi, Octets rand, Octets autn) implements NasMessage {
        public AuthenticationRequest {
            Objects.requireNonNull(ksi);
            if (rand.length() != 16 || autn.length() != 16) {
                throw new IllegalArgumentException("RAND and AUTN are 16 octets");
            }
        }
    }

    /** §8.2.8 AUTHENTICATION RESPONSE: RES (4..16 octets). */
    record AuthenticationResponse(Octets res) implements NasMessage {
        public AuthenticationResponse {
            NasIes.check("RES length", res.length(), 4, 16);
        }
    }

    /** §8.2.5 AUTHENTICATION FAILURE: EMM cause (#20 MAC failure, #21 synch failure, #26 non-EPS), AUTS with #21. */
    record AuthenticationFailure(int emmCause, Optional<Octets> auts) implements NasMessage {
        public static final int MAC_FAILURE = 20;
        public static final int SYNCH_FAILURE = 21;

        public AuthenticationFailure {
            NasIes.check("EMM cause", emmCause, 0, 255);
            if (auts.isPresent() && auts.get().length() != 14) {
                throw new IllegalArgumentException("AUTS is 14 octets (§9.9.3.1)");
            }
        }
    }

    /** §8.2.6 AUTHENTICATION REJECT. */
    record AuthenticationReject() implements NasMessage {
    }

    /**
     * §8.2.20 SECURITY MODE COMMAND: selected EEA/EIA (0..7), KSI, the replayed UE security
     * capabilities (as received, 2..5 octets), IMEISV request.
     */
    record SecurityModeCommand(int eea, int eia, NasKsi ksi, Octets replayedCapabilities, boolean imeisvRequest)
            implements NasMessage {
        public SecurityModeCommand {
            NasIes.check("EEA", eea, 0, 7);
            NasIes.check("EIA", eia, 0, 7);
            Objects.requireNonNull(ksi);
            NasIes.check("replayed UE security capabilities length", replayedCapabilities.length(), 2, 5);
        }
    }

    /** §8.2.21 SECURITY MODE COMPLETE, with the IMEISV if it was requested. */
    record SecurityModeComplete(Optional<MobileIdentity> imeisv) implements NasMessage {
        public SecurityModeComplete {
            Objects.requireNonNull(imeisv);
        }
    }

    /** §8.2.22 SECURITY MODE REJECT: EMM cause (#23 UE security capabilities mismatch, #24 unspecified). */
    record SecurityModeReject(int emmCause) implements NasMessage {
        public SecurityModeReject {
            NasIes.check("EMM cause", emmCause, 0, 255);
        }
    }

    /** §8.2.13 EMM INFORMATION: network names and time zone, kept as their IE value octets. */
    record EmmInformation(Optional<Octets> fullName, Optional<Octets> shortName, Optional<Octets> universalTime)
            implements NasMessage {
        public EmmInformation {
            Objects.requireNonNull(fullName);
            Objects.requireNonNull(shortName);
            Objects.requireNonNull(universalTime);
        }
    }

    /** §8.2.14 EMM STATUS. */
    record EmmStatus(int emmCause) implements NasMessage {
        public EmmStatus {
            NasIes.check("EMM cause", emmCause, 0, 255);
        }
    }

    // ------------------------------------------------------------------------------- ESM

    /**
     * §8.3.20 PDN CONNECTIVITY REQUEST. requestType 1 initial, pdnType 1 IPv4 / 2 IPv6 / 3 IPv4v6;
     * esmInformationTransfer asks the network for ESM INFORMATION REQUEST (APN sent after security).
     */
    record PdnConnectivityRequest(int pti, int requestType, int pdnType, boolean esmInformationTransfer,
            Optional<Apn> apn, Optional<Octets> pco) implements NasMessage {
        public PdnConnectivityRequest {
            NasIes.check("PTI", pti, 0, 255);
            NasIes.check("request type", requestType, 0, 7);
            NasIes.check("PDN type", pdnType, 0, 7);
            Objects.requireNonNull(apn);
            Objects.requireNonNull(pco);
        }
    }

    /** §8.3.13 ESM INFORMATION REQUEST. */
    record EsmInformationRequest(int pti) implements NasMessage {
        public EsmInformationRequest {
            NasIes.check("PTI", pti, 0, 255);
        }
    }

    /** §8.3.14 ESM INFORMATION RESPONSE. */
    record EsmInformationResponse(int pti, Optional<Apn> apn, Optional<Octets> pco) implements NasMessage {
        public EsmInformationResponse {
            NasIes.check("PTI", pti, 0, 255);
            Objects.requireNonNull(apn);
            Objects.requireNonNull(pco);
        }
    }

    /**
     * §8.3.6 ACTIVATE DEFAULT EPS BEARER CONTEXT REQUEST: EPS QoS (§9.9.4.3, octets from QCI on),
     * APN, PDN address, APN-AMBR (§9.9.4.2, value octets), PCO.
     */
    record ActivateDefaultBearerRequest(int ebi, int pti, Octets epsQos, Apn apn, PdnAddress pdnAddress,
            Optional<Octets> apnAmbr, Optional<Integer> esmCause, Optional<Octets> pco) implements NasMessage {
        public ActivateDefaultBearerRequest {
            NasIes.check("EBI", ebi, 0, 15);
            NasIes.check("PTI", pti, 0, 255);
            NasIes.check("EPS QoS length", epsQos.length(), 1, 13);
            Objects.requireNonNull(apn);
            Objects.requireNonNull(pdnAddress);
            Objects.requireNonNull(apnAmbr);
            Objects.requireNonNull(esmCause);
            Objects.requireNonNull(pco);
        }

        /** QCI, octet 3 of the EPS QoS IE. */
        public int qci() {
            return epsQos.get(0);
        }
    }

    /** §8.3.4 ACTIVATE DEFAULT EPS BEARER CONTEXT ACCEPT. */
    record ActivateDefaultBearerAccept(int ebi, int pti, Optional<Octets> pco) implements NasMessage {
        public ActivateDefaultBearerAccept {
            NasIes.check("EBI", ebi, 0, 15);
            NasIes.check("PTI", pti, 0, 255);
            Objects.requireNonNull(pco);
        }
    }

    /** A well-formed plain message of a type the simulator does not model, kept whole. */
    record Unmodelled(int protocolDiscriminator, int messageType, Octets encoding) implements NasMessage {
    }
}
