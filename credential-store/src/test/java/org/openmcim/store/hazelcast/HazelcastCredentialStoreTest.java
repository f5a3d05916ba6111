package org.openmcim.store.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmcim.aka.sqn.SqnPolicy;
import org.openmcim.store.CredentialState;
import org.openmcim.store.CredentialStore;
import org.openmcim.store.CredentialStoreContract;
import org.openmcim.store.SqnGrant;
import org.openmcim.store.Subscriber;

/**
 * The contract on a real two-member cluster with an H2 file database. The store under test sends
 * each call alternately through member 1's and member 2's store, so every test, the concurrent
 * grants included, runs across both members: four threads, two members, one PCID.
 */
class HazelcastCredentialStoreTest extends CredentialStoreContract {
    @TempDir
    Path dir;
    private TestCluster cluster;

    @Override
    protected CredentialStore store() {
        cluster = TestCluster.start(2, TestCluster.h2(dir, "contract"), TestCluster.randomCipher());
        return new Alternating(cluster.member(0).store(), cluster.member(1).store());
    }

    /**
     * Writes made right after a bulk insert returned are not undone by the insert's own load (see
     * HazelcastCredentialStore#insertAll). Before the first fix insertAll returned while
     * IMap.loadAll was still loading; a write in between read the row through, and the late
     * put-from-load replaced it with the committed row (lifecycleTransitions and servingNode failed so
     * under heavy load). Since, insertAll puts the committed rows itself and returns once the puts
     * (and their backups) are done, with its keys pending (not read through) until then.
     * Many keys, written from the last one down, through the member that did not insert, and read
     * back only after the writes: whether the old code lost one depends on the scheduler (with
     * staged rows its window is short, and this passed on the old code in the two runs tried at load
     * average 13-18); it stays as the check of the scenario.
     */
    @Test
    void writesRightAfterABulkInsertStay() {
        cluster = TestCluster.start(2, TestCluster.h2(dir, "bulk"), TestCluster.randomCipher());
        CredentialStore m1 = cluster.member(0).store();
        CredentialStore m2 = cluster.member(1).store();
        List<Subscriber> batch = StoreFaultTest.pcids(20_000);
        CredentialStore.ServingNode mme = new CredentialStore.ServingNode("mme.localdomain", "localdomain", T0);
        List<String> touched = new ArrayList<>();
        for (int i = batch.size() - 1; i >= 0; i -= 211) {
            touched.add(batch.get(i).imsi());
        }
        m1.insertAll(batch);
        for (String imsi : touched) {
            assertEquals(CredentialState.ISSUED, m2.transition(imsi, CredentialState.ATTACHED, T0).orElseThrow(), imsi);
            m2.recordServingNode(imsi, mme);
            assertEquals(P.sqn(1, 1), assertInstanceOf(SqnGrant.Granted.class, m2.grantVectors(imsi, P, 1, 1, T0)).sqns()[0]);
        }
        assertEquals(batch.size(), m1.size());
        for (String imsi : touched) {
            Subscriber s = m1.find(imsi).orElseThrow();
            assertEquals(CredentialState.ATTACHED, s.state(), imsi);
            assertEquals(P.sqn(1, 1), s.sqnHe(), imsi + ": exactly one grant");
            assertEquals(mme, m1.servingNode(imsi).orElseThrow(), imsi);
        }
    }

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Both members' real stores; each call goes to the next one in turn. */
    static final class Alternating implements CredentialStore {
        private final CredentialStore[] stores;
        private final AtomicInteger next = new AtomicInteger();

        Alternating(CredentialStore... stores) {
            this.stores = stores;
        }

        private CredentialStore pick() {
            return stores[Math.floorMod(next.getAndIncrement(), stores.length)];
        }

        @Override
        public Optional<Subscriber> find(String imsi) {
            return pick().find(imsi);
        }

        @Override
        public void issueRenewal(String oldPcid, Subscriber fresh, Instant at) {
            pick().issueRenewal(oldPcid, fresh, at);
        }

        @Override
        public Optional<String> pendingRenewal(String oldPcid) {
            return pick().pendingRenewal(oldPcid);
        }

        @Override
        public Optional<String> renewalInstalled(String oldPcid, Instant at) {
            return pick().renewalInstalled(oldPcid, at);
        }

        @Override
        public SqnGrant grantVectors(String imsi, SqnPolicy policy, int ind, int count, Instant now) {
            return pick().grantVectors(imsi, policy, ind, count, now);
        }

        @Override
        public Optional<Long> resync(String imsi, SqnPolicy policy, long sqnMs) {
            return pick().resync(imsi, policy, sqnMs);
        }

        @Override
        public Optional<CredentialState> transition(String imsi, CredentialState to, Instant at) {
            return pick().transition(imsi, to, at);
        }

        @Override
        public void recordServingNode(String imsi, ServingNode node) {
            pick().recordServingNode(imsi, node);
        }

        @Override
        public Optional<ServingNode> servingNode(String imsi) {
            return pick().servingNode(imsi);
        }

        @Override
        public Optional<ServingNode> registerAaaServer(String imsi, ServingNode node) {
            return pick().registerAaaServer(imsi, node);
        }

        @Override
        public boolean deregisterAaaServer(String imsi, String host) {
            return pick().deregisterAaaServer(imsi, host);
        }

        @Override
        public Optional<ServingNode> aaaServer(String imsi) {
            return pick().aaaServer(imsi);
        }

        @Override
        public void insertAll(Collection<Subscriber> subscribers) {
            pick().insertAll(subscribers);
        }

        @Override
        public boolean delete(String imsi) {
            return pick().delete(imsi);
        }

        @Override
        public long size() {
            return pick().size();
        }

        @Override
        public void close() {
            // the cluster is closed after each test
        }
    }
}
