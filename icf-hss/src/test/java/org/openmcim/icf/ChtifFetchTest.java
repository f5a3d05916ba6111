package org.openmcim.icf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
import org.openmcim.diameter.CommandCode;
import org.openmcim.diameter.DiameterMessage;
import org.openmcim.diameter.ExperimentalResultCode;
import org.openmcim.diameter.ResultCode;
import org.openmcim.http.JsonHttpServer.Response;
import org.openmcim.icf.chtif.ChtifClient;
import org.openmcim.icf.chtif.TestChtif;
import org.openmcim.icf.config.IcfConfig;
import org.openmcim.icf.gx.AttachEvents;
import org.openmcim.pki.Credential;
import org.openmcim.pki.DevelopmentPki;
import org.openmcim.store.CredentialState;
import org.openmcim.store.InMemoryCredentialStore;
import org.openmcim.store.Subscriber;
import org.openmcim.store.SubscriberKind;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * TR 33.812 §5.1.3.6.2 step 3 NOTE 1 end to end: a scripted MME sends AIRs over Diameter/TCP to a real
 * ICF, which fetches unknown PCIDs of the CHTIF's range from a real CHTIF ({@link TestChtif}) over real
 * mutual TLS (the development PKI: the ICF presents icf, the CHTIF chtif, both under ro-root). The
 * vectors are checked by aka-crypto's USIM with the keys only the CHTIF had.
 */
class ChtifFetchTest {
    static final String PCID = "001019900000001";
    static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    /**
     * The chtif.timeout of the tests that time it: the machine is shared, so generous. Tests that only
     * need an answer use {@link #RELAXED_MS}: a cold TLS handshake under load must not fail them.
     */
    static final long TIMEOUT_MS = 3000;
    static final long RELAXED_MS = 20_000;
    @TempDir
    static Path tmp;
    static DevelopmentPki pki;
    static VectorFile.Vector set2 = VectorFile.load("vectors/milenage-ts35208.txt").get(1);

    InMemoryCredentialStore store = new InMemoryCredentialStore();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    TestChtif chtif;
    ChtifClient client;
    IcfServer icf;

    @BeforeAll
    static void pki() throws Exception {
        pki = DevelopmentPki.init(tmp.resolve("pki"), Instant.now().minus(Duration.ofDays(1)), new SecureRandom(), false);
    }

    @AfterEach
    void stop() {
        if (icf != null) {
            icf.close();
        }
        if (client != null) {
            client.close();
        }
        if (chtif != null) {
            chtif.close();
        }
    }

    static Subscriber credential(String imsi) {
        return new Subscriber(imsi, SubscriberKind.PCID, Algorithm.MILENAGE, set2.hex("K"), set2.hex("OPc"), new byte[] {(byte) 0x80, 0},
                0, CredentialState.ISSUED, NOW.minus(Duration.ofDays(10)), Duration.ofDays(180), "chtif", "provisioning", null);
    }

    /** The CHTIF with {@code identity}, answering the ICF's icf certificate under ro-root; it has issued {@link #PCID}. */
    TestChtif chtif(Credential identity) throws Exception {
        chtif = TestChtif.start(identity, List.of(pki.root("ro-root")), Set.of("icf"));
        chtif.issue(credential(PCID));
        return chtif;
    }

    /** An ICF serving 00101 whose CHTIF issues 0010199, at {@code chtifUrl}; four workers so fetches can overlap. */
    IcfServer icf(URI chtifUrl) throws Exception {
        return icf(chtifUrl, RELAXED_MS);
    }

    IcfServer icf(URI chtifUrl, long timeoutMs) throws Exception {
        return icf(chtifUrl, timeoutMs, "s6a");
    }

    /** As above, serving {@code applications} (e.g. {@code "s6a, swx"}). */
    IcfServer icf(URI chtifUrl, long timeoutMs, String applications) throws Exception {
        String yaml = IcfServerTest.yaml(IcfServerTest.freePort()).replace("worker-threads: 2", "worker-threads: 4")
                .replace("applications: [s6a]", "applications: [" + applications + "]") + """
                chtif:
                  url: %s
                  imsi-ranges: ["0010199"]
                  tls: {certificate: pki/icf.crt, key: pki/icf.key}
                  roots: [pki/ro-root.crt]
                  timeout: %dms
                  issuer: chtif-test
                """.formatted(chtifUrl, timeoutMs);
        IcfConfig cfg = IcfConfig.from(ConfigNode.parse("chtif-test.yaml", new StringReader(yaml)));
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        client = ChtifClient.start(ChtifClient.Settings.of(cfg.chtif().orElseThrow(), "provisioning"),
                ChtifClient.tls(cfg.chtif().orElseThrow(), tmp), store, meters, clock);
        icf = IcfServer.start(cfg, store, meters, clock, new SecureRandom(), AttachEvents.NONE, client);
        return icf;
    }

