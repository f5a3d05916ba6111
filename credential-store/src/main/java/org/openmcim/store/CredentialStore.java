package org.openmcim.store;

import java.time.Instant;
import java.util.Collection;
import java.util.Optional;

import org.openmcim.aka.sqn.SqnPolicy;

/**
 * Where the ICF and the SHO's HSS keep subscriber credentials (issue #4). One interface, two
 * implementations: {@link InMemoryCredentialStore} for unit tests, a Hazelcast cluster with a
 * write-through database for everything real.
 *
 * <p>Every method may block (a cluster round trip, a database write): callers keep them off Netty
 * event loops. Every mutation is atomic per subscriber across the cluster and is acknowledged only
 * once persisted, with one refinement for SQN_HE in the Hazelcast store: a grant inside the
 * subscriber's committed SQN lease is persisted by the cluster's synchronous backups, and only the
 * lease ceiling is in the database, committed before any SQN above the previous ceiling is handed
 * out ({@code org.openmcim.store.hazelcast.SqnLease}). No SQN is handed out twice either way; a full
 * restart of that store resumes at most L SEQ values above the last one. No method returns or logs
 * key material except {@link #find} and the keys inside a {@link SqnGrant.Granted}, which exist so
 * the caller can compute vectors.
 */
public interface CredentialStore extends AutoCloseable {

    /** The subscriber with keys decrypted, or empty if unknown. */
    Optional<Subscriber> find(String imsi);

    /**
     * Atomically (TS 33.102 Annex C, C.1.2): checks the state (and expiry at {@code now}; an
     * expired PCID is marked EXPIRED), reserves {@code count} consecutive SEQ values with IND
     * {@code ind}, advances SQN_HE, makes it durable (see the class comment on leases), and
     * returns the SQNs with the keys. Two members answering for the same subscriber never hand out
     * the same SQN. {@code find(imsi).sqnHe()} is the last SQN handed out, except right after a
     * full restart of the Hazelcast store, where it is the committed lease ceiling above it, and
     * with member-local SQN blocks ({@code sqn.block}), where it is the end of the last block
     * reserved: at or above every SQN handed out either way.
     */
    SqnGrant grantVectors(String imsi, SqnPolicy policy, int ind, int count, Instant now);

    /**
     * {@link #grantVectors}, with the same guarantees, if this store can decide it from this
     * process's memory without blocking — no cluster call, no database, no waiting for a lock held
     * across either — else empty, having changed nothing. The exception to the class comment: safe
     * on a Netty event loop, so that the ICF answers such an AIR there instead of waking a worker
     * thread and the loop again for it (issue #3: at part load those wake-ups cost more CPU than the
     * answer). Empty by default.
     */
    default Optional<SqnGrant> grantVectorsWithoutBlocking(String imsi, SqnPolicy policy, int ind, int count, Instant now) {
        return Optional.empty();
    }

    /**
     * Atomically applies a resynchronisation whose MAC-S the caller has verified (§6.3.5): SQN_HE
     * stays if the next SQN would be accepted, else becomes {@code sqnMs} (a new SQN_HE is persisted,
     * with its lease, before this returns; if it cannot be, this throws and nothing changes).
     * Returns the new SQN_HE, or empty if the subscriber is unknown.
     */
    Optional<Long> resync(String imsi, SqnPolicy policy, long sqnMs);

    /**
     * Moves a subscriber to {@code to} if its current state is one {@code to} allows
     * ({@link CredentialState#allowedFrom}); returns the previous state, or empty if unknown.
     *
     * @throws IllegalStateException if the transition is not allowed (nothing changes)
     */
    Optional<CredentialState> transition(String imsi, CredentialState to, Instant at);

    /**
     * Records the serving node that last registered the subscriber (ULR, TS 29.272 §5.2.1.1): the
     * ICF sends Cancel-Location there when the PCID is retired.
     */
    void recordServingNode(String imsi, ServingNode node);

    Optional<ServingNode> servingNode(String imsi);

    /**
     * Records the 3GPP AAA server that registered the subscriber over SWx (SAR REGISTRATION,
     * TS 29.273 §8.1.2.2.1), unless another one is registered already. A separate slot from
     * {@link #recordServingNode}: a device may be attached through an MME and a non-3GPP access
     * at once, and each needs its own cancellation target. Atomic per subscriber.
     *
     * @return the AAA server registered after the call: {@code node} itself, or the other server
     *         already registered (nothing changes then); empty if the subscriber is unknown
     */
    Optional<ServingNode> registerAaaServer(String imsi, ServingNode node);

    /**
     * Removes the AAA server registration if it is held by {@code host} (SAR USER_DEREGISTRATION
     * and the other deregistration types, TS 29.273 §8.1.2.2.1); returns whether one was removed.
     */
    boolean deregisterAaaServer(String imsi, String host);

    /** The 3GPP AAA server registered for the subscriber over SWx, if any. */
    Optional<ServingNode> aaaServer(String imsi);

    /** Adds new subscribers, all or none: fails without change if any IMSI already exists. */
    void insertAll(Collection<Subscriber> subscribers);

    /**
     * PCID renewal (TR 33.812 §5.1.3.7.4.3 NOTE 2: "an updated initial network access credential
     * could be delivered as a MCIM to the M2ME"): stores {@code fresh}, a new PCID, and records it
     * as the renewal of {@code oldPcid} awaiting delivery in the device's next MCIM package. The old
     * PCID keeps working until the TRE has installed the new one ({@link #renewalInstalled}).
     *
     * @throws IllegalArgumentException if {@code oldPcid} is unknown, or already has a renewal
     *                                  awaiting delivery, or {@code fresh}'s IMSI exists (nothing stored)
     */
    void issueRenewal(String oldPcid, Subscriber fresh, Instant at);

    /** The new PCID issued for {@code oldPcid} and not yet installed by its TRE, if any. */
    Optional<String> pendingRenewal(String oldPcid);

    /**
     * The TRE reported the package carrying the renewal installed (TR step 19): {@code oldPcid}
     * becomes REPLACED, never served again, and the renewal is no longer pending. Returns the new
     * PCID, or empty if there was no renewal pending.
     */
    Optional<String> renewalInstalled(String oldPcid, Instant at);

    /** Removes a subscriber (an SHO withdraws a failed MCIM); returns whether it existed. */
    boolean delete(String imsi);

    /** Number of subscribers held. */
    long size();

    /**
     * Which of {@code imsis} are held (import checks, CHTIF collision checks); no keys are
     * decrypted. The default asks {@link #find} per IMSI; implementations batch it.
     */
    default java.util.Set<String> existing(Collection<String> imsis) {
        java.util.Set<String> found = new java.util.HashSet<>();
        for (String imsi : imsis) {
            if (find(imsi).isPresent()) {
                found.add(imsi);
            }
        }
        return found;
    }

    @Override
    void close();

    /** A serving node (MME/SGSN/AAA server) by its Diameter identity. */
    record ServingNode(String host, String realm, Instant registeredAt) {
    }
}
