package org.openmcim.dpf;

import java.time.Instant;
import java.util.Optional;
import java.util.logging.Logger;

import org.openmcim.store.CredentialState;
import org.openmcim.store.CredentialStore;
import org.openmcim.store.Subscriber;

/**
 * What the DPF tells the PCID's credential record (credential-store {@link CredentialState}): the
 * device is being provisioned (step 10 accepted), and, once the device reports success (step 19), the
 * PCID is retired — the device now attaches with its MCIM IMSI (TR 33.812 steps 18-20). A failure
 * report leaves it PROVISIONING so the device can try again with the same PCID.
 */
public interface PcidLifecycle {
    void provisioning(String pcid, Instant at);

    void provisioned(String pcid, boolean success, Instant at);

    /** TR 33.812 §5.1.3.7.4.3 step 2: the M2ME reverts to the pristine state and provisions again from its PCID. */
    default void reissued(String pcid, Instant at) {
    }

    /**
     * TR §5.1.3.7.4.3 NOTE 2: the renewed PCID the RO issued for {@code pcid} and has not yet
     * delivered, with its keys (the DPF seals them to the TRE at once and keeps only the sealed form).
     */
    default Optional<Subscriber> pendingRenewal(String pcid) {
        return Optional.empty();
    }

    /** The TRE reported the package carrying {@code pcid}'s renewal installed: the old PCID is replaced. */
    default void renewalInstalled(String pcid, Instant at) {
    }

    /** For a DPF that does not share the ICF's store. */
    static PcidLifecycle none() {
        return new PcidLifecycle() {
            @Override
            public void provisioning(String pcid, Instant at) {
            }

            @Override
            public void provisioned(String pcid, boolean success, Instant at) {
            }
        };
    }

    /**
     * Over the ICF's credential store. A transition the store refuses (a non-3GPP PCID never reported
     * ATTACHED, a PCID already retired) is logged, not fatal: the provisioning itself is sound.
     */
    static PcidLifecycle of(CredentialStore store) {
        Logger log = Logger.getLogger(PcidLifecycle.class.getName());
        return new PcidLifecycle() {
            @Override
            public void provisioning(String pcid, Instant at) {
                move(pcid, CredentialState.PROVISIONING, at);
            }

            @Override
            public void provisioned(String pcid, boolean success, Instant at) {
                if (success) {
                    move(pcid, CredentialState.RETIRED, at);
                }
            }

            @Override
            public void reissued(String pcid, Instant at) {
                move(pcid, CredentialState.ISSUED, at);
            }

            @Override
            public Optional<Subscriber> pendingRenewal(String pcid) {
                return store.pendingRenewal(pcid).flatMap(store::find);
            }

            @Override
            public void renewalInstalled(String pcid, Instant at) {
                try {
                    store.renewalInstalled(pcid, at).ifPresent(fresh -> log.info("PCID " + pcid + " replaced by " + fresh
                            + ": the TRE installed the renewal"));
                } catch (IllegalStateException e) {
                    log.info("PCID " + pcid + ": " + e.getMessage());
                }
            }

            private void move(String pcid, CredentialState to, Instant at) {
                try {
                    if (store.transition(pcid, to, at).isEmpty()) {
                        log.info("PCID " + pcid + " is not in the credential store; state not changed");
                    }
                } catch (IllegalStateException e) {
                    log.info("PCID " + pcid + ": " + e.getMessage());
                }
            }
        };
    }
}
