package org.openmcim.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.openmcim.aka.AuthenticationFunctions.Algorithm;
import org.openmcim.aka.sqn.SqnPolicy;

/**
 * What every {@link CredentialStore} must do. Each implementation's test extends this with a
 * fresh store; the Hazelcast store runs it against a real multi-member cluster.
 */
public abstract class CredentialStoreContract {
    protected static final SqnPolicy P = SqnPolicy.DEFAULT;
    protected static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    /** A new, empty store. */
    protected abstract CredentialStore store();

    protected static Subscriber pcid(String imsi) {
        byte[] k = new byte[16];
        byte[] opc = new byte[16];
        k[0] = (byte) imsi.hashCode();
        opc[1] = (byte) (imsi.hashCode() >>> 8);
        return new Subscriber(imsi, SubscriberKind.PCID, Algorithm.MILENAGE, k, opc, new byte[] {(byte) 0x80, 0}, 0,
                CredentialState.ISSUED, T0, Duration.ofDays(365), "chtif-test", "provisioning", null);
    }

    @Test
    void unknownImsi() {
        CredentialStore s = store();
        assertTrue(s.find("001010000000001").isEmpty());
        assertInstanceOf(SqnGrant.Unknown.class, s.grantVectors("001010000000001", P, 0, 1, T0));
        assertTrue(s.resync("001010000000001", P, 5).isEmpty());
        assertTrue(s.transition("001010000000001", CredentialState.ATTACHED, T0).isEmpty());
    }

    @Test
    void insertFindAndGrantAdvancesSqn() {
        CredentialStore s = store();
        s.insertAll(List.of(pcid("001010000000001")));
        assertEquals(pcid("001010000000001"), s.find("001010000000001").orElseThrow());
        SqnGrant.Granted g = assertInstanceOf(SqnGrant.Granted.class, s.grantVectors("001010000000001", P, 7, 3, T0));
        assertEquals(3, g.sqns().length);
        assertEquals(P.sqn(1, 7), g.sqns()[0]);
        assertEquals(P.sqn(3, 7), g.sqns()[2]);
        assertEquals(P.sqn(3, 7), s.find("001010000000001").orElseThrow().sqnHe());
        SqnGrant.Granted g2 = assertInstanceOf(SqnGrant.Granted.class, s.grantVectors("001010000000001", P, 2, 1, T0));
        assertEquals(P.sqn(4, 2), g2.sqns()[0]);
    }

    /** TR §5.1.3.7.4.3 NOTE 2: a renewed PCID waits for delivery; once installed, the old one is never served again. */
    @Test
    void renewalIsPendingUntilInstalledThenTheOldPcidIsReplaced() {
        CredentialStore s = store();
        String old = "001010000000001";
        String fresh = "001010000000002";
        s.insertAll(List.of(pcid(old)));
        s.transition(old, CredentialState.ATTACHED, T0);
        s.transition(old, CredentialState.PROVISIONING, T0);
        s.transition(old, CredentialState.RETIRED, T0);
        assertTrue(s.pendingRenewal(old).isEmpty());
        assertTrue(s.renewalInstalled(old, T0).isEmpty(), "nothing pending: nothing changes");
        assertEquals(CredentialState.RETIRED, s.find(old).orElseThrow().state());

        s.issueRenewal(old, pcid(fresh), T0);
        assertEquals(java.util.Optional.of(fresh), s.pendingRenewal(old));
        assertEquals(CredentialState.ISSUED, s.find(fresh).orElseThrow().state());
        assertInstanceOf(SqnGrant.Granted.class, s.grantVectors(fresh, P, 0, 1, T0));
        // One renewal pending at a time, and only for a PCID the store holds; a refusal stores nothing.
        assertThrows(IllegalArgumentException.class, () -> s.issueRenewal(old, pcid("001010000000003"), T0));
        assertTrue(s.find("001010000000003").isEmpty());
        assertThrows(IllegalArgumentException.class, () -> s.issueRenewal("001019999999999", pcid("001010000000004"), T0));
        assertTrue(s.find("001010000000004").isEmpty());

        assertEquals(java.util.Optional.of(fresh), s.renewalInstalled(old, T0.plusSeconds(60)));
        assertEquals(CredentialState.REPLACED, s.find(old).orElseThrow().state());
        assertInstanceOf(SqnGrant.NotServing.class, s.grantVectors(old, P, 0, 1, T0));
        assertTrue(s.pendingRenewal(old).isEmpty());
        assertTrue(s.renewalInstalled(old, T0).isEmpty());
        // A revert to the pristine state re-issues the PCID the TRE now holds, never the replaced one.
        assertThrows(IllegalStateException.class, () -> s.transition(old, CredentialState.ISSUED, T0));
        assertInstanceOf(SqnGrant.Granted.class, s.grantVectors(fresh, P, 1, 1, T0));
    }

