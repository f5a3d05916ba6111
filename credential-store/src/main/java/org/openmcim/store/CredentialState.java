package org.openmcim.store;

import java.util.EnumSet;
import java.util.Set;

/**
 * Lifecycle of a PCID credential. ISSUED → ATTACHED → PROVISIONING → RETIRED is the provisioning
 * path (TR 33.812 steps 1-20: the PCID is retired once the MCIM is installed); EXPIRED (lifetime over,
 * NOTE 2 of both seeds) and REVOKED (withdrawn by the issuer) end it early. REPLACED: the TRE has
 * installed a renewed initial credential (TR §5.1.3.7.4.3 NOTE 2), so this PCID is never served
 * again, not even after a revert to the pristine state, which now uses the new PCID. Home
 * subscribers are ACTIVE or REVOKED.
 */
public enum CredentialState {
    ISSUED, ATTACHED, PROVISIONING, RETIRED, EXPIRED, REVOKED, ACTIVE, REPLACED;

    /** States from which this one may be entered. */
    public Set<CredentialState> allowedFrom() {
        switch (this) {
            case ISSUED:
                // TR 33.812 §5.1.3.7.4.3: an SHO ordered a revert to the pristine state; the M2ME will
                // provision again from its PCID (step 4 → §5.1.3.6), so the RO re-issues it.
                return EnumSet.of(RETIRED);
            case ATTACHED:
                return EnumSet.of(ISSUED, ATTACHED, PROVISIONING);
            case PROVISIONING:
                return EnumSet.of(ATTACHED, PROVISIONING);
            case RETIRED:
                return EnumSet.of(ATTACHED, PROVISIONING);
            case EXPIRED:
                return EnumSet.of(ISSUED, ATTACHED, PROVISIONING);
            case REVOKED:
                return EnumSet.of(ISSUED, ATTACHED, PROVISIONING, ACTIVE);
            case REPLACED:
                // Whatever the old PCID was doing when the TRE reported the renewal installed.
                return EnumSet.of(ISSUED, ATTACHED, PROVISIONING, RETIRED, EXPIRED);
            default:
                return EnumSet.noneOf(CredentialState.class);
        }
    }

    /** Whether vectors may be issued in this state. */
    public boolean servesVectors() {
        return this == ISSUED || this == ATTACHED || this == PROVISIONING || this == ACTIVE;
    }
}
