package org.openmcim.aka.sqn;

/**
 * The HE/AuC half of TS 33.102 Annex C for the non-time-based profile (C.1.1/C.1.2): SQN_HE is the
 * last SQN handed out; each new vector takes SEQ_HE + 1 with the IND of the serving node that asked
 * (C.1.2: "IND ... allocated per serving node", so that vectors fetched by different MMEs or SGSNs
 * and used out of order are still accepted by the USIM's array).
 *
 * <p>Pure functions over the stored value: the credential store applies them atomically (an entry
 * processor), so two ICF members never hand out the same SQN.
 */
public final class HomeSqn {
    private HomeSqn() {
    }

    /**
     * The SQN for the next vector after {@code sqnHe}, carrying {@code ind}.
     *
     * @throws IllegalStateException when SEQ would overflow its bits (the subscriber needs new keys)
     */
    public static long next(SqnPolicy policy, long sqnHe, int ind) {
        long seq = policy.seq(sqnHe);
        if (seq >= policy.maxSeq()) {
            throw new IllegalStateException("SEQ exhausted for this subscriber");
        }
        return policy.sqn(seq + 1, ind);
    }

    /**
     * TS 33.102 §6.3.5 step 2 and C.2.2: would the next SQN the HE generates be accepted by a USIM
     * whose highest accepted SEQ is the one in {@code sqnMs}? Fresh means strictly greater and
     * no more than Δ ahead.
     */
    public static boolean inRange(SqnPolicy policy, long sqnHe, long sqnMs) {
        long nextSeq = policy.seq(sqnHe) + 1;
        long seqMs = policy.seq(sqnMs);
        return nextSeq > seqMs && nextSeq - seqMs <= policy.delta();
    }

    /**
     * The SQN_HE to keep after a verified resynchronisation (§6.3.5 steps 2-4): unchanged when the
     * next SQN would be accepted anyway, otherwise reset to SQN_MS so the next vector is SEQ_MS + 1.
     * Callers verify MAC-S first ({@link Auts#recover}); an unverified AUTS must change nothing.
     */
    public static long afterResync(SqnPolicy policy, long sqnHe, long sqnMs) {
        return inRange(policy, sqnHe, sqnMs) ? sqnHe : sqnMs;
    }
}
