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
import java.util.regex.Pattern;

import org.openmcim.aka.AuthenticationFunctions.Algorithm;
import org.openmcim.store.CredentialState;
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
    private static final Pattern TABLE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final String COLUMNS = "imsi, kind, algorithm, k_enc, opc_enc, amf, sqn_he, state, issued_at_s, "
            + "issued_at_ns, lifetime_s, lifetime_ns, issuer, profile, msisdn, serving_host, serving_realm, "
            + "serving_at_s, serving_at_ns";
    private static final int COLUMN_COUNT = 19;
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
            this.upsertSql = "MERGE INTO " + table + " (" + COLUMNS + ") KEY (imsi) VALUES (" + marks + ")";
        } else {
            StringBuilder set = new StringBuilder();
            for (String col : COLUMNS.split(", ")) {
                if (!col.equals("imsi")) {
                    set.append(set.length() == 0 ? "" : ", ").append(col).append(" = EXCLUDED.").append(col);
                }
            }
            this.upsertSql = insertSql + " ON CONFLICT (imsi) DO UPDATE SET " + set;
        }
    }

    public String name() {
        return table;
    }

    /** Creates the table if absent. */
    public void createIfAbsent() {
        String b = dialect.bytes;
        pool.with(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS " + table + " ("
                        + "imsi VARCHAR(15) PRIMARY KEY, kind VARCHAR(8) NOT NULL, algorithm VARCHAR(10) NOT NULL, "
                        + "k_enc " + b + " NOT NULL, opc_enc " + b + " NOT NULL, amf " + b + " NOT NULL, "
                        + "sqn_he BIGINT NOT NULL, state VARCHAR(16) NOT NULL, "
                        + "issued_at_s BIGINT NOT NULL, issued_at_ns INTEGER NOT NULL, "
                        + "lifetime_s BIGINT, lifetime_ns INTEGER, issuer VARCHAR(255), profile VARCHAR(255), "
                        + "msisdn VARCHAR(15), serving_host VARCHAR(255), serving_realm VARCHAR(255), "
                        + "serving_at_s BIGINT, serving_at_ns INTEGER)");
            }
            return null;
        });
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
            return null;
        });
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
            String sql = "SELECT imsi FROM " + table + " WHERE imsi IN (?" + ", ?".repeat(chunk.size() - 1) + ")";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setString(i + 1, chunk.get(i));
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
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM " + table + " WHERE imsi = ?")) {
                ps.setString(1, imsi);
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
            String sql = "SELECT " + COLUMNS + " FROM " + table + " WHERE imsi IN (?" + ", ?".repeat(chunk.size() - 1) + ")";
            pool.with(c -> {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    for (int i = 0; i < chunk.size(); i++) {
                        ps.setString(i + 1, chunk.get(i));
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
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE imsi = ?")) {
                ps.setString(1, imsi);
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
        ps.setString(1, s.imsi());
        ps.setString(2, s.kind().name());
        ps.setString(3, s.algorithm().name());
        ps.setBytes(4, s.kBlob());
        ps.setBytes(5, s.opcBlob());
        ps.setBytes(6, s.amf());
        ps.setLong(7, s.sqnLease()); // the ceiling, never the in-memory SQN_HE below it
        ps.setString(8, s.state().name());
        ps.setLong(9, s.issuedAt().getEpochSecond());
        ps.setInt(10, s.issuedAt().getNano());
        if (s.lifetime() == null) {
            ps.setNull(11, Types.BIGINT);
            ps.setNull(12, Types.INTEGER);
        } else {
            ps.setLong(11, s.lifetime().getSeconds());
            ps.setInt(12, s.lifetime().getNano());
        }
        ps.setString(13, s.issuer());
        ps.setString(14, s.profile());
        ps.setString(15, s.msisdn());
        ServingNode n = s.servingNode();
        if (n == null) {
            ps.setNull(16, Types.VARCHAR);
            ps.setNull(17, Types.VARCHAR);
            ps.setNull(18, Types.BIGINT);
            ps.setNull(19, Types.INTEGER);
        } else {
            ps.setString(16, n.host());
            ps.setString(17, n.realm());
            ps.setLong(18, n.registeredAt().getEpochSecond());
            ps.setInt(19, n.registeredAt().getNano());
        }
    }

    private static StoredSubscriber row(ResultSet rs) throws SQLException {
        long lifeS = rs.getLong(11);
        Duration lifetime = rs.wasNull() ? null : Duration.ofSeconds(lifeS, rs.getInt(12));
        String host = rs.getString(16);
        ServingNode node = host == null ? null
                : new ServingNode(host, rs.getString(17), Instant.ofEpochSecond(rs.getLong(18), rs.getInt(19)));
        return StoredSubscriber.fromRow(rs.getString(1), SubscriberKind.valueOf(rs.getString(2)),
                Algorithm.valueOf(rs.getString(3)), rs.getBytes(4), rs.getBytes(5), rs.getBytes(6), rs.getLong(7),
                CredentialState.valueOf(rs.getString(8)), Instant.ofEpochSecond(rs.getLong(9), rs.getInt(10)),
                lifetime, rs.getString(13), rs.getString(14), rs.getString(15), node);
    }
}
