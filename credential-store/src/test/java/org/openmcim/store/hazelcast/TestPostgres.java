package org.openmcim.store.hazelcast;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.Assumptions;

/**
 * The PostgreSQL that {@code scripts/postgres-test.sh start} runs (127.0.0.1:55432, or
 * OPENMCIM_TEST_PG_URL). Tests that need it are skipped, through a JUnit assumption, when nothing
 * answers there.
 */
final class TestPostgres {
    static final String URL = System.getenv().getOrDefault("OPENMCIM_TEST_PG_URL",
            "jdbc:postgresql://127.0.0.1:55432/openmcim_test?connectTimeout=2");
    static final String USER = "openmcim_test";
    static final String PASSWORD = "openmcim_test";

    private TestPostgres() {
    }

    /** A fresh table name on the test server, or the test is skipped. */
    static DatabaseSettings settingsOrSkip() {
        try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD)) {
            Assumptions.assumeTrue(c.isValid(2));
        } catch (SQLException e) {
            Assumptions.abort("PostgreSQL not reachable at " + URL + " (start it with scripts/postgres-test.sh start): "
                    + e.getMessage());
        }
        String table = "subscriber_" + Long.toUnsignedString(new SecureRandom().nextLong(), 36);
        return new DatabaseSettings(URL, USER, PASSWORD, 4, table);
    }

    static void drop(DatabaseSettings db) {
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
             Statement st = c.createStatement()) {
            // and the pending-renewal table the store creates beside it (SubscriberTable, "_rn")
            st.execute("DROP TABLE IF EXISTS " + db.table() + ", " + db.table() + "_rn");
        } catch (SQLException ignored) {
            // the server went away; its table goes with the data directory
        }
    }
}
