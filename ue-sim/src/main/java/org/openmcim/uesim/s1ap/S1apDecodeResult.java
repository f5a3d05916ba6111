package org.openmcim.uesim.s1ap;

/** What {@link S1apCodec#decode} makes of one PDU: a message, or an error value. Never an exception. */
public sealed interface S1apDecodeResult permits S1apMessage, S1apDecodeError {
}
