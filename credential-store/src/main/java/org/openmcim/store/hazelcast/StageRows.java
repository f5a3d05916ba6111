package org.openmcim.store.hazelcast;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;

/**
 * Runs on a member: stages committed rows in its {@link SubscriberMapStore}, or drops staged keys.
 * Rows travel in the store's own serialized form (encrypted K/OPc only, as in the map).
 */
public final class StageRows implements Callable<Integer>, DataSerializable, HazelcastInstanceAware {
    private List<StoredSubscriber> rows = List.of();
    private List<String> drop = List.of();
    private Set<UUID> members = Set.of();
    private transient HazelcastInstance hazelcast;

    /** For Hazelcast's deserialization. */
    public StageRows() {
    }

    static StageRows stage(List<StoredSubscriber> rows, Set<UUID> members) {
        StageRows t = new StageRows();
        t.rows = rows;
        t.members = members;
        return t;
    }

    static StageRows unstage(List<String> keys) {
        StageRows t = new StageRows();
        t.drop = keys;
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
            return 0; // not a store member: nothing staged, loadAll reads the table
        }
        if (!rows.isEmpty()) {
            store.stage(rows, members);
        }
        store.unstage(drop);
        return rows.size();
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeInt(rows.size());
        for (StoredSubscriber s : rows) {
            out.writeObject(s);
        }
        out.writeInt(members.size());
        for (UUID m : members) {
            out.writeLong(m.getMostSignificantBits());
            out.writeLong(m.getLeastSignificantBits());
        }
        out.writeInt(drop.size());
        for (String k : drop) {
            out.writeString(k);
        }
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        int n = in.readInt();
        List<StoredSubscriber> r = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            r.add(in.readObject());
        }
        rows = r;
        int k = in.readInt();
        Set<UUID> ms = new HashSet<>();
        for (int i = 0; i < k; i++) {
            ms.add(new UUID(in.readLong(), in.readLong()));
        }
        members = ms;
        int m = in.readInt();
        List<String> d = new ArrayList<>(m);
        for (int i = 0; i < m; i++) {
            d.add(in.readString());
        }
        drop = d;
    }
}
