package org.openmcim.icf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openmcim.aka.AuthenticationFunctions.Algorithm;
import org.openmcim.aka.Milenage;
import org.openmcim.aka.VectorFile;
import org.openmcim.aka.sqn.SqnArray;
import org.openmcim.aka.sqn.SqnPolicy;
import org.openmcim.aka.usim.Usim;
import org.openmcim.config.ConfigNode;
import org.openmcim.diameter.Avp;
import org.openmcim.diameter.ApplicationId;
import org.openmcim.diameter.CommandCode;
import org.openmcim.diameter.DiameterMessage;
import org.openmcim.diameter.ResultCode;
import org.openmcim.icf.config.IcfConfig;
import org.openmcim.store.CredentialState;
import org.openmcim.store.InMemoryCredentialStore;
import org.openmcim.store.Subscriber;
import org.openmcim.store.SubscriberKind;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * A device holding its MCIM attaches through the same visited MME: the MME asks the ICF (its only
 * peer), and the ICF relays to the SHO's HSS by IMSI range (RFC 6733 §6.1.9).
 */
class RelayTest {
    static final String MCIM_IMSI = "999700000000042";
    final VectorFile.Vector set2 = VectorFile.load("vectors/milenage-ts35208.txt").get(1);
    IcfServer icf;
    IcfServer home;

    static String common(String mode, String host, int port, String peersYaml, String ranges, String extra) {
        return """
                mode: %s
                identities:
                  - host: %s
                    realm: localdomain
                    listen: 127.0.0.1:%d
                    applications: [s6a]
                peers:
                %s
                imsi-ranges: [%s]
                subscription-profile:
                  apn: internet
                  arp: {}
                  ambr: {uplink: 1000000, downlink: 1000000}
                reconnect: 1s
                %s
                """.formatted(mode, host, port, peersYaml, ranges, extra);
    }

    IcfServer start(String yaml, InMemoryCredentialStore store) throws Exception {
        return IcfServer.start(IcfConfig.from(ConfigNode.parse("relay-test.yaml", new StringReader(yaml))), store,
                new SimpleMeterRegistry(), Clock.systemUTC(), new SecureRandom());
    }

    @AfterEach
    void stop() {
        if (icf != null) {
            icf.close();
        }
        if (home != null) {
            home.close();
        }
    }

    IcfServer startIcf(int homePort) throws Exception {
        return start(common("icf", "hss.localdomain", IcfServerTest.freePort(),
                "  - {host: mme.localdomain, realm: localdomain}", "\"00101\"",
                "routes:\n  - {imsi-prefix: \"99970\", host: hss.sho1.example, realm: sho1.example, connect: 127.0.0.1:" + homePort + "}"),
                new InMemoryCredentialStore());
    }

    @Test
    void mcimImsiIsRelayedToTheShoHss() throws Exception {
        int homePort = IcfServerTest.freePort();
        InMemoryCredentialStore shoStore = new InMemoryCredentialStore();
        shoStore.insertAll(List.of(new Subscriber(MCIM_IMSI, SubscriberKind.HOME, Algorithm.MILENAGE, set2.hex("K"), set2.hex("OPc"),
                new byte[] {(byte) 0x80, 0}, 0, CredentialState.ACTIVE, java.time.Instant.now(), null, "sho1", "internet", "491234")));
        // The SHO's HSS accepts the relaying ICF as its peer and the visited MME as an origin.
        home = start(common("home", "hss.sho1.example", homePort,
                "  - {host: hss.localdomain, realm: localdomain}\n  - {host: mme.localdomain, realm: localdomain}",
                "\"99970\"", ""), shoStore);
        icf = startIcf(homePort);
        awaitRelayOpen();

        Usim usim = new Usim(Milenage.withOpc(set2.hex("K"), set2.hex("OPc")), new SqnArray(SqnPolicy.DEFAULT));
        try (DiameterTestClient mme = new DiameterTestClient(icf.boundAddresses().get(0), "mme.localdomain", "localdomain")) {
            assertEquals(ResultCode.DIAMETER_SUCCESS, mme.exchange(mme.cer(ApplicationId.S6A)).resultCode());
            DiameterMessage air = mme.air(MCIM_IMSI, 1, IcfServerTest.VISITED, null);
            DiameterMessage aia = mme.exchange(air);
            assertEquals(ResultCode.DIAMETER_SUCCESS, aia.resultCode());
            assertEquals(air.hopByHop(), aia.hopByHop(), "answer under the MME's own hop-by-hop id");
            assertEquals("hss.sho1.example", aia.originHost(), "answered by the SHO's HSS");
            Avp v = aia.first(mme.d.avp("Authentication-Info")).grouped().get(0);
            assertInstanceOf(Usim.Success.class, usim.authenticate(v.child(mme.d.avp("RAND")).octetString(),
                    v.child(mme.d.avp("AUTN")).octetString()));
            // ULR reaches the SHO too and records the visited MME there.
            DiameterMessage ula = mme.exchange(mme.s6aRequest(CommandCode.UPDATE_LOCATION, MCIM_IMSI)
                    .add(Avp.octetString(mme.d.avp("Visited-PLMN-Id"), IcfServerTest.VISITED)).build());
            assertEquals(ResultCode.DIAMETER_SUCCESS, ula.resultCode());
            assertEquals("mme.localdomain", shoStore.servingNode(MCIM_IMSI).orElseThrow().host());
            // A request that already passed through this ICF has looped: 3005.
            DiameterMessage looped = mme.s6aRequest(CommandCode.AUTHENTICATION_INFORMATION, MCIM_IMSI)
                    .add(Avp.diameterIdentity(mme.d.avp("Route-Record"), "hss.localdomain"))
                    .add(Avp.octetString(mme.d.avp("Visited-PLMN-Id"), IcfServerTest.VISITED)).build();
            DiameterMessage loop = mme.exchange(looped);
            assertEquals(ResultCode.DIAMETER_LOOP_DETECTED, loop.resultCode());
            assertTrue(loop.isError());
        }
    }

    @Test
    void unreachableHomeHssIs3002() throws Exception {
        icf = startIcf(IcfServerTest.freePort()); // nothing listens there
        try (DiameterTestClient mme = new DiameterTestClient(icf.boundAddresses().get(0), "mme.localdomain", "localdomain")) {
            mme.exchange(mme.cer(ApplicationId.S6A));
            DiameterMessage aia = mme.exchange(mme.air(MCIM_IMSI, 1, IcfServerTest.VISITED, null));
            assertEquals(ResultCode.DIAMETER_UNABLE_TO_DELIVER, aia.resultCode());
            assertTrue(aia.isError());
        }
    }

    private void awaitRelayOpen() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!icf.relaysOpen()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the ICF never opened its relay connection to the SHO's HSS");
            }
            Thread.sleep(20);
        }
    }
}
