package org.openmcim.store.hazelcast;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

import org.openmcim.aka.sqn.SqnPolicy;
import org.openmcim.store.SqnGrant;
import org.openmcim.store.SubscriberKind;

/**
 * Member-local SQN blocks, the second level below {@link SqnLease} ({@code sqn.block} in
 * config/store.yaml; issue #3). With B &gt; 0, the first grant for a subscriber on this member
 * reserves B SEQ values in one entry processor call ({@link Processors.Grant} with a block): the
 * cluster's SQN_HE moves to the end of the block (and the persisted ceiling above it, as for any
 * grant), the first SQNs go to the caller and the rest stay here. The following grants for that
 * subscriber on this member take the next SEQ values from memory, with no cluster round trip, until
 * the block is used up, older than its validity ({@code sqn.block-validity}, {@link Settings}), or
 * dropped.
 *
 * <p><b>No SQN twice.</b> Every block is reserved by advancing the one SQN_HE of the subscriber on
 * its partition owner (TS 33.102 C.1.2, "SQN_HE is incremented"), so the blocks of different members
 * never overlap, and a member takes each SEQ of its block once, under the block's lock. Resets are
 * the exception the specification intends (§6.3.5), and every block is dropped then (below).
 *
 * <p><b>What the USIM accepts (C.2, C.3).</b> SQN = SEQ ‖ IND (C.1.1); the USIM keeps SEQ_MS(i) for
 * each IND i and accepts a SEQ with IND i if it is above SEQ_MS(i) and at most Δ above the highest
 * entry (C.2.2). The optional age limit L of C.2.2 is off in our profile ({@code SqnPolicy}, no
 * configuration key sets it); with it on, a member's SEQ could lag the highest accepted one by the
 * values other members reserved meanwhile, which L counts, so blocks would need L far above them.
 * The ICF chooses IND per serving node (C.1.2, C.3.4; {@code IndAllocator}), so what matters is the order in
 * which one serving node's vectors carry SEQ values:
 * <ul>
 * <li>Each member's SEQ values for a subscriber strictly increase in the order it hands them out: a
 * new block is reserved only from the cluster's SQN_HE, which is above every block reserved before
 * (it only goes down by a resynchronisation, which drops every block first). So a serving node whose
 * AIRs for a subscriber reach one ICF member (its Diameter peer, the usual case) gets increasing SEQ
 * values under its IND, exactly as without blocks, and the USIM accepts them in order.</li>
 * <li>Jumps: between two of one member's vectors lie the SEQ values other members reserved meanwhile
 * and the unused rest of a block dropped or expired (a crashed member's block is simply skipped). A
 * jump is refused only beyond Δ (2^28); the ICF checks lease + members × B against Δ / 2 at start-up
 * ({@code StoreConfig.checkLeaseAgainst}).</li>
 * <li>If one serving node's AIRs for one subscriber alternate between ICF members, a later vector
 * may carry a lower SEQ than an earlier one under the same IND (member 2's block lies above member
 * 1's). If the earlier one was used first, the USIM finds the later one not fresh and answers with a
 * synchronisation failure (AUTS, §6.3.3); the ICF resynchronises, which drops every block of that
 * subscriber on every member, and the next vectors are above SQN_MS. The cost is one extra
 * authentication round, never a reused SQN. A deployment that spreads one MME's AIRs over ICF members
 * request by request should leave {@code sqn.block} at 0.</li>
 * </ul>
 *
 * <p><b>Dropping blocks.</b> {@link #dropEverywhere} runs after every state change that stops vectors
 * (RETIRED, REVOKED, EXPIRED by transition), every resynchronisation and every delete, on the member
 * that made the change, whatever its own B: it asks every member that announces B &gt; 0 (member
 * attribute {@link #ATTRIBUTE}) to drop the subscriber's block and waits for each answer. A member drops
 * under the block's lock, so a grant in progress finishes first and none follows; the next grant
 * there goes to the cluster and sees the new state or SQN_HE. A member that has left cannot grant; one
 * that does not answer in time may still hold a block, so the caller then waits until every block
 * reserved before its change has expired (the longest validity a member with blocks announces,
 * attribute {@link #VALIDITY_ATTRIBUTE}, counted by each member from before it sent its reservation). Either way, when {@code transition(RETIRED)} returns, no member hands out a vector
 * for that PCID. A lifetime that ends needs no message: each block keeps the PCID's expiry instant and
 * sends the first grant at or after it to the cluster, which marks it EXPIRED (NOTE 2 of the seeds).
 *
 * <p>A full restart of the cluster loses every block and resumes above the persisted ceiling, which
 * covers the end of every block reserved ({@link SqnLease}).
 */
