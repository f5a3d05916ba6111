package org.openmcim.store.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openmcim.aka.Hex;
import org.openmcim.store.CredentialStore;
import org.openmcim.store.CredentialStoreContract;
import org.openmcim.store.SqnGrant;
import org.openmcim.store.Subscriber;

/**
 * The contract, a full restart (SQN_HE back at the committed lease ceiling) and the at-rest check
 * on a real two-member cluster over the PostgreSQL that scripts/postgres-test.sh runs; skipped
 * when it is not running.
 */
class PostgresCredentialStoreTest extends CredentialStoreContract {
    private TestCluster cluster;
    private DatabaseSettings db;

    @Override
    protected CredentialStore store() {
        db = TestPostgres.settingsOrSkip();
        cluster = TestCluster.start(2, db, TestCluster.randomCipher());
        return new HazelcastCredentialStoreTest.Alternating(cluster.member(0).store(), cluster.member(1).store());
    }

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (db != null) {
            TestPostgres.drop(db);
        }
    }

    @Test
    void fullRestartOnPostgresKeepsEverythingEncrypted() throws Exception {
        db = TestPostgres.settingsOrSkip();
        var cipher = TestCluster.randomCipher();
        List<Subscriber> subs = StoreFaultTest.pcids(50);
        Map<String, Subscriber> before = new HashMap<>();
        try (TestCluster c = TestCluster.start(2, db, cipher)) {
            c.member(0).store().insertAll(subs);
            for (int i = 0; i < subs.size(); i++) {
                assertInstanceOf(SqnGrant.Granted.class,
                        c.member(i % 2).store().grantVectors(subs.get(i).imsi(), P, i % 32, 1 + i % 3, T0));
            }
            for (Subscriber s : subs) {
                before.put(s.imsi(), c.member(1).store().find(s.imsi()).orElseThrow());
            }
            c.member(0).kill();
            c.member(1).kill();
        }
        try (Connection admin = DriverManager.getConnection(db.url(), db.user(), db.password());
             Statement st = admin.createStatement();
             ResultSet rs = st.executeQuery("SELECT imsi, k_enc, opc_enc FROM " + db.table())) {
            int rows = 0;
            while (rs.next()) {
                rows++;
                Subscriber s = before.get(rs.getString(1));
                String blobs = Hex.encode(rs.getBytes(2)) + Hex.encode(rs.getBytes(3));
                assertFalse(blobs.contains(Hex.encode(s.k())) || blobs.contains(Hex.encode(s.opc())), "clear key at rest");
            }
            assertEquals(subs.size(), rows);
        }
        try (TestCluster c = TestCluster.start(2, db, cipher)) {
            assertEquals(subs.size(), c.member(0).store().size());
            for (Subscriber s : subs) {
                // SQN_HE comes back as the committed lease ceiling: at most L above where it was
                Subscriber now = c.member(0).store().find(s.imsi()).orElseThrow();
                assertEquals(before.get(s.imsi()).withSqnHe(now.sqnHe()), now);
                assertEquals(TestCluster.committedSqn(db, s.imsi()), now.sqnHe());
                long gap = P.seq(now.sqnHe()) - P.seq(before.get(s.imsi()).sqnHe());
                assertTrue(gap >= 0 && gap <= TestCluster.LEASE, s.imsi() + ": " + gap);
            }
        }
    }
}
