package org.openmcim.diameter;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.openmcim.diameter.dictionary.AvpDefinition;
import org.openmcim.diameter.dictionary.AvpType;
import org.openmcim.diameter.dictionary.MandatoryRule;

/**
 * One immutable AVP (RFC 6733 §4.1): code, flags V M P, optional Vendor-ID, and data.
 *
 * <p>The data is held as a window on a byte array that nobody writes after construction: a decoded
 * AVP shares the array of the whole decoded frame (one copy per message, none per AVP), a built AVP
 * owns its array. Typed accessors decode the window lazily on each call and throw
 * {@link AvpFormatException} with the RFC 6733 §7.1.5 result code when the data does not fit.
 * Grouped AVPs the dictionary knows are split into their children while decoding; others can be
 * read as grouped on demand with {@link #grouped()}.
 */
public final class Avp {
    /** RFC 6733 §4.1: 'V' bit, Vendor-ID present. */
    public static final int FLAG_VENDOR = 0x80;
    /** RFC 6733 §4.1: 'M' bit, mandatory. */
    public static final int FLAG_MANDATORY = 0x40;
    /** RFC 6733 §4.1: 'P' bit, reserved for end-to-end security; SHOULD be 0. */
    public static final int FLAG_PROTECTED = 0x20;
    /** RFC 6733 §4.1: reserved bits; "an unrecognized bit SHOULD be considered an error". */
    public static final int FLAGS_RESERVED = 0x1F;
    /** RFC 6733 §4.1: header without Vendor-ID. */
    public static final int HEADER_SIZE = 8;
    /** RFC 6733 §4.1.1: header with Vendor-ID. */
    public static final int HEADER_SIZE_VENDOR = 12;
    /** RFC 6733 §4.3.1: the Time format counts seconds from 1900-01-01T00:00:00Z (NTP era 0). */
    private static final long NTP_ERA0_TO_UNIX = -2_208_988_800L;
    /** RFC 5905 / RFC 4330 §3: era 1 starts at 2036-02-07T06:28:16Z. */
    private static final long NTP_ERA1_TO_UNIX = NTP_ERA0_TO_UNIX + (1L << 32);

    private final int code;
    private final int flags;
    private final int vendorId;
    private final byte[] buf;
    private final int off;
    private final int len;
    private final List<Avp> children;
    private final AvpDefinition definition;

    Avp(int code, int flags, int vendorId, byte[] buf, int off, int len, List<Avp> children,
        AvpDefinition definition) {
        this.code = code;
        this.flags = flags & 0xFF;
        this.vendorId = vendorId;
        this.buf = buf;
        this.off = off;
        this.len = len;
        this.children = children;
        this.definition = definition;
    }

    // ---------------------------------------------------------------- factories

    /**
     * An AVP with explicit flags and data (copied). The 'V' bit is set from {@code vendorId != 0}
     * (RFC 6733 §4.1.1: vendor 0 is never sent in a Vendor-ID).
     */
    public static Avp of(int code, int vendorId, int flags, byte[] data) {
        int f = vendorId != 0 ? flags | FLAG_VENDOR : flags & ~FLAG_VENDOR;
        return new Avp(code, f, vendorId, data.clone(), 0, data.length, null, null);
    }

    /** An AVP of {@code definition} holding {@code data} (copied) as its raw octets. */
    public static Avp octetString(AvpDefinition definition, byte[] data) {
        return own(definition, data.clone(), null);
    }

    public static Avp utf8String(AvpDefinition definition, String value) {
        check(definition, AvpType.UTF8_STRING, AvpType.DIAMETER_IDENTITY, AvpType.DIAMETER_URI,
                AvpType.IP_FILTER_RULE, AvpType.OCTET_STRING);
        return own(definition, value.getBytes(StandardCharsets.UTF_8), null);
    }

    /** RFC 6733 §4.3.1 DiameterIdentity: an FQDN or realm in ASCII. */
    public static Avp diameterIdentity(AvpDefinition definition, String fqdnOrRealm) {
        check(definition, AvpType.DIAMETER_IDENTITY);
        return own(definition, fqdnOrRealm.getBytes(StandardCharsets.US_ASCII), null);
    }

    public static Avp integer32(AvpDefinition definition, int value) {
        check(definition, AvpType.INTEGER32, AvpType.ENUMERATED);
        byte[] b = new byte[4];
        Bytes.put32(b, 0, value);
        return own(definition, b, null);
    }

