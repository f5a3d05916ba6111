package org.openmcim.aka.sqn;

import java.util.Arrays;

/**
 * The USIM half of TS 33.102 Annex C: the array SEQ_MS(0..a-1) of previously accepted SEQ values,
 * one per IND (C.2.1, all zero initially), and the freshness checks of C.2.2.
 *
 * <p>Mutable: it is the USIM's own state. Not thread-safe; a USIM runs one AKA at a time.
 */
public final class SqnArray {
    private final SqnPolicy policy;
    private final long[] seqMs;

    /** A fresh USIM: every SEQ_MS(i) = 0. */
    public SqnArray(SqnPolicy policy) {
        this.policy = policy;
        this.seqMs = new long[policy.indCount()];
    }

    /** Restores a persisted array (the TRE seals it between runs). */
    public SqnArray(SqnPolicy policy, long[] seqMs) {
        this(policy);
        if (seqMs.length != policy.indCount()) {
            throw new IllegalArgumentException("SEQ_MS array must have " + policy.indCount() + " entries, got " + seqMs.length);
        }
        System.arraycopy(seqMs, 0, this.seqMs, 0, seqMs.length);
    }

    /** What the USIM concluded about a received SQN. */
    public enum Verdict {
        ACCEPTED,
        /** C.2.2: SEQ ≤ SEQ_MS(IND), a replayed or out-of-order-stale vector. */
        NOT_FRESH,
        /** C.2.2: SEQ - SEQ_MS > Δ, the network jumped too far ahead (wrap-around protection). */
        DELTA_EXCEEDED,
        /** C.2.2 optional age limit: SEQ_MS - SEQ > L. */
        TOO_OLD
    }

    /** Checks {@code sqn} without changing state. */
    public Verdict check(long sqn) {
        long seq = policy.seq(sqn);
        int ind = policy.ind(sqn);
        long highest = highestSeq();
        if (seq <= seqMs[ind]) {
            return Verdict.NOT_FRESH;
        }
        if (seq > highest && seq - highest > policy.delta()) {
            return Verdict.DELTA_EXCEEDED;
        }
        if (seq < highest && highest - seq > policy.ageLimit()) {
            return Verdict.TOO_OLD;
        }
        return Verdict.ACCEPTED;
    }

    /** Checks {@code sqn} and, when accepted, records it: SEQ_MS(IND) = SEQ. */
    public Verdict accept(long sqn) {
        Verdict v = check(sqn);
        if (v == Verdict.ACCEPTED) {
            seqMs[policy.ind(sqn)] = policy.seq(sqn);
        }
        return v;
    }

    /**
     * SQN_MS for AUTS (TS 33.102 §6.3.3, C.2.2): the highest previously accepted SEQ with the IND it
     * was accepted under, so a resynchronised HE continues above every entry of the array.
     */
    public long sqnMs() {
        int best = 0;
        for (int i = 1; i < seqMs.length; i++) {
            if (seqMs[i] > seqMs[best]) {
                best = i;
            }
        }
        return policy.sqn(seqMs[best], best);
    }

    public long highestSeq() {
        long max = 0;
        for (long s : seqMs) {
            max = Math.max(max, s);
        }
        return max;
    }

    /** A copy of the array, for sealing it in the TRE. */
    public long[] snapshot() {
        return seqMs.clone();
    }

    public SqnPolicy policy() {
        return policy;
    }

    @Override
    public String toString() {
        return "SqnArray" + Arrays.toString(seqMs);
    }
}
