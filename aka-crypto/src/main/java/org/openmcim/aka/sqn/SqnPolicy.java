package org.openmcim.aka.sqn;

/**
 * The sequence-number parameters of TS 33.102 Annex C that the HSS and the USIM must agree on.
 *
 * @param indBits  length of IND in bits (C.1.1: SQN = SEQ ‖ IND); 5 by default, 0..10 allowed
 * @param delta    Δ, the largest forward jump of SEQ the USIM accepts (C.2.2, protection against
 *                 wrap-around of the counter); 2^28 by default
 * @param ageLimit L, the largest distance below the highest accepted SEQ a received SEQ may have
 *                 (C.2.2, optional age limit); {@link Long#MAX_VALUE} turns the check off, which is
 *                 the default since our HSS uses the non-time-based profile
 */
public record SqnPolicy(int indBits, long delta, long ageLimit) {

    /** SQN is 48 bits (TS 33.102 §6.3.2). */
    public static final int SQN_BITS = 48;
    public static final long SQN_MASK = (1L << SQN_BITS) - 1;

    /** IND 5 bits, Δ = 2^28, no age limit. */
    public static final SqnPolicy DEFAULT = new SqnPolicy(5, 1L << 28, Long.MAX_VALUE);

    public SqnPolicy {
        if (indBits < 0 || indBits > 10) {
            throw new IllegalArgumentException("IND length must be 0..10 bits, got " + indBits);
        }
        if (delta <= 0) {
            throw new IllegalArgumentException("delta must be positive, got " + delta);
        }
        if (ageLimit <= 0) {
            throw new IllegalArgumentException("age limit L must be positive, got " + ageLimit);
        }
    }

    /** Number of IND values, the size of the USIM's SEQ_MS array (a = 2^indBits). */
    public int indCount() {
        return 1 << indBits;
    }

    /** Largest SEQ value that fits beside IND in 48 bits. */
    public long maxSeq() {
        return SQN_MASK >>> indBits;
    }

    public long seq(long sqn) {
        return (sqn & SQN_MASK) >>> indBits;
    }

    public int ind(long sqn) {
        return (int) (sqn & (indCount() - 1));
    }

    public long sqn(long seq, int ind) {
        if (seq < 0 || seq > maxSeq()) {
            throw new IllegalArgumentException("SEQ out of range: " + seq);
        }
        if (ind < 0 || ind >= indCount()) {
            throw new IllegalArgumentException("IND must be 0.." + (indCount() - 1) + ", got " + ind);
        }
        return (seq << indBits) | ind;
    }

    /** SQN as the six octets carried in AUTN and AUTS, most significant first. */
    public static byte[] toBytes(long sqn) {
        if ((sqn & ~SQN_MASK) != 0) {
            throw new IllegalArgumentException("SQN must fit in 48 bits: " + Long.toHexString(sqn));
        }
        byte[] b = new byte[6];
        for (int i = 5; i >= 0; i--) {
            b[i] = (byte) sqn;
            sqn >>>= 8;
        }
        return b;
    }

    public static long fromBytes(byte[] b) {
        if (b.length != 6) {
            throw new IllegalArgumentException("SQN must be 6 bytes, got " + b.length);
        }
        long v = 0;
        for (byte x : b) {
            v = (v << 8) | (x & 0xff);
        }
        return v;
    }
}
