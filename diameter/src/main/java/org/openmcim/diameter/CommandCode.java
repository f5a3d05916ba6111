package org.openmcim.diameter;

/** Command codes (24 bits); the dictionary's commands.tsv carries the same with clauses. */
public final class CommandCode {
    private CommandCode() {
    }

    // RFC 6733 §3.1
    public static final int CAPABILITIES_EXCHANGE = 257;
    public static final int RE_AUTH = 258;
    public static final int ACCOUNTING = 271;
    public static final int ABORT_SESSION = 274;
    public static final int SESSION_TERMINATION = 275;
    public static final int DEVICE_WATCHDOG = 280;
    public static final int DISCONNECT_PEER = 282;
    // RFC 4006 §3 / TS 29.212 §5.6 (Gx CCR/CCA)
    public static final int CREDIT_CONTROL = 272;
    // TS 29.272 §7.2 (S6a/S6d)
    public static final int UPDATE_LOCATION = 316;
    public static final int CANCEL_LOCATION = 317;
    public static final int AUTHENTICATION_INFORMATION = 318;
    public static final int INSERT_SUBSCRIBER_DATA = 319;
    public static final int DELETE_SUBSCRIBER_DATA = 320;
    public static final int PURGE_UE = 321;
    public static final int RESET = 322;
    public static final int NOTIFY = 323;
    // TS 29.273 §8.2.2 (SWx, codes of TS 29.229)
    public static final int SERVER_ASSIGNMENT = 301;
    public static final int MULTIMEDIA_AUTH = 303;
    public static final int REGISTRATION_TERMINATION = 304;
    public static final int PUSH_PROFILE = 305;
}
