package org.openmcim.diameter;

/**
 * Codes of the RFC 6733 §4.5 AVPs this module itself reads or writes (vendor 0, 'M' bit set).
 * Everything else is looked up in the {@link org.openmcim.diameter.dictionary.Dictionary}.
 */
public final class BaseAvpCode {
    private BaseAvpCode() {
    }

    public static final int SESSION_ID = 263;
    public static final int ORIGIN_HOST = 264;
    public static final int ORIGIN_REALM = 296;
    public static final int RESULT_CODE = 268;
    public static final int FAILED_AVP = 279;
    /** RFC 6733 §4.5: Error-Message MUST NOT have the 'M' bit. */
    public static final int ERROR_MESSAGE = 281;
    public static final int PROXY_INFO = 284;
    public static final int EXPERIMENTAL_RESULT = 297;
    public static final int EXPERIMENTAL_RESULT_CODE = 298;
    public static final int VENDOR_ID = 266;
}
