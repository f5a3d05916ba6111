package org.openmcim.diameter.dictionary;

import java.util.Objects;

/**
 * One command of the dictionary (RFC 6733 §3.1, §3.2).
 *
 * @param code            command code (24 bits)
 * @param applicationId   application the command belongs to (0 for the base protocol)
 * @param name            command name without -Request/-Answer
 * @param requestAbbrev   e.g. {@code AIR}
 * @param answerAbbrev    e.g. {@code AIA}
 * @param proxiable       whether the CCF header carries PXY, i.e. the 'P' bit is set
 * @param clause          the defining clause
 */
public record CommandDefinition(int code, int applicationId, String name, String requestAbbrev,
                                String answerAbbrev, boolean proxiable, String clause) {

    public CommandDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(requestAbbrev, "requestAbbrev");
        Objects.requireNonNull(answerAbbrev, "answerAbbrev");
        Objects.requireNonNull(clause, "clause");
    }

    /** Lookup key of a command code within an application. */
    public static long key(int code, int applicationId) {
        return ((long) applicationId << 32) | (code & 0xFF_FFFFL);
    }

    @Override
    public String toString() {
        return requestAbbrev + "/" + answerAbbrev + "(" + code + ", app " + Integer.toUnsignedString(applicationId) + ")";
    }
}
