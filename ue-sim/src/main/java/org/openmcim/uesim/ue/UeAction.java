package org.openmcim.uesim.ue;

import java.util.Optional;

import org.openmcim.uesim.Octets;
import org.openmcim.uesim.nas.NasIes;

/** What the UE logic decides; the eNB/transport layer carries it out. No I/O happens in the UE. */
public sealed interface UeAction {

    /** Send this NAS PDU uplink (in INITIAL UE MESSAGE first, UPLINK NAS TRANSPORT after). */
    record SendNas(Octets pdu) implements UeAction {
    }

    /** Attach complete: the GUTI and PDN address the network assigned, and the default bearer. */
    record Registered(Optional<NasIes.Guti> guti, NasIes.PdnAddress pdnAddress, String apn, int bearerId)
            implements UeAction {
    }

    /** The attach failed with this EMM cause (Attach Reject, Authentication Reject = -1). */
    record AttachFailed(int emmCause) implements UeAction {
    }

    /** The UE is EMM-DEREGISTERED again (detach accepted, switched off, or network detach). */
    record Deregistered(String why) implements UeAction {
    }

    /** A downlink NAS message was dropped (§4.4.4.2: failed integrity, not allowed unprotected, undecodable). */
    record Discarded(String why) implements UeAction {
    }
}
