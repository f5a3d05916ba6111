package org.openmcim.store.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmcim.aka.sqn.SqnPolicy;
import org.openmcim.store.SqnGrant;
import org.openmcim.store.Subscriber;

/**
 * SQN leases ({@link SqnLease}) on real members and a real H2 file database: what the database
 * holds after each grant, the ceiling crossed by two members at once while the database is slow to
 * commit, and resynchronisation (TS 33.102 §6.3.5) across a lease, before and after a full restart.
 * The database is always read with plain JDBC, not through the store under test.
 */
class SqnLeaseTest {
    private static final SqnPolicy P = SqnPolicy.DEFAULT;
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    @TempDir
    Path dir;

    /** Arithmetic: the new ceiling is L SEQ values above the grant, with the largest IND, capped at the largest SEQ. */
    @Test
    void ceilingArithmetic() {
        assertEquals(P.sqn(13, 31), SqnLease.ceilingAbove(P, P.sqn(3, 7), 10));
        assertEquals(P.sqn(3, 31), SqnLease.ceilingAbove(P, P.sqn(3, 7), 0), "L = 0: the grant itself, every IND");
        assertEquals(P.sqn(P.maxSeq(), 31), SqnLease.ceilingAbove(P, P.sqn(P.maxSeq() - 2, 0), 10));
        SqnPolicy noInd = new SqnPolicy(0, 1L << 28, Long.MAX_VALUE);
        assertEquals(noInd.sqn(13, 0), SqnLease.ceilingAbove(noInd, noInd.sqn(3, 0), 10));
        assertTrue(SqnLease.covers(P.sqn(13, 31), P.sqn(13, 0)), "every IND of the ceiling's SEQ is covered");
        assertFalse(SqnLease.covers(P.sqn(13, 31), P.sqn(14, 0)));
        assertThrows(IllegalArgumentException.class, () -> SqnLease.check(-1));
        assertThrows(IllegalArgumentException.class, () -> SqnLease.check(SqnLease.MAX + 1));
    }

    /**
     * One grant at a time through alternating members and every IND: the database changes exactly
     * at the grants that cross the ceiling (one in L + 1), each time to L SEQ values above that
     * grant, and is at or above every SQN handed out; with L = 0 it follows every grant.
     */
    @Test
    void theDatabaseMovesOnlyWhenAGrantCrossesTheCeiling() {
        for (int lease : new int[] {4, 0}) {
            var db = TestCluster.h2(dir, "each" + lease);
            List<Subscriber> subs = StoreFaultTest.pcids(1);
            String imsi = subs.get(0).imsi();
            try (TestCluster c = TestCluster.start(2, db, TestCluster.randomCipher(), lease)) {
                c.member(0).store().insertAll(subs);
                assertEquals(0, TestCluster.committedSqn(db, imsi));
                int writes = 0;
                long previous = 0;
                for (int seq = 1; seq <= 40; seq++) {
                    SqnGrant.Granted g = assertInstanceOf(SqnGrant.Granted.class,
                            c.member(seq % 2).store().grantVectors(imsi, P, (seq * 13) % 32, 1, T0));
                    assertEquals(seq, P.seq(g.sqns()[0]));
                    long row = TestCluster.committedSqn(db, imsi);
                    assertTrue(g.sqns()[0] <= row, "SQN " + g.sqns()[0] + " handed out above the committed " + row);
                    // crossings at SEQ 1, L + 2, 2L + 3, ...: each commits SEQ + L
                    boolean crossing = (seq - 1) % (lease + 1) == 0;
                    assertEquals(crossing ? P.sqn(seq + lease, 31) : previous, row, "L " + lease + ", SEQ " + seq);
                    writes += row != previous ? 1 : 0;
                    previous = row;
                }
                assertEquals(lease == 0 ? 40 : 8, writes, "database changes for 40 grants with L " + lease);
                // and the map stores wrote exactly those rows: no write of an unchanged row either
                long written = c.member(0).mapStore().rowsWritten() + c.member(1).mapStore().rowsWritten();
                long skipped = c.member(0).mapStore().rowsSkipped() + c.member(1).mapStore().rowsSkipped();
                assertEquals(writes, written, "rows written");
                assertEquals(40 - writes, skipped, "rows skipped");
            }
        }
    }

