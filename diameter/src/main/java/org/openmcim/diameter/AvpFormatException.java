package org.openmcim.diameter;

/**
 * An AVP's data does not fit the format asked for. Carries the RFC 6733 §7.1.5 result code a
 * handler answers with (5014 DIAMETER_INVALID_AVP_LENGTH or 5004 DIAMETER_INVALID_AVP_VALUE) and
 * the offending AVP for the Failed-AVP (RFC 6733 §7.5).
 */
public final class AvpFormatException extends RuntimeException {
    private final int resultCode;
    private final transient Avp avp;

    public AvpFormatException(int resultCode, Avp avp, String message) {
        super(message);
        this.resultCode = resultCode;
        this.avp = avp;
    }

    public int resultCode() {
        return resultCode;
    }

    public Avp avp() {
        return avp;
    }
}
