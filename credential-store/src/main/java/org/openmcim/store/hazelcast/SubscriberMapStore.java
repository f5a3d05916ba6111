package org.openmcim.store.hazelcast;

import java.util.Collection;
import java.util.Map;

import com.hazelcast.map.MapStore;

import org.openmcim.store.jdbc.SubscriberTable;

/**
 * Write-through persistence of the subscriber map (issue #4: "writes that the store could not
 * persist are not acknowledged to the caller"). Configured with write delay 0, so Hazelcast calls
 * {@link #store} on the partition thread before the map operation answers, and an exception here
 * fails that operation. Loading is eager: every member loads its partitions' rows when the map is
 * first created, so {@code size()} is exact and the first AIR after a restart pays no database
 * round trip; a key missing from memory is still read through by {@link #load}.
 */
public final class SubscriberMapStore implements MapStore<String, StoredSubscriber> {
    private final SubscriberTable table;

    public SubscriberMapStore(SubscriberTable table) {
        this.table = table;
    }

    @Override
    public void store(String key, StoredSubscriber value) {
        table.upsert(value);
    }

    @Override
    public void storeAll(Map<String, StoredSubscriber> map) {
        // Only called for write-behind, which this store never configures; kept correct anyway.
        map.values().forEach(table::upsert);
    }

    @Override
    public void delete(String key) {
        table.delete(key);
    }

    @Override
    public void deleteAll(Collection<String> keys) {
        keys.forEach(table::delete);
    }

    @Override
    public StoredSubscriber load(String key) {
        return table.load(key);
    }

    @Override
    public Map<String, StoredSubscriber> loadAll(Collection<String> keys) {
        return table.loadAll(keys);
    }

    @Override
    public Iterable<String> loadAllKeys() {
        return table.allImsis();
    }
}