    @Test
    void insertIsAllOrNothing() {
        CredentialStore s = store();
        s.insertAll(List.of(pcid("001010000000001")));
        assertThrows(IllegalArgumentException.class,
                () -> s.insertAll(List.of(pcid("001010000000002"), pcid("001010000000001"))));
        assertTrue(s.find("001010000000002").isEmpty(), "nothing of the failed batch was stored");
        assertThrows(IllegalArgumentException.class,
                () -> s.insertAll(List.of(pcid("001010000000003"), pcid("001010000000003"))));
        assertTrue(s.find("001010000000003").isEmpty());
        assertEquals(1, s.size());
    }

    @Test
    void expiredPcidGetsNoVectorsAndIsMarked() {
        CredentialStore s = store();
        s.insertAll(List.of(pcid("001010000000001")));
        SqnGrant.NotServing ns = assertInstanceOf(SqnGrant.NotServing.class,
                s.grantVectors("001010000000001", P, 0, 1, T0.plus(Duration.ofDays(366))));
        assertEquals(CredentialState.EXPIRED, ns.state());
        assertEquals(CredentialState.EXPIRED, s.find("001010000000001").orElseThrow().state());
        assertEquals(0, s.find("001010000000001").orElseThrow().sqnHe(), "no SQN consumed");
    }

    @Test
    void lifecycleTransitions() {
        CredentialStore s = store();
        s.insertAll(List.of(pcid("001010000000001")));
        assertEquals(CredentialState.ISSUED, s.transition("001010000000001", CredentialState.ATTACHED, T0).orElseThrow());
        assertEquals(CredentialState.ATTACHED, s.transition("001010000000001", CredentialState.PROVISIONING, T0).orElseThrow());
        assertEquals(CredentialState.PROVISIONING, s.transition("001010000000001", CredentialState.RETIRED, T0).orElseThrow());
        assertThrows(IllegalStateException.class, () -> s.transition("001010000000001", CredentialState.ATTACHED, T0));
        assertEquals(CredentialState.RETIRED, s.find("001010000000001").orElseThrow().state());
        SqnGrant.NotServing ns = assertInstanceOf(SqnGrant.NotServing.class, s.grantVectors("001010000000001", P, 0, 1, T0));
        assertEquals(CredentialState.RETIRED, ns.state());
        // Revert to the pristine state (TR §5.1.3.7.4.3): re-issued, the SQN where it was, vectors again.
        long sqn = s.find("001010000000001").orElseThrow().sqnHe();
        assertEquals(CredentialState.RETIRED, s.transition("001010000000001", CredentialState.ISSUED, T0).orElseThrow());
        assertEquals(sqn, s.find("001010000000001").orElseThrow().sqnHe(), "a re-issued PCID keeps its SQN: the USIM remembers");
        assertInstanceOf(SqnGrant.Granted.class, s.grantVectors("001010000000001", P, 0, 1, T0));
        assertThrows(IllegalStateException.class, () -> s.transition("001010000000001", CredentialState.ISSUED, T0),
                "only a retired PCID is re-issued");
    }

    @Test
    void resyncKeepsOrResets() {
        CredentialStore s = store();
        s.insertAll(List.of(pcid("001010000000001")));
        s.grantVectors("001010000000001", P, 0, 10, T0); // SEQ_HE = 10
        assertEquals(P.sqn(10, 0), s.resync("001010000000001", P, P.sqn(8, 3)).orElseThrow(), "in range: kept");
        assertEquals(P.sqn(40, 3), s.resync("001010000000001", P, P.sqn(40, 3)).orElseThrow(), "behind: reset");
        SqnGrant.Granted g = assertInstanceOf(SqnGrant.Granted.class, s.grantVectors("001010000000001", P, 1, 1, T0));
        assertEquals(P.sqn(41, 1), g.sqns()[0]);
    }

