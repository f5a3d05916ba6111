package org.openmcim.uesim.s1ap;

/** TS 36.413 §9.3.2: the three root alternatives of S1AP-PDU. */
public enum PduType {
    INITIATING_MESSAGE, SUCCESSFUL_OUTCOME, UNSUCCESSFUL_OUTCOME
}
