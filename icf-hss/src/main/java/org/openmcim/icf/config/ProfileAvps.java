package org.openmcim.icf.config;

import org.openmcim.diameter.Avp;
import org.openmcim.diameter.dictionary.AvpDefinition;
import org.openmcim.diameter.dictionary.Dictionary;

/**
 * The subscription profile as the AVPs S6a's Subscription-Data (TS 29.272 §7.3.2) and SWx's
 * Non-3GPP-User-Data (TS 29.273 §8.2.3.1) both carry: AMBR and one APN-Configuration with its
 * EPS-Subscribed-QoS-Profile. One place, so the two interfaces always describe the same APN.
 */
public final class ProfileAvps {
    private final SubscriptionProfile profile;
    private final AvpDefinition ambr, mbrUl, mbrDl, apnConfiguration, contextId, pdnType, serviceSelection, qosProfile, qci, arp,
            priorityLevel, preemptionCapability, preemptionVulnerability;

    public ProfileAvps(Dictionary d, SubscriptionProfile profile) {
        this.profile = profile;
        this.ambr = d.avp("AMBR");
        this.mbrUl = d.avp("Max-Requested-Bandwidth-UL");
        this.mbrDl = d.avp("Max-Requested-Bandwidth-DL");
        this.apnConfiguration = d.avp("APN-Configuration");
        this.contextId = d.avp("Context-Identifier");
        this.pdnType = d.avp("PDN-Type");
        this.serviceSelection = d.avp("Service-Selection");
        this.qosProfile = d.avp("EPS-Subscribed-QoS-Profile");
        this.qci = d.avp("QoS-Class-Identifier");
        this.arp = d.avp("Allocation-Retention-Priority");
        this.priorityLevel = d.avp("Priority-Level");
        this.preemptionCapability = d.avp("Pre-emption-Capability");
        this.preemptionVulnerability = d.avp("Pre-emption-Vulnerability");
    }

    /** AMBR: the profile's uplink and downlink bit rates. */
    public Avp ambr() {
        return Avp.grouped(ambr, Avp.unsigned32(mbrUl, profile.ambrUl()), Avp.unsigned32(mbrDl, profile.ambrDl()));
    }

    /** The profile's APN as one APN-Configuration (TS 29.272 §7.3.35) under {@code context}. */
    public Avp apnConfiguration(int context) {
        // TS 29.212 §5.3.46/§5.3.47: 0 = PRE-EMPTION_CAPABILITY_ENABLED / _VULNERABILITY_ENABLED, 1 = DISABLED.
        Avp allocation = Avp.grouped(arp, Avp.unsigned32(priorityLevel, profile.priorityLevel()),
                Avp.enumerated(preemptionCapability, profile.preemptionCapable() ? 0 : 1),
                Avp.enumerated(preemptionVulnerability, profile.preemptionVulnerable() ? 0 : 1));
        return Avp.grouped(apnConfiguration, Avp.unsigned32(contextId, context), Avp.enumerated(pdnType, profile.pdnTypeCode()),
                Avp.utf8String(serviceSelection, profile.apn()), Avp.grouped(qosProfile, Avp.enumerated(qci, profile.qci()), allocation),
                ambr());
    }
}
