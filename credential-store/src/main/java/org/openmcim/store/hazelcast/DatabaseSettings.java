package org.openmcim.store.hazelcast;

import java.util.Objects;

/**
 * The database behind the write-through MapStore.
 *
 * @param url      jdbc:h2:file:... (embedded default) or jdbc:postgresql://...
 * @param user     database user
 * @param password database password (from the config's environment variable; never logged)
 * @param poolSize connections per member
 * @param table    table name (tests give each run its own)
 */
public record DatabaseSettings(String url, String user, String password, int poolSize, String table) {
    public DatabaseSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(table, "table");
        if (poolSize < 1) {
            throw new IllegalArgumentException("poolSize must be at least 1, got " + poolSize);
        }
    }

    @Override
    public String toString() {
        return "DatabaseSettings[" + url + ", user=" + user + ", poolSize=" + poolSize + ", table=" + table + "]";
    }
}
