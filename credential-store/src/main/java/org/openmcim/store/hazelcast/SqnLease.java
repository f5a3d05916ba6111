package org.openmcim.store.hazelcast;

import org.openmcim.aka.sqn.SqnPolicy;

/**
 * Persisted SQN leases: the arithmetic behind {@link Processors.Grant} and {@link Processors.Resync}.
 *
 * <p>Writing SQN_HE through to the database on every grant bounded the ICF at the database's commit
 * rate (docs/benchmarks.md, issue #3). Instead the database holds, per subscriber, a <i>ceiling</i>:
 * an SQN at or above every SQN handed out. Grants at or below the ceiling are served from the
 * cluster's memory (the partition owner and its synchronous backups, so one member's crash loses
 * nothing); a grant that would go above it first commits a new ceiling L SEQ values above its own
 * last SQN, and hands nothing out if that commit fails. A restart of the whole cluster loads each
 * ceiling as SQN_HE and so resumes above every SQN handed out before: no SQN twice, at the cost of
 * skipping at most L SEQ values. The USIM accepts that skip: TS 33.102 C.2.2 refuses a SEQ only
 * when it is more than Δ (2^28 by default) above the highest accepted one, and the age limit of
 * C.2.2 only looks backwards. L is therefore bounded far below Δ.
 *
 * <p>Ceilings are compared with SQNs as numbers: SQN = SEQ ‖ IND (C.1.1) puts SEQ in the high
 * bits, so this orders by SEQ first. A new ceiling carries the largest IND, so it covers every IND
 * of its SEQ whatever serving node asks.
 */
public final class SqnLease {
    /** Default lease length L, in SEQ values (config/store.yaml {@code sqn.lease}). */
    public static final int DEFAULT = 1000;
    /**
     * Largest L accepted: a full restart skips up to L SEQ values, which must stay far below the
     * USIM's Δ (C.2.2); the ICF also checks L against its own configured Δ.
     */
    public static final int MAX = 1_000_000;

    private SqnLease() {
    }

    /** @throws IllegalArgumentException unless {@code 0 ≤ lease ≤ MAX} (0: every grant is written through) */
    public static int check(int lease) {
        if (lease < 0 || lease > MAX) {
            throw new IllegalArgumentException("SQN lease must be 0.." + MAX + " SEQ values, got " + lease);
        }
        return lease;
    }

    /** Whether {@code sqn} may be handed out without a new ceiling. */
    static boolean covers(long ceiling, long sqn) {
        return sqn <= ceiling;
    }

    /**
     * The ceiling to commit for a grant whose last SQN is {@code sqn}: the largest SQN with SEQ
     * SEQ(sqn) + L (at most the largest SEQ), so L more SEQ values follow from memory.
     */
    static long ceilingAbove(SqnPolicy policy, long sqn, int lease) {
        long seq = Math.min(policy.maxSeq(), policy.seq(sqn) + lease);
        return policy.sqn(seq, policy.indCount() - 1);
    }
}
