package org.openmcim.store.hazelcast;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.map.IMap;

import org.openmcim.aka.sqn.SqnPolicy;
import org.openmcim.store.CredentialState;
import org.openmcim.store.CredentialStore;
import org.openmcim.store.KeyCipher;
import org.openmcim.store.SqnGrant;
import org.openmcim.store.Subscriber;
import org.openmcim.store.jdbc.StoreUnavailableException;
import org.openmcim.store.jdbc.SubscriberTable;

/**
 * The real {@link CredentialStore}: a Hazelcast IMap of {@link StoredSubscriber} (keys encrypted)
 * with a write-through MapStore. Every read-modify-write is an entry processor run on the
 * partition owner ({@link Processors}); this member decrypts K/OPc only for its own caller.
 * Obtain one from {@link StoreMember#store()}.
 *
 * <p>SQN_HE is persisted through leases ({@link SqnLease}): grants inside the committed ceiling
 * are acknowledged once the partition owner and its synchronous backups hold them, without a
 * database write; a grant that needs a new ceiling is acknowledged only after the database has
 * committed it. If the database is down, such grants fail ({@link SqnGrant.Unavailable}, 4181 at
 * the ICF) while grants inside existing leases go on: they risk nothing a restart could not
 * recover, since every SQN they hand out is below a committed ceiling. Everything else (state,
 * serving node, resync, insert, delete) is written through as before.
 *
 * <p>With {@code sqn.block} B &gt; 0 this member also grants from member-local blocks of B SEQ values
 * ({@link SqnBlocks}): one entry processor call per block instead of one per grant. State changes
 * that stop vectors, resynchronisations and deletes made through any member then drop the
 * subscriber's blocks on every member before they return.
 */
public final class HazelcastCredentialStore implements CredentialStore {
    private static final Logger LOG = Logger.getLogger(HazelcastCredentialStore.class.getName());
    /** Rows per staging task: bounds one message to a few MB. */
    private static final int STAGE_CHUNK = 20_000;
    /** Inserts of at least this many rows log where their time went. */
    private static final int BULK_LOG = 10_000;
    /** Hazelcast executor that runs {@link StageRows} on the members. */
    static final String STAGE_EXECUTOR = "openmcim-store-stage";

    private final HazelcastInstance hazelcast;
    private final IMap<String, StoredSubscriber> map;
    private final SubscriberTable table;
    private final KeyCipher cipher;
    /** L of {@link SqnLease}: SEQ values granted from memory per database commit. */
    private final int sqnLease;

    /** This member's SQN blocks, or null with B = 0 (every grant through the cluster). */
    private final SqnBlocks blocks;
    /** Monotonic clock of {@link SqnBlocks} (System::nanoTime; a parameter so the timing is not hidden). */
    private final LongSupplier nanoTime;

    /** AAA server registrations by IMSI: host TAB realm TAB epoch-millis (see {@link #aaaServers}). */
    private final IMap<String, String> aaa;

    HazelcastCredentialStore(HazelcastInstance hazelcast, IMap<String, StoredSubscriber> map, IMap<String, String> aaa,
                             SubscriberTable table, KeyCipher cipher, int sqnLease, int sqnBlock, LongSupplier nanoTime) {
        this.hazelcast = hazelcast;
        this.sqnLease = SqnLease.check(sqnLease);
        this.aaa = aaa;
        this.map = map;
        this.table = table;
        this.cipher = cipher;
        this.nanoTime = nanoTime;
        this.blocks = SqnBlocks.check(sqnBlock) == 0 ? null : new SqnBlocks(sqnBlock, map, sqnLease, nanoTime);
    }

    /** This member's blocks (null with B = 0), for {@link StoreMember} to publish to {@link SqnBlocks.Drop}. */
    SqnBlocks blocks() {
        return blocks;
    }

    @Override
    public Optional<Subscriber> find(String imsi) {
        StoredSubscriber s = map.get(imsi);
        return s == null ? Optional.empty() : Optional.of(s.decrypt(cipher));
    }

