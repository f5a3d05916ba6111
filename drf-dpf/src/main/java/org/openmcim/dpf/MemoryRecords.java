package org.openmcim.dpf;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** {@link Records} in a map: lost on exit; for tests and labs. */
public final class MemoryRecords implements Records {
    private final ConcurrentMap<String, byte[]> map = new ConcurrentHashMap<>();

    @Override
    public Optional<byte[]> get(String key) {
        byte[] v = map.get(Records.checkKey(key));
        return v == null ? Optional.empty() : Optional.of(v.clone());
    }

    @Override
    public boolean putIfAbsent(String key, byte[] value) {
        return map.putIfAbsent(Records.checkKey(key), value.clone()) == null;
    }

    @Override
    public void put(String key, byte[] value) {
        map.put(Records.checkKey(key), value.clone());
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
