package org.openmcim.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmcim.store.CredentialState;

/**
 * Schema 1 (VARCHAR imsi key) tables are migrated to schema 2 (BIGINT id key) when the store
 * starts, on the real H2 database; rows keep their exact IMSI digits, an interrupted migration is
 * finished or redone, and a migration that cannot proceed says why.
 */
class SchemaMigrationTest {
    @TempDir
    Path dir;

    /** The schema before this change, as createIfAbsent wrote it (commit d1532ff). */
    private static final String SCHEMA_1 = "CREATE TABLE %s (imsi VARCHAR(15) PRIMARY KEY, kind VARCHAR(8) NOT NULL, "
            + "algorithm VARCHAR(10) NOT NULL, k_enc VARBINARY(128) NOT NULL, opc_enc VARBINARY(128) NOT NULL, "
            + "amf VARBINARY(128) NOT NULL, sqn_he BIGINT NOT NULL, state VARCHAR(16) NOT NULL, issued_at_s BIGINT NOT NULL, "
            + "issued_at_ns INTEGER NOT NULL, lifetime_s BIGINT, lifetime_ns INTEGER, issuer VARCHAR(255), profile VARCHAR(255), "
            + "msisdn VARCHAR(15), serving_host VARCHAR(255), serving_realm VARCHAR(255), serving_at_s BIGINT, serving_at_ns INTEGER)";
    private static final List<String> IMSIS = List.of("001010000000001", "01010000000001", "262019876543210");

    private String url() {
        return "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath();
    }

