package org.openmcim.store.hazelcast;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.MapLoaderLifecycleSupport;
import com.hazelcast.map.MapStore;

import org.openmcim.store.jdbc.SubscriberTable;

/**
 * Write-through persistence of the subscriber map (issue #4: "writes that the store could not
 * persist are not acknowledged to the caller"). Configured with write delay 0, so Hazelcast calls
 * {@link #store} on the partition thread before the map operation answers, and an exception here
 * fails that operation. Loading is eager: every member loads its partitions' rows when the map is
 * first created, so {@code size()} is exact and the first AIR after a restart pays no database
 * round trip; a key missing from memory is still read through by {@link #load}.
 *
 * <p><b>SQN leases.</b> The row holds the committed SQN lease ceiling, not SQN_HE
 * ({@link SqnLease}); a grant inside the lease changes SQN_HE alone, its value comes marked
 * {@link StoredSubscriber#rowUnchanged} and {@link #store} does not write it. Everything else
 * (a new ceiling, a state, a serving node) is written before the operation answers.
 *
 * <p><b>Committed rows in hand.</b> After a bulk insert has committed, the importing member hands
 * each member the rows of the partitions it owns ({@link #stage}) and then asks the cluster to
 * {@code loadAll} those keys; {@link #loadAll} serves them from here instead of reading a million
 * rows back from the database (that read-back was the largest part of a 1M-PCID import). A staged
 * row is a copy of a committed row and is served only while it provably still is one:
 * <ul>
 * <li>every change of a key goes through its partition owner's map store, and {@link #store} and
 * {@link #delete} here drop the staged copy first;</li>
 * <li>the owner could only change if partitions migrated, and they migrate only when members come
 * or go: rows are staged only while the cluster is safe (no migration running), tagged with the
 * member list of that moment, and served only if the member list is still the same; otherwise
 * they are read from the table as before.</li>
 * </ul>
 * A key already in memory (e.g. granted in the meantime through read-through) is never replaced:
 * the insert asks for {@code loadAll(keys, false)}. {@link #load} never looks here. (A row changed
 * in the database behind the store's back is not seen, as it is not for any key in memory.)
 */
public final class SubscriberMapStore implements MapStore<String, StoredSubscriber>, MapLoaderLifecycleSupport {
    /** Key of this member's map store in Hazelcast's user context (for {@link StageRows}). */
    static final String USER_CONTEXT_KEY = "openmcim.subscriberMapStore";

    private final SubscriberTable table;
    private final Map<String, Staged> staged = new ConcurrentHashMap<>();
    /** Rows written by {@link #store}, and values it skipped as {@link StoredSubscriber#rowUnchanged}. */
    private final LongAdder rowsWritten = new LongAdder();
    private final LongAdder rowsSkipped = new LongAdder();
    private volatile HazelcastInstance hazelcast;

    /** A committed row and the member list it was staged under. */
    private record Staged(StoredSubscriber row, Set<UUID> members) {
    }

    public SubscriberMapStore(SubscriberTable table) {
        this.table = table;
    }

    /**
     * Rows committed to the database, for the {@code loadAll} that follows (see class comment).
     *
     * @param members the member list the importer saw while the cluster was safe
     */
    void stage(Collection<StoredSubscriber> rows, Set<UUID> members) {
        if (!members.equals(currentMembers())) {
            return; // the cluster changed since: these rows are read from the table
        }
        for (StoredSubscriber r : rows) {
            staged.put(r.imsi(), new Staged(r, members));
        }
    }

    /** Drops staged rows that {@code loadAll} did not take (or all of a failed insert's). */
    void unstage(Collection<String> keys) {
        for (String k : keys) {
            staged.remove(k);
        }
    }

    /** The UUIDs of the members this member sees now (all of them if not started yet: nothing matches). */
    Set<UUID> currentMembers() {
        HazelcastInstance hz = hazelcast;
        if (hz == null) {
            return Set.of();
        }
        Set<UUID> ids = new java.util.HashSet<>();
        for (Member m : hz.getCluster().getMembers()) {
            ids.add(m.getUuid());
        }
        return ids;
    }

    @Override
    public void init(HazelcastInstance hazelcastInstance, Properties properties, String mapName) {
        this.hazelcast = hazelcastInstance;
    }

    @Override
    public void destroy() {
        staged.clear();
    }

    /** Rows this member's map store has written since it started (tests, benchmarks). */
    public long rowsWritten() {
        return rowsWritten.sum();
    }

    /** Values this member's map store did not write because only SQN_HE moved inside the lease. */
    public long rowsSkipped() {
        return rowsSkipped.sum();
    }

    /** How many rows are staged (tests). */
    int stagedCount() {
        return staged.size();
    }

    @Override
    public void store(String key, StoredSubscriber value) {
        staged.remove(key); // the staged copy may no longer be the row
        if (value.rowUnchanged()) {
            // Only SQN_HE moved, inside the committed ceiling: the row already says what a restart
            // needs. This skip is what takes the database commit off the AIR path.
            rowsSkipped.increment();
            return;
        }
        table.upsert(value);
        rowsWritten.increment();
    }

    @Override
    public void storeAll(Map<String, StoredSubscriber> map) {
        // Only called for write-behind, which this store never configures; kept correct anyway.
        map.forEach(this::store);
    }

    @Override
    public void delete(String key) {
        staged.remove(key);
        table.delete(key);
    }

    @Override
    public void deleteAll(Collection<String> keys) {
        keys.forEach(this::delete);
    }

    @Override
    public StoredSubscriber load(String key) {
        return table.load(key);
    }

    @Override
    public Map<String, StoredSubscriber> loadAll(Collection<String> keys) {
        Map<String, StoredSubscriber> out = new HashMap<>();
        List<String> fromTable = new ArrayList<>();
        Set<UUID> members = staged.isEmpty() ? Set.of() : currentMembers();
        for (String k : keys) {
            Staged s = staged.remove(k);
            if (s != null && s.members().equals(members)) {
                out.put(k, s.row());
            } else {
                fromTable.add(k);
            }
        }
        if (!fromTable.isEmpty()) {
            out.putAll(table.loadAll(fromTable));
        }
        return out;
    }

    @Override
    public Iterable<String> loadAllKeys() {
        return table.allImsis();
    }
}
