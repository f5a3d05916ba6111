package org.openmcim.store.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmcim.aka.AuthenticationFunctions.Algorithm;
import org.openmcim.store.CredentialState;
import org.openmcim.store.KeyCipher;
import org.openmcim.store.Subscriber;
import org.openmcim.store.SubscriberKind;

/**
 * The bulk insert's "committed rows in hand" load: the map is filled from the rows the importer
 * already has, but a staged row is served only while it is still the committed row.
 */
class StagedLoadTest {
    @TempDir
    Path dir;
    private TestCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Subscriber pcid(String imsi) {
        return new Subscriber(imsi, SubscriberKind.PCID, Algorithm.MILENAGE, new byte[16], new byte[16],
                new byte[] {(byte) 0x80, 0}, 0, CredentialState.ISSUED, Instant.parse("2026-11-23T10:00:00Z"),
                Duration.ofDays(365), "chtif-1", "provisioning", null);
    }

    private static SubscriberMapStore mapStore(StoreMember m) {
        return (SubscriberMapStore) m.hazelcast().getUserContext().get(SubscriberMapStore.USER_CONTEXT_KEY);
    }

    @Test
    void bulkInsertIsLoadedOnBothOwnersAndLeavesNothingStaged() {
        cluster = TestCluster.start(2, TestCluster.h2(dir, "staged"), TestCluster.randomCipher());
        List<Subscriber> batch = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            batch.add(pcid(String.format("00101%010d", i)));
        }
        cluster.member(0).store().insertAll(batch);
        assertEquals(500, cluster.member(1).store().size());
        assertEquals(500, cluster.member(0).table().count());
        long backups = 0;
        for (int m = 0; m < 2; m++) {
            StoreMember member = cluster.member(m);
            assertEquals(0, mapStore(member).stagedCount(), "member " + m + " keeps no staged row");
            long owned = member.hazelcast().getMap(StoreMember.MAP_NAME).getLocalMapStats().getOwnedEntryCount();
            assertTrue(owned > 0, "both members own part of the batch: " + owned);
            backups += member.hazelcast().getMap(StoreMember.MAP_NAME).getLocalMapStats().getBackupEntryCount();
        }
        assertEquals(500, backups, "every loaded row has its synchronous backup (one member may die without loss)");
        assertEquals(batch.get(123), cluster.member(1).store().find(batch.get(123).imsi()).orElseThrow());
    }

    @Test
    void aStagedRowIsServedOnlyWhileItIsTheCommittedRow() {
        cluster = TestCluster.start(1, TestCluster.h2(dir, "rules"), TestCluster.randomCipher());
        StoreMember m = cluster.member(0);
        SubscriberMapStore store = mapStore(m);
        KeyCipher cipher = TestCluster.randomCipher();
        StoredSubscriber a = StoredSubscriber.encrypt(pcid("001010000000001"), cipher);
        StoredSubscriber b = StoredSubscriber.encrypt(pcid("001010000000002"), cipher);
        StoredSubscriber c = StoredSubscriber.encrypt(pcid("001010000000003"), cipher);
        m.table().insertAll(List.of(a, b, c));

        store.stage(List.of(a, b, c), store.currentMembers());
        store.delete(b.imsi());                                                  // deleted through the store
        store.store(c.imsi(), c.withSqn(96, 96, CredentialState.ATTACHED)); // updated through the store
        Map<String, StoredSubscriber> loaded = store.loadAll(List.of(a.imsi(), b.imsi(), c.imsi()));

        assertSame(a, loaded.get(a.imsi()), "the staged row itself, not a database read");
        assertFalse(loaded.containsKey(b.imsi()), "a row deleted since the commit is not brought back");
        assertEquals(96, loaded.get(c.imsi()).sqnHe(), "an updated row comes from the table");
        assertEquals(0, store.stagedCount(), "served rows leave the stage");

        store.stage(List.of(a), Set.of(UUID.randomUUID()));
        assertEquals(0, store.stagedCount(), "rows staged under another member list are refused");
    }

    @Test
    void aMemberListChangeSinceStagingSendsTheLoadToTheTable() throws InterruptedException {
        cluster = TestCluster.start(2, TestCluster.h2(dir, "change"), TestCluster.randomCipher());
        StoreMember m = cluster.member(0);
        SubscriberMapStore store = mapStore(m);
        StoredSubscriber a = StoredSubscriber.encrypt(pcid("001010000000001"), cluster.cipher());
        m.table().insertAll(List.of(a));
        // A staged copy that differs from the row, so the test can tell which one was served.
        store.stage(List.of(a.withSqn(64, 64, CredentialState.ISSUED)), store.currentMembers());
        assertEquals(1, store.stagedCount());
        cluster.member(1).hazelcast().shutdown(); // a member leaves: its partitions move to member 0
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (m.hazelcast().getCluster().getMembers().size() != 1 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(1, m.hazelcast().getCluster().getMembers().size(), "member 0 saw the other leave");
        Map<String, StoredSubscriber> loaded = store.loadAll(List.of(a.imsi()));
        assertEquals(0, loaded.get(a.imsi()).sqnHe(), "read from the table, not the copy staged before the change");
    }
}
