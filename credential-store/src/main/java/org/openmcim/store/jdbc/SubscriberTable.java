package org.openmcim.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Logger;
import java.util.regex.Pattern;

import org.openmcim.aka.AuthenticationFunctions.Algorithm;
import org.openmcim.store.CredentialState;
import org.openmcim.store.Imsi;
import org.openmcim.store.CredentialStore.ServingNode;
import org.openmcim.store.SubscriberKind;
import org.openmcim.store.hazelcast.StoredSubscriber;

/**
 * The subscriber table, in H2 (embedded demo default) or PostgreSQL (production). Rows hold K and
 * OPc only as {@link org.openmcim.store.KeyCipher} blobs. The schema is created at start-up if
 * absent (issue #4). Enums are stored by name so rows stay readable with psql.
 *
 * <p>Column {@code sqn_he} is SQN_HE as far as a restart is concerned: the committed SQN lease
 * ceiling ({@link org.openmcim.store.hazelcast.SqnLease}), at or above every SQN handed out, while
 * the exact SQN_HE lives in the cluster. A row written before leases (SQN_HE itself) is such a
 * ceiling too, so old tables load unchanged.
 */
public final class SubscriberTable {
    private static final Logger LOG = Logger.getLogger(SubscriberTable.class.getName());
    /** The table name leaves room for the migration's suffixes within PostgreSQL's 63 characters. */
    private static final Pattern TABLE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,59}");
    /** Schema-1 rows after a migration, and the schema-2 copy while it is being made ({@link #migrate}). */
    private static final String OLD = "_v1";
    private static final String NEXT = "_v2";
    /** Pending PCID renewals, beside the subscriber table (within the 63 characters too). */
    private static final String RENEWAL = "_rn";
    private static final String COLUMNS = "id, imsi, kind, algorithm, k_enc, opc_enc, amf, sqn_he, state, issued_at_s, "
            + "issued_at_ns, lifetime_s, lifetime_ns, issuer, profile, msisdn, serving_host, serving_realm, "
            + "serving_at_s, serving_at_ns";
    private static final int COLUMN_COUNT = 20;
    /** Keys per IN (...) query: well under both databases' parameter limits. */
    private static final int IN_CHUNK = 1000;
    /**
     * Rows per JDBC batch in {@link #insertAll}. For embedded H2 the batch size hardly matters (no
     * round trips); for PostgreSQL it bounds the statements buffered per round trip.
     */
    private static final int INSERT_BATCH = 1000;

    /** SQL differences between the two supported databases. */
    public enum Dialect {
        H2("VARBINARY(128)"), POSTGRESQL("BYTEA");

        final String bytes;

        Dialect(String bytes) {
            this.bytes = bytes;
        }

        public static Dialect of(String jdbcUrl) {
            if (jdbcUrl.startsWith("jdbc:h2:")) {
                return H2;
            }
            if (jdbcUrl.startsWith("jdbc:postgresql:")) {
                return POSTGRESQL;
            }
            throw new IllegalArgumentException("unsupported database URL (want jdbc:h2: or jdbc:postgresql:): " + jdbcUrl);
        }
    }

    private final JdbcPool pool;
    private final String table;
    private final Dialect dialect;
    private final String upsertSql;
    private final String insertSql;

    public SubscriberTable(JdbcPool pool, Dialect dialect, String table) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.dialect = Objects.requireNonNull(dialect, "dialect");
        if (!TABLE_NAME.matcher(table).matches()) {
            throw new IllegalArgumentException("table name must match " + TABLE_NAME + ", got '" + table + "'");
        }
        this.table = table;
        String marks = "?" + ", ?".repeat(COLUMN_COUNT - 1);
        this.insertSql = "INSERT INTO " + table + " (" + COLUMNS + ") VALUES (" + marks + ")";
        if (dialect == Dialect.H2) {
            this.upsertSql = "MERGE INTO " + table + " (" + COLUMNS + ") KEY (id) VALUES (" + marks + ")";
        } else {
            StringBuilder set = new StringBuilder();
            for (String col : COLUMNS.split(", ")) {
                if (!col.equals("id")) {
                    set.append(set.length() == 0 ? "" : ", ").append(col).append(" = EXCLUDED.").append(col);
                }
            }
            this.upsertSql = insertSql + " ON CONFLICT (id) DO UPDATE SET " + set;
        }
    }

    public String name() {
        return table;
    }

    /**
     * Creates the table if absent, or migrates one of the first schema (see {@link #migrate}).
     *
     * <p>Schema 2 keys rows by {@code id BIGINT}, the {@link Imsi#key} of the IMSI, instead of
     * {@code imsi VARCHAR(15)}: in H2 a BIGINT primary key is the row key itself, while a VARCHAR
     * key is a second index beside the row map, written (and committed) once more per row. The
     * {@code imsi} column stays, as text, so rows read the same in psql.
     */
    public void createIfAbsent() {
        pool.with(c -> {
            if (hasTable(c, table) && !hasColumn(c, table, "id")) {
                migrate(c);
            } else if (!hasTable(c, table) && hasTable(c, table + NEXT) && hasTable(c, table + OLD)) {
                // An H2 migration stopped between its two renames (H2 commits each DDL statement):
                // the copy is whole, so only the last rename is left to do.
                try (Statement st = c.createStatement()) {
                    st.execute("ALTER TABLE " + table + NEXT + " RENAME TO " + table);
                }
                LOG.info("table " + table + ": finished the migration to schema 2 (BIGINT key); the old rows are kept in "
                        + table + OLD);
            } else {
                try (Statement st = c.createStatement()) {
                    st.execute(createSql(table));
                }
            }
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS " + table + RENEWAL + " (old_id BIGINT PRIMARY KEY, "
                        + "old_imsi VARCHAR(15) NOT NULL, new_imsi VARCHAR(15) NOT NULL, issued_at_s BIGINT NOT NULL)");
            }
            return null;
        });
    }

    /**
     * Records {@code newImsi} as the renewal of {@code oldImsi} awaiting delivery (TR §5.1.3.7.4.3
     * NOTE 2). Renewals are rare and read once per provisioning, so they live in the database only,
     * not in the cluster.
     *
     * @return false if {@code oldImsi} already has one (nothing changed)
     */
    public boolean insertRenewal(String oldImsi, String newImsi, Instant at) {
        return pool.with(c -> {
            if (renewalOf(c, oldImsi) != null) {
                return false;
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + RENEWAL
                    + " (old_id, old_imsi, new_imsi, issued_at_s) VALUES (?, ?, ?, ?)")) {
                ps.setLong(1, Imsi.key(oldImsi));
                ps.setString(2, oldImsi);
                ps.setString(3, newImsi);
                ps.setLong(4, at.getEpochSecond());
                ps.executeUpdate();
                return true;
            } catch (SQLException e) {
                if (renewalOf(c, oldImsi) != null) {
                    return false; // inserted concurrently by another member
                }
                throw e;
            }
        });
    }

    /** The renewal awaiting delivery for {@code oldImsi}, or null. */
    public String renewalOf(String oldImsi) {
        return pool.with(c -> renewalOf(c, oldImsi));
    }

    private String renewalOf(Connection c, String oldImsi) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT new_imsi FROM " + table + RENEWAL + " WHERE old_id = ?")) {
            ps.setLong(1, Imsi.key(oldImsi));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Drops the renewal of {@code oldImsi}; returns whether there was one. */
    public boolean deleteRenewal(String oldImsi) {
        return pool.with(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + RENEWAL + " WHERE old_id = ?")) {
                ps.setLong(1, Imsi.key(oldImsi));
                return ps.executeUpdate() > 0;
            }
        });
    }

    private String createSql(String name) {
        String b = dialect.bytes;
        return "CREATE TABLE IF NOT EXISTS " + name + " ("
                + "id BIGINT PRIMARY KEY, imsi VARCHAR(15) NOT NULL, kind VARCHAR(8) NOT NULL, algorithm VARCHAR(10) NOT NULL, "
                + "k_enc " + b + " NOT NULL, opc_enc " + b + " NOT NULL, amf " + b + " NOT NULL, "
                + "sqn_he BIGINT NOT NULL, state VARCHAR(16) NOT NULL, "
                + "issued_at_s BIGINT NOT NULL, issued_at_ns INTEGER NOT NULL, "
                + "lifetime_s BIGINT, lifetime_ns INTEGER, issuer VARCHAR(255), profile VARCHAR(255), "
                + "msisdn VARCHAR(15), serving_host VARCHAR(255), serving_realm VARCHAR(255), "
                + "serving_at_s BIGINT, serving_at_ns INTEGER)";
    }

    /**
     * Schema 1 (VARCHAR {@code imsi} key) to schema 2: the rows are copied into a new table with
     * {@code id} computed from {@code imsi} in SQL ({@link Imsi#key}: length × 10^15 + value), then
     * the old table is renamed to {@code <table>_v1} (kept: dropping data is the operator's call) and
     * the new one takes its name.
     *
     * <p>PostgreSQL runs it as one transaction (its DDL is transactional) after {@code LOCK TABLE},
     * so a second member starting at the same moment waits and then finds schema 2. H2 commits each
     * DDL statement: a migration that dies before the first rename leaves schema 1 and a partial copy,
     * which the next start drops and redoes; one that dies between the renames is finished by
     * {@link #createIfAbsent}. An embedded H2 file is opened by one process only, so no other
     * process migrates it meanwhile.
     */
    private void migrate(Connection c) throws SQLException {
        if (hasTable(c, table + OLD)) {
            throw new SQLException("table " + table + " has the schema-1 key (imsi VARCHAR) and " + table + OLD
                    + " exists already, so it cannot be migrated to schema 2 (id BIGINT); rename or drop " + table + OLD
                    + " and start again");
        }
        boolean pg = dialect == Dialect.POSTGRESQL;
        if (pg) {
            c.setAutoCommit(false);
        }
        try (Statement st = c.createStatement()) {
            if (pg) {
                st.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
                if (hasColumn(c, table, "id")) {
                    c.commit();
                    return; // another member migrated it while we waited
                }
            }
            st.execute("DROP TABLE IF EXISTS " + table + NEXT);
            st.execute(createSql(table + NEXT));
            String rest = COLUMNS.substring("id, imsi, ".length());
            long copied = st.executeUpdate("INSERT INTO " + table + NEXT + " (" + COLUMNS + ") SELECT "
                    + "CAST(LENGTH(imsi) AS BIGINT) * 1000000000000000 + CAST(imsi AS BIGINT), imsi, " + rest + " FROM " + table);
            st.execute("ALTER TABLE " + table + " RENAME TO " + table + OLD);
            st.execute("ALTER TABLE " + table + NEXT + " RENAME TO " + table);
            if (pg) {
                c.commit();
            }
            LOG.info("table " + table + ": migrated " + copied + " rows to schema 2 (BIGINT key); the old rows are kept in "
                    + table + OLD);
        } catch (SQLException e) {
            if (pg) {
                c.rollback();
            }
            throw new SQLException("table " + table + ": migration to schema 2 failed, nothing changed"
                    + (pg ? "" : " that the next start does not redo") + ": " + e.getMessage(), e);
        }
    }

    private static boolean hasTable(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM information_schema.tables "
                + "WHERE LOWER(table_name) = ? AND LOWER(table_schema) = LOWER(CURRENT_SCHEMA)")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static boolean hasColumn(Connection c, String tableName, String column) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM information_schema.columns "
                + "WHERE LOWER(table_name) = ? AND LOWER(column_name) = ? AND LOWER(table_schema) = LOWER(CURRENT_SCHEMA)")) {
            ps.setString(1, tableName);
            ps.setString(2, column);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Insert or replace one row (MapStore.store: write-through). */
    public void upsert(StoredSubscriber s) {
        pool.with(c -> {
            try (PreparedStatement ps = c.prepareStatement(upsertSql)) {
                bind(ps, s);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Inserts all rows in one transaction: either every row is committed or none. The primary key
     * is the guard against an IMSI that exists (or is inserted concurrently); only when the insert
     * fails are the existing IMSIs looked up, after the rollback, so the error can name them. (A
     * look-up before every insert cost a second pass of IN queries over the whole batch, which the
     * importer has just made itself.)
     *
     * @throws IllegalArgumentException naming (up to ten) IMSIs that already exist; nothing stored
     */
    public void insertAll(Collection<StoredSubscriber> rows) {
        pool.with(c -> {
            long cacheKb = dialect == Dialect.H2 ? raiseH2Cache(c, rows.size()) : -1;
            try {
                insertAll(c, rows);
            } finally {
                if (cacheKb > 0) {
                    try (Statement st = c.createStatement()) {
                        st.execute("SET CACHE_SIZE " + cacheKb);
                    }
                }
            }
            return null;
        });
    }

    /**
     * H2 keeps an open transaction's rows, index pages and undo log in its page cache; once they
     * outgrow it, pages are written out and read back for the commit, which then dominates. Measured
     * here (1M rows, schema 2, one transaction, H2 alone): 33-38 s with H2's default 16 MB cache,
     * 36 s with 256 MB, 29 s with 512 MB, 10 s with 1 GB; the file is ~340 MB. So for a large batch the cache is raised to about 1 KB per row, at
     * most a quarter of the heap, and put back afterwards (H2 then evicts down to it). A concurrent
     * import that puts it back early only makes this one slower, never wrong.
     *
     * @return the previous size in KB to restore, or -1 if it was not changed
     */
    private static long raiseH2Cache(Connection c, int rows) throws SQLException {
        long wantKb = Math.min((long) rows, Runtime.getRuntime().maxMemory() / 4 / 1024);
        long currentKb;
        // The size in effect, in MB; a CACHE_SIZE row exists only once the setting was changed
        // (H2 2.4 default: 16 MB).
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS "
                     + "WHERE SETTING_NAME = 'info.CACHE_MAX_SIZE'")) {
            if (!rs.next()) {
                return -1;
            }
            currentKb = Long.parseLong(rs.getString(1).trim()) * 1024;
        }
        if (wantKb <= currentKb) {
            return -1;
        }
        try (Statement st = c.createStatement()) {
            st.execute("SET CACHE_SIZE " + wantKb);
        }
        return currentKb;
    }

    private void insertAll(Connection c, Collection<StoredSubscriber> rows) throws SQLException {
        {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(insertSql)) {
                int n = 0;
                for (StoredSubscriber s : rows) {
                    bind(ps, s);
                    ps.addBatch();
                    if (++n % INSERT_BATCH == 0) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
            } catch (SQLException e) {
                // Nothing of this batch may stay: roll back first (PostgreSQL refuses any further
                // statement in a failed transaction), then find out whether rows existed.
                List<String> existing;
                try {
                    c.rollback();
                    c.setAutoCommit(true);
                    existing = existing(c, rows.stream().map(StoredSubscriber::imsi).toList(), 10);
                } catch (SQLException lookup) {
                    e.addSuppressed(lookup); // the insert's own error is the one to report
                    throw e;
                }
                if (!existing.isEmpty()) {
                    throw new IllegalArgumentException("IMSI(s) already exist: " + String.join(", ", existing));
                }
                throw e;
            }
            c.commit();
        }
    }

    /** Which of {@code imsis} have a row (IN queries of 1000). */
    public java.util.Set<String> existing(Collection<String> imsis) {
        List<String> all = List.copyOf(imsis);
        return pool.with(c -> new java.util.HashSet<>(existing(c, all, Integer.MAX_VALUE)));
    }

    private List<String> existing(Connection c, List<String> imsis, int max) throws SQLException {
        List<String> found = new ArrayList<>();
        for (int from = 0; from < imsis.size() && found.size() < max; from += IN_CHUNK) {
            List<String> chunk = imsis.subList(from, Math.min(imsis.size(), from + IN_CHUNK));
            String sql = "SELECT imsi FROM " + table + " WHERE id IN (?" + ", ?".repeat(chunk.size() - 1) + ")";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setLong(i + 1, Imsi.key(chunk.get(i)));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next() && found.size() < max) {
                        found.add(rs.getString(1));
                    }
                }
            }
        }
        return found;
    }

    public StoredSubscriber load(String imsi) {
        return pool.with(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM " + table + " WHERE id = ?")) {
                ps.setLong(1, Imsi.key(imsi));
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? row(rs) : null;
                }
            }
        });
    }

    public Map<String, StoredSubscriber> loadAll(Collection<String> imsis) {
        List<String> list = List.copyOf(imsis);
        Map<String, StoredSubscriber> out = new HashMap<>();
        for (int from = 0; from < list.size(); from += IN_CHUNK) {
            List<String> chunk = list.subList(from, Math.min(list.size(), from + IN_CHUNK));
            String sql = "SELECT " + COLUMNS + " FROM " + table + " WHERE id IN (?" + ", ?".repeat(chunk.size() - 1) + ")";
            pool.with(c -> {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    for (int i = 0; i < chunk.size(); i++) {
                        ps.setLong(i + 1, Imsi.key(chunk.get(i)));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            StoredSubscriber s = row(rs);
                            out.put(s.imsi(), s);
                        }
                    }
                }
                return null;
            });
        }
        return out;
    }

    public List<String> allImsis() {
        return pool.with(c -> {
            List<String> keys = new ArrayList<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT imsi FROM " + table)) {
                while (rs.next()) {
                    keys.add(rs.getString(1));
                }
            }
            return keys;
        });
    }

    public void delete(String imsi) {
        pool.with(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE id = ?")) {
                ps.setLong(1, Imsi.key(imsi));
                ps.executeUpdate();
            }
            return null;
        });
    }

    public long count() {
        return pool.with(c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private static void bind(PreparedStatement ps, StoredSubscriber s) throws SQLException {
        ps.setLong(1, Imsi.key(s.imsi()));
        ps.setString(2, s.imsi());
        ps.setString(3, s.kind().name());
        ps.setString(4, s.algorithm().name());
        ps.setBytes(5, s.kBlob());
        ps.setBytes(6, s.opcBlob());
        ps.setBytes(7, s.amf());
        ps.setLong(8, s.sqnLease()); // the ceiling, never the in-memory SQN_HE below it
        ps.setString(9, s.state().name());
        ps.setLong(10, s.issuedAt().getEpochSecond());
        ps.setInt(11, s.issuedAt().getNano());
        if (s.lifetime() == null) {
            ps.setNull(12, Types.BIGINT);
            ps.setNull(13, Types.INTEGER);
        } else {
            ps.setLong(12, s.lifetime().getSeconds());
            ps.setInt(13, s.lifetime().getNano());
        }
        ps.setString(14, s.issuer());
        ps.setString(15, s.profile());
        ps.setString(16, s.msisdn());
        ServingNode n = s.servingNode();
        if (n == null) {
            ps.setNull(17, Types.VARCHAR);
            ps.setNull(18, Types.VARCHAR);
            ps.setNull(19, Types.BIGINT);
            ps.setNull(20, Types.INTEGER);
        } else {
            ps.setString(17, n.host());
            ps.setString(18, n.realm());
            ps.setLong(19, n.registeredAt().getEpochSecond());
            ps.setInt(20, n.registeredAt().getNano());
        }
    }

    private static StoredSubscriber row(ResultSet rs) throws SQLException {
        long lifeS = rs.getLong(12);
        Duration lifetime = rs.wasNull() ? null : Duration.ofSeconds(lifeS, rs.getInt(13));
        String host = rs.getString(17);
        ServingNode node = host == null ? null
                : new ServingNode(host, rs.getString(18), Instant.ofEpochSecond(rs.getLong(19), rs.getInt(20)));
        return StoredSubscriber.fromRow(rs.getString(2), SubscriberKind.valueOf(rs.getString(3)),
                Algorithm.valueOf(rs.getString(4)), rs.getBytes(5), rs.getBytes(6), rs.getBytes(7), rs.getLong(8),
                CredentialState.valueOf(rs.getString(9)), Instant.ofEpochSecond(rs.getLong(10), rs.getInt(11)),
                lifetime, rs.getString(14), rs.getString(15), rs.getString(16), node);
    }
}
