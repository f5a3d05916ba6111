package org.openmcim.store;

/** Whose subscriber a record is. */
public enum SubscriberKind {
    /** A provisional connectivity identity served by the RO's ICF (TR 33.812 §5.1.3.6.2 step 1). */
    PCID,
    /** An MCIM IMSI served by the SHO's HSS (the same server in home mode). */
    HOME
}
