package org.openmcim.uesim.nas.security;

/**
 * TS 24.301 §4.4.3.1 NAS COUNT: 0x00 (8 bits) || NAS overflow (16 bits) || NAS sequence number
 * (8 bits). One per direction. Immutable; {@link #next()} gives the following count.
 */
public record NasCount(int overflow, int sequence) {
    public static final NasCount ZERO = new NasCount(0, 0);

    public NasCount {
        if (overflow < 0 || overflow > 0xffff || sequence < 0 || sequence > 0xff) {
            throw new IllegalArgumentException("overflow is 16 bits, sequence number 8 bits");
        }
    }

    /** The 32-bit COUNT input of the algorithms. */
    public long value() {
        return ((long) overflow << 8) | sequence;
    }

    /** The count after this one; the sequence number wraps into the overflow counter. */
    public NasCount next() {
        if (sequence == 0xff) {
            if (overflow == 0xffff) {
                throw new IllegalStateException("NAS COUNT wrapped: a new EPS security context is needed (TS 33.401 §7.2.4.2)");
            }
            return new NasCount(overflow + 1, 0);
        }
        return new NasCount(overflow, sequence + 1);
    }

    /**
     * §4.4.3.1: the receiver's estimate of the full count from a received 8-bit sequence number:
     * a sequence number below the last one accepted means the overflow counter moved on.
     */
    public NasCount estimate(int receivedSequence) {
        return receivedSequence < sequence ? new NasCount(overflow + 1 & 0xffff, receivedSequence)
                : new NasCount(overflow, receivedSequence);
    }
}
