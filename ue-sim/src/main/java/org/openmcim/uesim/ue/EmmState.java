package org.openmcim.uesim.ue;

/** TS 24.301 §5.1.3.2.1: the main EMM states of the UE that the simulator passes through. */
public enum EmmState {
    EMM_DEREGISTERED, EMM_REGISTERED_INITIATED, EMM_REGISTERED, EMM_DEREGISTERED_INITIATED
}
