package org.openmcim.drf;

import java.net.InetAddress;
import java.time.Instant;

/**
 * The DRF's input from the ICF (TR 33.812 step 6: "the RO forwards the PCID and the IP address of the
 * M2ME from its ICF to its DRF function"). The ICF learns both from Gx CCR-Initial when the PGW opens
 * the provisioning PDN connection, and calls this. Implementations return at once and do the work
 * elsewhere: the caller may be a Diameter event loop.
 */
public interface PcidAttachedListener {
    void pcidAttached(String pcid, InetAddress ip, Instant at);
}
