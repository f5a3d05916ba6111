package org.openmcim.icf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.openmcim.aka.AuthenticationFunctions.Algorithm;
import org.openmcim.aka.Milenage;
import org.openmcim.aka.VectorFile;
import org.openmcim.aka.sqn.SqnArray;
import org.openmcim.aka.sqn.SqnPolicy;
import org.openmcim.aka.usim.Usim;
import org.openmcim.config.ConfigException;
import org.openmcim.config.ConfigNode;
import org.openmcim.diameter.ApplicationId;
import org.openmcim.diameter.Avp;
import org.openmcim.diameter.DiameterMessage;
import org.openmcim.diameter.ResultCode;
import org.openmcim.icf.config.IcfConfig;
import org.openmcim.store.CredentialState;
import org.openmcim.store.InMemoryCredentialStore;
import org.openmcim.store.Subscriber;
import org.openmcim.store.SubscriberKind;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * {@code limits.worker-threads: 0}: handlers answer on the Diameter event loops, allowed only where
 * nothing can block (the in-memory store, no CHTIF fetch).
 */
class InlineWorkersTest {
    static String yaml(int port) {
        return IcfServerTest.yaml(port).replace("worker-threads: 2", "worker-threads: 0");
    }

    @Test
    void inMemoryStoreAnswersAirOnTheEventLoop() throws Exception {
        VectorFile.Vector set1 = VectorFile.load("vectors/milenage-ts35208.txt").get(0);
        InMemoryCredentialStore store = new InMemoryCredentialStore();
        store.insertAll(List.of(new Subscriber(IcfServerTest.IMSI, SubscriberKind.PCID, Algorithm.MILENAGE, set1.hex("K"),
                set1.hex("OPc"), new byte[] {(byte) 0x80, 0}, 0, CredentialState.ISSUED, Instant.now(), Duration.ofDays(1), "chtif-test",
                "provisioning", null)));
        IcfConfig config = IcfConfig.from(ConfigNode.parse("inline.yaml", new StringReader(yaml(IcfServerTest.freePort()))));
        assertEquals(0, config.limits().workerThreads());
        Usim usim = new Usim(Milenage.withOpc(set1.hex("K"), set1.hex("OPc")), new SqnArray(SqnPolicy.DEFAULT));
        try (IcfServer icf = IcfServer.start(config, store, new SimpleMeterRegistry(), Clock.systemUTC(), new SecureRandom());
             DiameterTestClient c = new DiameterTestClient(icf.boundAddresses().get(0), "mme.localdomain", "localdomain")) {
            assertEquals(ResultCode.DIAMETER_SUCCESS, c.exchange(c.cer(ApplicationId.S6A)).resultCode());
            for (int i = 0; i < 3; i++) {
                DiameterMessage aia = c.exchange(c.air(IcfServerTest.IMSI, 1, IcfServerTest.VISITED, null));
                assertEquals(ResultCode.DIAMETER_SUCCESS, aia.resultCode());
                Avp v = aia.first(c.d.avp("Authentication-Info")).grouped().get(0);
                Usim.Success ok = assertInstanceOf(Usim.Success.class,
                        usim.authenticate(v.child(c.d.avp("RAND")).octetString(), v.child(c.d.avp("AUTN")).octetString()));
                assertEquals(java.util.HexFormat.of().formatHex(v.child(c.d.avp("XRES")).octetString()),
                        java.util.HexFormat.of().formatHex(ok.res()));
            }
        }
    }

    @Test
    void refusedWhereACallCanBlock() throws Exception {
        String hazelcast = yaml(IcfServerTest.freePort()) + "store: {type: hazelcast, config: store.yaml}\n";
        ConfigException e = assertThrows(ConfigException.class, () -> IcfConfig.from(ConfigNode.parse("inline.yaml",
                new StringReader(hazelcast))));
        assertTrue(e.getMessage().contains("limits: worker-threads: 0 (answer on the Diameter event loops) needs store type memory"),
                e.getMessage());
    }

    /** {@code limits.io-threads}: the loops the listeners share; one loop serves several peers, and 0 is refused. */
    @Test
    void oneEventLoopServesEveryConnection() throws Exception {
        VectorFile.Vector set1 = VectorFile.load("vectors/milenage-ts35208.txt").get(0);
        InMemoryCredentialStore store = new InMemoryCredentialStore();
        store.insertAll(List.of(new Subscriber(IcfServerTest.IMSI, SubscriberKind.PCID, Algorithm.MILENAGE, set1.hex("K"),
                set1.hex("OPc"), new byte[] {(byte) 0x80, 0}, 0, CredentialState.ISSUED, Instant.now(), Duration.ofDays(1), "chtif-test",
                "provisioning", null)));
        String oneLoop = IcfServerTest.yaml(IcfServerTest.freePort()).replace("worker-threads: 2", "worker-threads: 2, io-threads: 1");
        IcfConfig config = IcfConfig.from(ConfigNode.parse("one-loop.yaml", new StringReader(oneLoop)));
        assertEquals(1, config.limits().ioThreads());
        assertEquals(IcfConfig.Limits.DEFAULT_IO_THREADS,
                IcfConfig.from(ConfigNode.parse("default.yaml", new StringReader(IcfServerTest.yaml(1)))).limits().ioThreads());
        Usim usim = new Usim(Milenage.withOpc(set1.hex("K"), set1.hex("OPc")), new SqnArray(SqnPolicy.DEFAULT));
        try (IcfServer icf = IcfServer.start(config, store, new SimpleMeterRegistry(), Clock.systemUTC(), new SecureRandom());
             DiameterTestClient a = new DiameterTestClient(icf.boundAddresses().get(0), "mme.localdomain", "localdomain");
             DiameterTestClient b = new DiameterTestClient(icf.boundAddresses().get(0), "mme.localdomain", "localdomain")) {
            for (DiameterTestClient c : List.of(a, b)) {
                assertEquals(ResultCode.DIAMETER_SUCCESS, c.exchange(c.cer(ApplicationId.S6A)).resultCode());
            }
            // Both clients number their requests alike, and a request repeating another's Origin-Host
            // and End-to-End id is answered from the duplicate cache (RFC 6733 §6.1.3), replayed
            // vectors included: b's numbering is moved past a's by building (not sending) two AIRs.
            b.air(IcfServerTest.IMSI, 1, IcfServerTest.VISITED, null);
            b.air(IcfServerTest.IMSI, 1, IcfServerTest.VISITED, null);
            for (int i = 0; i < 4; i++) {
                DiameterTestClient c = i < 2 ? a : b;
                DiameterMessage aia = c.exchange(c.air(IcfServerTest.IMSI, 1, IcfServerTest.VISITED, null));
                assertEquals(ResultCode.DIAMETER_SUCCESS, aia.resultCode());
                Avp v = aia.first(c.d.avp("Authentication-Info")).grouped().get(0);
                assertInstanceOf(Usim.Success.class,
                        usim.authenticate(v.child(c.d.avp("RAND")).octetString(), v.child(c.d.avp("AUTN")).octetString()));
            }
        }
        String none = IcfServerTest.yaml(IcfServerTest.freePort()).replace("worker-threads: 2", "worker-threads: 2, io-threads: 0");
        ConfigException e = assertThrows(ConfigException.class, () -> IcfConfig.from(ConfigNode.parse("none.yaml", new StringReader(none))));
        assertTrue(e.getMessage().contains("io-threads"), e.getMessage());
    }
}
