package org.openmcim.diameter;

/**
 * What the decoder makes of one frame: a {@link DiameterMessage}, or an {@link InvalidMessage}
 * carrying the error to answer with. The decoder never throws on bad input.
 */
public sealed interface DecodeResult permits DiameterMessage, InvalidMessage {
}
