package org.openmcim.icf.config;

import org.openmcim.config.ConfigNode;

/**
 * What the HSS puts in Subscription-Data (TS 29.272 §7.3.2) for a subscriber: for PCIDs the
 * restricted provisioning APN of TR 33.812 (IP connectivity to the RO's DRF/DPF only), for MCIM
 * IMSIs the SHO's operational APN.
 *
 * @param apn             Service-Selection of the default (and only) APN configuration
 * @param pdnType         PDN-Type (TS 29.272 §7.3.62): ipv4, ipv6, ipv4v6
 * @param qci             QoS-Class-Identifier (TS 29.212 §5.3.17), 1..9 standardised
 * @param priorityLevel   ARP Priority-Level, 1..15
 * @param preemptionCapable   ARP Pre-emption-Capability: may this bearer pre-empt others
 * @param preemptionVulnerable ARP Pre-emption-Vulnerability: may others pre-empt it
 * @param ambrUl          APN-AMBR and UE-AMBR uplink, bit/s
 * @param ambrDl          APN-AMBR and UE-AMBR downlink, bit/s
 * @param periodicTauSeconds Subscribed-Periodic-RAU-TAU-Timer (§7.3.134), which NextEPC 0.3.10
 *                        requires at the top level of the ULA
 */
public record SubscriptionProfile(String apn, String pdnType, int qci, int priorityLevel, boolean preemptionCapable,
                                  boolean preemptionVulnerable, long ambrUl, long ambrDl, long periodicTauSeconds) {

    /** TS 29.272 §7.3.62 PDN-Type values. */
    public int pdnTypeCode() {
        switch (pdnType) {
            case "ipv4":
                return 0;
            case "ipv6":
                return 1;
            case "ipv4v6":
                return 2;
            default:
                throw new IllegalStateException(pdnType);
        }
    }

    static SubscriptionProfile from(ConfigNode n) {
        String apn = n.string("apn");
        if (!apn.matches("[A-Za-z0-9][A-Za-z0-9.-]{0,99}")) {
            throw n.error("apn", "not an APN network identifier (TS 23.003 §9.1): \"" + apn + "\"");
        }
        String pdnType = n.oneOf("pdn-type", "ipv4", "ipv4", "ipv6", "ipv4v6");
        int qci = (int) n.integer("qci", 1, 9, 9);
        ConfigNode arp = n.child("arp");
        int priority = (int) arp.integer("priority", 1, 15, 8);
        boolean capable = arp.bool("preemption-capability", false);
        boolean vulnerable = arp.bool("preemption-vulnerability", true);
        arp.rejectUnknownKeys();
        ConfigNode ambr = n.child("ambr");
        long ul = ambr.integer("uplink", 1, 4_294_967_295L);
        long dl = ambr.integer("downlink", 1, 4_294_967_295L);
        ambr.rejectUnknownKeys();
        long tau = n.integer("periodic-tau-seconds", 1, 4_294_967_295L, 3240);
        n.rejectUnknownKeys();
        return new SubscriptionProfile(apn, pdnType, qci, priority, capable, vulnerable, ul, dl, tau);
    }
}
