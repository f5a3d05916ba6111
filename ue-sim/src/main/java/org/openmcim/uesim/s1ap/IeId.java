package org.openmcim.uesim.s1ap;

/** TS 36.413 §9.4.7 (S1AP-Constants): ProtocolIE-IDs used by the simulator. */
public final class IeId {
    public static final int MME_UE_S1AP_ID = 0;
    public static final int CAUSE = 2;
    public static final int ENB_UE_S1AP_ID = 8;
    public static final int E_RAB_TO_BE_SETUP_LIST_CTXT_SU_REQ = 24;
    public static final int NAS_PDU = 26;
    public static final int E_RAB_FAILED_TO_SETUP_LIST_CTXT_SU_RES = 48;
    public static final int E_RAB_SETUP_ITEM_CTXT_SU_RES = 50;
    public static final int E_RAB_SETUP_LIST_CTXT_SU_RES = 51;
    public static final int E_RAB_TO_BE_SETUP_ITEM_CTXT_SU_REQ = 52;
    public static final int CRITICALITY_DIAGNOSTICS = 58;
    public static final int GLOBAL_ENB_ID = 59;
    public static final int ENB_NAME = 60;
    public static final int MME_NAME = 61;
    public static final int SUPPORTED_TAS = 64;
    public static final int TIME_TO_WAIT = 65;
    public static final int UE_AGGREGATE_MAXIMUM_BITRATE = 66;
    public static final int TAI = 67;
    public static final int SECURITY_KEY = 73;
    public static final int RELATIVE_MME_CAPACITY = 87;
    public static final int UE_ASSOCIATED_LOGICAL_S1_CONNECTION_ITEM = 91;
    public static final int RESET_TYPE = 92;
    public static final int UE_ASSOCIATED_LOGICAL_S1_CONNECTION_LIST_RES_ACK = 93;
    public static final int S_TMSI = 96;
    public static final int UE_S1AP_IDS = 99;
    public static final int EUTRAN_CGI = 100;
    public static final int SERVED_GUMMEIS = 105;
    public static final int UE_SECURITY_CAPABILITIES = 107;
    public static final int RRC_ESTABLISHMENT_CAUSE = 134;
    public static final int DEFAULT_PAGING_DRX = 137;

    private IeId() {
    }
}