    private void schema1(String table) throws SQLException {
        try (Connection c = DriverManager.getConnection(url(), "sa", ""); Statement st = c.createStatement()) {
            st.execute(String.format(SCHEMA_1, table));
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (imsi, kind, algorithm, k_enc, opc_enc, amf, "
                    + "sqn_he, state, issued_at_s, issued_at_ns) VALUES (?, 'PCID', 'MILENAGE', ?, ?, X'8000', ?, 'RETIRED', 1795000000, 7)")) {
                long sqn = 32;
                for (String imsi : IMSIS) {
                    ps.setString(1, imsi);
                    ps.setBytes(2, new byte[44]);
                    ps.setBytes(3, new byte[44]);
                    ps.setLong(4, sqn);
                    sqn += 32;
                    ps.executeUpdate();
                }
            }
        }
    }

    private static void sql(JdbcPool pool, String statement) {
        pool.with(c -> {
            try (Statement st = c.createStatement()) {
                st.execute(statement);
            }
            return null;
        });
    }

    private void assertMigrated(SubscriberTable t) {
        assertEquals(Set.copyOf(IMSIS), Set.copyOf(t.allImsis()));
        for (String imsi : IMSIS) {
            var row = t.load(imsi);
            assertNotNull(row, imsi);
            assertEquals(imsi, row.imsi());
            assertEquals(CredentialState.RETIRED, row.state());
        }
        assertEquals(64, t.load("01010000000001").sqnHe());
        assertEquals(Set.of("262019876543210"), t.existing(List.of("262019876543210", "262019876543211")));
    }

    @Test
    void schema1TableIsMigratedAndTheOldRowsKept() throws SQLException {
        schema1("subscriber");
        try (JdbcPool pool = new JdbcPool(url(), "sa", "", 2, 5_000)) {
            SubscriberTable t = new SubscriberTable(pool, SubscriberTable.Dialect.H2, "subscriber");
            t.createIfAbsent();
            assertMigrated(t);
            assertEquals(3L, (long) pool.with(c -> count(c, "subscriber_v1")));
            t.createIfAbsent(); // a second start: already schema 2, nothing to do
            assertMigrated(t);
        }
    }

    @Test
    void migrationInterruptedBetweenTheRenamesIsFinished() throws SQLException {
        schema1("subscriber");
        try (JdbcPool pool = new JdbcPool(url(), "sa", "", 2, 5_000)) {
            SubscriberTable t = new SubscriberTable(pool, SubscriberTable.Dialect.H2, "subscriber");
            t.createIfAbsent();
            // What a process that died after the first rename leaves behind.
            sql(pool, "ALTER TABLE subscriber RENAME TO subscriber_v2");
            t.createIfAbsent();
            assertMigrated(t);
        }
    }

    @Test
    void partialCopyFromAnInterruptedMigrationIsRedone() throws SQLException {
        schema1("subscriber");
        try (JdbcPool pool = new JdbcPool(url(), "sa", "", 2, 5_000)) {
            // A copy that died half-way: schema 1 still in place, a partial subscriber_v2 beside it.
            sql(pool, "CREATE TABLE subscriber_v2 (id BIGINT PRIMARY KEY, imsi VARCHAR(15))");
            sql(pool, "INSERT INTO subscriber_v2 VALUES (1, 'x')");
            SubscriberTable t = new SubscriberTable(pool, SubscriberTable.Dialect.H2, "subscriber");
            t.createIfAbsent();
            assertMigrated(t);
        }
    }

    @Test
    void refusedWithAMessageWhenTheBackupNameIsTaken() throws SQLException {
        schema1("subscriber");
        try (JdbcPool pool = new JdbcPool(url(), "sa", "", 2, 5_000)) {
            sql(pool, "CREATE TABLE subscriber_v1 (x INT)");
            SubscriberTable t = new SubscriberTable(pool, SubscriberTable.Dialect.H2, "subscriber");
            StoreUnavailableException e = assertThrows(StoreUnavailableException.class, t::createIfAbsent);
            assertTrue(e.getMessage().contains("subscriber_v1 exists already"), e.getMessage());
            assertEquals(3L, (long) pool.with(c -> count(c, "subscriber")), "schema-1 rows untouched");
        }
    }

    /**
     * The same on PostgreSQL (scripts/postgres-test.sh start; skipped when nothing answers), where
     * the migration is one transaction.
     */
    @Test
    void schema1TableIsMigratedOnPostgresql() throws SQLException {
        String pgUrl = System.getenv().getOrDefault("OPENMCIM_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:55432/openmcim_test?connectTimeout=2");
        String table = "subscriber_" + Long.toUnsignedString(new java.security.SecureRandom().nextLong(), 36);
        try (Connection c = DriverManager.getConnection(pgUrl, "openmcim_test", "openmcim_test"); Statement st = c.createStatement()) {
            st.execute(String.format(SCHEMA_1, table).replace("VARBINARY(128)", "BYTEA"));
            for (String imsi : IMSIS) {
                st.execute("INSERT INTO " + table + " (imsi, kind, algorithm, k_enc, opc_enc, amf, sqn_he, state, issued_at_s, "
                        + "issued_at_ns) VALUES ('" + imsi + "', 'PCID', 'MILENAGE', '\\x00', '\\x00', '\\x8000', "
                        + (imsi.equals("01010000000001") ? 64 : 32) + ", 'RETIRED', 1795000000, 7)");
            }
        } catch (SQLException e) {
            org.junit.jupiter.api.Assumptions.abort("PostgreSQL not reachable at " + pgUrl + ": " + e.getMessage());
        }
        try (JdbcPool pool = new JdbcPool(pgUrl, "openmcim_test", "openmcim_test", 2, 5_000)) {
            SubscriberTable t = new SubscriberTable(pool, SubscriberTable.Dialect.POSTGRESQL, table);
            try {
                t.createIfAbsent();
                assertMigrated(t);
                assertEquals(3L, (long) pool.with(c -> count(c, table + "_v1")));
            } finally {
                for (String suffix : List.of("", "_v1", "_v2", "_rn")) {
                    sql(pool, "DROP TABLE IF EXISTS " + table + suffix);
                }
            }
        }
    }

    /** The bulk insert raises H2's page cache for its transaction only, and puts it back. */
    @Test
    void bulkInsertPutsTheH2CacheSizeBack() {
        try (JdbcPool pool = new JdbcPool(url(), "sa", "", 2, 5_000)) {
            SubscriberTable t = new SubscriberTable(pool, SubscriberTable.Dialect.H2, "subscriber");
            t.createIfAbsent();
            long before = pool.with(SchemaMigrationTest::cacheMb);
            List<org.openmcim.store.hazelcast.StoredSubscriber> rows = new java.util.ArrayList<>();
            for (int i = 0; i < 40_000; i++) { // 40,000 rows: about 39 MB of cache wanted, above the 16 MB default
                rows.add(org.openmcim.store.hazelcast.StoredSubscriber.fromRow(String.format("00101%010d", i),
                        org.openmcim.store.SubscriberKind.PCID, org.openmcim.aka.AuthenticationFunctions.Algorithm.MILENAGE,
                        new byte[44], new byte[44], new byte[] {(byte) 0x80, 0}, 0, CredentialState.ISSUED,
                        java.time.Instant.EPOCH, null, "chtif", "provisioning", null, null));
            }
            t.insertAll(rows);
            assertEquals(40_000, t.count());
            assertEquals(before, (long) pool.with(SchemaMigrationTest::cacheMb));
        }
    }

    private static long cacheMb(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'info.CACHE_MAX_SIZE'")) {
            rs.next();
            return Long.parseLong(rs.getString(1));
        }
    }

    private static long count(Connection c, String table) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
