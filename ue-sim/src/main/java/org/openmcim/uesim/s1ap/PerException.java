package org.openmcim.uesim.s1ap;

/** Malformed PER input; never leaves the codec (it becomes an {@link S1apDecodeError}). */
final class PerException extends RuntimeException {
    PerException(String message) {
        super(message, null, false, false);
    }
}
