package org.openmcim.store.hazelcast;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;

import org.openmcim.aka.sqn.HomeSqn;
import org.openmcim.aka.sqn.SqnPolicy;
import org.openmcim.store.CredentialState;
import org.openmcim.store.CredentialStore.ServingNode;
import org.openmcim.store.SqnGrant;
import org.openmcim.store.SqnGrantLogic;
import org.openmcim.store.Subscriber;

/**
 * The read-modify-write steps of {@link HazelcastCredentialStore}, run by the partition owner on
 * the stored record, one at a time per key: Hazelcast executes all operations of a partition on
 * its single partition thread, so two members asking for the same PCID are serialised there
 * instead of racing a get-then-put (issue #4; TS 33.102 Annex C.1.2 "SQN_HE is incremented").
 *
 * <p>With a write-through MapStore, {@code entry.setValue} stores to the database before the
 * operation answers, and a failed store fails the call (the entry keeps its old value). The one
 * exception is a grant inside the committed SQN lease ({@link SqnLease}): its new value differs
 * only in the in-memory SQN_HE, is marked {@link StoredSubscriber#rowUnchanged} and
 * {@link SubscriberMapStore#store} skips it. Backups run the same processor on the same input (the
 * default backup processor is the processor itself), and every processor here is a pure function
 * of the entry and its fields, so the replicas agree on SQN_HE and on the ceiling.
 *
 * <p>All operations on one map partition, the store step included, run one after another
 * (Hazelcast queues them while a MapStore call is offloaded), so two members crossing a ceiling at
 * once cannot both start from the old SQN_HE: the second sees the first's SQN_HE and new ceiling.
 *
 * <p>The processors see K and OPc only as ciphertext; {@link StoredSubscriber#decisionView()} hands
 * {@link SqnGrantLogic} zero keys, whose values it never reads.
 */
final class Processors {
    private Processors() {
    }

    /**
     * {@link SqnGrantLogic#apply} on the stored record; null if the subscriber is unknown. SQNs at or
     * below the committed ceiling are granted from memory; a grant whose last SQN is above it
     * commits a new ceiling ({@link SqnLease#ceilingAbove}) before anything is handed out, or fails
     * with nothing handed out.
     */
    static final class Grant implements EntryProcessor<String, StoredSubscriber, GrantResult> {
        private static final long serialVersionUID = 2L;
        private final int indBits;
        private final long delta;
        private final long ageLimit;
        private final int ind;
        private final int count;
        private final Instant now;
        private final int lease;

        Grant(SqnPolicy policy, int ind, int count, Instant now, int lease) {
            this.indBits = policy.indBits();
            this.delta = policy.delta();
            this.ageLimit = policy.ageLimit();
            this.ind = ind;
            this.count = count;
            this.now = now;
            this.lease = lease;
        }

        @Override
        public GrantResult process(Map.Entry<String, StoredSubscriber> entry) {
            StoredSubscriber cur = entry.getValue();
            if (cur == null) {
                return null;
            }
            SqnPolicy policy = new SqnPolicy(indBits, delta, ageLimit);
            SqnGrantLogic.Outcome o = SqnGrantLogic.apply(cur.decisionView(), policy, ind, count, now);
            Subscriber u = o.updated();
            StoredSubscriber next = cur;
            if (u.sqnHe() != cur.sqnHe() || u.state() != cur.state()) {
                long ceiling = SqnLease.covers(cur.sqnLease(), u.sqnHe()) ? cur.sqnLease()
                        : SqnLease.ceilingAbove(policy, u.sqnHe(), lease);
                next = cur.withSqn(u.sqnHe(), ceiling, u.state());
                // Inside the lease the row is unchanged and the map store skips it; above it, or on
                // a state change, write-through persists the row before the caller hears of it.
                entry.setValue(next);
            }
            return GrantResult.of(o.grant(), next);
        }
    }

    /**
     * {@link HomeSqn#afterResync} on the stored SQN_HE; null if unknown. A resync that moves SQN_HE
     * (TS 33.102 §6.3.5: to SQN_MS, forwards or back) commits a ceiling L SEQ values above the new
     * SQN_HE before it is acknowledged, so a full restart resumes near SQN_MS: above it, and within
     * Δ of it even when the reset went backwards because SQN_HE had run more than Δ ahead (a
     * ceiling left up there would have every post-restart vector refused again). Resets are the
     * one place where an SQN may be handed out again, as the specification intends.
     */
    static final class Resync implements EntryProcessor<String, StoredSubscriber, Long> {
        private static final long serialVersionUID = 2L;
        private final int indBits;
        private final long delta;
        private final long ageLimit;
        private final long sqnMs;
        private final int lease;

