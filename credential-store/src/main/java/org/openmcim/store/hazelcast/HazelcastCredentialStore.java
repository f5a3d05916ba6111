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

    /** AAA server registrations by IMSI: host TAB realm TAB epoch-millis (see {@link #aaaServers}). */
    private final IMap<String, String> aaa;

    HazelcastCredentialStore(HazelcastInstance hazelcast, IMap<String, StoredSubscriber> map, IMap<String, String> aaa,
                             SubscriberTable table, KeyCipher cipher, int sqnLease) {
        this.hazelcast = hazelcast;
        this.sqnLease = SqnLease.check(sqnLease);
        this.aaa = aaa;
        this.map = map;
        this.table = table;
        this.cipher = cipher;
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
        Processors.GrantResult r;
        try {
            r = map.executeOnKey(imsi, new Processors.Grant(policy, ind, count, now, sqnLease));
        } catch (RuntimeException e) {
            // Nothing was acknowledged: the entry keeps its old SQN and ceiling (the failed store
            // fails the operation before the in-memory record changes). TS 29.272: 4181 to the MME.
            return new SqnGrant.Unavailable(imsi, "store could not persist the new SQN lease (or the EXPIRED state): "
                    + reason(e));
        }
        if (r == null) {
            return new SqnGrant.Unknown(imsi);
        }
        return switch (r.outcome) {
            case Processors.GrantResult.GRANTED -> new SqnGrant.Granted(r.record.decrypt(cipher), r.sqns);
            case Processors.GrantResult.NOT_SERVING -> new SqnGrant.NotServing(imsi, r.record.state());
            default -> new SqnGrant.Unavailable(imsi, r.reason);
        };
    }

    @Override
    public Optional<Long> resync(String imsi, SqnPolicy policy, long sqnMs) {
        Objects.requireNonNull(policy, "policy");
        return Optional.ofNullable(map.executeOnKey(imsi, new Processors.Resync(policy, sqnMs, sqnLease)));
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
     * whole if any IMSI exists), and only then loaded into the cluster. Until the load finishes a
     * lookup of a new IMSI reads it through from the database, so it is never "unknown" after
     * this returns.
     *
     * <p>The load takes the committed rows from memory rather than from the database: each
     * partition owner is first handed its share of the rows ({@link SubscriberMapStore#stage}),
     * then {@code loadAll(keys, false)} runs as before and the owners' map stores serve the staged
     * rows (under the conditions {@link SubscriberMapStore} gives). Values already in memory are
     * never replaced; a member that could not be handed its share, or whose cluster changed
     * meanwhile, reads those rows from the database as before.
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
        return map.remove(imsi) != null;
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
