package org.openmcim.aka;

/**
 * Outputs of f2..f5 for one RAND (TS 33.102 §6.3.2): RES (XRES on the network side), the cipher
 * key CK, the integrity key IK and the anonymity key AK. Arrays are owned by the record; callers
 * must not mutate them.
 */
public record AkaOutputs(byte[] res, byte[] ck, byte[] ik, byte[] ak) {
    @Override
    public String toString() {
        // Key material never goes into logs.
        return "AkaOutputs[res=" + res.length + "B, ck=" + ck.length + "B, ik=" + ik.length + "B, ak=" + ak.length + "B]";
    }
}
