package org.openmcim.store.hazelcast;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.MapLoaderLifecycleSupport;
import com.hazelcast.map.MapStore;

import org.openmcim.store.jdbc.StoreUnavailableException;
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
 * <p><b>Bulk inserts: keys pending until they are in memory.</b> A bulk insert
 * ({@link HazelcastCredentialStore#insertAll}) commits its rows and then puts the committed rows
 * into the map itself, as values marked {@link StoredSubscriber#rowUnchanged} (the row is the
 * value: {@link #store} writes nothing). A plain put replaces what is in memory, so nothing may
 * have read one of those keys through and changed it between the commit and the put (that change,
 * say a new SQN lease, would be undone in memory). Before its database transaction, the importer
 * therefore marks its keys <i>pending</i> on every member ({@link #markPending}); while a key is
 * pending here:
 * <ul>
 * <li>{@link #load} and {@link #loadAll} answer "no such row" without asking the database: the
 * insert has not returned, so the key does not exist yet for any caller (an AIR for it gets
 * "unknown", exactly as just before the commit);</li>
 * <li>{@link #delete} refuses (nothing is deleted, and the caller is told);</li>
 * <li>{@link #store} of the key (the insert's own put) ends the mark.</li>
 * </ul>
 * The importer removes whatever marks are left when it is done, whether it succeeded or not; a
 * key it could not put is then read through on first use, as any row. A mark names its importer
 * and counts only while that member is in the cluster, so a member that dies mid-import leaves no
 * key hidden behind it.
 */
public final class SubscriberMapStore implements MapStore<String, StoredSubscriber>, MapLoaderLifecycleSupport {
    /** Key of this member's map store in Hazelcast's user context (for {@link PendingKeys}). */
    static final String USER_CONTEXT_KEY = "openmcim.subscriberMapStore";

    private final SubscriberTable table;
    /** Keys of bulk inserts under way, by the UUID of the member that is inserting them. */
    private final Map<String, UUID> pending = new ConcurrentHashMap<>();
    /** Rows written by {@link #store}, and values it skipped as {@link StoredSubscriber#rowUnchanged}. */
    private final LongAdder rowsWritten = new LongAdder();
    private final LongAdder rowsSkipped = new LongAdder();
    private volatile HazelcastInstance hazelcast;

    public SubscriberMapStore(SubscriberTable table) {
        this.table = table;
    }

    /** Marks {@code keys} pending for a bulk insert by member {@code importer} (see class comment). */
    void markPending(Collection<String> keys, UUID importer) {
        for (String k : keys) {
            pending.put(k, importer);
        }
    }

    /** Ends the marks {@code importer} set on {@code keys} and has not ended yet. */
    void unmarkPending(Collection<String> keys, UUID importer) {
        for (String k : keys) {
            pending.remove(k, importer);
        }
    }

    /** Whether {@code key} is pending: marked by a member that is still in the cluster. */
    boolean isPending(String key) {
        UUID importer = pending.get(key);
        if (importer == null) {
            return false;
        }
        HazelcastInstance hz = hazelcast;
        if (hz != null) {
            for (Member m : hz.getCluster().getMembers()) {
                if (m.getUuid().equals(importer)) {
                    return true;
                }
            }
        }
        pending.remove(key, importer); // its importer is gone (or this member is not running)
        return false;
    }

    /** How many keys are marked pending (tests). */
    int pendingCount() {
        return pending.size();
    }

    @Override
    public void init(HazelcastInstance hazelcastInstance, Properties properties, String mapName) {
        this.hazelcast = hazelcastInstance;
    }

    @Override
    public void destroy() {
        pending.clear();
    }

    /** Rows this member's map store has written since it started (tests, benchmarks). */
    public long rowsWritten() {
        return rowsWritten.sum();
    }

    /** Values this member's map store did not write because only SQN_HE moved inside the lease. */
    public long rowsSkipped() {
        return rowsSkipped.sum();
    }

    @Override
    public void store(String key, StoredSubscriber value) {
        // In memory from now on: the mark has done its work.
        boolean bulkPut = pending.remove(key) != null;
        if (value.rowUnchanged()) {
            // A bulk insert's put of its committed row, or a grant that moved only SQN_HE inside the
            // committed ceiling: the row already says what a restart needs. The second skip is
            // what takes the database commit off the AIR path (and what rowsSkipped counts).
            if (!bulkPut) {
                rowsSkipped.increment();
            }
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
        if (isPending(key)) {
            // The row is (being) committed and is about to be put: deleting it now would leave
            // in memory a subscriber the database no longer has. Nothing deleted, caller told.
            throw new StoreUnavailableException("IMSI " + key + " is being imported; delete it once its import has returned",
                    null);
        }
        table.delete(key);
    }

    @Override
    public void deleteAll(Collection<String> keys) {
        keys.forEach(this::delete);
    }

    @Override
    public StoredSubscriber load(String key) {
        return isPending(key) ? null : table.load(key);
    }

    @Override
    public Map<String, StoredSubscriber> loadAll(Collection<String> keys) {
        if (pending.isEmpty()) {
            return table.loadAll(keys);
        }
        List<String> fromTable = new ArrayList<>(keys.size());
        for (String k : keys) {
            if (!isPending(k)) {
                fromTable.add(k);
            }
        }
        return fromTable.isEmpty() ? Map.of() : table.loadAll(fromTable);
    }

    @Override
    public Iterable<String> loadAllKeys() {
        return table.allImsis();
    }
}