        Resync(SqnPolicy policy, long sqnMs, int lease) {
            this.indBits = policy.indBits();
            this.delta = policy.delta();
            this.ageLimit = policy.ageLimit();
            this.sqnMs = sqnMs;
            this.lease = lease;
        }

        @Override
        public Long process(Map.Entry<String, StoredSubscriber> entry) {
            StoredSubscriber cur = entry.getValue();
            if (cur == null) {
                return null;
            }
            SqnPolicy policy = new SqnPolicy(indBits, delta, ageLimit);
            long sqn = HomeSqn.afterResync(policy, cur.sqnHe(), sqnMs);
            if (sqn != cur.sqnHe()) {
                entry.setValue(cur.withSqn(sqn, SqnLease.ceilingAbove(policy, sqn, lease), cur.state()));
            }
            return sqn;
        }
    }

    /**
     * A lifecycle transition. Answers the previous state as {@code ok:STATE}, or {@code refused:STATE}
     * when {@link CredentialState#allowedFrom} forbids it (nothing changes), or null if unknown; the
     * caller turns a refusal into the IllegalStateException the interface promises.
     */
    static final class Transition implements EntryProcessor<String, StoredSubscriber, String> {
        private static final long serialVersionUID = 1L;
        private final CredentialState to;

        Transition(CredentialState to) {
            this.to = to;
        }

        @Override
        public String process(Map.Entry<String, StoredSubscriber> entry) {
            StoredSubscriber cur = entry.getValue();
            if (cur == null) {
                return null;
            }
            if (!to.allowedFrom().contains(cur.state())) {
                return "refused:" + cur.state().name();
            }
            if (cur.state() != to) {
                entry.setValue(cur.withState(to));
            }
            return "ok:" + cur.state().name();
        }
    }

    /** Sets the serving node of a known subscriber; does nothing for an unknown one. */
    static final class RecordServingNode implements EntryProcessor<String, StoredSubscriber, Boolean> {
        private static final long serialVersionUID = 1L;
        private final String host;
        private final String realm;
        private final Instant at;

        RecordServingNode(ServingNode node) {
            this.host = node.host();
            this.realm = node.realm();
            this.at = node.registeredAt();
        }

        @Override
        public Boolean process(Map.Entry<String, StoredSubscriber> entry) {
            StoredSubscriber cur = entry.getValue();
            if (cur == null) {
                return Boolean.FALSE;
            }
            entry.setValue(cur.withServingNode(new ServingNode(host, realm, at)));
            return Boolean.TRUE;
        }
    }

    /**
     * What a {@link Grant} answers: the outcome kind, and the stored record after it (keys still
     * encrypted; the calling member decrypts). DataSerializable so the record inside travels in
     * the compact {@link StoredSubscriberSerializer} form.
     */
    static final class GrantResult implements DataSerializable {
        static final byte GRANTED = 0;
        static final byte NOT_SERVING = 1;
        static final byte UNAVAILABLE = 2;

        byte outcome;
        long[] sqns;
        String reason;
        StoredSubscriber record;

        public GrantResult() {
            // for deserialisation
        }

        static GrantResult of(SqnGrant g, StoredSubscriber record) {
            GrantResult r = new GrantResult();
            r.record = record;
            if (g instanceof SqnGrant.Granted granted) {
                r.outcome = GRANTED;
                r.sqns = granted.sqns();
            } else if (g instanceof SqnGrant.NotServing) {
                r.outcome = NOT_SERVING;
            } else if (g instanceof SqnGrant.Unavailable u) {
                r.outcome = UNAVAILABLE;
                r.reason = u.reason();
            } else {
                throw new IllegalArgumentException("unexpected grant " + g);
            }
            return r;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeByte(outcome);
            out.writeLongArray(sqns);
            out.writeString(reason);
            out.writeObject(record);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            outcome = in.readByte();
            sqns = in.readLongArray();
            reason = in.readString();
            record = in.readObject();
        }
    }
}
