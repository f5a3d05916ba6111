package org.openmcim.uesim.nas;

/** Malformed NAS input; stays inside the codec, which returns a {@link NasDecodeError}. */
final class NasFormatException extends RuntimeException {
    NasFormatException(String message) {
        super(message, null, false, false);
    }
}
