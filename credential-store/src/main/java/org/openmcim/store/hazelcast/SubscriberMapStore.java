package org.openmcim.store.hazelcast;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
 * <p><b>Committed rows in hand.</b> After a bulk insert has committed, the importing member hands
 * each member the rows of the partitions it owns ({@link #stage}) and then asks the cluster to
 * {@code loadAll} those keys; {@link #loadAll} serves them from here instead of reading a million
 * rows back from the database (that read-back was the largest part of a 1M-PCID import). A staged
 * row is a copy of a committed row, and stays one: {@link #store} and {@link #delete} of a key on
 * this member drop it, and {@link #loadAll} serves it only if the row still exists (an index-only
 * query, far cheaper than reading the rows), so a PCID deleted in the meantime is not brought back.
 * A key already in memory (e.g. granted in the meantime through read-through) is never replaced:
 * the insert asks for {@code loadAll(keys, false)}. {@link #load} never looks here.
 */
public final class SubscriberMapStore implements MapStore<String, StoredSubscriber> {
    /** Key of this member's map store in Hazelcast's user context (for {@link StageRows}). */
    static final String USER_CONTEXT_KEY = "openmcim.subscriberMapStore";

    private final SubscriberTable table;
    private final Map<String, StoredSubscriber> staged = new ConcurrentHashMap<>();

    public SubscriberMapStore(SubscriberTable table) {
        this.table = table;
    }

    /** Rows committed to the database, for the {@code loadAll} that follows (see class comment). */
    void stage(Collection<StoredSubscriber> rows) {
        for (StoredSubscriber r : rows) {
            staged.put(r.imsi(), r);
        }
    }

    /** Drops staged rows that {@code loadAll} did not take (or all of a failed insert's). */
    void unstage(Collection<String> keys) {
        for (String k : keys) {
            staged.remove(k);
        }
    }

    /** How many rows are staged (tests). */
    int stagedCount() {
        return staged.size();
    }

    @Override
    public void store(String key, StoredSubscriber value) {
        staged.remove(key); // the staged copy is no longer the row
        table.upsert(value);
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
        List<String> fromStage = new ArrayList<>();
        List<String> fromTable = new ArrayList<>();
        for (String k : keys) {
            (staged.containsKey(k) ? fromStage : fromTable).add(k);
        }
        Map<String, StoredSubscriber> out = new HashMap<>();
        if (!fromStage.isEmpty()) {
            // Only rows that still exist: a delete since the commit wins over the staged copy.
            Set<String> present = table.existing(fromStage);
            for (String k : fromStage) {
                StoredSubscriber s = staged.remove(k);
                if (s == null) {
                    fromTable.add(k); // stored or deleted meanwhile: the table has the truth
                } else if (present.contains(k)) {
                    out.put(k, s);
                }
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
