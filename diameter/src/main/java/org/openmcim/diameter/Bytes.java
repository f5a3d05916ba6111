package org.openmcim.diameter;

/** Big-endian (network byte order, RFC 6733 §3) reads and writes on byte arrays. */
final class Bytes {
    private Bytes() {
    }

    static int u24(byte[] b, int off) {
        return (b[off] & 0xFF) << 16 | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF);
    }

    static int i32(byte[] b, int off) {
        return (b[off] & 0xFF) << 24 | (b[off + 1] & 0xFF) << 16 | (b[off + 2] & 0xFF) << 8 | (b[off + 3] & 0xFF);
    }

    static long i64(byte[] b, int off) {
        return (long) i32(b, off) << 32 | (i32(b, off + 4) & 0xFFFF_FFFFL);
    }

    static void put24(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 16);
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) v;
    }

    static void put32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    static void put64(byte[] b, int off, long v) {
        put32(b, off, (int) (v >>> 32));
        put32(b, off + 4, (int) v);
    }

    /** RFC 6733 §4: AVPs are padded to a 32-bit boundary. */
    static int pad4(int n) {
        return (n + 3) & ~3;
    }
}
