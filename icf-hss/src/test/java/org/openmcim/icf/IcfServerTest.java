package org.openmcim.icf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.openmcim.icf.IcfFixtures.experimentalCode;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openmcim.aka.AuthenticationFunctions.Algorithm;
import org.openmcim.aka.Milenage;
import org.openmcim.aka.VectorFile;
import org.openmcim.aka.kdf.Kdf;
import org.openmcim.aka.kdf.PlmnId;
import org.openmcim.aka.sqn.SqnArray;
import org.openmcim.aka.sqn.SqnPolicy;
import org.openmcim.aka.usim.Usim;
import org.openmcim.config.ConfigNode;
import org.openmcim.diameter.ApplicationId;
import org.openmcim.diameter.Avp;
import org.openmcim.diameter.BaseAvpCode;
import org.openmcim.diameter.CommandCode;
import org.openmcim.diameter.DiameterMessage;
import org.openmcim.diameter.ExperimentalResultCode;
import org.openmcim.diameter.ResultCode;
import org.openmcim.icf.config.IcfConfig;
import org.openmcim.store.CredentialState;
import org.openmcim.store.InMemoryCredentialStore;
import org.openmcim.store.Subscriber;
import org.openmcim.store.SubscriberKind;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The ICF over real TCP with a scripted peer: capabilities exchange, S6a AIR/ULR/PUR/NOR, resync,
 * duplicates, and the edge checks. Vectors are verified by the USIM implementation of aka-crypto
 * with the subscriber's keys from TS 35.208 (an independent path from the HSS's batch Milenage).
 */
class IcfServerTest {
    static final String IMSI = "001010000000001";
    static final byte[] VISITED = PlmnId.parse("00101").toOctets();
    static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

    InMemoryCredentialStore store;
    IcfServer icf;
    SimpleMeterRegistry registry;
    VectorFile.Vector set1 = VectorFile.load("vectors/milenage-ts35208.txt").get(0);