    /** RFC 6733 §4.3.1 Enumerated: derived from Integer32. */
    public static Avp enumerated(AvpDefinition definition, int value) {
        check(definition, AvpType.ENUMERATED);
        byte[] b = new byte[4];
        Bytes.put32(b, 0, value);
        return own(definition, b, null);
    }

    /** Unsigned32; {@code value} must lie in 0..2^32-1. */
    public static Avp unsigned32(AvpDefinition definition, long value) {
        check(definition, AvpType.UNSIGNED32);
        if (value < 0 || value > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(definition.name() + ": " + value + " is not an Unsigned32");
        }
        byte[] b = new byte[4];
        Bytes.put32(b, 0, (int) value);
        return own(definition, b, null);
    }

    public static Avp integer64(AvpDefinition definition, long value) {
        check(definition, AvpType.INTEGER64);
        byte[] b = new byte[8];
        Bytes.put64(b, 0, value);
        return own(definition, b, null);
    }

    /** Unsigned64; {@code value} holds the 64 bits (read it back with {@link Long#toUnsignedString}). */
    public static Avp unsigned64(AvpDefinition definition, long value) {
        check(definition, AvpType.UNSIGNED64);
        byte[] b = new byte[8];
        Bytes.put64(b, 0, value);
        return own(definition, b, null);
    }

    public static Avp float32(AvpDefinition definition, float value) {
        check(definition, AvpType.FLOAT32);
        byte[] b = new byte[4];
        Bytes.put32(b, 0, Float.floatToIntBits(value));
        return own(definition, b, null);
    }

    public static Avp float64(AvpDefinition definition, double value) {
        check(definition, AvpType.FLOAT64);
        byte[] b = new byte[8];
        Bytes.put64(b, 0, Double.doubleToLongBits(value));
        return own(definition, b, null);
    }

    /** RFC 6733 §4.3.1 Address: AddressType (IANA family) then the address. */
    public static Avp address(AvpDefinition definition, DiameterAddress address) {
        check(definition, AvpType.ADDRESS);
        byte[] a = address.address();
        byte[] b = new byte[2 + a.length];
        b[0] = (byte) (address.family() >>> 8);
        b[1] = (byte) address.family();
        System.arraycopy(a, 0, b, 2, a.length);
        return own(definition, b, null);
    }

    /**
     * RFC 6733 §4.3.1 Time: seconds since 1900 in four octets; times from 2036-02-07T06:28:16Z on
     * use the RFC 4330 §3 extension (most significant bit clear means era 1), up to 2104.
     */
    public static Avp time(AvpDefinition definition, Instant instant) {
        check(definition, AvpType.TIME);
        long s = instant.getEpochSecond();
        long ntp;
        if (s >= NTP_ERA1_TO_UNIX) {
            ntp = s - NTP_ERA1_TO_UNIX;
            if (ntp >= 0x8000_0000L) {
                throw new IllegalArgumentException(instant + " is after the Time format's range (2104)");
            }
        } else {
            ntp = s - NTP_ERA0_TO_UNIX;
            if (ntp < 0x8000_0000L) {
                throw new IllegalArgumentException(instant + " is before the Time format's range (1968)");
            }
        }
        byte[] b = new byte[4];
        Bytes.put32(b, 0, (int) ntp);
        return own(definition, b, null);
    }

    /** RFC 6733 §4.4: a Grouped AVP whose data is the children, each padded. */
    public static Avp grouped(AvpDefinition definition, List<Avp> children) {
        check(definition, AvpType.GROUPED);
        List<Avp> kids = List.copyOf(children);
        int total = 0;
        for (Avp a : kids) {
            total += a.paddedLength();
        }
        byte[] b = new byte[total];
        int p = 0;
        for (Avp a : kids) {
            p = a.writeTo(b, p);
        }
        return own(definition, b, kids);
    }

    public static Avp grouped(AvpDefinition definition, Avp... children) {
        return grouped(definition, Arrays.asList(children));
    }

    private static Avp own(AvpDefinition d, byte[] data, List<Avp> children) {
        int f = (d.vendorSpecific() ? FLAG_VENDOR : 0) | (d.mandatory() == MandatoryRule.MUST ? FLAG_MANDATORY : 0);
        return new Avp(d.code(), f, d.vendorId(), data, 0, data.length, children, d);
    }

    private static void check(AvpDefinition d, AvpType... allowed) {
        Objects.requireNonNull(d, "definition");
        for (AvpType t : allowed) {
            if (d.type() == t) {
                return;
            }
        }
        throw new IllegalArgumentException(d.name() + " is " + d.type().specName() + ", not " + allowed[0].specName());
    }