    @Override
    public SqnGrant grantVectors(String imsi, SqnPolicy policy, int ind, int count, Instant now) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, got " + count);
        }
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(now, "now");
        if (blocks != null) {
            return blocks.grant(imsi, policy, ind, count, now, r -> toGrant(imsi, r), e -> failed(imsi, e));
        }
        Processors.GrantResult r;
        try {
            r = map.executeOnKey(imsi, new Processors.Grant(policy, ind, count, now, sqnLease));
        } catch (RuntimeException e) {
            return failed(imsi, e);
        }
        return toGrant(imsi, r);
    }

    private SqnGrant toGrant(String imsi, Processors.GrantResult r) {
        if (r == null) {
            return new SqnGrant.Unknown(imsi);
        }
        return switch (r.outcome) {
            case Processors.GrantResult.GRANTED -> new SqnGrant.Granted(r.record.decrypt(cipher), r.sqns);
            case Processors.GrantResult.NOT_SERVING -> new SqnGrant.NotServing(imsi, r.record.state());
            default -> new SqnGrant.Unavailable(imsi, r.reason);
        };
    }

    private static SqnGrant failed(String imsi, RuntimeException e) {
        // Nothing was acknowledged: the entry keeps its old SQN and ceiling (the failed store
        // fails the operation before the in-memory record changes). TS 29.272: 4181 to the MME.
        return new SqnGrant.Unavailable(imsi, "store could not persist the new SQN lease (or the EXPIRED state): "
                + reason(e));
    }

    @Override
    public Optional<Long> resync(String imsi, SqnPolicy policy, long sqnMs) {
        Objects.requireNonNull(policy, "policy");
        Long sqn = map.executeOnKey(imsi, new Processors.Resync(policy, sqnMs, sqnLease));
        if (sqn != null) {
            // Even when SQN_HE stays, a block below SQN_MS (another member's, reserved earlier) would
            // be refused again by the USIM (C.2.2): every member drops its block; the next come above.
            SqnBlocks.dropEverywhere(hazelcast, imsi, nanoTime.getAsLong(), nanoTime);
        }
        return Optional.ofNullable(sqn);
    }

    @Override
    public Optional<CredentialState> transition(String imsi, CredentialState to, Instant at) {
        Objects.requireNonNull(to, "to");
        String r = map.executeOnKey(imsi, new Processors.Transition(to));
        if (r == null) {
            return Optional.empty();
        }
        CredentialState previous = CredentialState.valueOf(r.substring(r.indexOf(':') + 1));
        if (r.startsWith("refused:")) {
            throw new IllegalStateException(imsi + ": " + previous + " → " + to + " is not allowed");
        }
        if (!to.servesVectors()) {
            // RETIRED, REVOKED, EXPIRED: no member may grant from a block once this returns.
            SqnBlocks.dropEverywhere(hazelcast, imsi, nanoTime.getAsLong(), nanoTime);
        }
        return Optional.of(previous);
    }

    @Override
    public void recordServingNode(String imsi, ServingNode node) {
        Objects.requireNonNull(node, "node");
        map.executeOnKey(imsi, new Processors.RecordServingNode(node));
    }

    @Override
    public Optional<ServingNode> servingNode(String imsi) {
        StoredSubscriber s = map.get(imsi);
        return s == null ? Optional.empty() : Optional.ofNullable(s.servingNode());
    }

    /**
     * All or nothing: the rows are committed to the database in one transaction (which fails
     * whole if any IMSI exists), and only then loaded into the cluster; this returns once the load
     * has finished ({@link #awaitLoad}), so no write made after it returns can be undone by it.
     *
     * <p>The load takes the committed rows from memory rather than from the database: each
     * partition owner is first handed its share of the rows ({@link SubscriberMapStore#stage}),
     * then {@code loadAll(keys, false)} runs as before and the owners' map stores serve the staged
     * rows (under the conditions {@link SubscriberMapStore} gives). Values already in memory when an
     * owner's load starts are not replaced; a member that could not be handed its share, or whose
     * cluster changed meanwhile, reads those rows from the database as before.
     *
     * <p>Not closed: a write to one of the new keys <i>while</i> this runs (an AIR for a PCID whose
     * own import is still loading) can still land between an owner's check and its put, and be
     * replaced by the committed row (see {@link #awaitLoad}). Closing that needs a load that puts
     * only absent keys and still makes backups; an entry processor on the keys (one partition
     * operation, loading the missing ones) was tried and made no backups of the loaded rows
     * (StagedLoadTest counts them now).
     */
    @Override
    public void insertAll(Collection<Subscriber> subscribers) {
        Set<String> seen = new HashSet<>();
        List<StoredSubscriber> rows = new ArrayList<>(subscribers.size());
        for (Subscriber s : subscribers) {
            if (!seen.add(s.imsi())) {
                throw new IllegalArgumentException("IMSI " + s.imsi() + " appears twice in the batch");
            }
        }
        long t0 = System.nanoTime();
        // AES-GCM per key, spread over the cores (a CHTIF batch is up to millions of PCIDs).
        rows.addAll(subscribers.parallelStream().map(s -> StoredSubscriber.encrypt(s, cipher)).toList());
        long t1 = System.nanoTime();
        table.insertAll(rows);
        long t2 = System.nanoTime();
        // Committed: from here on the rows may be shown, and only from here.
        Map<Member, List<StoredSubscriber>> byOwner = new HashMap<>();
        // Staging needs a settled cluster (no migration running) and the member list it settled
        // with; otherwise the owners read the rows from the table, as loadAll always did.
        Set<UUID> members = new HashSet<>();
        hazelcast.getCluster().getMembers().forEach(m -> members.add(m.getUuid()));
        boolean stage = hazelcast.getPartitionService().isClusterSafe();
        for (StoredSubscriber r : stage ? rows : List.<StoredSubscriber>of()) {
            Member owner = hazelcast.getPartitionService().getPartition(r.imsi()).getOwner();
            if (owner != null) {
                byOwner.computeIfAbsent(owner, m -> new ArrayList<>()).add(r);
            }
        }
        long t3;
        try {
            runOnOwners(byOwner, members, true);
            t3 = System.nanoTime();
            map.loadAll(seen, false);
            awaitLoad(seen);
        } finally {
            runOnOwners(byOwner, members, false); // whatever loadAll did not take
        }
        if (rows.size() >= BULK_LOG) {
            // Where a large import's time went, for operators and for docs/benchmarks.md.
            LOG.info(String.format("inserted %,d subscribers: encrypt %.1f s, database %.1f s, hand to owners %.1f s, "
                    + "load into the map %.1f s", rows.size(), (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9,
                    (System.nanoTime() - t3) / 1e9));
        }
    }

    /**
     * Waits until every key of the insert is in memory and no load of it is pending.
     * {@code IMap.loadAll(keys, false)} returns once the load is <i>started</i> (Hazelcast 5.7:
     * {@code MapProxySupport.loadInternal} sends one {@code LoadAllOperation} per partition and
     * waits only for key loading); each owner's loader task then drops the keys already in memory,
     * reads the values through {@link SubscriberMapStore#loadAll} and has them put by
     * {@code PutFromLoadAllOperation}, a plain put that replaces whatever is in memory by then. An
     * operation on a new key that came first (the caller's next step after this returned, as in the
     * contract tests lifecycleTransitions and servingNode) read the row through, changed it (a
     * state, a serving node, SQN_HE inside a lease), and was then undone in memory by that put: an
     * acknowledged write lost, and for SQN_HE an SQN that could be handed out again.
     *
     * <p>{@code getAll} on the keys is the barrier: its operation is retried while its partition
     * has a load pending ({@code GetAllOperation} checks {@code RecordStore.checkIfLoaded}), and a
     * key still missing then (its {@code LoadAllOperation} not yet run, e.g. retried during a
     * partition migration) is loaded by {@code getAll} itself and put before it answers, so the
     * late loader task finds it in memory and leaves it alone. ({@code IMap.size()}, tried first,
     * waits for pending loads but not for a {@code LoadAllOperation} that has not arrived yet.)
     * Chunked, and the values dropped: this costs one more transfer of the rows to this member. A
     * failure (e.g. the database gone while a key is read through) is logged, not thrown: the rows
     * are committed and are read through on first use.
     */
    private void awaitLoad(Set<String> keys) {
        List<String> all = new ArrayList<>(keys);
        for (int from = 0; from < all.size(); from += STAGE_CHUNK) {
            try {
                map.getAll(new HashSet<>(all.subList(from, Math.min(all.size(), from + STAGE_CHUNK))));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "bulk insert committed; waiting for its load into the cluster failed ("
                        + e.getClass().getSimpleName() + "); rows not loaded are read through on first use");
            }
        }
    }

    /**
     * Stages ({@code stage}) or drops the rows on their owners and waits. A member that fails is
     * only logged: when staging, its partitions' rows are then read from the database; when
     * dropping, it has left the cluster with its staged rows.
     */
    private void runOnOwners(Map<Member, List<StoredSubscriber>> byOwner, Set<UUID> members, boolean stage) {
        IExecutorService executor = hazelcast.getExecutorService(STAGE_EXECUTOR);
        List<Future<Integer>> pending = new ArrayList<>();
        for (Map.Entry<Member, List<StoredSubscriber>> e : byOwner.entrySet()) {
            List<StoredSubscriber> list = e.getValue();
            for (int from = 0; from < list.size(); from += STAGE_CHUNK) {
                List<StoredSubscriber> chunk = list.subList(from, Math.min(list.size(), from + STAGE_CHUNK));
                StageRows task = stage ? StageRows.stage(chunk, members)
                        : StageRows.unstage(chunk.stream().map(StoredSubscriber::imsi).toList());
                if (e.getKey().localMember()) {
                    task.setHazelcastInstance(hazelcast); // no need to serialize for ourselves
                    task.call();
                } else {
                    pending.add(executor.submitToMember(task, e.getKey()));
                }
            }
        }
        for (Future<Integer> f : pending) {
            try {
                f.get();
            } catch (ExecutionException | RuntimeException e) {
                LOG.log(Level.WARNING, stage
                        ? "could not stage committed rows on a member (" + e.getClass().getSimpleName()
                                + "); it reads them from the database"
                        : "could not drop staged rows on a member (" + e.getClass().getSimpleName()
                                + "); they are never served under another member list");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * The new PCID goes in as any inserted subscriber (committed, then loaded), then the link
     * old → new is committed. Should the process die between the two, the new PCID stays ISSUED
     * and unlinked: a credential nobody holds, refused to no one and delivered to no one, which a
     * second renewal request does not reuse (it issues another).
     */
    @Override
    public void issueRenewal(String oldPcid, Subscriber fresh, Instant at) {
        StoredSubscriber old = map.get(oldPcid);
        if (old == null || old.kind() != org.openmcim.store.SubscriberKind.PCID) {
            throw new IllegalArgumentException("PCID " + oldPcid + " is not in the store");
        }
        String pending = table.renewalOf(oldPcid);
        if (pending != null) {
            throw new IllegalArgumentException("PCID " + oldPcid + " already has renewal " + pending + " pending");
        }
        insertAll(List.of(fresh));
        if (!table.insertRenewal(oldPcid, fresh.imsi(), at)) {
            delete(fresh.imsi()); // another renewal won meanwhile: withdraw ours, it was never linked
            throw new IllegalArgumentException("PCID " + oldPcid + " already has a renewal pending");
        }
    }

    @Override
    public Optional<String> pendingRenewal(String oldPcid) {
        return Optional.ofNullable(table.renewalOf(oldPcid));
    }

    /** The state change first: a crash after it leaves a link that the next report removes again. */
    @Override
    public Optional<String> renewalInstalled(String oldPcid, Instant at) {
        String fresh = table.renewalOf(oldPcid);
        if (fresh == null) {
            return Optional.empty();
        }
        if (map.get(oldPcid) != null && map.get(oldPcid).state() != CredentialState.REPLACED) {
            transition(oldPcid, CredentialState.REPLACED, at);
        }
        table.deleteRenewal(oldPcid);
        return Optional.of(fresh);
    }

    @Override
    public boolean delete(String imsi) {
        aaaServers().remove(imsi);
        boolean existed = map.remove(imsi) != null;
        if (existed) {
            SqnBlocks.dropEverywhere(hazelcast, imsi, nanoTime.getAsLong(), nanoTime);
        }
        return existed;
    }

    /**
     * The 3GPP AAA server registrations (SWx SAR): a map of their own, replicated with the same
     * backups as the subscribers but not written through to the database. They are soft state: an
     * AAA server re-registers with its next SAR after a full cluster restart, while the MME serving
     * node (the Cancel-Location target of a retired PCID) lives in the persisted record.
     */
    private IMap<String, String> aaaServers() {
        return aaa;
    }

    private static String encode(ServingNode n) {
        return n.host() + "\t" + n.realm() + "\t" + n.registeredAt().toEpochMilli();
    }

    private static ServingNode decode(String s) {
        String[] p = s.split("\t", 3);
        return new ServingNode(p[0], p[1], java.time.Instant.ofEpochMilli(Long.parseLong(p[2])));
    }

    @Override
    public Optional<ServingNode> registerAaaServer(String imsi, ServingNode node) {
        if (!map.containsKey(imsi)) {
            return Optional.empty();
        }
        IMap<String, String> aaa = aaaServers();
        String offered = encode(node);
        for (int attempt = 0; attempt < 8; attempt++) {
            String current = aaa.putIfAbsent(imsi, offered);
            if (current == null) {
                return Optional.of(node);
            }
            ServingNode held = decode(current);
            if (!held.host().equalsIgnoreCase(node.host())) {
                return Optional.of(held); // another AAA server holds it: nothing changes
            }
            if (aaa.replace(imsi, current, offered)) {
                return Optional.of(node); // the same server refreshing its registration
            }
        }
        throw new IllegalStateException("AAA registration for " + imsi + " contended");
    }

    @Override
    public boolean deregisterAaaServer(String imsi, String host) {
        IMap<String, String> aaa = aaaServers();
        String current = aaa.get(imsi);
        return current != null && decode(current).host().equalsIgnoreCase(host) && aaa.remove(imsi, current);
    }

    @Override
    public Optional<ServingNode> aaaServer(String imsi) {
        String current = aaaServers().get(imsi);
        return current == null ? Optional.empty() : Optional.of(decode(current));
    }

    /**
     * Asks the database, not the map: under write-through every acknowledged record is a row, and
     * one IN query per thousand IMSIs is far cheaper than read-through misses on every partition.
     */
    @Override
    public Set<String> existing(Collection<String> imsis) {
        return table.existing(imsis);
    }

    /** B, the SEQ values this member reserves per block ({@link SqnBlocks}); 0 without blocks. */
    public int sqnBlock() {
        return blocks == null ? 0 : blocks.size();
    }

    /** L, the SEQ values this member's grants lease per database commit. */
    public int sqnLease() {
        return sqnLease;
    }

    @Override
    public long size() {
        return map.size();
    }

    /** The store does not own the member; {@link StoreMember#close()} shuts it down. */
    @Override
    public void close() {
        // nothing of its own
    }

    /** The first store-level reason in the chain (our own messages: no key material). */
    private static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StoreUnavailableException) {
                return t.getMessage();
            }
        }
        return e.getClass().getSimpleName();
    }
}
