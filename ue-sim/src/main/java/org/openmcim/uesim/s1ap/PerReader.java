package org.openmcim.uesim.s1ap;

/**
 * Bit reader for X.691 ALIGNED PER, the mirror of {@link PerWriter}. Every read checks the bound
 * first and throws {@link PerException}; the codec turns that into an error value, so nothing
 * escapes to the transport (the decoder is total).
 */
final class PerReader {
    private final byte[] buf;
    private final long limit;
    private long bitPos;

    PerReader(byte[] buf) {
        this.buf = buf;
        this.limit = 8L * buf.length;
    }

    boolean bit() {
        return bits(1) != 0;
    }

    long bits(int n) {
        if (bitPos + n > limit) {
            throw new PerException("needs " + n + " bits at bit " + bitPos + ", only " + (limit - bitPos) + " left");
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            v = (v << 1) | ((buf[(int) (bitPos >>> 3)] >>> (7 - (bitPos & 7))) & 1);
            bitPos++;
        }
        return v;
    }

    void align() {
        bitPos = (bitPos + 7) & ~7L;
        if (bitPos > limit) {
            throw new PerException("alignment past the end");
        }
    }

    byte[] octets(int n) {
        align();
        if (n < 0 || bitPos + 8L * n > limit) {
            throw new PerException("needs " + n + " octets at octet " + (bitPos >>> 3) + ", only " + ((limit - bitPos) >>> 3) + " left");
        }
        byte[] out = new byte[n];
        System.arraycopy(buf, (int) (bitPos >>> 3), out, 0, n);
        bitPos += 8L * n;
        return out;
    }

    byte[] octetsUnaligned(int n) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = (byte) bits(8);
        }
        return out;
    }

    /** X.691 §11.5.7, see {@link PerWriter#constrained}. */
    long constrained(long lb, long ub) {
        long range = ub - lb + 1;
        long v;
        if (range == 1) {
            return lb;
        } else if (range <= 255) {
            v = bits(PerWriter.bitsFor(range - 1));
        } else if (range == 256) {
            align();
            v = bits(8);
        } else if (range <= 65536) {
            align();
            v = bits(16);
        } else {
            int n = (int) constrained(1, PerWriter.octetsFor(range - 1));
            align();
            v = bits(8 * n);
        }
        if (v > ub - lb) {
            throw new PerException("value " + (v + lb) + " above the upper bound " + ub);
        }
        return v + lb;
    }

    int length() {
        align();
        int first = (int) bits(8);
        if ((first & 0x80) == 0) {
            return first;
        }
        if ((first & 0xc0) == 0x80) {
            return ((first & 0x3f) << 8) | (int) bits(8);
        }
        throw new PerException("fragmented length determinant (X.691 §11.9.3.8) not supported");
    }

    byte[] openType() {
        return octets(length());
    }

    /** Returns the index; extension values come back as rootCount + n. */
    int enumerated(int rootCount, boolean extensible) {
        if (extensible && bit()) {
            return rootCount + smallNumber();
        }
        return (int) constrained(0, rootCount - 1);
    }

    int smallNumber() {
        if (!bit()) {
            return (int) bits(6);
        }
        int n = length();
        if (n < 1 || n > 3) {
            throw new PerException("normally small number of " + n + " octets");
        }
        return (int) bits(8 * n);
    }

    byte[] fixedBitString(int n) {
        if (n > 16) {
            align();
        }
        byte[] out = new byte[(n + 7) / 8];
        for (int i = 0; i < n; i++) {
            if (bit()) {
                out[i >>> 3] |= (byte) (0x80 >>> (i & 7));
            }
        }
        return out;
    }

    byte[] fixedOctetString(int size) {
        return size <= 2 ? octetsUnaligned(size) : octets(size);
    }

    byte[] octetString() {
        return octets(length());
    }

    /** Octets left after the current position (alignment padding excluded). */
    long remainingBits() {
        return limit - bitPos;
    }
}
