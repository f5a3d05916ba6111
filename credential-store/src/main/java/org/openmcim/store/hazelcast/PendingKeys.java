package org.openmcim.store.hazelcast;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;

/**
 * Runs on a member: marks the keys of a bulk insert pending in its {@link SubscriberMapStore}, or
 * ends those marks (see the class comment there). Carries IMSIs only, never a key blob.
 */
public final class PendingKeys implements Callable<Integer>, DataSerializable, HazelcastInstanceAware {
    private List<String> keys = List.of();
    private UUID importer;
    private boolean mark;
    private transient HazelcastInstance hazelcast;

    /** For Hazelcast's deserialization. */
    public PendingKeys() {
    }

    static PendingKeys mark(List<String> keys, UUID importer) {
        return of(keys, importer, true);
    }

    static PendingKeys unmark(List<String> keys, UUID importer) {
        return of(keys, importer, false);
    }

    private static PendingKeys of(List<String> keys, UUID importer, boolean mark) {
        PendingKeys t = new PendingKeys();
        t.keys = keys;
        t.importer = importer;
        t.mark = mark;
        return t;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        this.hazelcast = hazelcastInstance;
    }

    @Override
    public Integer call() {
        SubscriberMapStore store = (SubscriberMapStore) hazelcast.getUserContext().get(SubscriberMapStore.USER_CONTEXT_KEY);
        if (store == null) {
            return 0; // not a store member: it never loads subscribers
        }
        if (mark) {
            store.markPending(keys, importer);
        } else {
            store.unmarkPending(keys, importer);
        }
        return keys.size();
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeBoolean(mark);
        out.writeLong(importer.getMostSignificantBits());
        out.writeLong(importer.getLeastSignificantBits());
        out.writeInt(keys.size());
        for (String k : keys) {
            out.writeString(k);
        }
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        mark = in.readBoolean();
        importer = new UUID(in.readLong(), in.readLong());
        int n = in.readInt();
        List<String> k = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            k.add(in.readString());
        }
        keys = k;
    }
}
