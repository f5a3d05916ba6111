package org.openmcim.drf;

import java.net.InetAddress;
import java.time.Instant;

/**
 * The DRF's input from the ICF (TR 33.812 step 6: "the RO forwards the PCID and the IP address of the
 * M2ME from its ICF to its DRF function"). The ICF learns both from Gx CCR-Initial when the PGW opens
 * the provisioning PDN connection, and calls this — in process, or through
 * {@code POST /drf/v1/attach-events} when the ICF runs elsewhere. Implementations return at once and
 * do the work elsewhere: the caller may be a Diameter event loop or an HTTP worker.
 */
public interface PcidAttachedListener {
    void pcidAttached(String pcid, InetAddress ip, Instant at);

    /**
     * The PCID's IP-CAN session ended (Gx CCR-Termination, TS 29.212 §4.5.3) at {@code at}: the
     * address reported before is no longer the M2ME's. By default nothing happens.
     */
    default void sessionEnded(String pcid, Instant at) {
    }
}
