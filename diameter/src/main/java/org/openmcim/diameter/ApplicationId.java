package org.openmcim.diameter;

/** Application ids (RFC 6733 §2.4); the dictionary's applications.tsv carries the same. */
public final class ApplicationId {
    private ApplicationId() {
    }

    /** RFC 6733 §2.4: Diameter common messages (CER, DWR, DPR). */
    public static final int COMMON = 0;
    /** RFC 6733 §2.4: base accounting. */
    public static final int BASE_ACCOUNTING = 3;
    /** RFC 6733 §2.4: relay, 0xffffffff. */
    public static final int RELAY = 0xFFFF_FFFF;
    /** TS 29.272: S6a/S6d. */
    public static final int S6A = 16777251;
    /** TS 29.273: SWx. */
    public static final int SWX = 16777265;
    /** TS 29.212: Gx. */
    public static final int GX = 16777238;
}
