package org.openmcim.store.batch;

/** One problem in a batch file, by 1-based line number (the header is line 1). */
public record LineError(int line, String problem) {
    @Override
    public String toString() {
        return "line " + line + ": " + problem;
    }
}