public final class SqnBlocks {
    private static final Logger LOG = Logger.getLogger(SqnBlocks.class.getName());

    /** Largest B: a member's crash skips up to B SEQ values per subscriber, which must stay far below Δ. */
    public static final int MAX = 100_000;
    /** Member attribute carrying this member's B, so that state changes ask only members with blocks. */
    static final String ATTRIBUTE = "openmcim.sqn-block";
    /**
     * Member attribute carrying this member's block validity in milliseconds: what a state change
     * waits for when the member does not answer its drop. A member without it (an older version) is
     * taken to have {@link Settings#DEFAULT_VALIDITY}, the constant it was built with.
     */
    static final String VALIDITY_ATTRIBUTE = "openmcim.sqn-block-validity-ms";
    /** Key of this member's blocks in Hazelcast's user context (for {@link Drop}). */
    static final String USER_CONTEXT_KEY = "openmcim.sqnBlocks";
    /** Hazelcast executor that runs {@link Drop} on the members. */
    static final String EXECUTOR = "openmcim-store-blocks";
    /** Sweep blocks that expired unused once per this many reservations (bounds the map). */
    private static final int SWEEP_EVERY = 4096;

    /**
     * B, and how long a member may grant from a block after it asked for it ({@code sqn.block} and
     * {@code sqn.block-validity} in config/store.yaml; the same on every member).
     *
     * <p>The validity bounds how long a member that missed a drop (it did not answer in time) could go
     * on granting, and so how long a state change waits in that case. It also decides how often a
     * busy subscriber's grant waits for the cluster: a block is reserved again when it is used up or
     * expired, whichever comes first, so a subscriber with an AIR every second and B = 64 reserves
     * every 10 s (one AIR in ten through a worker and the cluster) with the default and every 60 s
     * (one in sixty) with a minute.
     */
    public record Settings(int size, Duration validity) {
        public static final Duration DEFAULT_VALIDITY = Duration.ofSeconds(10);
        public static final Duration MIN_VALIDITY = Duration.ofSeconds(1);
        /** A state change whose drop a member misses waits up to this long: keep it bounded. */
        public static final Duration MAX_VALIDITY = Duration.ofMinutes(10);

        public Settings {
            check(size);
            if (!validValidity(validity)) {
                throw new IllegalArgumentException("SQN block validity must be " + MIN_VALIDITY.toSeconds() + " s.."
                        + MAX_VALIDITY.toMinutes() + " min, got " + validity);
            }
        }

        /** B with the default validity. */
        public static Settings of(int size) {
            return new Settings(size, DEFAULT_VALIDITY);
        }

        public static boolean validValidity(Duration validity) {
            return validity != null && validity.compareTo(MIN_VALIDITY) >= 0 && validity.compareTo(MAX_VALIDITY) <= 0;
        }
    }

    private final int size;
    private final long validityNanos;
    private final IMap<String, StoredSubscriber> map;
    private final int lease;
    private final LongSupplier nanoTime;
    private final Map<String, Block> blocks = new ConcurrentHashMap<>();
    private final AtomicLong reservations = new AtomicLong();

    SqnBlocks(Settings settings, IMap<String, StoredSubscriber> map, int lease, LongSupplier nanoTime) {
        this.size = settings.size();
        this.validityNanos = settings.validity().toNanos();
        this.map = map;
        this.lease = lease;
        this.nanoTime = nanoTime;
    }

    /** @throws IllegalArgumentException unless {@code 0 ≤ block ≤ MAX} (0: no member-local blocks) */
    public static int check(int block) {
        if (block < 0 || block > MAX) {
            throw new IllegalArgumentException("SQN block must be 0.." + MAX + " SEQ values, got " + block);
        }
        return block;
    }

    int size() {
        return size;
    }

    /** One subscriber's block on this member; every field is guarded by {@code lock}. */
    private static final class Block {
        final ReentrantLock lock = new ReentrantLock();
        /** Set when dropped or swept: this object is out of the map and never used again. */
        boolean dead;
        /** The record as the reservation left it (keys encrypted), or null: no block held. */
        StoredSubscriber record;
        SqnPolicy policy;
        long nextSeq;
        long endSeq;
        /** nanoTime before the reservation was sent. */
        long reservedAt;
        /** When the PCID's lifetime ends (NOTE 2), or null. */
        Instant expiresAt;

