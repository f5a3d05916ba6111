package org.openmcim.dpf;

import java.util.List;
import java.util.Optional;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;

/**
 * {@link Records} in a Hazelcast map, for a DRF and DPFs on several hosts: the RO's store cluster
 * (credential-store's {@code StoreMember.hazelcast()}) carries the registry, the nonce ledger and the
 * sessions next to the PCID credentials. {@code putIfAbsent} is atomic across the cluster, so a nonce
 * is consumed once whichever DPF member receives the replay. Records live as long as the cluster
 * (synchronous backups, per the map's configuration); they are not written to the store's database.
 */
public final class HazelcastRecords implements Records {
    private final IMap<String, byte[]> map;

    public HazelcastRecords(IMap<String, byte[]> map) {
        this.map = map;
    }

    /** The map {@code openmcim-NAME} of {@code hz}. */
    public static HazelcastRecords of(HazelcastInstance hz, String name) {
        return new HazelcastRecords(hz.getMap("openmcim-" + name));
    }

    @Override
    public Optional<byte[]> get(String key) {
        return Optional.ofNullable(map.get(Records.checkKey(key)));
    }

    @Override
    public boolean putIfAbsent(String key, byte[] value) {
        return map.putIfAbsent(Records.checkKey(key), value.clone()) == null;
    }

    @Override
    public void put(String key, byte[] value) {
        map.set(Records.checkKey(key), value.clone());
    }

    @Override
    public boolean remove(String key) {
        return map.remove(Records.checkKey(key)) != null;
    }

    @Override
    public List<String> keys() {
        return List.copyOf(map.keySet());
    }
}
