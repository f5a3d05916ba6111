package org.openmcim.store.hazelcast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmcim.aka.AuthenticationFunctions.Algorithm;
import org.openmcim.aka.Hex;
import org.openmcim.aka.sqn.SqnPolicy;
import org.openmcim.store.CredentialState;
import org.openmcim.store.SqnGrant;
import org.openmcim.store.Subscriber;
import org.openmcim.store.SubscriberKind;

/**
 * Issue #4 fault tests on real members and a real H2 file database: a member dies mid-stream, the
 * whole cluster restarts, the database refuses a write. Each asserts that nothing acknowledged is
 * lost and no SQN is handed out twice.
 */
class StoreFaultTest {
    private static final SqnPolicy P = SqnPolicy.DEFAULT;
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    @TempDir
    Path dir;

    static List<Subscriber> pcids(int n) {
        List<Subscriber> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] k = new byte[16];
            byte[] opc = new byte[16];
            k[0] = (byte) i;
            k[15] = (byte) 0xA5;
            opc[1] = (byte) (i >> 8);
            opc[15] = (byte) 0x5A;
            out.add(new Subscriber(String.format("00101%010d", i), SubscriberKind.PCID, Algorithm.MILENAGE, k, opc,
                    new byte[] {(byte) 0x80, 0}, 0, CredentialState.ISSUED, T0, Duration.ofDays(365), "chtif-test",
                    "provisioning", null));
        }
        return out;
    }

    /**
     * Three members; two client threads stream grants through members 1 and 2; member 3 is
     * terminated (no graceful hand-over) in the middle. Every call must succeed, every PCID stay
     * readable, and no PCID get the same SQN twice.
     */
    @Test
    void memberKilledMidStreamLosesNothing() throws Exception {
        List<Subscriber> subs = pcids(64);
        try (TestCluster c = TestCluster.start(3, TestCluster.h2(dir, "kill"), TestCluster.randomCipher())) {
            c.member(0).store().insertAll(subs);
            int perThread = 1500;
            CountDownLatch halfway = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<Map<String, List<Long>>>> futures = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    HazelcastCredentialStore store = c.member(t).store();
                    int ind = t;
                    futures.add(pool.submit(() -> {
                        Map<String, List<Long>> granted = new HashMap<>();
                        for (int i = 0; i < perThread; i++) {
                            String imsi = subs.get((i * 7 + ind) % subs.size()).imsi();
                            SqnGrant g = store.grantVectors(imsi, P, ind, 2, T0);
                            SqnGrant.Granted ok = assertInstanceOf(SqnGrant.Granted.class, g, "call " + i + " on " + imsi);
                            for (long sqn : ok.sqns()) {
                                granted.computeIfAbsent(imsi, k -> new ArrayList<>()).add(sqn);
                            }
                            if (i == perThread / 3) {
                                halfway.countDown();
                            }
                        }
                        return granted;
                    }));
                }
                assertTrue(halfway.await(60, TimeUnit.SECONDS));
                c.member(2).kill();

                Map<String, Set<Long>> all = new HashMap<>();
                int total = 0;
                for (Future<Map<String, List<Long>>> f : futures) {
                    for (Map.Entry<String, List<Long>> e : f.get(120, TimeUnit.SECONDS).entrySet()) {
                        for (long sqn : e.getValue()) {
                            total++;
                            assertTrue(all.computeIfAbsent(e.getKey(), k -> new HashSet<>()).add(sqn),
                                    e.getKey() + ": SQN " + sqn + " handed out twice");
                        }
                    }
                }
                assertEquals(2 * perThread * 2, total);
                for (Subscriber s : subs) {
                    Subscriber now = c.member(1).store().find(s.imsi()).orElseThrow(() -> new AssertionError(s.imsi() + " lost"));
                    assertArrayEquals(s.k(), now.k());
                    long maxGranted = all.get(s.imsi()).stream().mapToLong(P::seq).max().orElseThrow();
                    assertTrue(P.seq(now.sqnHe()) >= maxGranted, s.imsi() + ": SQN_HE went back");
                }
                assertEquals(subs.size(), c.member(0).store().size());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /**
     * All members die; a new cluster (other ports, other cluster name) on the same database has
     * every PCID and its latest SQN back, loaded eagerly at start.
     */
    @Test
    void fullClusterRestartKeepsEveryPcidAndSqn() {
        List<Subscriber> subs = pcids(100);
        var db = TestCluster.h2(dir, "restart");
        var cipher = TestCluster.randomCipher();
        Map<String, Subscriber> before = new HashMap<>();
        try (TestCluster c = TestCluster.start(2, db, cipher)) {
            c.member(0).store().insertAll(subs);
            for (int i = 0; i < subs.size(); i++) {
                c.member(i % 2).store().grantVectors(subs.get(i).imsi(), P, i % 32, 1 + i % 5, T0);
            }
            c.member(1).store().transition(subs.get(3).imsi(), CredentialState.ATTACHED, T0);
            for (Subscriber s : subs) {
                before.put(s.imsi(), c.member(0).store().find(s.imsi()).orElseThrow());
            }
            c.member(0).kill();
            c.member(1).kill();
        }
        try (TestCluster c = TestCluster.start(2, db, cipher)) {
            assertEquals(subs.size(), c.member(1).store().size(), "loaded eagerly at start");
            for (Subscriber s : subs) {
                assertEquals(before.get(s.imsi()), c.member(1).store().find(s.imsi()).orElseThrow());
            }
            assertEquals(CredentialState.ATTACHED, c.member(0).store().find(subs.get(3).imsi()).orElseThrow().state());
            // and SQNs continue from where they were
            SqnGrant.Granted g = assertInstanceOf(SqnGrant.Granted.class,
                    c.member(0).store().grantVectors(subs.get(4).imsi(), P, 0, 1, T0));
            assertEquals(P.seq(before.get(subs.get(4).imsi()).sqnHe()) + 1, P.seq(g.sqns()[0]));
        }
    }

    /**
     * The database refuses the write (its table is renamed away under the cluster): the grant is
     * answered Unavailable, and neither memory nor database moves; once the table is back, grants
     * continue from the last acknowledged SQN.
     */
    @Test
    void unpersistedGrantIsNotAcknowledged() throws Exception {
        var db = TestCluster.h2(dir, "refuse");
        List<Subscriber> subs = pcids(1);
        String imsi = subs.get(0).imsi();
        try (TestCluster c = TestCluster.start(2, db, TestCluster.randomCipher());
             Connection admin = DriverManager.getConnection(db.url(), db.user(), db.password())) {
            HazelcastCredentialStore s = c.member(0).store();
            s.insertAll(subs);
            assertInstanceOf(SqnGrant.Granted.class, s.grantVectors(imsi, P, 0, 3, T0));
            try (Statement st = admin.createStatement()) {
                st.execute("ALTER TABLE subscriber RENAME TO subscriber_away");
            }
            SqnGrant.Unavailable u = assertInstanceOf(SqnGrant.Unavailable.class, s.grantVectors(imsi, P, 0, 1, T0));
            assertTrue(u.reason().startsWith("store could not persist"), u.reason());
            assertFalse(u.reason().contains(Hex.encode(subs.get(0).k())));
            assertEquals(3, P.seq(c.member(1).store().find(imsi).orElseThrow().sqnHe()), "memory did not move");
            try (Statement st = admin.createStatement()) {
                st.execute("ALTER TABLE subscriber_away RENAME TO subscriber");
                try (ResultSet rs = st.executeQuery("SELECT sqn_he FROM subscriber WHERE imsi = '" + imsi + "'")) {
                    assertTrue(rs.next());
                    assertEquals(3, P.seq(rs.getLong(1)), "database did not move");
                }
            }
            SqnGrant.Granted g = assertInstanceOf(SqnGrant.Granted.class, s.grantVectors(imsi, P, 0, 1, T0));
            assertEquals(4, P.seq(g.sqns()[0]));
        }
    }

    /** Rows hold ciphertext only: neither K nor OPc appears in any column of the database. */
    @Test
    void databaseHoldsNoClearKeys() throws Exception {
        var db = TestCluster.h2(dir, "rest");
        List<Subscriber> subs = pcids(20);
        try (TestCluster c = TestCluster.start(1, db, TestCluster.randomCipher());
             Connection admin = DriverManager.getConnection(db.url(), db.user(), db.password())) {
            c.member(0).store().insertAll(subs);
            int rows = 0;
            try (Statement st = admin.createStatement();
                 ResultSet rs = st.executeQuery("SELECT imsi, k_enc, opc_enc FROM subscriber")) {
                while (rs.next()) {
                    rows++;
                    Subscriber s = subs.stream().filter(x -> {
                        try {
                            return x.imsi().equals(rs.getString(1));
                        } catch (java.sql.SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    }).findFirst().orElseThrow();
                    String k = Hex.encode(rs.getBytes(2));
                    String opc = Hex.encode(rs.getBytes(3));
                    for (String col : List.of(k, opc)) {
                        assertFalse(col.contains(Hex.encode(s.k())), "clear K at rest");
                        assertFalse(col.contains(Hex.encode(s.opc())), "clear OPc at rest");
                    }
                    assertEquals(16 + 29, rs.getBytes(2).length, "version + nonce + ct + tag");
                }
            }
            assertEquals(subs.size(), rows);
        }
    }
}
