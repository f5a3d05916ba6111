package org.openmcim.store.batch;

/**
 * One problem in a batch file, by 1-based line number (the header is line 1; 0 when no line can be
 * named). {@code kind} tells a line that is wrong apart from one that is fine but names an IMSI the
 * store already holds: an API answers the first 400 and the second 409.
 */
public record LineError(int line, String problem, Kind kind) {
    public enum Kind {
        /** The line (or the header) is malformed or breaks a rule: fix the file. */
        INVALID,
        /** The IMSI exists in the store already (or was stored meanwhile): nothing is wrong with the line itself. */
        EXISTS
    }

    public LineError(int line, String problem) {
        this(line, problem, Kind.INVALID);
    }

    @Override
    public String toString() {
        return "line " + line + ": " + problem;
    }
}