    @Test
    void servingNodeRecordedForKnownSubscribersOnly() {
        CredentialStore s = store();
        s.insertAll(List.of(pcid("001010000000001")));
        CredentialStore.ServingNode mme = new CredentialStore.ServingNode("mme.localdomain", "localdomain", T0);
        s.recordServingNode("001010000000001", mme);
        s.recordServingNode("001010000000009", mme);
        assertEquals(mme, s.servingNode("001010000000001").orElseThrow());
        assertTrue(s.servingNode("001010000000009").isEmpty());
        assertTrue(s.delete("001010000000001"));
        assertFalse(s.delete("001010000000001"));
        assertTrue(s.servingNode("001010000000001").isEmpty());
    }

    /** SWx SAR (TS 29.273 §8.1.2.2.1): one AAA server slot, apart from the MME's, held by its registrant. */
    @Test
    void aaaServerSlotIsSeparateAndHeldByItsRegistrant() {
        CredentialStore s = store();
        s.insertAll(List.of(pcid("001010000000001")));
        CredentialStore.ServingNode mme = new CredentialStore.ServingNode("mme.localdomain", "localdomain", T0);
        CredentialStore.ServingNode aaa = new CredentialStore.ServingNode("aaa.localdomain", "localdomain", T0);
        CredentialStore.ServingNode other = new CredentialStore.ServingNode("aaa2.example", "example", T0.plusSeconds(1));
        s.recordServingNode("001010000000001", mme);
        assertEquals(aaa, s.registerAaaServer("001010000000001", aaa).orElseThrow());
        assertEquals(aaa, s.registerAaaServer("001010000000001", other).orElseThrow(), "another server does not displace it");
        CredentialStore.ServingNode again = new CredentialStore.ServingNode("aaa.localdomain", "localdomain", T0.plusSeconds(5));
        assertEquals(again, s.registerAaaServer("001010000000001", again).orElseThrow(), "the same server refreshes");
        assertEquals(mme, s.servingNode("001010000000001").orElseThrow(), "the MME slot is untouched");
        assertTrue(s.registerAaaServer("001010000000009", aaa).isEmpty(), "unknown subscriber");
        assertFalse(s.deregisterAaaServer("001010000000001", "aaa2.example"), "only the registrant deregisters");
        assertTrue(s.deregisterAaaServer("001010000000001", "aaa.localdomain"));
        assertTrue(s.aaaServer("001010000000001").isEmpty());
        assertFalse(s.deregisterAaaServer("001010000000001", "aaa.localdomain"));
        s.registerAaaServer("001010000000001", aaa);
        assertTrue(s.delete("001010000000001"));
        assertTrue(s.aaaServer("001010000000001").isEmpty());
    }

    /** Concurrent grants for one subscriber never hand out the same SQN. */
    @Test
    void concurrentGrantsAreUnique() throws Exception {
        CredentialStore s = store();
        s.insertAll(List.of(pcid("001010000000001")));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<long[]>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int ind = t;
                futures.add(pool.submit(() -> {
                    long[] all = new long[200];
                    for (int i = 0; i < 200; i++) {
                        all[i] = ((SqnGrant.Granted) s.grantVectors("001010000000001", P, ind, 1, T0)).sqns()[0];
                    }
                    return all;
                }));
            }
            Set<Long> seqs = new HashSet<>();
            for (Future<long[]> f : futures) {
                for (long sqn : f.get()) {
                    assertTrue(seqs.add(P.seq(sqn)), "SEQ " + P.seq(sqn) + " handed out twice");
                }
            }
            assertEquals(800, seqs.size());
            assertEquals(800, P.seq(s.find("001010000000001").orElseThrow().sqnHe()));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void subscriberNeverPrintsKeys() {
        Subscriber sub = pcid("001010000000001");
        String text = sub.toString();
        assertFalse(text.contains(org.openmcim.aka.Hex.encode(sub.k())));
        assertFalse(text.contains(org.openmcim.aka.Hex.encode(sub.opc())));
    }
}
