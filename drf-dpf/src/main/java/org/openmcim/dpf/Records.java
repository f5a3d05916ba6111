package org.openmcim.dpf;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A small durable key → JSON record table: what the DRF registry, the nonce ledger shared by DRF and
 * DPF, and the DPF's download sessions are kept in. Two implementations behind one interface
 * (STYLE.md 7): {@link MemoryRecords} for tests and single-process labs, {@link DirectoryRecords}
 * (one file per record, atomic writes) so a DPF restart in the middle of a download loses nothing
 * (TR 33.812 step 17 resumes) and a DRF and a DPF on one host share their nonces.
 *
 * <p>Keys are PCIDs, nonces and object ids: {@code [A-Za-z0-9_-]{1,64}}, checked here so no key can
 * name a path outside the table.
 */
public interface Records {
    Pattern KEY = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    Optional<byte[]> get(String key);

    /** Stores {@code value} only if {@code key} is absent; atomic. Returns whether it was stored. */
    boolean putIfAbsent(String key, byte[] value);

    /** Stores or replaces {@code value}; atomic (a reader sees the old or the new record, never half). */
    void put(String key, byte[] value);

    boolean remove(String key);

    List<String> keys();

    static String checkKey(String key) {
        if (key == null || !KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("not a record key: must be 1-64 of [A-Za-z0-9_-]");
        }
        return key;
    }
}
