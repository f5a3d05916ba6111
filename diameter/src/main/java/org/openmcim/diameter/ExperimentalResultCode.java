package org.openmcim.diameter;

/**
 * 3GPP result codes, carried in Experimental-Result (297) as Experimental-Result-Code (298) with
 * Vendor-Id 10415 (RFC 6733 §7.6), never in Result-Code: 5001 here is not RFC 6733's 5001.
 */
public final class ExperimentalResultCode {
    private ExperimentalResultCode() {
    }

    /** The Vendor-Id that goes with these codes in Experimental-Result. */
    public static final int VENDOR_ID = VendorId.THREE_GPP;

    // TS 29.272 §7.4.3 permanent failures (S6a/S6d)
    public static final int DIAMETER_ERROR_USER_UNKNOWN = 5001;
    public static final int DIAMETER_ERROR_ROAMING_NOT_ALLOWED = 5004;
    public static final int DIAMETER_ERROR_UNKNOWN_EPS_SUBSCRIPTION = 5420;
    public static final int DIAMETER_ERROR_RAT_NOT_ALLOWED = 5421;
    public static final int DIAMETER_ERROR_EQUIPMENT_UNKNOWN = 5422;
    public static final int DIAMETER_ERROR_UNKNOWN_SERVING_NODE = 5423;
    // TS 29.272 §7.4.4 transient failures (S6a/S6d)
    public static final int DIAMETER_AUTHENTICATION_DATA_UNAVAILABLE = 4181;
    public static final int DIAMETER_ERROR_CAMEL_SUBSCRIPTION_PRESENT = 4182;
    // TS 29.229 §6.2 (reused by SWx, TS 29.273 §8.2.4)
    public static final int DIAMETER_FIRST_REGISTRATION = 2001;
    public static final int DIAMETER_SUBSEQUENT_REGISTRATION = 2002;
    public static final int DIAMETER_ERROR_IDENTITIES_DONT_MATCH = 5002;
    public static final int DIAMETER_ERROR_IDENTITY_NOT_REGISTERED = 5003;
    public static final int DIAMETER_ERROR_IDENTITY_ALREADY_REGISTERED = 5005;
    public static final int DIAMETER_ERROR_AUTH_SCHEME_NOT_SUPPORTED = 5006;
    // TS 29.273 §8.2.4 (SWx)
    public static final int DIAMETER_ERROR_USER_NO_NON_3GPP_SUBSCRIPTION = 5450;
    public static final int DIAMETER_ERROR_USER_NO_APN_SUBSCRIPTION = 5451;
    public static final int DIAMETER_ERROR_RAT_TYPE_NOT_ALLOWED = 5452;
    // TS 29.212 §5.5 (Gx)
    public static final int DIAMETER_ERROR_INITIAL_PARAMETERS = 5140;
    public static final int DIAMETER_ERROR_TRIGGER_EVENT = 5141;
    public static final int DIAMETER_PCC_RULE_EVENT = 5142;
    public static final int DIAMETER_ERROR_BEARER_NOT_AUTHORIZED = 5143;
    public static final int DIAMETER_ERROR_TRAFFIC_MAPPING_INFO_REJECTED = 5144;
    public static final int DIAMETER_ERROR_CONFLICTING_REQUEST = 5147;
}
