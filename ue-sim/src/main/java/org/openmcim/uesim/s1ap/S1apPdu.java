package org.openmcim.uesim.s1ap;

import java.util.List;
import java.util.Optional;

/**
 * The generic shape every S1AP message has (TS 36.413 §9.3.2-9.3.4): PDU type, procedure code,
 * criticality, and a ProtocolIE-Container. {@link S1apCodec} maps it to and from the typed
 * {@link S1apMessage} records.
 */
public record S1apPdu(PduType type, int procedureCode, Criticality criticality, List<ProtocolIe> ies) {
    public S1apPdu {
        if (procedureCode < 0 || procedureCode > 255) {
            throw new IllegalArgumentException("ProcedureCode is 0..255, got " + procedureCode);
        }
        ies = List.copyOf(ies);
    }

    /** The first IE with this id. */
    public Optional<ProtocolIe> ie(int id) {
        return ies.stream().filter(ie -> ie.id() == id).findFirst();
    }
}
