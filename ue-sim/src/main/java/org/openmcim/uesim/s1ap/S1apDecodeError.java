package org.openmcim.uesim.s1ap;

import java.util.Optional;

/**
 * A PDU that could not be decoded: the reason, and the generic {@link S1apPdu} when the outer
 * layers were well formed (so the handler can answer with an Error Indication naming the
 * procedure, TS 36.413 §10.3).
 */
public record S1apDecodeError(String reason, Optional<S1apPdu> pdu) implements S1apDecodeResult {
}