    static String yaml(int port) {
        return IcfFixtures.icfYaml(port);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @BeforeEach
    void start() throws Exception {
        store = new InMemoryCredentialStore();
        store.insertAll(List.of(new Subscriber(IMSI, SubscriberKind.PCID, Algorithm.MILENAGE, set1.hex("K"), set1.hex("OPc"),
                new byte[] {(byte) 0x80, 0}, 0, CredentialState.ISSUED, NOW.minus(Duration.ofDays(1)), Duration.ofDays(365),
                "chtif-test", "provisioning", null)));
        IcfConfig config = IcfConfig.from(ConfigNode.parse("test-icf.yaml", new StringReader(yaml(freePort()))));
        registry = new SimpleMeterRegistry();
        icf = IcfServer.start(config, store, registry, Clock.fixed(NOW, ZoneOffset.UTC), new SecureRandom());
    }

    @AfterEach
    void stop() {
        icf.close();
    }

    DiameterTestClient mme() throws IOException {
        return new DiameterTestClient(icf.boundAddresses().get(0), "mme.localdomain", "localdomain");
    }

    DiameterTestClient openMme() throws IOException {
        DiameterTestClient c = mme();
        DiameterMessage cea = c.exchange(c.cer(ApplicationId.S6A));
        assertEquals(ResultCode.DIAMETER_SUCCESS, cea.resultCode());
        return c;
    }

    @Test
    void ceaAdvertisesS6aAndAnswersAsConfiguredIdentity() throws Exception {
        try (DiameterTestClient c = mme()) {
            DiameterMessage cea = c.exchange(c.cer(ApplicationId.S6A));
            assertEquals(ResultCode.DIAMETER_SUCCESS, cea.resultCode());
            assertEquals("hss.localdomain", cea.originHost());
            assertEquals("localdomain", cea.originRealm());
            List<Long> apps = new ArrayList<>();
            for (Avp vsai : cea.all(c.d.avp("Vendor-Specific-Application-Id"))) {
                apps.add(vsai.child(c.d.avp("Auth-Application-Id")).unsigned32());
            }
            assertEquals(List.of((long) ApplicationId.S6A), apps, "only implemented applications are advertised");
        }
    }

    @Test
    void unknownPeerGets3010AndIsDisconnected() throws Exception {
        try (DiameterTestClient c = new DiameterTestClient(icf.boundAddresses().get(0), "rogue.example", "example")) {
            DiameterMessage cea = c.exchange(c.cer(ApplicationId.S6A));
            assertEquals(ResultCode.DIAMETER_UNKNOWN_PEER, cea.resultCode());
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void noCommonApplicationGets5010() throws Exception {
        try (DiameterTestClient c = mme()) {
            DiameterMessage cea = c.exchange(c.cer(ApplicationId.GX));
            assertEquals(ResultCode.DIAMETER_NO_COMMON_APPLICATION, cea.resultCode());
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void requestBeforeCerClosesTheConnection() throws Exception {
        try (DiameterTestClient c = mme()) {
            c.send(c.air(IMSI, 1, VISITED, null));
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void watchdogAndDisconnect() throws Exception {
        try (DiameterTestClient c = openMme()) {
            DiameterMessage dwa = c.exchange(DiameterMessage.request(CommandCode.DEVICE_WATCHDOG, ApplicationId.COMMON)
                    .hopByHop(c.nextId()).endToEnd(77).add(c.originHost(), c.originRealm()).build());
            assertEquals(CommandCode.DEVICE_WATCHDOG, dwa.commandCode());
            assertEquals(ResultCode.DIAMETER_SUCCESS, dwa.resultCode());
            DiameterMessage dpa = c.exchange(DiameterMessage.request(CommandCode.DISCONNECT_PEER, ApplicationId.COMMON)
                    .hopByHop(c.nextId()).endToEnd(78).add(c.originHost(), c.originRealm())
                    .add(Avp.enumerated(c.d.avp("Disconnect-Cause"), 0)).build());
            assertEquals(ResultCode.DIAMETER_SUCCESS, dpa.resultCode());
            assertTrue(c.closedByServer());
        }
    }

    /** AIA vectors verified by an independent USIM: AUTN accepted, RES = XRES, KASME equal. */
    @Test
    void airVectorsAreAcceptedByTheUsim() throws Exception {
        Usim usim = new Usim(Milenage.withOpc(set1.hex("K"), set1.hex("OPc")), new SqnArray(SqnPolicy.DEFAULT));
        try (DiameterTestClient c = openMme()) {
            DiameterMessage aia = c.exchange(c.air(IMSI, 3, VISITED, null));
            assertEquals(ResultCode.DIAMETER_SUCCESS, aia.resultCode());
            List<Avp> vectors = aia.first(c.d.avp("Authentication-Info")).grouped();
            assertEquals(3, vectors.size());
            for (Avp v : vectors) {
                byte[] rand = v.child(c.d.avp("RAND")).octetString();
                byte[] autn = v.child(c.d.avp("AUTN")).octetString();
                assertTrue((autn[6] & 0x80) != 0, "E-UTRAN separation bit set");
                Usim.Success ok = assertInstanceOf(Usim.Success.class, usim.authenticate(rand, autn));
                assertArrayEquals(v.child(c.d.avp("XRES")).octetString(), ok.res());
                assertArrayEquals(v.child(c.d.avp("KASME")).octetString(),
                        new Kdf().kasme(ok.ck(), ok.ik(), PlmnId.parse("00101"), ok.sqnXorAk()));
            }
            // IND of the configured serving node (mme.localdomain → 3) and consecutive SEQ.
            assertEquals(SqnPolicy.DEFAULT.sqn(3, 3), store.find(IMSI).orElseThrow().sqnHe());
        }
    }

    /** TS 33.102 §6.3.5 over S6a: stale vector → AUTS in Re-Synchronization-Info → fresh vector. */
    @Test
    void resynchronisationThroughAir() throws Exception {
        Usim usim = new Usim(Milenage.withOpc(set1.hex("K"), set1.hex("OPc")), new SqnArray(SqnPolicy.DEFAULT));
        try (DiameterTestClient c = openMme()) {
            // The USIM has already seen SEQ 50 under this MME's IND 3 (a restored HSS backup...);
            // under another IND the array would rightly accept SEQ 1 (TS 33.102 C.2.2).
            usim.sqnArray().accept(SqnPolicy.DEFAULT.sqn(50, 3));
            DiameterMessage aia = c.exchange(c.air(IMSI, 1, VISITED, null));
            Avp v = aia.first(c.d.avp("Authentication-Info")).grouped().get(0);
            byte[] rand = v.child(c.d.avp("RAND")).octetString();
            Usim.SynchFailure sf = assertInstanceOf(Usim.SynchFailure.class,
                    usim.authenticate(rand, v.child(c.d.avp("AUTN")).octetString()));
            byte[] resync = new byte[30];
            System.arraycopy(rand, 0, resync, 0, 16);
            System.arraycopy(sf.auts(), 0, resync, 16, 14);
            DiameterMessage again = c.exchange(c.air(IMSI, 1, VISITED, resync));
            assertEquals(ResultCode.DIAMETER_SUCCESS, again.resultCode());
            Avp fresh = again.first(c.d.avp("Authentication-Info")).grouped().get(0);
            assertInstanceOf(Usim.Success.class, usim.authenticate(fresh.child(c.d.avp("RAND")).octetString(),
                    fresh.child(c.d.avp("AUTN")).octetString()));

            resync[29] ^= 1; // forged MAC-S
            assertEquals(ExperimentalResultCode.DIAMETER_AUTHENTICATION_DATA_UNAVAILABLE,
                    experimentalCode(c.exchange(c.air(IMSI, 1, VISITED, resync))));
        }
    }

    @Test
    void unknownImsiIs5001AndOtherRangesToo() throws Exception {
        try (DiameterTestClient c = openMme()) {
            assertEquals(ExperimentalResultCode.DIAMETER_ERROR_USER_UNKNOWN,
                    experimentalCode(c.exchange(c.air("001010000000999", 1, VISITED, null))));
            assertEquals(ExperimentalResultCode.DIAMETER_ERROR_USER_UNKNOWN,
                    experimentalCode(c.exchange(c.air("310410000000001", 1, VISITED, null))));
        }
    }

    @Test
    void retiredPcidIs5420() throws Exception {
        store.transition(IMSI, CredentialState.ATTACHED, NOW);
        store.transition(IMSI, CredentialState.RETIRED, NOW);
        try (DiameterTestClient c = openMme()) {
            assertEquals(ExperimentalResultCode.DIAMETER_ERROR_UNKNOWN_EPS_SUBSCRIPTION,
                    experimentalCode(c.exchange(c.air(IMSI, 1, VISITED, null))));
        }
    }

    @Test
    void edgeChecks() throws Exception {
        try (DiameterTestClient c = openMme()) {
            // No Session-Id: 5005 with Failed-AVP.
            DiameterMessage noSession = DiameterMessage.request(CommandCode.AUTHENTICATION_INFORMATION, ApplicationId.S6A)
                    .proxiable(true).hopByHop(c.nextId()).endToEnd(901)
                    .add(c.originHost(), c.originRealm(), Avp.utf8String(c.d.avp("User-Name"), IMSI)).build();
            DiameterMessage a1 = c.exchange(noSession);
            assertEquals(ResultCode.DIAMETER_MISSING_AVP, a1.resultCode());
            assertNotNull(a1.first(BaseAvpCode.FAILED_AVP, 0));
            // An origin that is not a configured peer, through an open connection: 5003.
            DiameterMessage forged = DiameterMessage.request(CommandCode.AUTHENTICATION_INFORMATION, ApplicationId.S6A)
                    .proxiable(true).hopByHop(c.nextId()).endToEnd(902).sessionId("x;1")
                    .add(Avp.diameterIdentity(c.d.avp("Origin-Host"), "rogue.example"),
                            Avp.diameterIdentity(c.d.avp("Origin-Realm"), "example"),
                            Avp.utf8String(c.d.avp("User-Name"), IMSI)).build();
            assertEquals(ResultCode.DIAMETER_AUTHORIZATION_REJECTED, c.exchange(forged).resultCode());
            // An application this identity does not serve: 3007 with the E bit.
            DiameterMessage gx = DiameterMessage.request(CommandCode.CREDIT_CONTROL, ApplicationId.GX).proxiable(true)
                    .hopByHop(c.nextId()).endToEnd(903).sessionId("x;2").add(c.originHost(), c.originRealm()).build();
            DiameterMessage a3 = c.exchange(gx);
            assertEquals(ResultCode.DIAMETER_APPLICATION_UNSUPPORTED, a3.resultCode());
            assertTrue(a3.isError());
            // Missing Visited-PLMN-Id: 5005.
            DiameterMessage noPlmn = c.s6aRequest(CommandCode.AUTHENTICATION_INFORMATION, IMSI)
                    .add(Avp.grouped(c.d.avp("Requested-EUTRAN-Authentication-Info"),
                            Avp.unsigned32(c.d.avp("Number-Of-Requested-Vectors"), 1))).build();
            assertEquals(ResultCode.DIAMETER_MISSING_AVP, c.exchange(noPlmn).resultCode());
            // Unknown command in S6a: 3001.
            DiameterMessage idr = c.s6aRequest(CommandCode.INSERT_SUBSCRIBER_DATA, IMSI).build();
            assertEquals(ResultCode.DIAMETER_COMMAND_UNSUPPORTED, c.exchange(idr).resultCode());
            // The connection is still usable after all of that.
            assertEquals(ResultCode.DIAMETER_SUCCESS, c.exchange(c.air(IMSI, 1, VISITED, null)).resultCode());
        }
    }

    /** RFC 6733 §6.1.3: a retransmission (T flag) gets the same answer, not new vectors. */
    @Test
    void retransmissionGetsTheSameAnswer() throws Exception {
        try (DiameterTestClient c = openMme()) {
            DiameterMessage air = c.air(IMSI, 1, VISITED, null);
            DiameterMessage first = c.exchange(air);
            long sqnAfterFirst = store.find(IMSI).orElseThrow().sqnHe();
            DiameterMessage retry = c.codec.decode(c.codec.encode(air)) instanceof DiameterMessage m
                    ? m.withHopByHop(4242) : null;
            byte[] raw = c.codec.encode(retry);
            raw[4] |= 0x10; // T flag
            c.sendRaw(raw);
            DiameterMessage second = c.receive();
            assertEquals(4242, second.hopByHop());
            assertArrayEquals(first.first(c.d.avp("Authentication-Info")).grouped().get(0).child(c.d.avp("RAND")).octetString(),
                    second.first(c.d.avp("Authentication-Info")).grouped().get(0).child(c.d.avp("RAND")).octetString());
            assertEquals(sqnAfterFirst, store.find(IMSI).orElseThrow().sqnHe(), "no SQN consumed twice");
        }
    }

    @Test
    void ulrReturnsTheProvisioningProfileAndMarksAttached() throws Exception {
        try (DiameterTestClient c = openMme()) {
            DiameterMessage ula = c.exchange(c.s6aRequest(CommandCode.UPDATE_LOCATION, IMSI)
                    .add(Avp.enumerated(c.d.avp("RAT-Type"), 1004), Avp.unsigned32(c.d.avp("ULR-Flags"), 0x22),
                            Avp.octetString(c.d.avp("Visited-PLMN-Id"), VISITED)).build());
            assertEquals(ResultCode.DIAMETER_SUCCESS, ula.resultCode());
            Avp sd = ula.first(c.d.avp("Subscription-Data"));
            Avp apn = sd.child(c.d.avp("APN-Configuration-Profile")).child(c.d.avp("APN-Configuration"));
            assertEquals("provisioning", apn.child(c.d.avp("Service-Selection")).utf8String());
            assertEquals(9, apn.child(c.d.avp("EPS-Subscribed-QoS-Profile")).child(c.d.avp("QoS-Class-Identifier")).enumerated());
            assertNotNull(ula.first(c.d.avp("Subscribed-Periodic-RAU-TAU-Timer")), "top-level TAU timer for NextEPC");
            assertEquals(CredentialState.ATTACHED, store.find(IMSI).orElseThrow().state());
            assertEquals("mme.localdomain", store.servingNode(IMSI).orElseThrow().host());
            assertNull(ula.first(c.d.avp("Subscription-Data")).child(c.d.avp("MSISDN")), "PCIDs have no MSISDN");

            DiameterMessage pua = c.exchange(c.s6aRequest(CommandCode.PURGE_UE, IMSI).build());
            assertEquals(ResultCode.DIAMETER_SUCCESS, pua.resultCode());
            DiameterMessage noa = c.exchange(c.s6aRequest(CommandCode.NOTIFY, "001010000000999").build());
            assertEquals(ExperimentalResultCode.DIAMETER_ERROR_USER_UNKNOWN, experimentalCode(noa));
        }
    }

    /** Retirement: CLR to the MME that registered the PCID (TS 29.272 §5.2.1.2), then 5420 on AIR. */
    @Test
    void retiringAPcidSendsCancelLocationToItsMme() throws Exception {
        try (DiameterTestClient c = openMme()) {
            c.exchange(c.s6aRequest(CommandCode.UPDATE_LOCATION, IMSI)
                    .add(Avp.enumerated(c.d.avp("RAT-Type"), 1004), Avp.unsigned32(c.d.avp("ULR-Flags"), 0x22),
                            Avp.octetString(c.d.avp("Visited-PLMN-Id"), VISITED)).build());
            var outcome = icf.pcidRetirement().retire(IMSI);
            DiameterMessage clr = c.receive();
            assertEquals(CommandCode.CANCEL_LOCATION, clr.commandCode());
            assertTrue(clr.isRequest());
            assertEquals(IMSI, clr.first(c.d.avp("User-Name")).utf8String());
            assertEquals(2, clr.first(c.d.avp("Cancellation-Type")).enumerated());
            assertEquals("mme.localdomain", clr.first(c.d.avp("Destination-Host")).diameterIdentity());
            c.send(DiameterMessage.answerTo(clr).add(Avp.unsigned32(c.d.avp("Result-Code"), ResultCode.DIAMETER_SUCCESS),
                    c.originHost(), c.originRealm()).build());
            var result = outcome.get(5, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(org.openmcim.icf.s6a.PcidRetirement.Cancellation.ANSWERED, result.cancellation());
            assertEquals(ResultCode.DIAMETER_SUCCESS, result.resultCode());
            assertEquals(ExperimentalResultCode.DIAMETER_ERROR_UNKNOWN_EPS_SUBSCRIPTION,
                    experimentalCode(c.exchange(c.air(IMSI, 1, VISITED, null))));
        }
    }

    @Test
    void metricsCountByCommandAndResult() throws Exception {
        try (DiameterTestClient c = openMme()) {
            c.exchange(c.air(IMSI, 1, VISITED, null));
            c.exchange(c.air("001010000000999", 1, VISITED, null));
        }
        assertEquals(1, registry.get("diameter.requests").tags("command", "AIR", "result", "2001").timer().count());
        assertEquals(1, registry.get("diameter.requests").tags("command", "AIR", "result", "5001").timer().count());
    }
}
