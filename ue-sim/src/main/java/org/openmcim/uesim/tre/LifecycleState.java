package org.openmcim.uesim.tre;

import java.util.EnumSet;
import java.util.Set;

/**
 * RNCP/MCIM lifecycle states of the IoT seed §3.2.2. DELETED is not a state a slot stays in: the
 * slot is removed.
 */
public enum LifecycleState {
    /** "an instance ... has been created and has an entry in the node's registry". */
    INSTALLED,
    /** "authorised for operational use". */
    ACTIVATED,
    /** "a session with it has commenced"; only an activated one can be selected; ends back in ACTIVATED. */
    SELECTED,
    /** "temporarily de-activated"; unblocking restores ACTIVATED. */
    BLOCKED,
    /** "permanently unavailable for use, but still instantiated". */
    RETIRED,
    /** "permanently removed"; allowed from any state but SELECTED. */
    DELETED;

    /** The states this one may be entered from. */
    public Set<LifecycleState> from() {
        return switch (this) {
            case INSTALLED -> EnumSet.noneOf(LifecycleState.class); // only by installing
            case ACTIVATED -> EnumSet.of(INSTALLED, SELECTED, BLOCKED);
            case SELECTED -> EnumSet.of(ACTIVATED);
            case BLOCKED -> EnumSet.of(ACTIVATED);
            case RETIRED -> EnumSet.of(INSTALLED, ACTIVATED, BLOCKED);
            case DELETED -> EnumSet.of(INSTALLED, ACTIVATED, BLOCKED, RETIRED);
        };
    }
}