    /** This AVP with the 'M' bit set or cleared (e.g. where an application overrides the table). */
    public Avp withMandatory(boolean mandatory) {
        int f = mandatory ? flags | FLAG_MANDATORY : flags & ~FLAG_MANDATORY;
        return new Avp(code, f, vendorId, buf, off, len, children, definition);
    }

    // ---------------------------------------------------------------- header

    /** AVP code (unsigned 32 bits, held as an int). */
    public int code() {
        return code;
    }

    /** Vendor-ID, 0 when the 'V' bit is clear. */
    public int vendorId() {
        return vendorId;
    }

    /** The AVP Flags octet. */
    public int flags() {
        return flags;
    }

    public boolean isVendorSpecific() {
        return (flags & FLAG_VENDOR) != 0;
    }

    public boolean isMandatory() {
        return (flags & FLAG_MANDATORY) != 0;
    }

    public boolean isProtected() {
        return (flags & FLAG_PROTECTED) != 0;
    }

    /** The dictionary's definition of this AVP, or null if the decoding dictionary does not know it. */
    public AvpDefinition definition() {
        return definition;
    }

    /** Whether this AVP is {@code d} (same code and vendor). */
    public boolean is(AvpDefinition d) {
        return code == d.code() && vendorId == d.vendorId();
    }

    /** Header size: 8, or 12 with the 'V' bit (RFC 6733 §4.1). */
    public int headerLength() {
        return isVendorSpecific() ? HEADER_SIZE_VENDOR : HEADER_SIZE;
    }

    /** The AVP Length field: header plus data, padding excluded (RFC 6733 §4.1). */
    public int length() {
        return headerLength() + len;
    }

    /** The length on the wire, padded to a multiple of 4 (RFC 6733 §4). */
    public int paddedLength() {
        return Bytes.pad4(length());
    }

    // ---------------------------------------------------------------- data

    public int dataLength() {
        return len;
    }

    /** A copy of the data octets. */
    public byte[] data() {
        return Arrays.copyOfRange(buf, off, off + len);
    }

    /** A read-only view of the data, without copying. */
    public ByteBuffer dataBuffer() {
        return ByteBuffer.wrap(buf, off, len).slice().asReadOnlyBuffer();
    }

    /** OctetString (RFC 6733 §4.2): a copy of the data. */
    public byte[] octetString() {
        return data();
    }

