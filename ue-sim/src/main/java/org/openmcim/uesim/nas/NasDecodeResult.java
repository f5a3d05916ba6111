package org.openmcim.uesim.nas;

/** A decoded plain NAS message, or an error value; the NAS codec never throws on input. */
public sealed interface NasDecodeResult permits NasMessage, NasDecodeError {
}
