package org.openmcim.uesim.s1ap;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

import org.openmcim.uesim.Octets;
import org.openmcim.uesim.s1ap.S1apIes.Cause;
import org.openmcim.uesim.s1ap.S1apIes.ErabSetup;
import org.openmcim.uesim.s1ap.S1apIes.ErabToBeSetup;
import org.openmcim.uesim.s1ap.S1apIes.EutranCgi;
import org.openmcim.uesim.s1ap.S1apIes.GlobalEnbId;
import org.openmcim.uesim.s1ap.S1apIes.RrcEstablishmentCause;
import org.openmcim.uesim.s1ap.S1apIes.STmsi;
import org.openmcim.uesim.s1ap.S1apIes.ServedGummei;
import org.openmcim.uesim.s1ap.S1apIes.SupportedTa;
import org.openmcim.uesim.s1ap.S1apIes.Tai;
import org.openmcim.uesim.s1ap.S1apIes.UeAssociatedConnection;
import org.openmcim.uesim.s1ap.S1apIes.UeSecurityCapabilities;

/**
 * The S1AP messages of the simulator (TS 36.413 §9.1), as immutable records. The codec encodes
 * and decodes every one of them; an eNB sends the first group and receives the second.
 */
public sealed interface S1apMessage extends S1apDecodeResult {

    /** §9.1.8.4 S1 SETUP REQUEST (eNB → MME). DRX: PagingDRX index (0 v32 .. 3 v256). */
    record S1SetupRequest(GlobalEnbId globalEnbId, Optional<String> enbName, List<SupportedTa> supportedTas,
            int defaultPagingDrx) implements S1apMessage {
        public S1SetupRequest {
            Objects.requireNonNull(globalEnbId);
            Objects.requireNonNull(enbName);
            supportedTas = List.copyOf(supportedTas);
            S1apIes.checkRange("supported TAs", supportedTas.size(), 1, 256);
            S1apIes.checkRange("paging DRX", defaultPagingDrx, 0, 3);
        }
    }

    /** §9.1.8.5 S1 SETUP RESPONSE (MME → eNB). */
    record S1SetupResponse(Optional<String> mmeName, List<ServedGummei> servedGummeis, int relativeMmeCapacity)
            implements S1apMessage {
        public S1SetupResponse {
            Objects.requireNonNull(mmeName);
            servedGummeis = List.copyOf(servedGummeis);
            S1apIes.checkRange("served GUMMEIs", servedGummeis.size(), 1, 8);
            S1apIes.checkRange("relative MME capacity", relativeMmeCapacity, 0, 255);
        }
    }

    /** §9.1.8.6 S1 SETUP FAILURE (MME → eNB). timeToWait: index of v1s, v2s, v5s, v10s, v20s, v60s. */
    record S1SetupFailure(Cause cause, OptionalInt timeToWait) implements S1apMessage {
        public S1SetupFailure {
            Objects.requireNonNull(cause);
            Objects.requireNonNull(timeToWait);
        }
    }

    /** §9.1.7.1 INITIAL UE MESSAGE (eNB → MME). */
    record InitialUeMessage(long enbUeS1apId, Octets nasPdu, Tai tai, EutranCgi eutranCgi,
            RrcEstablishmentCause rrcEstablishmentCause, Optional<STmsi> sTmsi) implements S1apMessage {
        public InitialUeMessage {
            S1apIes.checkRange("eNB UE S1AP ID", enbUeS1apId, 0, S1apIes.MAX_ENB_UE_S1AP_ID);
            Objects.requireNonNull(nasPdu);
            Objects.requireNonNull(tai);
            Objects.requireNonNull(eutranCgi);
            Objects.requireNonNull(rrcEstablishmentCause);
            Objects.requireNonNull(sTmsi);
        }
    }

    /** §9.1.7.2 DOWNLINK NAS TRANSPORT (MME → eNB). */
    record DownlinkNasTransport(long mmeUeS1apId, long enbUeS1apId, Octets nasPdu) implements S1apMessage {
        public DownlinkNasTransport {
            S1apIes.checkRange("MME UE S1AP ID", mmeUeS1apId, 0, S1apIes.MAX_MME_UE_S1AP_ID);
            S1apIes.checkRange("eNB UE S1AP ID", enbUeS1apId, 0, S1apIes.MAX_ENB_UE_S1AP_ID);
            Objects.requireNonNull(nasPdu);
        }
    }

    /** §9.1.7.3 UPLINK NAS TRANSPORT (eNB → MME). */
    record UplinkNasTransport(long mmeUeS1apId, long enbUeS1apId, Octets nasPdu, EutranCgi eutranCgi, Tai tai)
            implements S1apMessage {
        public UplinkNasTransport {
            S1apIes.checkRange("MME UE S1AP ID", mmeUeS1apId, 0, S1apIes.MAX_MME_UE_S1AP_ID);
            S1apIes.checkRange("eNB UE S1AP ID", enbUeS1apId, 0, S1apIes.MAX_ENB_UE_S1AP_ID);
            Objects.requireNonNull(nasPdu);
            Objects.requireNonNull(eutranCgi);
            Objects.requireNonNull(tai);
        }
    }

