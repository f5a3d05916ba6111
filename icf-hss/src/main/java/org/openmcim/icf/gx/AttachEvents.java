package org.openmcim.icf.gx;

import java.net.InetAddress;
import java.time.Instant;

/**
 * What the ICF learns over Gx (TR 33.812 §5.1.3.6.2 step 6): a PCID has an IP-CAN session at
 * this address on this APN, or its session is gone. The DRF subscribes to push the bootstrap to
 * the address: in process through {@link InProcessAttachEvents}, in another process through
 * {@link org.openmcim.icf.drf.DrfAttachEvents} (the {@code drf} section of the ICF's YAML). Called on
 * Diameter worker threads after the store has been consulted and before the CCA leaves;
 * implementations return quickly and do not throw.
 */
public interface AttachEvents {

    /**
     * A CCR-Initial for a PCID was accepted.
     *
     * @param ip  the UE address from Framed-IP-Address (or the Framed-IPv6-Prefix address)
     * @param apn Called-Station-Id, the APN the PDN connection is on
     */
    void pcidAttached(String imsi, InetAddress ip, String apn, Instant at);

    /** A CCR-Termination ended the PCID's IP-CAN session. */
    void sessionEnded(String imsi, Instant at);

    /** A sink that drops everything: for an ICF with no DRF attached. */
    AttachEvents NONE = new AttachEvents() {
        @Override
        public void pcidAttached(String imsi, InetAddress ip, String apn, Instant at) {
        }

        @Override
        public void sessionEnded(String imsi, Instant at) {
        }
    };
}
