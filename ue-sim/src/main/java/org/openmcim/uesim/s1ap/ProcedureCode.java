package org.openmcim.uesim.s1ap;

/** TS 36.413 §9.4.7 (S1AP-Constants): the procedure codes the simulator speaks. */
public final class ProcedureCode {
    public static final int INITIAL_CONTEXT_SETUP = 9;
    public static final int DOWNLINK_NAS_TRANSPORT = 11;
    public static final int INITIAL_UE_MESSAGE = 12;
    public static final int UPLINK_NAS_TRANSPORT = 13;
    public static final int RESET = 14;
    public static final int ERROR_INDICATION = 15;
    public static final int S1_SETUP = 17;
    public static final int UE_CONTEXT_RELEASE_REQUEST = 18;
    public static final int UE_CONTEXT_RELEASE = 23;

    private ProcedureCode() {
    }
}
