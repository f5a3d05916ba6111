package org.openmcim.uesim;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

import org.openmcim.uesim.s1ap.S1apIes;
import org.openmcim.uesim.s1ap.S1apMessage;
import org.openmcim.uesim.ue.UeAction;
import org.openmcim.uesim.ue.UeStateMachine;

/**
 * The eNB's half of one UE: wraps the UE's NAS in S1AP (INITIAL UE MESSAGE, UPLINK NAS
 * TRANSPORT), unwraps what the MME sends (DOWNLINK NAS TRANSPORT, the NAS-PDU of the E-RAB in
 * INITIAL CONTEXT SETUP REQUEST, TS 36.413 §8.3.1), answers the context procedures, and reports
 * the UE's events. Like the UE logic it returns decisions and does no I/O.
 */
public final class EnbUeSession {

    /** The cell this eNB serves the UE in, and its user-plane end point for E-RABs. */
    public record Cell(S1apIes.Tai tai, S1apIes.EutranCgi cgi, S1apIes.TransportLayerAddress gtpAddress) {
        public Cell {
            Objects.requireNonNull(tai);
            Objects.requireNonNull(cgi);
            Objects.requireNonNull(gtpAddress);
        }
    }

    /** What to send to the MME, and what happened to the UE. */
    public record Step(List<S1apMessage> send, List<UeAction> events) {
        public Step {
            send = List.copyOf(send);
            events = List.copyOf(events);
        }
    }

    private final Cell cell;
    private final UeStateMachine ue;
    private final long enbUeS1apId;
    private OptionalLong mmeUeS1apId = OptionalLong.empty();
    private boolean released;

    public EnbUeSession(Cell cell, UeStateMachine ue, long enbUeS1apId) {
        this.cell = Objects.requireNonNull(cell);
        this.ue = Objects.requireNonNull(ue);
        this.enbUeS1apId = enbUeS1apId;
    }

    public UeStateMachine ue() {
        return ue;
    }

    public long enbUeS1apId() {
        return enbUeS1apId;
    }

    public OptionalLong mmeUeS1apId() {
        return mmeUeS1apId;
    }

    /** True once the MME released the UE's S1 context. */
    public boolean released() {
        return released;
    }

    /** RRC connection + INITIAL UE MESSAGE with the ATTACH REQUEST (cause mo-Signalling). */
    public Step attach() {
        released = false;
        mmeUeS1apId = OptionalLong.empty();
        return wrap(ue.attach(), List.of());
    }

    public Step detach(boolean switchOff) {
        return wrap(ue.detach(switchOff), List.of());
    }

    /** Handles one S1AP message from the MME addressed to this UE. */
    public Step onS1ap(S1apMessage m) {
        if (m instanceof S1apMessage.DownlinkNasTransport dl) {
            mmeUeS1apId = OptionalLong.of(dl.mmeUeS1apId());
            return wrap(ue.onDownlink(dl.nasPdu().toByteArray()), List.of());
        }
        if (m instanceof S1apMessage.InitialContextSetupRequest ics) {
            mmeUeS1apId = OptionalLong.of(ics.mmeUeS1apId());
            // §8.3.1.2: the eNB sets up the E-RABs and answers with its own GTP-U end points; the
            // NAS-PDU (ATTACH ACCEPT) goes to the UE, whose ATTACH COMPLETE follows uplink.
            List<S1apIes.ErabSetup> setup = new ArrayList<>();
            List<UeAction> actions = new ArrayList<>();
            for (S1apIes.ErabToBeSetup e : ics.erabs()) {
                setup.add(new S1apIes.ErabSetup(e.erabId(), cell.gtpAddress(), Octets.of(new byte[] {0, 0, 0, (byte) (0x10 + e.erabId())})));
                e.nasPdu().ifPresent(nas -> actions.addAll(ue.onDownlink(nas.toByteArray())));
            }
            List<S1apMessage> first = List.of(new S1apMessage.InitialContextSetupResponse(ics.mmeUeS1apId(), enbUeS1apId, setup));
            return wrap(actions, first);
        }
        if (m instanceof S1apMessage.UeContextReleaseCommand rel) {
            released = true;
            return new Step(List.of(new S1apMessage.UeContextReleaseComplete(rel.mmeUeS1apId(), enbUeS1apId)), List.of());
        }
        return new Step(List.of(), List.of(new UeAction.Discarded("S1AP " + m.getClass().getSimpleName() + " not handled")));
    }

    private Step wrap(List<UeAction> actions, List<S1apMessage> before) {
        List<S1apMessage> send = new ArrayList<>(before);
        List<UeAction> events = new ArrayList<>();
        for (UeAction a : actions) {
            if (a instanceof UeAction.SendNas s) {
                if (mmeUeS1apId.isEmpty()) {
                    send.add(new S1apMessage.InitialUeMessage(enbUeS1apId, s.pdu(), cell.tai(), cell.cgi(),
                            S1apIes.RrcEstablishmentCause.MO_SIGNALLING, Optional.empty()));
                } else {
                    send.add(new S1apMessage.UplinkNasTransport(mmeUeS1apId.getAsLong(), enbUeS1apId, s.pdu(),
                            cell.cgi(), cell.tai()));
                }
            } else {
                events.add(a);
            }
        }
        return new Step(send, events);
    }
}
