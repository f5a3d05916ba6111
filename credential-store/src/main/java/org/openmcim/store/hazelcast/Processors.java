package org.openmcim.store.hazelcast;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

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
    /**
     * Hazelcast factory id of these classes. Identified serialisation: every grant travels to the
     * partition owner and again to its backup, and Java serialisation of the processor (class
     * descriptors, reflection) was a tenth of the ICF's CPU under AIR load.
     */
    static final int FACTORY_ID = 4_002;
    static final int GRANT = 1;
    static final int RESYNC = 2;
    static final int TRANSITION = 3;
    static final int RECORD_SERVING_NODE = 4;
    static final int GRANT_RESULT = 5;
    static final int DROP_BLOCK = 6;

    private Processors() {
    }

    /** Creates the processors and results above from their class ids (registered in {@link StoreMember#config}). */
    static final class Factory implements DataSerializableFactory {
        @Override
        public IdentifiedDataSerializable create(int classId) {
            return switch (classId) {
                case GRANT -> new Grant();
                case RESYNC -> new Resync();
                case TRANSITION -> new Transition();
                case RECORD_SERVING_NODE -> new RecordServingNode();
                case GRANT_RESULT -> new GrantResult();
                case DROP_BLOCK -> new SqnBlocks.Drop();
                default -> null;
            };
        }
    }

    /**
     * {@link SqnGrantLogic#apply} on the stored record; null if the subscriber is unknown. SQNs at or
     * below the committed ceiling are granted from memory; a grant whose last SQN is above it
     * commits a new ceiling ({@link SqnLease#ceilingAbove}) before anything is handed out, or fails
     * with nothing handed out.
     *
     * <p>With {@code block} above {@code count} ({@link SqnBlocks}) the grant also reserves the SEQ
     * values up to {@code block} in all for the calling member: SQN_HE moves to the last of them (the
     * ceiling, if crossed, is committed above it), the caller gets the first {@code count} SQNs as
     * usual and the record whose SQN_HE is the block's end. Fewer if SEQ runs out first.
     */
    static final class Grant implements EntryProcessor<String, StoredSubscriber, GrantResult>, IdentifiedDataSerializable {
        private static final long serialVersionUID = 2L;
        private int indBits;
        private long delta;
        private long ageLimit;
        private int ind;
        private int count;
        private Instant now;
        private int lease;
        private int block;

        /** For deserialisation. */
        public Grant() {
        }

        Grant(SqnPolicy policy, int ind, int count, Instant now, int lease) {
            this(policy, ind, count, now, lease, 0);
        }

        Grant(SqnPolicy policy, int ind, int count, Instant now, int lease, int block) {
            this.indBits = policy.indBits();
            this.delta = policy.delta();
            this.ageLimit = policy.ageLimit();
            this.ind = ind;
            this.count = count;
            this.now = now;
            this.lease = lease;
            this.block = block;
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
            if (o.grant() instanceof SqnGrant.Granted && block > count) {
                // The rest of the block: SEQ values no other member will get (SqnBlocks).
                long end = Math.min(policy.maxSeq(), policy.seq(u.sqnHe()) + block - count);
                u = u.withSqnHe(policy.sqn(end, ind));
            }
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

        @Override
        public int getFactoryId() {
            return FACTORY_ID;
        }

        @Override
        public int getClassId() {
            return GRANT;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeInt(indBits);
            out.writeLong(delta);
            out.writeLong(ageLimit);
            out.writeInt(ind);
            out.writeInt(count);
            out.writeLong(now.getEpochSecond());
            out.writeInt(now.getNano());
            out.writeInt(lease);
            out.writeInt(block);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            indBits = in.readInt();
            delta = in.readLong();
            ageLimit = in.readLong();
            ind = in.readInt();
            count = in.readInt();
            now = Instant.ofEpochSecond(in.readLong(), in.readInt());
            lease = in.readInt();
            block = in.readInt();
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
    static final class Resync implements EntryProcessor<String, StoredSubscriber, Long>, IdentifiedDataSerializable {
        private static final long serialVersionUID = 2L;
        private int indBits;
        private long delta;
        private long ageLimit;
        private long sqnMs;
        private int lease;

        /** For deserialisation. */
        public Resync() {
        }

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

        @Override
        public int getFactoryId() {
            return FACTORY_ID;
        }

        @Override
        public int getClassId() {
            return RESYNC;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeInt(indBits);
            out.writeLong(delta);
            out.writeLong(ageLimit);
            out.writeLong(sqnMs);
            out.writeInt(lease);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            indBits = in.readInt();
            delta = in.readLong();
            ageLimit = in.readLong();
            sqnMs = in.readLong();
            lease = in.readInt();
        }
    }

    /**
     * A lifecycle transition. Answers the previous state as {@code ok:STATE}, or {@code refused:STATE}
     * when {@link CredentialState#allowedFrom} forbids it (nothing changes), or null if unknown; the
     * caller turns a refusal into the IllegalStateException the interface promises.
     */
    static final class Transition implements EntryProcessor<String, StoredSubscriber, String>, IdentifiedDataSerializable {
        private static final long serialVersionUID = 1L;
        private CredentialState to;

        /** For deserialisation. */
        public Transition() {
        }

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

        @Override
        public int getFactoryId() {
            return FACTORY_ID;
        }

        @Override
        public int getClassId() {
            return TRANSITION;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeString(to.name());
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            to = CredentialState.valueOf(in.readString());
        }
    }

    /** Sets the serving node of a known subscriber; does nothing for an unknown one. */
    static final class RecordServingNode implements EntryProcessor<String, StoredSubscriber, Boolean>, IdentifiedDataSerializable {
        private static final long serialVersionUID = 1L;
        private String host;
        private String realm;
        private Instant at;

        /** For deserialisation. */
        public RecordServingNode() {
        }

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

        @Override
        public int getFactoryId() {
            return FACTORY_ID;
        }

        @Override
        public int getClassId() {
            return RECORD_SERVING_NODE;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeString(host);
            out.writeString(realm);
            out.writeLong(at.getEpochSecond());
            out.writeInt(at.getNano());
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            host = in.readString();
            realm = in.readString();
            at = Instant.ofEpochSecond(in.readLong(), in.readInt());
        }
    }

    /**
     * What a {@link Grant} answers: the outcome kind, and the stored record after it (keys still
     * encrypted; the calling member decrypts). The record inside travels in the compact
     * {@link StoredSubscriberSerializer} form.
     */
    static final class GrantResult implements IdentifiedDataSerializable {
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

        /** {@code sqns} granted; {@code record} is the caller's view of the subscriber after them. */
        static GrantResult granted(StoredSubscriber record, long[] sqns) {
            GrantResult r = new GrantResult();
            r.outcome = GRANTED;
            r.record = record;
            r.sqns = sqns;
            return r;
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
        public int getFactoryId() {
            return FACTORY_ID;
        }

        @Override
        public int getClassId() {
            return GRANT_RESULT;
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