        boolean usable(SqnPolicy p, int count, Instant now, long nanos, long validityNanos) {
            return record != null && p.equals(policy) && endSeq - nextSeq + 1 >= count
                    && nanos - reservedAt < validityNanos && (expiresAt == null || now.isBefore(expiresAt));
        }
    }

    /**
     * The grant, from this member's block when it has a usable one, else through the cluster with a
     * new block reserved. Converts the cluster's answer like the store does ({@code toGrant}).
     */
    SqnGrant grant(String imsi, SqnPolicy policy, int ind, int count, Instant now,
                   Function<Processors.GrantResult, SqnGrant> toGrant,
                   Function<RuntimeException, SqnGrant> onFailure) {
        while (true) {
            Block b = blocks.computeIfAbsent(imsi, k -> new Block());
            b.lock.lock();
            try {
                if (b.dead) {
                    continue; // dropped since we looked it up: take the map's current one
                }
                long nanos = nanoTime.getAsLong();
                if (b.usable(policy, count, now, nanos, validityNanos)) {
                    return toGrant.apply(take(b, policy, ind, count));
                }
                b.record = null; // used up, expired or another policy: whatever is left is skipped
                Processors.GrantResult r;
                try {
                    r = map.executeOnKey(imsi, new Processors.Grant(policy, ind, count, now, lease, Math.max(size, count)));
                } catch (RuntimeException e) {
                    return onFailure.apply(e);
                }
                if (r != null && r.outcome == Processors.GrantResult.GRANTED) {
                    StoredSubscriber rec = r.record;
                    b.record = rec;
                    b.policy = policy;
                    b.nextSeq = policy.seq(r.sqns[r.sqns.length - 1]) + 1;
                    b.endSeq = policy.seq(rec.sqnHe());
                    b.reservedAt = nanos;
                    b.expiresAt = rec.kind() == SubscriberKind.PCID && rec.lifetime() != null
                            ? rec.issuedAt().plus(rec.lifetime()) : null;
                    // The caller's SQN_HE is its own last SQN, not the end of the block.
                    long last = r.sqns[r.sqns.length - 1];
                    r = Processors.GrantResult.granted(rec.withSqn(last, rec.sqnLease(), rec.state()), r.sqns);
                    if (reservations.incrementAndGet() % SWEEP_EVERY == 0) {
                        sweep(nanos);
                    }
                } else {
                    discard(imsi, b); // unknown, not serving or unavailable: keep no entry for it
                }
                return toGrant.apply(r);
            } finally {
                b.lock.unlock();
            }
        }
    }

    /**
     * The grant from this member's block of {@code imsi} if it holds a usable one and no other
     * thread holds its lock (a thread reserving a new block holds it across the cluster call); else
     * empty, with nothing taken. Never blocks: what {@code grantVectorsWithoutBlocking} promises. The
     * SEQ values come from the same block under the same lock as {@link #grant}'s, so the rules of the
     * class comment hold whichever of the two hands them out.
     */
    Optional<SqnGrant> grantFromBlock(String imsi, SqnPolicy policy, int ind, int count, Instant now,
                                      Function<Processors.GrantResult, SqnGrant> toGrant) {
        Block b = blocks.get(imsi);
        if (b == null || !b.lock.tryLock()) {
            return Optional.empty();
        }
        try {
            if (b.dead || !b.usable(policy, count, now, nanoTime.getAsLong(), validityNanos)) {
                return Optional.empty();
            }
            return Optional.of(toGrant.apply(take(b, policy, ind, count)));
        } finally {
            b.lock.unlock();
        }
    }

    /** The next {@code count} SEQ values of a usable block, with IND {@code ind}; the caller holds its lock. */
    private static Processors.GrantResult take(Block b, SqnPolicy policy, int ind, int count) {
        long[] sqns = new long[count];
        for (int i = 0; i < count; i++) {
            sqns[i] = policy.sqn(b.nextSeq++, ind);
        }
        StoredSubscriber rec = b.record;
        // The caller's SQN_HE is its own last SQN, not the end of the block.
        return Processors.GrantResult.granted(rec.withSqn(sqns[count - 1], rec.sqnLease(), rec.state()), sqns);
    }

    /** Drops this member's block of {@code imsi}: a grant in progress finishes, none follows. */
    void drop(String imsi) {
        Block b = blocks.get(imsi);
        if (b == null) {
            return;
        }
        b.lock.lock();
        try {
            discard(imsi, b);
        } finally {
            b.lock.unlock();
        }
    }

    /** Takes {@code b} out of use and out of the map; the caller holds its lock. */
    private void discard(String imsi, Block b) {
        b.dead = true;
        b.record = null;
        blocks.remove(imsi, b);
    }

