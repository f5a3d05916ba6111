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
    /** Keys per {@link PendingKeys} task: bounds one message to a few hundred KB. */
    private static final int PENDING_CHUNK = 50_000;
    /** Rows per {@code setAll} of a bulk insert, and how many of those run at once. */
    private static final int FILL_CHUNK = 20_000;
    private static final int FILL_IN_FLIGHT = 4;
    /** Inserts of at least this many rows log where their time went. */
    private static final int BULK_LOG = 10_000;
    /** Hazelcast executor that runs {@link PendingKeys} on the members. */
    static final String PENDING_EXECUTOR = "openmcim-store-pending";

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
                             SubscriberTable table, KeyCipher cipher, int sqnLease, SqnBlocks.Settings sqnBlocks,
                             LongSupplier nanoTime) {
        this.hazelcast = hazelcast;
        this.sqnLease = SqnLease.check(sqnLease);
        this.aaa = aaa;
        this.map = map;
        this.table = table;
        this.cipher = cipher;
        this.nanoTime = nanoTime;
        this.blocks = sqnBlocks.size() == 0 ? null : new SqnBlocks(sqnBlocks, map, sqnLease, nanoTime);
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

    /**
     * From this member's SQN block when it holds a usable one that no other thread is using
     * ({@link SqnBlocks#grantFromBlock}); without blocks ({@code sqn.block: 0}) every grant is a
     * cluster call, so always empty.
     */
    @Override
    public Optional<SqnGrant> grantVectorsWithoutBlocking(String imsi, SqnPolicy policy, int ind, int count, Instant now) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, got " + count);
        }
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(now, "now");
        return blocks == null ? Optional.empty() : blocks.grantFromBlock(imsi, policy, ind, count, now, r -> toGrant(imsi, r));
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
     * whole if any IMSI exists), and only then put into the map; this returns once every row is in
     * memory on its owner, so a write made after it returns acts on the committed row and is never
     * undone by the insert. The backups follow (Hazelcast does not promise that every backup of a
     * {@code setAll} is applied when it returns); a member that dies before loses nothing, since the
     * rows are committed in the database first and are read through on first use.
     *
     * <ol>
     * <li>The new keys are marked pending on every member ({@link SubscriberMapStore}): until they
     * are in memory no member reads them through, so nothing can change one of them between the
     * commit and the put below. Should a member not take the marks, nothing is inserted.</li>
     * <li>One database transaction.</li>
     * <li>The committed rows themselves are put ({@code setAll}), as values marked
     * {@link StoredSubscriber#rowUnchanged}: the owners' map stores write nothing, the backups are
     * made as for any put, and nothing is read back from the database or from the members.</li>
     * <li>The marks left (keys whose put failed) are removed: those rows are committed, and are
     * read through on first use.</li>
     * </ol>
     *
     * <p>This replaced {@code IMap.loadAll(keys, false)} with rows staged on their owners, which
     * needed a {@code getAll} of every new key as a barrier ({@code loadAll} returns before its
     * put-from-load, which replaced whatever a caller had written meanwhile). Not closed: a member
     * that <i>joins</i> during the insert has no marks, and could read a new key through and change
     * it before the put (a PCID used before its own import returned, while the cluster grows); and
     * a put that Hazelcast retries after a member died (its first run answered by no one) can
     * replace a change made between the two runs.
     */
    @Override
    public void insertAll(Collection<Subscriber> subscribers) {
        Set<String> seen = new HashSet<>();
        for (Subscriber s : subscribers) {
            if (!seen.add(s.imsi())) {
                throw new IllegalArgumentException("IMSI " + s.imsi() + " appears twice in the batch");
            }
        }
        long t0 = System.nanoTime();
        long c0 = processCpuNanos();
        // AES-GCM per key, spread over the cores (a CHTIF batch is up to millions of PCIDs).
        List<StoredSubscriber> rows = subscribers.parallelStream().map(s -> StoredSubscriber.encrypt(s, cipher)).toList();
        long t1 = System.nanoTime();
        long c1 = processCpuNanos();
        List<String> keys = rows.stream().map(StoredSubscriber::imsi).toList();
        UUID importer = hazelcast.getCluster().getLocalMember().getUuid();
        long t2;
        long t3;
        long c2;
        long c3;
        try {
            if (!onEveryMember(keys, importer, true)) {
                throw new StoreUnavailableException("could not mark the batch's keys pending on every member; nothing stored",
                        null);
            }
            t2 = System.nanoTime();
            c2 = processCpuNanos();
            table.insertAll(rows);
            t3 = System.nanoTime();
            c3 = processCpuNanos();
            // Committed: from here on the rows may be shown, and only from here.
            putCommitted(rows);
        } finally {
            onEveryMember(keys, importer, false);
        }
        if (rows.size() >= BULK_LOG) {
            // Where a large import's time went, for operators and for docs/benchmarks.md.
            long t4 = System.nanoTime();
            long c4 = processCpuNanos();
            LOG.info(String.format("inserted %,d subscribers (wall s / process CPU s): encrypt %.1f / %.1f, "
                    + "mark pending %.1f / %.1f, database %.1f / %.1f, put into the map %.1f / %.1f", rows.size(),
                    (t1 - t0) / 1e9, (c1 - c0) / 1e9, (t2 - t1) / 1e9, (c2 - c1) / 1e9, (t3 - t2) / 1e9, (c3 - c2) / 1e9,
                    (t4 - t3) / 1e9, (c4 - c3) / 1e9));
        }
    }

    /**
     * Puts committed rows into the map, {@link #FILL_CHUNK} per {@code setAll}, {@link #FILL_IN_FLIGHT}
     * at a time. A failure is logged, not thrown: the rows are committed (the insert happened), and
     * those not put are read through on first use once their marks are gone.
     */
    private void putCommitted(List<StoredSubscriber> rows) {
        java.util.ArrayDeque<java.util.concurrent.CompletableFuture<Void>> inFlight = new java.util.ArrayDeque<>();
        RuntimeException failure = null;
        for (int from = 0; from < rows.size(); from += FILL_CHUNK) {
            Map<String, StoredSubscriber> chunk = new HashMap<>();
            for (StoredSubscriber r : rows.subList(from, Math.min(rows.size(), from + FILL_CHUNK))) {
                chunk.put(r.imsi(), r.asCommittedRow());
            }
            if (inFlight.size() >= FILL_IN_FLIGHT) {
                failure = join(inFlight.poll(), failure);
            }
            inFlight.add(map.setAllAsync(chunk).toCompletableFuture());
        }
        while (!inFlight.isEmpty()) {
            failure = join(inFlight.poll(), failure);
        }
        if (failure != null) {
            LOG.log(Level.WARNING, "bulk insert committed; putting its rows into the cluster failed ("
                    + failure.getClass().getSimpleName() + "); rows not put are read through on first use");
        }
    }

    private static RuntimeException join(java.util.concurrent.CompletableFuture<Void> f, RuntimeException failure) {
        try {
            f.join();
            return failure;
        } catch (RuntimeException e) {
            return failure != null ? failure : e;
        }
    }

    /**
     * Marks ({@code mark}) the keys pending on every member, or ends the marks, and waits.
     *
     * @return whether every member did it (unmarking: a member that failed has left, or keeps marks
     *         that count only while this member is in the cluster)
     */
    private boolean onEveryMember(List<String> keys, UUID importer, boolean mark) {
        IExecutorService executor = hazelcast.getExecutorService(PENDING_EXECUTOR);
        List<Future<Integer>> remote = new ArrayList<>();
        boolean ok = true;
        for (Member m : hazelcast.getCluster().getMembers()) {
            for (int from = 0; from < keys.size(); from += PENDING_CHUNK) {
                List<String> chunk = keys.subList(from, Math.min(keys.size(), from + PENDING_CHUNK));
                PendingKeys task = mark ? PendingKeys.mark(chunk, importer) : PendingKeys.unmark(chunk, importer);
                if (m.localMember()) {
                    task.setHazelcastInstance(hazelcast); // no need to serialize for ourselves
                    task.call();
                } else {
                    remote.add(executor.submitToMember(task, m));
                }
            }
        }
        for (Future<Integer> f : remote) {
            try {
                f.get();
            } catch (ExecutionException | RuntimeException e) {
                ok = false;
                LOG.log(Level.WARNING, "could not " + (mark ? "mark" : "unmark") + " a bulk insert's keys on a member ("
                        + e.getClass().getSimpleName() + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return ok;
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

    /** SQN blocks this member reserved by grants that waited for the cluster, since start (0 without blocks); for load tools. */
    public long blockReservations() {
        return blocks == null ? 0 : blocks.reservations();
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

    /** CPU time of this process so far (all threads: GC and Hazelcast's too), or 0 where the JVM does not say. */
    private static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : 0;
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
