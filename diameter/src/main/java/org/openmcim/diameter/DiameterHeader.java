package org.openmcim.diameter;

/**
 * The 20-octet Diameter header (RFC 6733 §3).
 *
 * @param version       RFC 6733 §3: MUST be 1
 * @param length        message length in octets, header and padded AVPs included (24 bits)
 * @param flags         command flags R P E T r r r r
 * @param commandCode   24-bit command code
 * @param applicationId application id (unsigned 32 bits, held as an int)
 * @param hopByHop      hop-by-hop identifier
 * @param endToEnd      end-to-end identifier
 */
public record DiameterHeader(int version, int length, int flags, int commandCode, int applicationId,
                             int hopByHop, int endToEnd) {

    /** Header size in octets (RFC 6733 §3). */
    public static final int SIZE = 20;
    /** RFC 6733 §3: Version MUST be set to 1. */
    public static final int VERSION = 1;
    /** RFC 6733 §3: R(equest). */
    public static final int FLAG_REQUEST = 0x80;
    /** RFC 6733 §3: P(roxiable). */
    public static final int FLAG_PROXIABLE = 0x40;
    /** RFC 6733 §3: E(rror). */
    public static final int FLAG_ERROR = 0x20;
    /** RFC 6733 §3: T (potentially retransmitted message). */
    public static final int FLAG_RETRANSMIT = 0x10;
    /** RFC 6733 §3: r(eserved) bits: "MUST be set to zero and ignored by the receiver". */
    public static final int FLAGS_RESERVED = 0x0F;
    /** Largest value of the 24-bit Message Length field. */
    public static final int MAX_LENGTH = 0xFF_FFFF;

    public boolean isRequest() {
        return (flags & FLAG_REQUEST) != 0;
    }

    public boolean isProxiable() {
        return (flags & FLAG_PROXIABLE) != 0;
    }

    public boolean isError() {
        return (flags & FLAG_ERROR) != 0;
    }

    public boolean isRetransmit() {
        return (flags & FLAG_RETRANSMIT) != 0;
    }

    /** Reads a header from the first 20 octets of {@code b} at {@code off}; the caller checks the length. */
    static DiameterHeader read(byte[] b, int off) {
        return new DiameterHeader(b[off] & 0xFF, Bytes.u24(b, off + 1), b[off + 4] & 0xFF, Bytes.u24(b, off + 5),
                Bytes.i32(b, off + 8), Bytes.i32(b, off + 12), Bytes.i32(b, off + 16));
    }

    @Override
    public String toString() {
        StringBuilder f = new StringBuilder();
        f.append(isRequest() ? 'R' : '-').append(isProxiable() ? 'P' : '-').append(isError() ? 'E' : '-')
                .append(isRetransmit() ? 'T' : '-');
        return "DiameterHeader[v" + version + " len=" + length + " flags=" + f + " cmd=" + commandCode
                + " app=" + Integer.toUnsignedString(applicationId)
                + String.format(" hbh=0x%08x e2e=0x%08x]", hopByHop, endToEnd);
    }
}