    /** Removes blocks that expired unused; skips those in use (they are checked on their next grant). */
    private void sweep(long nanos) {
        for (Map.Entry<String, Block> e : blocks.entrySet()) {
            Block b = e.getValue();
            if (b.lock.tryLock()) {
                try {
                    if (b.record == null || nanos - b.reservedAt >= validityNanos) {
                        discard(e.getKey(), b);
                    }
                } finally {
                    b.lock.unlock();
                }
            }
        }
    }

    /** Blocks reserved on this member by grants that waited for the cluster, since start. */
    long reservations() {
        return reservations.get();
    }

    /** Blocks held on this member (tests). */
    int held() {
        return blocks.size();
    }

    /**
     * Asks every member with blocks (this one included) to drop those of {@code imsi}, and returns
     * once each has, or has left the cluster; if one does not answer, waits until every block
     * reserved before {@code changedAt} (a nanoTime taken after the change was acknowledged by its
     * partition owner) has expired. See the class comment. Static because a member without blocks
     * of its own (the DPF's, a CLI's) must do it too.
     */
    static void dropEverywhere(HazelcastInstance hazelcast, String imsi, long changedAt, LongSupplier nanoTime) {
        List<Member> withBlocks = new ArrayList<>();
        long validity = 0;
        for (Member m : hazelcast.getCluster().getMembers()) {
            String b = m.getAttribute(ATTRIBUTE);
            if (b != null && !b.equals("0")) {
                withBlocks.add(m);
                validity = Math.max(validity, announcedValidity(m).toNanos());
            }
        }
        if (withBlocks.isEmpty()) {
            return;
        }
        Map<Member, Future<Boolean>> answers = hazelcast.getExecutorService(EXECUTOR).submitToMembers(new Drop(imsi), withBlocks);
        long deadline = changedAt + validity;
        boolean unsure = false;
        for (Map.Entry<Member, Future<Boolean>> e : answers.entrySet()) {
            try {
                e.getValue().get(Math.max(0, deadline - nanoTime.getAsLong()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while members dropped their SQN blocks of a subscriber");
            } catch (ExecutionException ee) {
                if (!(ee.getCause() instanceof MemberLeftException
                        || ee.getCause() instanceof HazelcastInstanceNotActiveException)) {
                    unsure = true;
                    LOG.log(Level.WARNING, "member " + e.getKey().getAddress() + " did not drop its SQN block ("
                            + ee.getCause().getClass().getSimpleName() + "); waiting for the block validity instead");
                }
            } catch (TimeoutException | RuntimeException re) {
                unsure = true;
                LOG.log(Level.WARNING, "member " + e.getKey().getAddress() + " did not drop its SQN block ("
                        + re.getClass().getSimpleName() + "); waiting for the block validity instead");
            }
        }
        // A member that did not answer may hold a block reserved before the change: every such block
        // was asked for before changedAt (real time), so it has expired by changedAt + its validity.
        long left = deadline - nanoTime.getAsLong();
        if (unsure && left > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for SQN blocks of a subscriber to expire");
            }
        }
    }

    /** The validity {@code m} announces; the old constant for a member that announces none. */
    static Duration announcedValidity(Member m) {
        String v = m.getAttribute(VALIDITY_ATTRIBUTE);
        if (v == null) {
            return Settings.DEFAULT_VALIDITY;
        }
        try {
            return Duration.ofMillis(Long.parseLong(v));
        } catch (NumberFormatException e) {
            LOG.warning("member " + m.getAddress() + " announces an SQN block validity that is not a number: '" + v
                    + "'; taking the longest allowed");
            return Settings.MAX_VALIDITY;
        }
    }

    /** Runs on a member: drops its block of one subscriber. */
    public static final class Drop implements Callable<Boolean>, IdentifiedDataSerializable, HazelcastInstanceAware {
        private String imsi;
        private transient HazelcastInstance hazelcast;

        /** For deserialisation. */
        public Drop() {
        }

        Drop(String imsi) {
            this.imsi = imsi;
        }

        @Override
        public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
            this.hazelcast = hazelcastInstance;
        }

        @Override
        public Boolean call() {
            Object blocks = hazelcast.getUserContext().get(USER_CONTEXT_KEY);
            if (blocks instanceof SqnBlocks b) {
                b.drop(imsi);
            }
            return Boolean.TRUE;
        }

        @Override
        public int getFactoryId() {
            return Processors.FACTORY_ID;
        }

        @Override
        public int getClassId() {
            return Processors.DROP_BLOCK;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeString(imsi);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            imsi = in.readString();
        }
    }
}
