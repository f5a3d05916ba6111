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
     * Three members with SQN lease L = {@link TestCluster#LEASE}; two client threads stream grants
     * through members 1 and 2, crossing ceilings every few calls per PCID; member 3, which owns
     * some of the PCIDs (their SQN_HE inside the lease lives only in memory, on it and a backup),
     * is terminated (no graceful hand-over) in the middle. Every call must succeed, every PCID stay
     * readable, no PCID get the same SQN twice, and every committed ceiling be at or above what
     * was handed out. Then the survivors die too, and a new cluster on the same database hands
     * every PCID an SQN above all of those (the full-restart half of the issue #4 fault test).
     */
    @Test
    void memberKilledMidStreamLosesNothingAndARestartReusesNoSqn() throws Exception {
        List<Subscriber> subs = pcids(64);
        var db = TestCluster.h2(dir, "kill");
        var cipher = TestCluster.randomCipher();
        Map<String, Set<Long>> all = new HashMap<>();
        Map<String, Long> sqnHeBefore = new HashMap<>();
        try (TestCluster c = TestCluster.start(3, db, cipher)) {
            c.member(0).store().insertAll(subs);
            c.awaitSafe();
            long ownedByVictim = subs.stream().filter(s -> c.member(2).hazelcast().getPartitionService()
                    .getPartition(s.imsi()).getOwner().localMember()).count();
            assertTrue(ownedByVictim > 0, "the member to be killed owns some of the PCIDs");
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

                int total = 0;
                for (Future<Map<String, List<Long>>> f : futures) {
                    for (Map.Entry<String, List<Long>> e : f.get(120, TimeUnit.SECONDS).entrySet()) {
                        for (long sqn : e.getValue()) {
                            total++;
                            assertTrue(all.computeIfAbsent(e.getKey(), k -> new HashSet<>()).add(P.seq(sqn)),
                                    e.getKey() + ": SEQ " + P.seq(sqn) + " handed out twice");
                        }
                    }
                }
                assertEquals(2 * perThread * 2, total);
                for (Subscriber s : subs) {
                    Subscriber now = c.member(1).store().find(s.imsi()).orElseThrow(() -> new AssertionError(s.imsi() + " lost"));
                    assertArrayEquals(s.k(), now.k());
                    long maxGranted = all.get(s.imsi()).stream().mapToLong(Long::longValue).max().orElseThrow();
                    // ≥, not =: a grant re-run on the new owner after the old one died unanswered
                    // skips the SEQs of the lost run (never repeats them).
                    long seqHe = P.seq(now.sqnHe());
                    assertTrue(seqHe >= maxGranted, s.imsi() + ": SQN_HE went back");
                    sqnHeBefore.put(s.imsi(), seqHe);
                    long ceiling = P.seq(TestCluster.committedSqn(db, s.imsi()));
                    assertTrue(ceiling >= seqHe, s.imsi() + ": SEQ " + seqHe + " handed out above the committed " + ceiling);
                    assertTrue(ceiling <= seqHe + TestCluster.LEASE, s.imsi() + ": ceiling " + ceiling);
                }
                assertEquals(subs.size(), c.member(0).store().size());
            } finally {
                pool.shutdownNow();
            }
            c.member(0).kill();
            c.member(1).kill();
        }
        try (TestCluster c = TestCluster.start(2, db, cipher)) {
            for (int i = 0; i < subs.size(); i++) {
                String imsi = subs.get(i).imsi();
                SqnGrant.Granted g = assertInstanceOf(SqnGrant.Granted.class,
                        c.member(i % 2).store().grantVectors(imsi, P, 9, 1, T0));
                long maxBefore = all.get(imsi).stream().mapToLong(Long::longValue).max().orElseThrow();
                long seq = P.seq(g.sqns()[0]);
                assertTrue(seq > maxBefore, imsi + ": SEQ " + seq + " after the restart, " + maxBefore + " handed out before");
                assertTrue(seq <= sqnHeBefore.get(imsi) + TestCluster.LEASE + 1,
                        imsi + ": gap of at most L, got " + (seq - sqnHeBefore.get(imsi)));
            }
        }
    }

    /**
     * All members die; a new cluster (other ports, other cluster name) on the same database has
     * every PCID back, loaded eagerly at start, with SQN_HE at its committed lease ceiling: at or
     * above the last SQN handed out and at most L above it (TS 33.102 C.2.2: a USIM accepts the
     * skip). Grants continue from there, so none repeats.
     */
    @Test
    void fullClusterRestartKeepsEveryPcidAndResumesAboveItsSqn() {
        List<Subscriber> subs = pcids(100);
        var db = TestCluster.h2(dir, "restart");
        var cipher = TestCluster.randomCipher();
        Map<String, Subscriber> before = new HashMap<>();
        try (TestCluster c = TestCluster.start(2, db, cipher)) {
            c.member(0).store().insertAll(subs);
            for (int i = 0; i < subs.size(); i++) {
                c.member(i % 2).store().grantVectors(subs.get(i).imsi(), P, i % 32, 1 + i % 5, T0);
            }
            for (int i = 0; i < 30; i++) { // more grants on a few, inside and across their leases
                c.member(i % 2).store().grantVectors(subs.get(i % 3).imsi(), P, i % 32, 1, T0);
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
                Subscriber was = before.get(s.imsi());
                Subscriber now = c.member(1).store().find(s.imsi()).orElseThrow();
                assertEquals(was.withSqnHe(now.sqnHe()), now, "everything but SQN_HE as before");
                assertEquals(TestCluster.committedSqn(db, s.imsi()), now.sqnHe(), "SQN_HE is the committed ceiling");
                long gap = P.seq(now.sqnHe()) - P.seq(was.sqnHe());
                assertTrue(gap >= 0 && gap <= TestCluster.LEASE, s.imsi() + ": ceiling " + gap + " SEQ above SQN_HE");
            }
            assertEquals(CredentialState.ATTACHED, c.member(0).store().find(subs.get(3).imsi()).orElseThrow().state());
            // and SQNs continue above the ceiling
            String imsi = subs.get(4).imsi();
            long ceiling = c.member(0).store().find(imsi).orElseThrow().sqnHe();
            SqnGrant.Granted g = assertInstanceOf(SqnGrant.Granted.class, c.member(0).store().grantVectors(imsi, P, 0, 1, T0));
            assertEquals(P.seq(ceiling) + 1, P.seq(g.sqns()[0]));
        }
    }

    /**
     * The database refuses every write (its table is renamed away under the cluster). Grants inside
     * the committed lease go on: every SQN they hand out is below a committed ceiling, so a restart
     * could not repeat it (the documented choice, see HazelcastCredentialStore). The grant that needs
     * a new ceiling is answered Unavailable (4181 at the ICF) and neither memory nor database moves;
     * once the table is back, grants continue from the last acknowledged SQN.
     */
    @Test
    void aLeaseTheDatabaseCouldNotCommitIsNotUsed() throws Exception {
        var db = TestCluster.h2(dir, "refuse");
        List<Subscriber> subs = pcids(2);
        String imsi = subs.get(0).imsi();
        String fresh = subs.get(1).imsi();
        int lease = 5;
        try (TestCluster c = TestCluster.start(2, db, TestCluster.randomCipher(), lease);
             Connection admin = DriverManager.getConnection(db.url(), db.user(), db.password())) {
            HazelcastCredentialStore s = c.member(0).store();
            s.insertAll(subs);
            assertInstanceOf(SqnGrant.Granted.class, s.grantVectors(imsi, P, 0, 3, T0)); // SEQ 1..3, ceiling 8
            assertEquals(8, P.seq(TestCluster.committedSqn(db, imsi)));
            try (Statement st = admin.createStatement()) {
                st.execute("ALTER TABLE subscriber RENAME TO subscriber_away");
            }
            for (int seq = 4; seq <= 8; seq++) {
                SqnGrant.Granted g = assertInstanceOf(SqnGrant.Granted.class, c.member(seq % 2).store().grantVectors(imsi, P, 1, 1, T0),
                        "SEQ " + seq + " is inside the committed lease");
                assertEquals(seq, P.seq(g.sqns()[0]));
            }
            SqnGrant.Unavailable u = assertInstanceOf(SqnGrant.Unavailable.class, s.grantVectors(imsi, P, 0, 1, T0));
            assertTrue(u.reason().startsWith("store could not persist the new SQN lease"), u.reason());
            assertTrue(u.reason().contains("database error"), u.reason());
            assertFalse(u.reason().contains(Hex.encode(subs.get(0).k())));
            assertInstanceOf(SqnGrant.Unavailable.class, c.member(1).store().grantVectors(fresh, P, 0, 1, T0),
                    "a PCID without a lease gets none");
            assertEquals(8, P.seq(c.member(1).store().find(imsi).orElseThrow().sqnHe()), "memory did not move");
            assertEquals(0, c.member(1).store().find(fresh).orElseThrow().sqnHe());
            try (Statement st = admin.createStatement()) {
                st.execute("ALTER TABLE subscriber_away RENAME TO subscriber");
            }
            assertEquals(8, P.seq(TestCluster.committedSqn(db, imsi)), "database did not move");
            SqnGrant.Granted g = assertInstanceOf(SqnGrant.Granted.class, s.grantVectors(imsi, P, 0, 1, T0));
            assertEquals(9, P.seq(g.sqns()[0]));
            assertEquals(9 + lease, P.seq(TestCluster.committedSqn(db, imsi)));
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