    /** UTF8String (RFC 6733 §4.3.1); invalid UTF-8 is 5004 DIAMETER_INVALID_AVP_VALUE. */
    public String utf8String() {
        try {
            CharBuffer c = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(buf, off, len));
            return c.toString();
        } catch (CharacterCodingException e) {
            throw new AvpFormatException(ResultCode.DIAMETER_INVALID_AVP_VALUE, this, this + " is not valid UTF-8");
        }
    }

    /** DiameterIdentity (RFC 6733 §4.3.1): ASCII FQDN or realm; other octets are 5004. */
    public String diameterIdentity() {
        for (int i = off; i < off + len; i++) {
            if (buf[i] <= 0x20 || buf[i] == 0x7F) { // negative bytes are non-ASCII
                throw new AvpFormatException(ResultCode.DIAMETER_INVALID_AVP_VALUE, this,
                        this + " is not an ASCII DiameterIdentity");
            }
        }
        return new String(buf, off, len, StandardCharsets.US_ASCII);
    }

    public int integer32() {
        need(4);
        return Bytes.i32(buf, off);
    }

    public long integer64() {
        need(8);
        return Bytes.i64(buf, off);
    }

    /** Unsigned32 as a non-negative long. */
    public long unsigned32() {
        need(4);
        return Bytes.i32(buf, off) & 0xFFFF_FFFFL;
    }

    /** Unsigned64: the 64 bits in a long (use {@link Long#compareUnsigned} and friends). */
    public long unsigned64() {
        need(8);
        return Bytes.i64(buf, off);
    }

    /** Enumerated (RFC 6733 §4.3.1: derived from Integer32). */
    public int enumerated() {
        return integer32();
    }

    public float float32() {
        need(4);
        return Float.intBitsToFloat(Bytes.i32(buf, off));
    }

    public double float64() {
        need(8);
        return Double.longBitsToDouble(Bytes.i64(buf, off));
    }

    /** Address (RFC 6733 §4.3.1): family, then 4 octets for IPv4, 16 for IPv6, any for others. */
    public DiameterAddress address() {
        if (len < 2) {
            throw new AvpFormatException(ResultCode.DIAMETER_INVALID_AVP_LENGTH, this,
                    this + " is too short for an Address");
        }
        int family = (buf[off] & 0xFF) << 8 | (buf[off + 1] & 0xFF);
        if (!addressLengthFits(family, len)) {
            throw new AvpFormatException(ResultCode.DIAMETER_INVALID_AVP_LENGTH, this,
                    this + ": " + (len - 2) + " octets do not fit address family " + family);
        }
        return new DiameterAddress(family, Arrays.copyOfRange(buf, off + 2, off + len));
    }

    static boolean addressLengthFits(int family, int dataLength) {
        return switch (family) {
            case DiameterAddress.FAMILY_IPV4 -> dataLength == 6;
            case DiameterAddress.FAMILY_IPV6 -> dataLength == 18;
            default -> dataLength >= 2;
        };
    }

    /** Time (RFC 6733 §4.3.1), with the RFC 4330 §3 era rule for 2036..2104. */
    public Instant time() {
        need(4);
        long ntp = Bytes.i32(buf, off) & 0xFFFF_FFFFL;
        return Instant.ofEpochSecond((ntp & 0x8000_0000L) != 0 ? ntp + NTP_ERA0_TO_UNIX : ntp + NTP_ERA1_TO_UNIX);
    }

    /**
     * Grouped (RFC 6733 §4.4): the children. Pre-split when the decoding dictionary knows the AVP as
     * Grouped; otherwise (unknown AVPs, Failed-AVP) split here, without a dictionary and checking
     * lengths only, throwing {@link AvpFormatException} (5014) on a malformed child.
     */
    public List<Avp> grouped() {
        if (children != null) {
            return children;
        }
        List<Avp> out = new ArrayList<>();
        DiameterCodec.AvpError err = DiameterCodec.parseAvps(buf, off, off + len, null,
                DiameterCodec.Config.DEFAULT_MAX_GROUPED_DEPTH, 1, out, null, false, false);
        if (err != null) {
            throw new AvpFormatException(err.resultCode(), err.failedAvp() != null ? err.failedAvp() : this,
                    this + " is not a valid Grouped AVP: " + err.message());
        }
        return List.copyOf(out);
    }

    /** The first child that is {@code d}, or null. */
    public Avp child(AvpDefinition d) {
        for (Avp a : grouped()) {
            if (a.is(d)) {
                return a;
            }
        }
        return null;
    }

    /** Children pre-split by the decoder or builder, or null (no parsing). */
    List<Avp> parsedChildren() {
        return children;
    }

    private void need(int n) {
        if (len != n) {
            throw new AvpFormatException(ResultCode.DIAMETER_INVALID_AVP_LENGTH, this,
                    this + " has " + len + " data octets, the format needs " + n);
        }
    }

    // ---------------------------------------------------------------- encoding

    /** Writes header, data and zero padding at {@code p}; returns the position after the padding. */
    int writeTo(byte[] out, int p) {
        Bytes.put32(out, p, code);
        Bytes.put32(out, p + 4, length());
        out[p + 4] = (byte) flags;
        int h = p + HEADER_SIZE;
        if (isVendorSpecific()) {
            Bytes.put32(out, h, vendorId);
            h += 4;
        }
        System.arraycopy(buf, off, out, h, len);
        int end = p + paddedLength();
        for (int i = h + len; i < end; i++) {
            out[i] = 0; // RFC 6733 §4: 0..3 octets of zero padding (a loop: Arrays.fill costs more for so few)
        }
        return end;
    }

    // ---------------------------------------------------------------- value semantics

    @Override
    public boolean equals(Object o) {
        return o instanceof Avp a && a.code == code && a.flags == flags && a.vendorId == vendorId
                && Arrays.equals(a.buf, a.off, a.off + a.len, buf, off, off + len);
    }

    @Override
    public int hashCode() {
        int h = code * 31 + vendorId;
        h = h * 31 + flags;
        for (int i = off; i < off + len; i++) {
            h = h * 31 + buf[i];
        }
        return h;
    }

    @Override
    public String toString() {
        String name = definition != null ? definition.name() : "AVP";
        StringBuilder s = new StringBuilder(name).append('(').append(Integer.toUnsignedString(code));
        if (vendorId != 0) {
            s.append('/').append(Integer.toUnsignedString(vendorId));
        }
        s.append(isVendorSpecific() ? " V" : " -").append(isMandatory() ? 'M' : '-').append(isProtected() ? 'P' : '-');
        // Data is left out on purpose: AVPs carry keys (KASME, CK, IK) that must not reach logs.
        return s.append(" len=").append(length()).append(')').toString();
    }
}
