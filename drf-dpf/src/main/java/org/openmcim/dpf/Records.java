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

    /** How a {@link #claim} went. */
    enum Claim {
        /** {@code source} had the key and this table did not: this table now holds the same record under it. */
        CLAIMED,
        /** This table already had the key (claimed before, by this or another process): nothing changed. */
        TAKEN,
        /** {@code source} has no record under the key: nothing stored. */
        NO_SOURCE
    }

    /**
     * Takes {@code key} in this table for the record {@code source} holds under the same key, once:
     * of any number of claims of one key, concurrent or not, in this process or in others sharing the
     * table, at most one is {@link Claim#CLAIMED}. Afterwards this table holds a copy of the source's
     * record (what the nonce ledger's used table does with the issued one, {@link NonceLedger#consume}).
     *
     * <p>This default reads {@code source} and then {@link #putIfAbsent}s: the once-only rests on
     * putIfAbsent, and a source record removed between the two steps is still claimed, as a
     * read-then-insert caller would have done. {@link DirectoryRecords} overrides it with one hard
     * link, which writes no data and checks the source and this table in one system call.
     */
    default Claim claim(String key, Records source) {
        Optional<byte[]> record = source.get(checkKey(key));
        if (record.isEmpty()) {
            return Claim.NO_SOURCE;
        }
        return putIfAbsent(key, record.get()) ? Claim.CLAIMED : Claim.TAKEN;
    }

    List<String> keys();

    /**
     * Whether {@code key} matches {@link #KEY}, checked by hand: this runs several times per
     * provisioning session, and a regex Matcher per call was 4.7 % of the bytes a session allocated
     * (JFR allocation samples, 2026-11-24). Null is no key.
     */
    static boolean isKey(String key) {
        if (key == null || key.isEmpty() || key.length() > 64) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    static String checkKey(String key) {
        if (!isKey(key)) {
            throw new IllegalArgumentException("not a record key: must be 1-64 of [A-Za-z0-9_-]");
        }
        return key;
    }
}
