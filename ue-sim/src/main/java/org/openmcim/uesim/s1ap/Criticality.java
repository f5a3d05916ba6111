package org.openmcim.uesim.s1ap;

/** TS 36.413 §9.3.5: Criticality ::= ENUMERATED { reject, ignore, notify }. */
public enum Criticality {
    REJECT, IGNORE, NOTIFY
}
