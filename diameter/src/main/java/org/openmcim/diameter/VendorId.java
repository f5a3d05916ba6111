package org.openmcim.diameter;

/** SMI Network Management Private Enterprise Codes used as Vendor-ID (RFC 6733 §4.1.1). */
public final class VendorId {
    private VendorId() {
    }

    /** RFC 6733 §4.1.1: 0 is the IETF space and never sent in a Vendor-ID field. */
    public static final int IETF = 0;
    /** 3GPP. */
    public static final int THREE_GPP = 10415;
}