    /**
     * The ceiling race. The database holds a row lock on the PCID, so the grant that crosses the
     * ceiling cannot commit; meanwhile the other member asks for the same PCID. Neither is answered
     * until the commit is, the database still holds the old ceiling, and another PCID's grants
     * inside its own lease go on. Once the lock goes, the two get consecutive, distinct SEQs, and
     * the database holds the new ceiling above both.
     */
    @Test
    void twoMembersCrossingTheCeilingAtOnceWaitForTheCommitAndNeverShareASeq() throws Exception {
        // H2's lock timeout raised so the blocked commit waits for the test instead of failing after 1 s.
        var db = new DatabaseSettings("jdbc:h2:file:" + dir.resolve("race").toAbsolutePath() + ";LOCK_TIMEOUT=30000",
                "sa", "", 4, "subscriber");
        int lease = 4;
        List<Subscriber> subs = StoreFaultTest.pcids(40);
        try (TestCluster c = TestCluster.start(2, db, TestCluster.randomCipher(), lease)) {
            c.member(0).store().insertAll(subs);
            var partitions = c.member(0).hazelcast().getPartitionService();
            String a = subs.get(0).imsi();
            String b = subs.stream().map(Subscriber::imsi)
                    .filter(i -> partitions.getPartition(i).getPartitionId() != partitions.getPartition(a).getPartitionId())
                    .findFirst().orElseThrow();
            for (int i = 0; i < 5; i++) { // SEQ 1..5; ceiling 5: the next grant crosses
                assertInstanceOf(SqnGrant.Granted.class, c.member(i % 2).store().grantVectors(a, P, 0, 1, T0));
            }
            assertInstanceOf(SqnGrant.Granted.class, c.member(1).store().grantVectors(b, P, 0, 1, T0)); // b: ceiling 5
            assertEquals(5, P.seq(TestCluster.committedSqn(db, a)));

            ExecutorService pool = Executors.newFixedThreadPool(2);
            List<Future<SqnGrant>> crossing = new ArrayList<>();
            try (Connection admin = DriverManager.getConnection(db.url(), db.user(), db.password())) {
                admin.setAutoCommit(false);
                try (PreparedStatement lock = admin.prepareStatement("SELECT sqn_he FROM subscriber WHERE imsi = ? FOR UPDATE")) {
                    lock.setString(1, a);
                    lock.executeQuery().close();
                }
                CyclicBarrier together = new CyclicBarrier(2);
                for (int m = 0; m < 2; m++) {
                    HazelcastCredentialStore store = c.member(m).store();
                    int ind = 3 + m;
                    crossing.add(pool.submit(() -> {
                        together.await();
                        return store.grantVectors(a, P, ind, 1, T0);
                    }));
                }
                Thread.sleep(1_000);
                assertFalse(crossing.get(0).isDone() || crossing.get(1).isDone(), "nothing above the ceiling before the commit");
                assertEquals(5, P.seq(TestCluster.committedSqn(db, a)), "the old ceiling, while the commit waits");
                SqnGrant.Granted other = assertInstanceOf(SqnGrant.Granted.class, c.member(1).store().grantVectors(b, P, 0, 1, T0),
                        "another partition's grant inside its lease is not held up");
                assertEquals(2, P.seq(other.sqns()[0]));
                assertFalse(crossing.get(0).isDone() || crossing.get(1).isDone());
                admin.rollback(); // releases the row lock: the held commit goes through
            }
            try {
                Set<Long> seqs = new HashSet<>();
                for (Future<SqnGrant> f : crossing) {
                    SqnGrant.Granted g = assertInstanceOf(SqnGrant.Granted.class, f.get(30, TimeUnit.SECONDS));
                    assertTrue(seqs.add(P.seq(g.sqns()[0])), "SEQ " + P.seq(g.sqns()[0]) + " handed out twice");
                }
                assertEquals(Set.of(6L, 7L), seqs);
                assertEquals(P.sqn(6 + lease, 31), TestCluster.committedSqn(db, a), "one new ceiling, above both");
                assertEquals(7, P.seq(c.member(0).store().find(a).orElseThrow().sqnHe()));
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /**
     * Many grants for one PCID from four threads on two members with L = 2, so ceilings are
     * crossed concurrently all the time: no SEQ twice, and after each grant returns the database
     * already holds a ceiling at or above it (the commit completed before the SQN was handed out).
     */
    @Test
    void concurrentCrossingsAreCommittedBeforeTheirSqnsAreHandedOut() throws Exception {
        var db = TestCluster.h2(dir, "stress");
        List<Subscriber> subs = StoreFaultTest.pcids(1);
        String imsi = subs.get(0).imsi();
        try (TestCluster c = TestCluster.start(2, db, TestCluster.randomCipher(), 2)) {
            c.member(0).store().insertAll(subs);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<List<Long>>> futures = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    HazelcastCredentialStore store = c.member(t % 2).store();
                    int ind = t;
                    futures.add(pool.submit(() -> {
                        List<Long> seqs = new ArrayList<>();
                        for (int i = 0; i < 150; i++) {
                            SqnGrant.Granted g = assertInstanceOf(SqnGrant.Granted.class, store.grantVectors(imsi, P, ind, 1 + i % 2, T0));
                            long committed = TestCluster.committedSqn(db, imsi);
                            for (long sqn : g.sqns()) {
                                assertTrue(sqn <= committed, "SQN " + sqn + " answered before the ceiling " + committed + " covered it");
                                seqs.add(P.seq(sqn));
                            }
                        }
                        return seqs;
                    }));
                }
                Set<Long> all = new HashSet<>();
                for (Future<List<Long>> f : futures) {
                    for (long seq : f.get(120, TimeUnit.SECONDS)) {
                        assertTrue(all.add(seq), "SEQ " + seq + " handed out twice");
                    }
                }
                assertEquals(4 * (75 + 150), all.size());
                assertEquals(all.size(), P.seq(c.member(1).store().find(imsi).orElseThrow().sqnHe()));
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /**
     * Resynchronisation across a lease (TS 33.102 §6.3.5, C.2.2), with Δ = 1000 and L = 10:
     * <ol>
     * <li>SQN_MS inside what the HE would accept: nothing moves, not even the database;</li>
     * <li>SQN_MS above the ceiling (the USIM is ahead): SQN_HE becomes SQN_MS and the ceiling
     * SQN_MS + L is committed before the resync returns; the next grant is inside that lease;</li>
     * <li>SQN_MS more than Δ below the next SQN (SQN_HE ran ahead): SQN_HE goes back to SQN_MS and
     * so does the committed ceiling, or every vector after a restart would be refused again;</li>
     * <li>a full restart resumes above every SQN handed out since, within Δ of SQN_MS;</li>
     * <li>with the database down a resync that must move the ceiling fails and changes nothing.</li>
     * </ol>
     */
    @Test
    void resyncMovesTheLeaseWithSqnHe() throws Exception {
        SqnPolicy p = new SqnPolicy(5, 1000, Long.MAX_VALUE);
        int lease = 10;
        var db = TestCluster.h2(dir, "resync");
        var cipher = TestCluster.randomCipher();
        List<Subscriber> subs = StoreFaultTest.pcids(1);
        String imsi = subs.get(0).imsi();
        long lastBeforeRestart;
        try (TestCluster c = TestCluster.start(2, db, cipher, lease)) {
            HazelcastCredentialStore m0 = c.member(0).store();
            HazelcastCredentialStore m1 = c.member(1).store();
            m0.insertAll(subs);
            m0.grantVectors(imsi, p, 0, 3, T0); // SEQ 1..3, ceiling 13
            assertEquals(p.sqn(13, 31), TestCluster.committedSqn(db, imsi));

            assertEquals(p.sqn(3, 0), m1.resync(imsi, p, p.sqn(2, 7)).orElseThrow(), "1. in range: kept");
            assertEquals(p.sqn(13, 31), TestCluster.committedSqn(db, imsi));

            assertEquals(p.sqn(500, 3), m0.resync(imsi, p, p.sqn(500, 3)).orElseThrow(), "2. USIM ahead: reset");
            assertEquals(p.sqn(510, 31), TestCluster.committedSqn(db, imsi), "2. committed with the resync");
            SqnGrant.Granted g = assertInstanceOf(SqnGrant.Granted.class, m1.grantVectors(imsi, p, 1, 1, T0));
            assertEquals(p.sqn(501, 1), g.sqns()[0]);
            assertEquals(p.sqn(510, 31), TestCluster.committedSqn(db, imsi), "2. the grant is inside the new lease");

            m0.resync(imsi, p, p.sqn(5000, 0)); // ahead again: SQN_HE 5000, ceiling 5010
            assertEquals(p.sqn(100, 1), m1.resync(imsi, p, p.sqn(100, 1)).orElseThrow(), "3. 5001 - 100 > Δ: back to SQN_MS");
            assertEquals(p.sqn(110, 31), TestCluster.committedSqn(db, imsi), "3. the ceiling follows it down");
            g = assertInstanceOf(SqnGrant.Granted.class, m0.grantVectors(imsi, p, 2, 4, T0));
            assertEquals(p.sqn(104, 2), g.sqns()[3]);
            lastBeforeRestart = g.sqns()[3];
            c.member(0).kill();
            c.member(1).kill();
        }
        try (TestCluster c = TestCluster.start(2, db, cipher, lease);
             Connection admin = DriverManager.getConnection(db.url(), db.user(), db.password())) {
            HazelcastCredentialStore m0 = c.member(0).store();
            SqnGrant.Granted g = assertInstanceOf(SqnGrant.Granted.class, m0.grantVectors(imsi, p, 0, 1, T0));
            long seq = p.seq(g.sqns()[0]);
            assertTrue(seq > p.seq(lastBeforeRestart), "4. above everything handed out: " + seq);
            assertTrue(seq - 100 <= p.delta(), "4. and a jump the USIM at SEQ 100 accepts: " + seq);
            assertEquals(111, seq);

            try (Statement st = admin.createStatement()) {
                st.execute("ALTER TABLE subscriber RENAME TO subscriber_away");
            }
            assertThrows(RuntimeException.class, () -> m0.resync(imsi, p, p.sqn(9000, 0)), "5. not persisted: not done");
            assertEquals(p.sqn(111, 0), c.member(1).store().find(imsi).orElseThrow().sqnHe(), "5. memory did not move");
            try (Statement st = admin.createStatement()) {
                st.execute("ALTER TABLE subscriber_away RENAME TO subscriber");
            }
            assertEquals(p.sqn(121, 31), TestCluster.committedSqn(db, imsi), "5. database did not move");
            assertEquals(p.sqn(9000, 0), c.member(0).store().resync(imsi, p, p.sqn(9000, 0)).orElseThrow());
            assertEquals(p.sqn(9010, 31), TestCluster.committedSqn(db, imsi), "5. and works once it is back");
        }
    }
}
