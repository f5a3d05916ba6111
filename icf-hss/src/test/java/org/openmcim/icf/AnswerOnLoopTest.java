package org.openmcim.icf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.StringReader;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmcim.aka.AuthenticationFunctions.Algorithm;
import org.openmcim.aka.Milenage;
import org.openmcim.aka.VectorFile;
import org.openmcim.aka.sqn.SqnArray;
import org.openmcim.aka.sqn.SqnPolicy;
import org.openmcim.aka.usim.Usim;
import org.openmcim.config.ConfigNode;
import org.openmcim.diameter.ApplicationId;
import org.openmcim.diameter.Avp;
import org.openmcim.diameter.CommandCode;
import org.openmcim.diameter.DiameterMessage;
import org.openmcim.diameter.ResultCode;
import org.openmcim.icf.config.IcfConfig;
import org.openmcim.store.CredentialState;
import org.openmcim.store.CredentialStore;
import org.openmcim.store.InMemoryCredentialStore;
import org.openmcim.store.KeyCipher;
import org.openmcim.store.Subscriber;
import org.openmcim.store.SubscriberKind;
import org.openmcim.store.hazelcast.ClusterSettings;
import org.openmcim.store.hazelcast.DatabaseSettings;
import org.openmcim.store.hazelcast.StoreMember;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * With worker threads configured, an AIR whose SQNs the store grants from memory is answered on
 * the Diameter event loop, everything else on a worker (RequestDispatcher, issue #3): counted by
 * {@code diameter.answered_on_loop}. The vectors from either path are checked by a USIM, in the
 * order the MME would use them (TS 33.102 C.2.2). Real store members on loopback, real TCP.
 */
class AnswerOnLoopTest {
    private static final VectorFile.Vector SET1 = VectorFile.load("vectors/milenage-ts35208.txt").get(0);

    @TempDir
    Path dir;

    private static Subscriber pcid() {
        return new Subscriber(IcfServerTest.IMSI, SubscriberKind.PCID, Algorithm.MILENAGE, SET1.hex("K"), SET1.hex("OPc"),
                new byte[] {(byte) 0x80, 0}, 0, CredentialState.ISSUED, Instant.now().minus(Duration.ofDays(1)), Duration.ofDays(365),
                "chtif-test", "provisioning", null);
    }

    private static double onLoop(SimpleMeterRegistry registry) {
        var c = registry.find("diameter.answered_on_loop").counter();
        return c == null ? 0 : c.count();
    }

    /** One AIR for one vector; the USIM's verdict on it. */
    private static void airAccepted(DiameterTestClient c, Usim usim, String what) throws Exception {
        DiameterMessage aia = c.exchange(c.air(IcfServerTest.IMSI, 1, IcfServerTest.VISITED, null));
        assertEquals(ResultCode.DIAMETER_SUCCESS, aia.resultCode(), what);
        Avp v = aia.first(c.d.avp("Authentication-Info")).grouped().get(0);
        assertInstanceOf(Usim.Success.class, usim.authenticate(v.child(c.d.avp("RAND")).octetString(),
                v.child(c.d.avp("AUTN")).octetString()), what);
    }

    /**
     * A member with SQN blocks of 8: the first AIR reserves the block through the cluster (a worker),
     * the next seven come from the block (the loop), the ninth reserves the next block (a worker).
     * A ULR, which writes to the store, always goes to a worker.
     */
    @Test
    void airsFromAMemberLocalBlockAreAnsweredOnTheLoop() throws Exception {
        int port = IcfServerTest.freePort();
        SecureRandom rnd = new SecureRandom();
        byte[] kek = new byte[KeyCipher.KEK_BYTES];
        rnd.nextBytes(kek);
        Map<String, String> fast = Map.of("hazelcast.wait.seconds.before.join", "0", "hazelcast.partition.count", "7",
                "hazelcast.logging.type", "none");
        try (StoreMember member = StoreMember.start(new ClusterSettings("onloop", "127.0.0.1", port, List.of("127.0.0.1:" + port), 1, fast),
                new DatabaseSettings("jdbc:h2:file:" + dir.resolve("store").toAbsolutePath(), "sa", "", 2, "subscriber"),
                new KeyCipher(kek, rnd), 1000, 8)) {
            CredentialStore store = member.store();
            store.insertAll(List.of(pcid()));
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            IcfConfig config = IcfConfig.from(ConfigNode.parse("onloop.yaml", new StringReader(IcfServerTest.yaml(IcfServerTest.freePort()))));
            Usim usim = new Usim(Milenage.withOpc(SET1.hex("K"), SET1.hex("OPc")), new SqnArray(SqnPolicy.DEFAULT));
            try (IcfServer icf = IcfServer.start(config, store, registry, Clock.systemUTC(), new SecureRandom());
                 DiameterTestClient c = new DiameterTestClient(icf.boundAddresses().get(0), "mme.localdomain", "localdomain")) {
                assertEquals(ResultCode.DIAMETER_SUCCESS, c.exchange(c.cer(ApplicationId.S6A)).resultCode());
                airAccepted(c, usim, "AIR 1: reserves a block");
                assertEquals(0, onLoop(registry), "the first AIR went through the cluster, on a worker");
                for (int i = 2; i <= 8; i++) {
                    airAccepted(c, usim, "AIR " + i + ": from the block");
                }
                assertEquals(7, onLoop(registry), "seven AIRs from the block, on the loop");
                airAccepted(c, usim, "AIR 9: the next block");
                assertEquals(7, onLoop(registry), "the block was used up: the ninth on a worker");
                DiameterMessage ula = c.exchange(c.s6aRequest(CommandCode.UPDATE_LOCATION, IcfServerTest.IMSI)
                        .add(Avp.octetString(c.d.avp("Visited-PLMN-Id"), IcfServerTest.VISITED)).build());
                assertEquals(ResultCode.DIAMETER_SUCCESS, ula.resultCode());
                assertEquals(7, onLoop(registry), "a ULR never runs on the loop");
                airAccepted(c, usim, "AIR 10: from the second block");
                assertEquals(8, onLoop(registry));
            }
        }
    }

    /**
     * The in-memory store grants in memory: every plain AIR on the loop; one with
     * Re-Synchronization-Info (a store round trip, §6.3.5) on a worker.
     */
    @Test
    void inMemoryStoreAnswersPlainAirsOnTheLoopAndResyncOnAWorker() throws Exception {
        InMemoryCredentialStore store = new InMemoryCredentialStore();
        store.insertAll(List.of(pcid()));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        IcfConfig config = IcfConfig.from(ConfigNode.parse("onloop.yaml", new StringReader(IcfServerTest.yaml(IcfServerTest.freePort()))));
        Usim usim = new Usim(Milenage.withOpc(SET1.hex("K"), SET1.hex("OPc")), new SqnArray(SqnPolicy.DEFAULT));
        try (IcfServer icf = IcfServer.start(config, store, registry, Clock.systemUTC(), new SecureRandom());
             DiameterTestClient c = new DiameterTestClient(icf.boundAddresses().get(0), "mme.localdomain", "localdomain")) {
            assertEquals(ResultCode.DIAMETER_SUCCESS, c.exchange(c.cer(ApplicationId.S6A)).resultCode());
            // The USIM has seen SEQ 50 under this MME's IND (3, IcfFixtures): the next vector is stale, and the AUTS resyncs.
            usim.sqnArray().accept(SqnPolicy.DEFAULT.sqn(50, 3));
            DiameterMessage aia = c.exchange(c.air(IcfServerTest.IMSI, 1, IcfServerTest.VISITED, null));
            assertEquals(1, onLoop(registry));
            Avp v = aia.first(c.d.avp("Authentication-Info")).grouped().get(0);
            byte[] rand = v.child(c.d.avp("RAND")).octetString();
            Usim.SynchFailure sf = assertInstanceOf(Usim.SynchFailure.class, usim.authenticate(rand, v.child(c.d.avp("AUTN")).octetString()));
            byte[] resync = new byte[30];
            System.arraycopy(rand, 0, resync, 0, 16);
            System.arraycopy(sf.auts(), 0, resync, 16, 14);
            DiameterMessage again = c.exchange(c.air(IcfServerTest.IMSI, 1, IcfServerTest.VISITED, resync));
            assertEquals(ResultCode.DIAMETER_SUCCESS, again.resultCode());
            Avp fresh = again.first(c.d.avp("Authentication-Info")).grouped().get(0);
            assertInstanceOf(Usim.Success.class, usim.authenticate(fresh.child(c.d.avp("RAND")).octetString(),
                    fresh.child(c.d.avp("AUTN")).octetString()));
            assertEquals(1, onLoop(registry), "the resynchronising AIR went to a worker");
            airAccepted(c, usim, "after the resync");
            assertEquals(2, onLoop(registry));
        }
    }
}
