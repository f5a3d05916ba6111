package org.openmcim.diameter.dictionary;

import java.util.Objects;

/**
 * One AVP of the dictionary: its code in the vendor's code space (RFC 6733 §4.1.1: vendor 0 is
 * the IETF space), name, data format, 'M' bit rule and the clause that defines it.
 *
 * @param code      AVP code (unsigned 32 bits, held as an int)
 * @param vendorId  vendor id (0 for IETF AVPs; 10415 for 3GPP)
 * @param name      AVP name as the specification spells it
 * @param type      data format
 * @param mandatory the 'M' bit rule
 * @param clause    the specification clause, e.g. {@code TS 29.272 §7.3.53}
 */
public record AvpDefinition(int code, int vendorId, String name, AvpType type, MandatoryRule mandatory,
                            String clause) {

    public AvpDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(mandatory, "mandatory");
        Objects.requireNonNull(clause, "clause");
    }

    /** RFC 6733 §4.1: the 'V' bit is set exactly when a Vendor-ID is present. */
    public boolean vendorSpecific() {
        return vendorId != 0;
    }

    /** The key the dictionary files this definition under. */
    public long key() {
        return key(code, vendorId);
    }

    /** Lookup key of an AVP code in a vendor's code space. */
    public static long key(int code, int vendorId) {
        return ((long) vendorId << 32) | (code & 0xFFFF_FFFFL);
    }

    @Override
    public String toString() {
        return name + "(" + Integer.toUnsignedString(code)
                + (vendorId != 0 ? "/" + Integer.toUnsignedString(vendorId) : "") + ")";
    }
}
