package org.openmcim.diameter.dictionary;

/**
 * AVP data formats: the basic formats of RFC 6733 §4.2 and the derived formats of §4.3.1.
 * {@link #fixedLength()} is the exact data length a format demands (RFC 6733 §4.2: "The AVP Length
 * field MUST be set to 12 (16 if the 'V' bit is enabled)" for 32-bit values, 16/20 for 64-bit
 * values), or -1 when the length varies.
 */
public enum AvpType {
    OCTET_STRING("OctetString", -1, 0),
    INTEGER32("Integer32", 4, 4),
    INTEGER64("Integer64", 8, 8),
    UNSIGNED32("Unsigned32", 4, 4),
    UNSIGNED64("Unsigned64", 8, 8),
    FLOAT32("Float32", 4, 4),
    FLOAT64("Float64", 8, 8),
    GROUPED("Grouped", -1, 0),
    /** RFC 6733 §4.3.1: two octets of address family, then the address. */
    ADDRESS("Address", -1, 6),
    /** RFC 6733 §4.3.1: four octets, the seconds field of an NTP timestamp. */
    TIME("Time", 4, 4),
    UTF8_STRING("UTF8String", -1, 0),
    DIAMETER_IDENTITY("DiameterIdentity", -1, 0),
    DIAMETER_URI("DiameterURI", -1, 0),
    /** RFC 6733 §4.3.1: derived from Integer32. */
    ENUMERATED("Enumerated", 4, 4),
    IP_FILTER_RULE("IPFilterRule", -1, 0);

    private final String specName;
    private final int fixedLength;
    private final int minimumLength;

    AvpType(String specName, int fixedLength, int minimumLength) {
        this.specName = specName;
        this.fixedLength = fixedLength;
        this.minimumLength = minimumLength;
    }

    /** The name the specifications use, e.g. {@code Unsigned32}. */
    public String specName() {
        return specName;
    }

    /** The exact data length this format requires, or -1 if it varies. */
    public int fixedLength() {
        return fixedLength;
    }

    /**
     * The smallest data length of this format; RFC 6733 §7.1.5 (DIAMETER_INVALID_AVP_LENGTH) asks
     * for a zero-filled payload of this length in the Failed-AVP when the received length is bad.
     * For Address it is an IPv4 address with its family.
     */
    public int minimumLength() {
        return minimumLength;
    }

    /** The format whose {@link #specName()} is {@code name}. */
    public static AvpType fromSpecName(String name) {
        for (AvpType t : values()) {
            if (t.specName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown AVP data format '" + name + "'");
    }
}