    /** §9.1.4.1 INITIAL CONTEXT SETUP REQUEST (MME → eNB); AMBR in bit/s; security key 32 octets (KeNB). */
    record InitialContextSetupRequest(long mmeUeS1apId, long enbUeS1apId, long ueAmbrDownlink, long ueAmbrUplink,
            List<ErabToBeSetup> erabs, UeSecurityCapabilities ueSecurityCapabilities, Octets securityKey)
            implements S1apMessage {
        public InitialContextSetupRequest {
            S1apIes.checkRange("MME UE S1AP ID", mmeUeS1apId, 0, S1apIes.MAX_MME_UE_S1AP_ID);
            S1apIes.checkRange("eNB UE S1AP ID", enbUeS1apId, 0, S1apIes.MAX_ENB_UE_S1AP_ID);
            S1apIes.checkRange("UE-AMBR DL", ueAmbrDownlink, 0, S1apIes.MAX_BIT_RATE);
            S1apIes.checkRange("UE-AMBR UL", ueAmbrUplink, 0, S1apIes.MAX_BIT_RATE);
            erabs = List.copyOf(erabs);
            S1apIes.checkRange("E-RABs", erabs.size(), 1, 256);
            Objects.requireNonNull(ueSecurityCapabilities);
            if (securityKey.length() != 32) {
                throw new IllegalArgumentException("Security Key is 256 bits (§9.2.1.41)");
            }
        }
    }

    /** §9.1.4.2 INITIAL CONTEXT SETUP RESPONSE (eNB → MME). */
    record InitialContextSetupResponse(long mmeUeS1apId, long enbUeS1apId, List<ErabSetup> erabs)
            implements S1apMessage {
        public InitialContextSetupResponse {
            S1apIes.checkRange("MME UE S1AP ID", mmeUeS1apId, 0, S1apIes.MAX_MME_UE_S1AP_ID);
            S1apIes.checkRange("eNB UE S1AP ID", enbUeS1apId, 0, S1apIes.MAX_ENB_UE_S1AP_ID);
            erabs = List.copyOf(erabs);
            S1apIes.checkRange("E-RABs", erabs.size(), 1, 256);
        }
    }

    /** §9.1.4.3 INITIAL CONTEXT SETUP FAILURE (eNB → MME). */
    record InitialContextSetupFailure(long mmeUeS1apId, long enbUeS1apId, Cause cause) implements S1apMessage {
        public InitialContextSetupFailure {
            S1apIes.checkRange("MME UE S1AP ID", mmeUeS1apId, 0, S1apIes.MAX_MME_UE_S1AP_ID);
            S1apIes.checkRange("eNB UE S1AP ID", enbUeS1apId, 0, S1apIes.MAX_ENB_UE_S1AP_ID);
            Objects.requireNonNull(cause);
        }
    }

    /** §9.1.4.5 UE CONTEXT RELEASE REQUEST (eNB → MME). */
    record UeContextReleaseRequest(long mmeUeS1apId, long enbUeS1apId, Cause cause) implements S1apMessage {
        public UeContextReleaseRequest {
            S1apIes.checkRange("MME UE S1AP ID", mmeUeS1apId, 0, S1apIes.MAX_MME_UE_S1AP_ID);
            S1apIes.checkRange("eNB UE S1AP ID", enbUeS1apId, 0, S1apIes.MAX_ENB_UE_S1AP_ID);
            Objects.requireNonNull(cause);
        }
    }

    /**
     * §9.1.4.6 UE CONTEXT RELEASE COMMAND (MME → eNB). UE S1AP IDs: the pair, or the MME's ID
     * alone (then {@code enbUeS1apId} is empty).
     */
    record UeContextReleaseCommand(long mmeUeS1apId, OptionalLong enbUeS1apId, Cause cause) implements S1apMessage {
        public UeContextReleaseCommand {
            S1apIes.checkRange("MME UE S1AP ID", mmeUeS1apId, 0, S1apIes.MAX_MME_UE_S1AP_ID);
            Objects.requireNonNull(enbUeS1apId);
            Objects.requireNonNull(cause);
        }
    }

    /** §9.1.4.7 UE CONTEXT RELEASE COMPLETE (eNB → MME). */
    record UeContextReleaseComplete(long mmeUeS1apId, long enbUeS1apId) implements S1apMessage {
        public UeContextReleaseComplete {
            S1apIes.checkRange("MME UE S1AP ID", mmeUeS1apId, 0, S1apIes.MAX_MME_UE_S1AP_ID);
            S1apIes.checkRange("eNB UE S1AP ID", enbUeS1apId, 0, S1apIes.MAX_ENB_UE_S1AP_ID);
        }
    }

    /** §9.1.8.3 ERROR INDICATION (both directions); every IE optional. */
    record ErrorIndication(OptionalLong mmeUeS1apId, OptionalLong enbUeS1apId, Optional<Cause> cause)
            implements S1apMessage {
        public ErrorIndication {
            Objects.requireNonNull(mmeUeS1apId);
            Objects.requireNonNull(enbUeS1apId);
            Objects.requireNonNull(cause);
        }
    }

    /** §9.1.8.1 RESET (both directions): the whole interface ({@code connections} empty) or a part. */
    record Reset(Cause cause, List<UeAssociatedConnection> connections) implements S1apMessage {
        public Reset {
            Objects.requireNonNull(cause);
            connections = List.copyOf(connections);
            S1apIes.checkRange("connections", connections.size(), 0, 256);
        }

        public boolean resetAll() {
            return connections.isEmpty();
        }
    }

    /** §9.1.8.2 RESET ACKNOWLEDGE: the acknowledged connections (empty after a full reset). */
    record ResetAcknowledge(List<UeAssociatedConnection> connections) implements S1apMessage {
        public ResetAcknowledge {
            connections = List.copyOf(connections);
            S1apIes.checkRange("connections", connections.size(), 0, 256);
        }
    }

    /** A well-formed PDU of a procedure this simulator does not model; kept whole. */
    record Unmodelled(S1apPdu pdu) implements S1apMessage {
    }
}
