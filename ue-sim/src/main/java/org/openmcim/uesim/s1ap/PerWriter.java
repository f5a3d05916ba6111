package org.openmcim.uesim.s1ap;

import java.util.Arrays;

/**
 * Bit writer for ITU-T X.691 ALIGNED PER, the transfer syntax of S1AP (TS 36.413 §9.4: "basic
 * aligned PER"). Only the constructs S1AP uses are here; each method names its X.691 clause.
 */
final class PerWriter {
    private byte[] buf = new byte[64];
    private long bitPos;

    /** One bit (X.691 §19.1 extension bit, §19.2 optional-presence bitmap, BOOLEAN). */
    PerWriter bit(boolean b) {
        return bits(b ? 1 : 0, 1);
    }

    /** {@code n} (0..62) bits of {@code value}, most significant first, no alignment. */
    PerWriter bits(long value, int n) {
        for (int i = n - 1; i >= 0; i--) {
            ensure(bitPos + 1);
            if (((value >>> i) & 1) != 0) {
                buf[(int) (bitPos >>> 3)] |= (byte) (0x80 >>> (bitPos & 7));
            }
            bitPos++;
        }
        return this;
    }

    /** Pads with zero bits to the next octet boundary (X.691 §3.7.1 "octet-aligned"). */
    PerWriter align() {
        bitPos = (bitPos + 7) & ~7L;
        ensure(bitPos);
        return this;
    }

    /** Octets, octet-aligned first. */
    PerWriter octets(byte[] data) {
        align();
        ensure(bitPos + 8L * data.length);
        System.arraycopy(data, 0, buf, (int) (bitPos >>> 3), data.length);
        bitPos += 8L * data.length;
        return this;
    }

    /** Octets without alignment (X.691 §17.6: fixed-size OCTET STRING of at most two octets). */
    PerWriter octetsUnaligned(byte[] data) {
        for (byte b : data) {
            bits(b & 0xff, 8);
        }
        return this;
    }

    /**
     * X.691 §11.5.7 (ALIGNED): constrained whole number {@code lb..ub}. Range 1: nothing; up to 255:
     * the minimum bit-field; 256: one aligned octet; up to 64K: two aligned octets; above: the
     * §11.5.7.4 indefinite-length case (octet count as a constrained whole number, then aligned
     * octets), which is how TS 36.413 INTEGERs like MME-UE-S1AP-ID (0..2^32-1) come out.
     */
    PerWriter constrained(long value, long lb, long ub) {
        if (value < lb || value > ub) {
            throw new IllegalArgumentException("value " + value + " outside " + lb + ".." + ub);
        }
        long range = ub - lb + 1;
        long v = value - lb;
        if (range == 1) {
            return this;
        }
        if (range <= 255) {
            return bits(v, bitsFor(range - 1));
        }
        if (range == 256) {
            align();
            return bits(v, 8);
        }
        if (range <= 65536) {
            align();
            return bits(v, 16);
        }
        int maxOctets = octetsFor(range - 1);
        int n = Math.max(1, octetsFor(v));
        constrained(n, 1, maxOctets);
        align();
        return bits(v, 8 * n);
    }

    /** X.691 §11.9.3.6-8: unconstrained length determinant, aligned; fragmentation is not supported. */
    PerWriter length(int n) {
        align();
        if (n < 0 || n >= 16384) {
            throw new IllegalArgumentException("length " + n + " needs fragmentation (X.691 §11.9.3.8), not supported");
        }
        if (n < 128) {
            return bits(n, 8);
        }
        return bits(0x8000 | n, 16);
    }

    /** X.691 §11.2: an open type, the encoding of a complete value as an octet string with a length. */
    PerWriter openType(byte[] encoding) {
        length(encoding.length);
        return octets(encoding);
    }

    /** X.691 §13: ENUMERATED; {@code rootCount} root values, extension marker if {@code extensible}. */
    PerWriter enumerated(int index, int rootCount, boolean extensible) {
        if (extensible) {
            if (index >= rootCount) {
                bit(true);
                return smallNumber(index - rootCount);
            }
            bit(false);
        }
        return constrained(index, 0, rootCount - 1);
    }

    /** X.691 §11.6: normally small non-negative whole number (extension additions of a CHOICE/ENUMERATED). */
    PerWriter smallNumber(int n) {
        if (n < 64) {
            bit(false);
            return bits(n, 6);
        }
        bit(true);
        int octets = Math.max(1, octetsFor(n));
        length(octets);
        return bits(n, 8 * octets);
    }

    /** X.691 §16.9-16.10: BIT STRING of fixed size {@code n}: unaligned up to 16 bits, aligned above. */
    PerWriter fixedBitString(byte[] data, int n) {
        if (data.length != (n + 7) / 8) {
            throw new IllegalArgumentException("bit string of " + n + " bits needs " + (n + 7) / 8 + " octets");
        }
        if (n > 16) {
            align();
        }
        for (int i = 0; i < n; i++) {
            bit(((data[i >>> 3] >>> (7 - (i & 7))) & 1) != 0);
        }
        return this;
    }

    /** X.691 §17.6-17.7: OCTET STRING of fixed size: unaligned up to two octets, aligned above. */
    PerWriter fixedOctetString(byte[] data, int size) {
        if (data.length != size) {
            throw new IllegalArgumentException("octet string must have " + size + " octets, has " + data.length);
        }
        return size <= 2 ? octetsUnaligned(data) : octets(data);
    }

    /** X.691 §17.8: OCTET STRING without size constraint: length determinant, then octets. */
    PerWriter octetString(byte[] data) {
        length(data.length);
        return octets(data);
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, (int) ((bitPos + 7) >>> 3));
    }

    static int bitsFor(long maxValue) {
        return 64 - Long.numberOfLeadingZeros(maxValue);
    }

    static int octetsFor(long maxValue) {
        return (bitsFor(maxValue) + 7) / 8;
    }

    private void ensure(long bits) {
        int need = (int) ((bits + 7) >>> 3);
        if (need > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(need, buf.length * 2));
        }
    }
}