    DiameterTestClient mme() throws IOException {
        DiameterTestClient c = new DiameterTestClient(icf.boundAddresses().get(0), "mme.localdomain", "localdomain");
        assertEquals(ResultCode.DIAMETER_SUCCESS, c.exchange(c.cer(ApplicationId.S6A)).resultCode());
        return c;
    }

    double fetches(String outcome) {
        return meters.get("icf.chtif.fetches").tag("outcome", outcome).counter().count();
    }

    static URI deadUrl() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("https://127.0.0.1:" + s.getLocalPort()); // nothing listens once closed
        }
    }

    /** Unknown here, known to the CHTIF: fetched once, stored, answered; the USIM accepts the vectors. Then served from the store. */
    @Test
    void unknownPcidIsFetchedStoredAndAnswered() throws Exception {
        icf(chtif(pki.credential("chtif")).url());
        Usim usim = new Usim(Milenage.withOpc(set2.hex("K"), set2.hex("OPc")), new SqnArray(SqnPolicy.DEFAULT));
        try (DiameterTestClient c = mme()) {
            for (int round = 1; round <= 2; round++) {
                DiameterMessage aia = c.exchange(c.air(PCID, 2, IcfServerTest.VISITED, null));
                assertEquals(ResultCode.DIAMETER_SUCCESS, aia.resultCode(), "round " + round);
                for (Avp v : aia.first(c.d.avp("Authentication-Info")).grouped()) {
                    byte[] rand = v.child(c.d.avp("RAND")).octetString();
                    Usim.Success ok = assertInstanceOf(Usim.Success.class, usim.authenticate(rand, v.child(c.d.avp("AUTN")).octetString()));
                    assertArrayEquals(v.child(c.d.avp("XRES")).octetString(), ok.res());
                    assertArrayEquals(v.child(c.d.avp("KASME")).octetString(),
                            new Kdf().kasme(ok.ck(), ok.ik(), PlmnId.parse("00101"), ok.sqnXorAk()));
                }
                assertEquals(1, chtif.requests(PCID), "one fetch, then the store (round " + round + ")");
            }
        }
        Subscriber s = store.find(PCID).orElseThrow();
        assertArrayEquals(set2.hex("K"), s.k());
        assertEquals("chtif-test", s.issuer(), "the configured CHTIF is its issuer");
        assertEquals(Duration.ofDays(180), s.lifetime(), "the CHTIF's lifetime");
        assertEquals(NOW, s.issuedAt(), "stored as an import stores: issued when it arrived");
        assertEquals(SqnPolicy.DEFAULT.sqn(4, 3), s.sqnHe(), "four vectors under the MME's IND 3");
        assertEquals(1, fetches("stored"));
    }

    /**
     * The same over SWx (non-3GPP access, TR 33.812 §5.1.3.6.3): a MAR for an unknown PCID in the
     * CHTIF's range is fetched on demand too, answered with vectors, then served from the store; a
     * PCID the CHTIF does not know stays 5001.
     */
    @Test
    void unknownPcidInAMarIsFetchedToo() throws Exception {
        chtif(pki.credential("chtif"));
        icf(chtif.url(), RELAXED_MS, "s6a, swx");
        String nai = "0" + PCID + "@nai.epc.mnc001.mcc001.3gppnetwork.org";
        try (DiameterTestClient c = new DiameterTestClient(icf.boundAddresses().get(0), "mme.localdomain", "localdomain")) {
            assertEquals(ResultCode.DIAMETER_SUCCESS, c.exchange(c.cer(ApplicationId.SWX)).resultCode());
            for (int round = 1; round <= 2; round++) {
                DiameterMessage maa = c.exchange(c.mar(nai, "EAP-AKA", 1, null, null).build());
                assertEquals(ResultCode.DIAMETER_SUCCESS, maa.resultCode(), "round " + round + ": " + maa);
                assertEquals(1, chtif.requests(PCID), "one fetch, then the store (round " + round + ")");
            }
            String other = "001019900000042";
            DiameterMessage unknown = c.exchange(c.mar("0" + other + "@nai.epc.mnc001.mcc001.3gppnetwork.org", "EAP-AKA", 1, null, null)
                    .build());
            assertEquals(ExperimentalResultCode.DIAMETER_ERROR_USER_UNKNOWN, IcfFixtures.experimentalCode(unknown));
        }
        assertArrayEquals(set2.hex("K"), store.find(PCID).orElseThrow().k());
    }

    /**
     * A flood of AIRs for a PCID the CHTIF never issued reaches the CHTIF once per unknown-ttl, not
     * once per AIR; the remembered answers are bounded by unknown-max (oldest first); failures are
     * never remembered.
     */
    @Test
    void unknownAnswersAreRememberedForTheTtlAndBounded() throws Exception {
        chtif(pki.credential("chtif"));
        MutableClock clock = new MutableClock(NOW);
        String yaml = IcfServerTest.yaml(IcfServerTest.freePort()) + """
                chtif:
                  url: %s
                  imsi-ranges: ["0010199"]
                  tls: {certificate: pki/icf.crt, key: pki/icf.key}
                  roots: [pki/ro-root.crt]
                  timeout: %dms
                  unknown-ttl: 30s
                  unknown-max: 2
                """.formatted(chtif.url(), RELAXED_MS);
        IcfConfig cfg = IcfConfig.from(ConfigNode.parse("chtif-negative.yaml", new StringReader(yaml)));
        assertEquals(Duration.ofSeconds(30), cfg.chtif().orElseThrow().unknownTtl());
        client = ChtifClient.start(ChtifClient.Settings.of(cfg.chtif().orElseThrow(), "provisioning"),
                ChtifClient.tls(cfg.chtif().orElseThrow(), tmp), store, meters, clock);
        icf = IcfServer.start(cfg, store, meters, clock, new SecureRandom(), AttachEvents.NONE, client);
        String bogus = "001019900000666";
        try (DiameterTestClient c = mme()) {
            for (int i = 0; i < 5; i++) {
                assertEquals(ExperimentalResultCode.DIAMETER_ERROR_USER_UNKNOWN,
                        IcfFixtures.experimentalCode(c.exchange(c.air(bogus, 1, IcfServerTest.VISITED, null))));
            }
            assertEquals(1, chtif.requests(bogus), "five AIRs, one GET");
            assertEquals(4, fetches("unknown-cached"));
            clock.advance(Duration.ofSeconds(31)); // the TTL is over: asked again
            c.exchange(c.air(bogus, 1, IcfServerTest.VISITED, null));
            assertEquals(2, chtif.requests(bogus));
            // Bounded: a third bogus PCID pushes out the oldest remembered one.
            c.exchange(c.air("001019900000667", 1, IcfServerTest.VISITED, null));
            c.exchange(c.air("001019900000668", 1, IcfServerTest.VISITED, null));
            assertEquals(2, client.rememberedUnknown());
            c.exchange(c.air(bogus, 1, IcfServerTest.VISITED, null));
            assertEquals(3, chtif.requests(bogus), "dropped by the bound, so asked again");
            // A failure is not an answer: never remembered.
            chtif.script(imsi -> Response.error(503, "busy", "try later"));
            c.exchange(c.air("001019900000669", 1, IcfServerTest.VISITED, null));
            c.exchange(c.air("001019900000669", 1, IcfServerTest.VISITED, null));
            assertEquals(2, chtif.requests("001019900000669"));
        }
    }

    /** Eight AIRs at once for one unknown PCID, four workers waiting together: one GET to the CHTIF, eight answers, no SQN twice. */
    @Test
    void concurrentAirsShareOneFetch() throws Exception {
        icf(chtif(pki.credential("chtif")).url());
        chtif.delay(Duration.ofMillis(300));
        List<DiameterTestClient> mmes = List.of(mme(), mme());
        try {
            Map<DiameterTestClient, Set<Integer>> sent = new HashMap<>();
            for (int i = 0; i < 8; i++) {
                DiameterTestClient c = mmes.get(i % 2);
                DiameterMessage air = c.air(PCID, 1, IcfServerTest.VISITED, null);
                sent.computeIfAbsent(c, k -> new HashSet<>()).add(air.hopByHop());
                c.send(air);
            }
            Set<String> autns = new HashSet<>();
            for (int i = 0; i < 8; i++) {
                DiameterTestClient c = mmes.get(i % 2);
                DiameterMessage aia = c.receive();
                assertTrue(sent.get(c).remove(aia.hopByHop()), "an answer to a request sent on this connection");
                assertEquals(ResultCode.DIAMETER_SUCCESS, aia.resultCode(), aia.toString());
                Avp v = aia.first(c.d.avp("Authentication-Info")).grouped().get(0);
                autns.add(org.openmcim.aka.Hex.encode(v.child(c.d.avp("AUTN")).octetString()));
            }
            assertEquals(8, autns.size(), "eight different AUTNs: no SQN handed out twice");
        } finally {
            for (DiameterTestClient c : mmes) {
                c.close();
            }
        }
        assertEquals(1, chtif.requests(PCID));
        assertEquals(SqnPolicy.DEFAULT.sqn(8, 3), store.find(PCID).orElseThrow().sqnHe());
    }

    /** Nobody listens at the CHTIF's address: 4181 at once, nothing stored; the next AIR tries again. */
    @Test
    void chtifDownIs4181WithinTheTimeout() throws Exception {
        icf(deadUrl(), TIMEOUT_MS);
        try (DiameterTestClient c = mme()) {
            for (int i = 0; i < 2; i++) {
                long start = System.nanoTime();
                DiameterMessage aia = c.exchange(c.air(PCID, 1, IcfServerTest.VISITED, null));
                long ms = (System.nanoTime() - start) / 1_000_000;
                assertEquals(ExperimentalResultCode.DIAMETER_AUTHENTICATION_DATA_UNAVAILABLE, IcfFixtures.experimentalCode(aia));
                assertTrue(ms < TIMEOUT_MS, "answered in " + ms + " ms");
            }
        }
        assertTrue(store.find(PCID).isEmpty());
        assertEquals(2, fetches("unreachable"));
    }

    /**
     * A CHTIF that does not answer in time: 4181 by the timeout, and meanwhile the ICF goes on answering
     * (watchdog on the event loop, an AIR for a PCID it holds on another worker).
     */
    @Test
    void slowChtifIs4181ByTheTimeoutAndBlocksNothingElse() throws Exception {
        icf(chtif(pki.credential("chtif")).url(), TIMEOUT_MS);
        chtif.delay(Duration.ofSeconds(30));
        store.insertAll(List.of(credential("001010000000001")));
        try (DiameterTestClient waiting = mme(); DiameterTestClient other = mme()) {
            long start = System.nanoTime();
            waiting.send(waiting.air(PCID, 1, IcfServerTest.VISITED, null));
            Thread.sleep(100); // the fetch is under way
            long t0 = System.nanoTime();
            DiameterMessage dwa = other.exchange(DiameterMessage.request(CommandCode.DEVICE_WATCHDOG, ApplicationId.COMMON)
                    .hopByHop(other.nextId()).endToEnd(77).add(other.originHost(), other.originRealm()).build());
            assertEquals(ResultCode.DIAMETER_SUCCESS, dwa.resultCode());
            DiameterMessage local = other.exchange(other.air("001010000000001", 1, IcfServerTest.VISITED, null));
            assertEquals(ResultCode.DIAMETER_SUCCESS, local.resultCode());
            long othersMs = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(othersMs < TIMEOUT_MS / 2, "DWA and a local AIA took " + othersMs + " ms while the fetch waited");

            DiameterMessage aia = waiting.receive();
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(ExperimentalResultCode.DIAMETER_AUTHENTICATION_DATA_UNAVAILABLE, IcfFixtures.experimentalCode(aia));
            assertTrue(ms >= TIMEOUT_MS - 50 && ms < TIMEOUT_MS + 1500, "4181 after " + ms + " ms (timeout " + TIMEOUT_MS + " ms)");
        }
        assertTrue(store.find(PCID).isEmpty());
        assertEquals(1, fetches("timeout"));
    }

    /** The CHTIF never issued it: 5001, as for any unknown IMSI. A 404 that is not unknown-imsi (a wrong URL) is 4181. */
    @Test
    void chtifUnknownIs5001() throws Exception {
        icf(chtif(pki.credential("chtif")).url());
        try (DiameterTestClient c = mme()) {
            assertEquals(ExperimentalResultCode.DIAMETER_ERROR_USER_UNKNOWN,
                    IcfFixtures.experimentalCode(c.exchange(c.air("001019900000002", 1, IcfServerTest.VISITED, null))));
            assertEquals(1, chtif.requests("001019900000002"));
            // Outside the CHTIF's ranges nothing is fetched.
            assertEquals(ExperimentalResultCode.DIAMETER_ERROR_USER_UNKNOWN,
                    IcfFixtures.experimentalCode(c.exchange(c.air("001010000000999", 1, IcfServerTest.VISITED, null))));
            assertEquals(0, chtif.requests("001010000000999"));
            chtif.script(imsi -> Response.error(404, "not-found", "no such resource"));
            assertEquals(ExperimentalResultCode.DIAMETER_AUTHENTICATION_DATA_UNAVAILABLE,
                    IcfFixtures.experimentalCode(c.exchange(c.air("001019900000003", 1, IcfServerTest.VISITED, null))));
        }
        assertEquals(1, fetches("unknown"));
        assertEquals(1, fetches("refused"));
        assertEquals(0, store.size());
    }

    /** Every kind of nonsense from the CHTIF: 4181, and nothing of it stored. */
    @Test
    void malformedAnswersAre4181AndStoreNothing() throws Exception {
        icf(chtif(pki.credential("chtif")).url());
        Map<String, String> good = org.openmcim.store.batch.PcidIssuer.batchFields(credential(PCID));
        Map<String, Response> answers = new HashMap<>();
        answers.put("001019900000011", new Response(200, "not json".getBytes()));
        answers.put("001019900000012", Response.ok(List.of(good)));
        answers.put("001019900000013", Response.ok(with(good, "imsi", "001019900000013", "k", "00")));
        answers.put("001019900000014", Response.ok(good)); // the credential of another IMSI
        answers.put("001019900000015", Response.ok(with(good, "imsi", "001019900000015", "pin", "1234")));
        answers.put("001019900000016", Response.ok(Map.of("imsi", "001019900000016", "k", good.get("k"), "opc", good.get("opc"), "sqn", 5)));
        answers.put("001019900000017", Response.ok(with(good, "imsi", "001019900000017", "algorithm", "SHA3")));
        answers.put("001019900000018", Response.ok(Map.of("imsi", "001019900000018", "k", good.get("k"))));
        answers.put("001019900000019", Response.error(500, "internal", "internal error"));
        answers.put("001019900000020", new Response(200, ("{\"imsi\":\"001019900000020\",\"k\":\"" + "0".repeat(70_000) + "\"}").getBytes()));
        chtif.script(answers::get);
        try (DiameterTestClient c = mme()) {
            for (String imsi : answers.keySet()) {
                assertEquals(ExperimentalResultCode.DIAMETER_AUTHENTICATION_DATA_UNAVAILABLE,
                        IcfFixtures.experimentalCode(c.exchange(c.air(imsi, 1, IcfServerTest.VISITED, null))), imsi);
            }
        }
        assertEquals(0, store.size(), "nothing stored");
        assertEquals(answers.size() - 1, fetches("malformed"));
        assertEquals(1, fetches("refused"));
    }

    static Map<String, String> with(Map<String, String> base, String... keyValues) {
        Map<String, String> m = new HashMap<>(base);
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    /** A server certificate from another root (here sho1-root's), or a CHTIF refusing the ICF: 4181, nothing stored. */
    @Test
    void wrongCertificatesAre4181() throws Exception {
        icf(chtif(pki.credential("sho1")).url());
        try (DiameterTestClient c = mme()) {
            assertEquals(ExperimentalResultCode.DIAMETER_AUTHENTICATION_DATA_UNAVAILABLE,
                    IcfFixtures.experimentalCode(c.exchange(c.air(PCID, 1, IcfServerTest.VISITED, null))));
        }
        assertEquals(0, chtif.requests(PCID), "TLS failed before any request");
        assertEquals(1, fetches("unreachable"));
        stop();
        icf = null;
        client = null;

        chtif = TestChtif.start(pki.credential("chtif"), List.of(pki.root("ro-root")), Set.of("some-other-icf"));
        chtif.issue(credential(PCID));
        icf(chtif.url());
        try (DiameterTestClient c = mme()) {
            assertEquals(ExperimentalResultCode.DIAMETER_AUTHENTICATION_DATA_UNAVAILABLE,
                    IcfFixtures.experimentalCode(c.exchange(c.air(PCID, 1, IcfServerTest.VISITED, null))));
        }
        assertEquals(1, fetches("refused"), "403 forbidden-peer from the CHTIF");
        assertTrue(store.find(PCID).isEmpty());
    }
}
