package org.openmcim.icf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmcim.aka.AuthenticationFunctions.Algorithm;
import org.openmcim.aka.Hex;
import org.openmcim.aka.VectorFile;
import org.openmcim.aka.sqn.SqnPolicy;
import org.openmcim.config.ConfigNode;
import org.openmcim.diameter.ApplicationId;
import org.openmcim.diameter.Avp;
import org.openmcim.diameter.CommandCode;
import org.openmcim.diameter.DiameterMessage;
import org.openmcim.diameter.ExperimentalResultCode;
import org.openmcim.diameter.ResultCode;
import org.openmcim.http.JsonHttpServer;
import org.openmcim.icf.admin.AdminApi;
import org.openmcim.icf.config.IcfConfig;
import org.openmcim.pki.DevelopmentPki;
import org.openmcim.pki.TlsContexts;
import org.openmcim.store.CredentialState;
import org.openmcim.store.InMemoryCredentialStore;
import org.openmcim.store.Subscriber;
import org.openmcim.store.SubscriberKind;
import org.openmcim.store.batch.PcidIssuer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The admin API over real mutual TLS (the development PKI: the ICF's certificate, the ro-admin client
 * certificate), served next to a real ICF whose store it changes, checked through Diameter from a
 * scripted MME where it matters (SQN and serving node in the view, CLR and 5420 after a revoke).
 */
class AdminApiTest {
    static final String IMSI = "001010000000001";
    static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path tmp;
    static DevelopmentPki pki;
    static VectorFile.Vector set1 = VectorFile.load("vectors/milenage-ts35208.txt").get(0);

    InMemoryCredentialStore store;
    IcfServer icf;
    JsonHttpServer admin;
    HttpClient client;
    String base;

    @BeforeAll
    static void pki() throws Exception {
        pki = DevelopmentPki.init(tmp.resolve("pki"), Instant.now().minus(Duration.ofDays(1)), new SecureRandom(), false);
    }

    /** The ICF test configuration with an admin section; {@code extra} is appended to it (e.g. a chtif section). */
    static String yaml(int diameterPort, int adminPort, String extra) {
        return IcfServerTest.yaml(diameterPort) + IcfFixtures.adminYaml(adminPort, "pki") + """
                  max-body: 4096
                  max-issue: 50
                """ + extra;
    }

    static IcfConfig config(String yaml) {
        return IcfConfig.from(ConfigNode.parse("admin-test.yaml", new StringReader(yaml)));
    }

    @BeforeEach
    void start() throws Exception {
        store = new InMemoryCredentialStore();
        store.insertAll(List.of(new Subscriber(IMSI, SubscriberKind.PCID, Algorithm.MILENAGE, set1.hex("K"), set1.hex("OPc"),
                new byte[] {(byte) 0x80, 0}, 0, CredentialState.ISSUED, NOW.minus(Duration.ofDays(1)), Duration.ofDays(365),
                "chtif-test", "provisioning", null)));
        start(config(yaml(IcfServerTest.freePort(), IcfServerTest.freePort(), "")));
        client = client("ro-admin");
    }

    /** A real ICF on {@link #store} and its admin API, as the icf command starts them. */
    void start(IcfConfig cfg) throws Exception {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        icf = IcfServer.start(cfg, store, new SimpleMeterRegistry(), clock, new SecureRandom());
        admin = new AdminApi(cfg, store, icf.pcidRetirement(), new AdminApi.Origin("chtif-1", "provisioning"), clock, new SecureRandom())
                .start(AdminApi.tls(cfg.admin().orElseThrow(), tmp));
        base = "https://127.0.0.1:" + admin.address().getPort();
    }

    @AfterEach
    void stop() {
        admin.close();
        icf.close();
    }

    static HttpClient client(String identity) {
        return HttpClient.newBuilder().sslContext(TlsContexts.jdkClient(pki.credential(identity), List.of(pki.root("ro-root"))))
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    HttpResponse<String> send(HttpClient c, String method, String path, String contentType, String accept, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (accept != null) {
            b.header("Accept", accept);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return c.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        return send(client, "POST", path, contentType, null, body);
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    static void assertReason(HttpResponse<String> r, int status, String reason) throws IOException {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals(reason, json(r).path("error").asText(), r.body());
    }

    DiameterTestClient openMme() throws IOException {
        DiameterTestClient c = new DiameterTestClient(icf.boundAddresses().get(0), "mme.localdomain", "localdomain");
        assertEquals(ResultCode.DIAMETER_SUCCESS, c.exchange(c.cer(ApplicationId.S6A)).resultCode());
        return c;
    }

    /** The JSON batch: every PCID stored with exactly the keys the answer carries, in the ranges asked for. */
    @Test
    void issueAnswersTheBatchAsJson() throws Exception {
        HttpResponse<String> r = post(AdminApi.ISSUE, "application/json", "{\"count\": 4, \"ranges\": [\"00101\"], \"lifetime\": \"P30D\"}");
        assertEquals(201, r.statusCode(), r.body());
        assertEquals("no-store", r.headers().firstValue("Cache-Control").orElseThrow(), "the answer carries K/OPc");
        JsonNode b = json(r);
        assertEquals(4, b.path("issued").asInt());
        assertEquals("chtif-1", b.path("issuer").asText());
        assertEquals(4, b.path("subscribers").size());
        assertEquals(5, store.size());
        for (JsonNode s : b.path("subscribers")) {
            Subscriber stored = store.find(s.path("imsi").asText()).orElseThrow();
            assertTrue(stored.imsi().startsWith("00101"));
            assertArrayEquals(Hex.decode(s.path("k").asText()), stored.k());
            assertArrayEquals(Hex.decode(s.path("opc").asText()), stored.opc());
            assertEquals(Duration.ofDays(30), Duration.parse(s.path("lifetime").asText()));
            assertEquals("000000000000", s.path("sqn").asText());
            assertEquals(CredentialState.ISSUED, stored.state());
            assertEquals("chtif-1", stored.issuer());
        }
    }

    /** Accept: text/csv gives the supplier's batch file, byte for byte what 'pcid issue' writes. */
    @Test
    void issueAnswersTheBatchAsCsv() throws Exception {
        HttpResponse<String> r = send(client, "POST", AdminApi.ISSUE, "application/json", "text/csv",
                "{\"count\": 3, \"ranges\": [\"00101\"], \"amf\": \"9001\"}");
        assertEquals(201, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("text/csv"));
        String[] lines = r.body().split("\n");
        assertEquals(PcidIssuer.CSV_HEADER, lines[0]);
        assertEquals(4, lines.length);
        List<Subscriber> issued = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            issued.add(store.find(lines[i].split(",")[0]).orElseThrow());
        }
        java.io.StringWriter w = new java.io.StringWriter();
        PcidIssuer.writeCsv(issued, w);
        assertEquals(w.toString(), r.body());
        assertTrue(r.body().contains(",9001,"), "the AMF asked for");
    }

    @Test
    void issueRefusalsIssueNothing() throws Exception {
        assertReason(post(AdminApi.ISSUE, "application/json", "{\"count\": 0, \"ranges\": [\"00101\"]}"), 400, "bad-request");
        assertReason(post(AdminApi.ISSUE, "application/json", "{\"count\": 51, \"ranges\": [\"00101\"]}"), 400, "bad-request");
        assertReason(post(AdminApi.ISSUE, "application/json", "{\"count\": \"2\", \"ranges\": [\"00101\"]}"), 400, "bad-request");
        assertReason(post(AdminApi.ISSUE, "application/json", "{\"count\": 2}"), 400, "bad-request");
        assertReason(post(AdminApi.ISSUE, "application/json", "{\"count\": 2, \"ranges\": [\"0010\"]}"), 400, "bad-request");
        assertReason(post(AdminApi.ISSUE, "application/json", "{\"count\": 2, \"ranges\": [\"00101\"], \"k\": \"00\"}"), 400,
                "bad-request");
        assertReason(post(AdminApi.ISSUE, "application/json", "{\"count\": 2, \"ranges\": [\"00101\"], \"lifetime\": \"1y\"}"), 400,
                "bad-request");
        assertReason(post(AdminApi.ISSUE, "application/json", "{\"count\": 2, \"ranges\": [\"00101\"], \"amf\": \"80\"}"), 400,
                "bad-request");
        assertReason(post(AdminApi.ISSUE, "application/json", "{\"count\": 2, \"ranges\": [\"310260\"]}"), 400, "range-not-served");
        assertReason(post(AdminApi.ISSUE, "application/json", "not json"), 400, "malformed-json");
        assertReason(post(AdminApi.ISSUE, "text/csv", "imsi,k,opc\n"), 415, "unsupported-media-type");
        assertReason(send(client, "POST", AdminApi.ISSUE, "application/json", "application/xml",
                "{\"count\": 2, \"ranges\": [\"00101\"]}"), 406, "not-acceptable");
        assertReason(send(client, "GET", AdminApi.ISSUE, null, null, null), 405, "method-not-allowed");
        assertEquals(1, store.size(), "nothing issued by any of these");
    }

    /** With a CHTIF: no PCID issued under its range inside the PLMN; a range wholly the CHTIF's is refused. */
    @Test
    void issueLeavesTheChtifsRangesAlone() throws Exception {
        admin.close();
        icf.close();
        String yaml = yaml(IcfServerTest.freePort(), IcfServerTest.freePort(), """
                chtif:
                  url: https://127.0.0.1:1
                  imsi-ranges: ["001019", "00102"]
                  tls: {certificate: pki/icf.crt, key: pki/icf.key}
                  roots: [pki/ro-root.crt]
                """).replace("imsi-ranges: [\"00101\"]", "imsi-ranges: [\"00101\", \"00102\"]");
        start(config(yaml));
        HttpResponse<String> r = post(AdminApi.ISSUE, "application/json", "{\"count\": 50, \"ranges\": [\"00101\"]}");
        assertEquals(201, r.statusCode(), r.body());
        for (JsonNode s : json(r).path("subscribers")) {
            assertFalse(s.path("imsi").asText().startsWith("001019"), s.path("imsi").asText());
        }
        assertReason(post(AdminApi.ISSUE, "application/json", "{\"count\": 1, \"ranges\": [\"00102\"]}"), 400, "range-of-chtif");
        assertEquals(51, store.size());
    }

    /** A certificate under the admin roots with another CN is refused by every endpoint; one under another root cannot connect. */
    @Test
    void onlyAdministratorsGetIn() throws Exception {
        HttpClient dpf = client("dpf");
        assertReason(send(dpf, "POST", AdminApi.ISSUE, "application/json", null, "{\"count\": 1, \"ranges\": [\"00101\"]}"), 403,
                "forbidden-peer");
        assertReason(send(dpf, "POST", AdminApi.IMPORT, "text/csv", null, "imsi,k,opc\n"), 403, "forbidden-peer");
        assertReason(send(dpf, "GET", "/icf/v1/subscribers/" + IMSI, null, null, null), 403, "forbidden-peer");
        assertReason(send(dpf, "POST", "/icf/v1/subscribers/" + IMSI + "/revoke", null, null, null), 403, "forbidden-peer");
        HttpClient sho = HttpClient.newBuilder().sslContext(TlsContexts.jdkClient(pki.credential("sho1"), List.of(pki.root("ro-root"))))
                .build();
        assertThrows(IOException.class, () -> send(sho, "GET", "/icf/v1/subscribers/" + IMSI, null, null, null));
        HttpClient anonymous = HttpClient.newBuilder().sslContext(TlsContexts.jdkClient(null, List.of(pki.root("ro-root")))).build();
        assertThrows(IOException.class, () -> send(anonymous, "GET", "/icf/v1/subscribers/" + IMSI, null, null, null));
        assertEquals(1, store.size());
        assertEquals(CredentialState.ISSUED, store.find(IMSI).orElseThrow().state());
    }

    /** A supplier batch, all or nothing: 201, then the same file is 409 with every line, a bad line 400 with its number. */
    @Test
    void importIsAllOrNothingWithLineNumbers() throws Exception {
        String k = "465b5ce8b199b49faa5f0a2ee238a6bc";
        String opc = "cd63cb71954a9f4e48a5994e37a02baf";
        String good = "imsi,k,opc,lifetime\n001010000000101," + k + "," + opc + ",P90D\n001010000000102," + k + "," + opc + ",P90D\n";
        HttpResponse<String> ok = post(AdminApi.IMPORT, "text/csv", good);
        assertEquals(201, ok.statusCode(), ok.body());
        assertEquals(2, json(ok).path("imported").asInt());
        assertEquals("chtif-1", store.find("001010000000101").orElseThrow().issuer());
        assertEquals(Duration.ofDays(90), store.find("001010000000102").orElseThrow().lifetime());

        HttpResponse<String> again = post(AdminApi.IMPORT, "text/csv; charset=us-ascii", good);
        assertReason(again, 409, "imsi-exists");
        assertEquals(List.of(2, 3), lines(json(again)));

        String bad = "imsi,k,opc\n001010000000201," + k + "," + opc + "\n001010000000202,zz" + k.substring(2) + "," + opc
                + "\n0010100000002," + k + "," + opc + "\n001010000000101," + k + "," + opc + "\n";
        HttpResponse<String> refused = post(AdminApi.IMPORT, "text/csv", bad);
        assertReason(refused, 400, "invalid-batch");
        assertEquals(List.of(3, 4, 5), lines(json(refused)), "bad hex, short IMSI, and an existing IMSI beside them");
        assertEquals(3, json(refused).path("errorCount").asInt());
        assertFalse(refused.body().contains(k.substring(2)), "no key material in the refusal");
        assertTrue(store.find("001010000000201").isEmpty(), "the good line of a refused batch is not imported");

        assertReason(post(AdminApi.IMPORT, "text/csv", ""), 400, "invalid-batch");
        assertReason(post(AdminApi.IMPORT, "text/csv", "imsi,key,opc\n"), 400, "invalid-batch");
        assertReason(post(AdminApi.IMPORT, "application/json", "{\"imsi\": \"001010000000301\"}"), 415, "unsupported-media-type");
        StringBuilder big = new StringBuilder("imsi,k,opc\n");
        for (int i = 0; big.length() <= 4096; i++) {
            big.append(String.format("0010100000%05d,", 400 + i)).append(k).append(',').append(opc).append('\n');
        }
        assertReason(post(AdminApi.IMPORT, "text/csv", big.toString()), 413, "too-large");
        assertEquals(3, store.size(), "only the first batch");
    }

    static List<Integer> lines(JsonNode refusal) {
        List<Integer> out = new ArrayList<>();
        refusal.path("errors").forEach(e -> out.add(e.path("line").asInt()));
        return out;
    }

    /** The view after an AIR and a ULR from a real MME peer: SQN as SEQ/IND, the serving node; never K or OPc. */
    @Test
    void subscriberViewHasNoSecrets() throws Exception {
        try (DiameterTestClient mme = openMme()) {
            assertEquals(ResultCode.DIAMETER_SUCCESS, mme.exchange(mme.air(IMSI, 2, IcfServerTest.VISITED, null)).resultCode());
            assertEquals(ResultCode.DIAMETER_SUCCESS, mme.exchange(ulr(mme)).resultCode());
        }
        HttpResponse<String> r = send(client, "GET", "/icf/v1/subscribers/" + IMSI, null, null, null);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode v = json(r);
        assertEquals(IMSI, v.path("imsi").asText());
        assertEquals("PCID", v.path("kind").asText());
        assertEquals("ATTACHED", v.path("state").asText());
        assertEquals("chtif-test", v.path("issuer").asText());
        assertEquals(Duration.ofDays(365), Duration.parse(v.path("lifetime").asText()));
        assertEquals(NOW.plus(Duration.ofDays(364)).toString(), v.path("expiresAt").asText());
        assertFalse(v.path("expired").asBoolean());
        // Two vectors under the MME's configured IND 3 (IcfServerTest's yaml): SEQ 1 and 2.
        assertEquals(2, v.path("sqn").path("seq").asLong());
        assertEquals(3, v.path("sqn").path("ind").asInt());
        assertEquals(String.format("%012x", SqnPolicy.DEFAULT.sqn(2, 3)), v.path("sqn").path("sqnHe").asText());
        assertEquals("mme.localdomain", v.path("servingNode").path("host").asText());
        assertTrue(v.path("aaaServer").isNull());
        assertFalse(v.has("k") || v.has("opc"), r.body());
        String lower = r.body().toLowerCase();
        assertFalse(lower.contains(Hex.encode(set1.hex("K"))) || lower.contains(Hex.encode(set1.hex("OPc"))), "no key in the view");

        assertReason(send(client, "GET", "/icf/v1/subscribers/001010000000999", null, null, null), 404, "unknown-subscriber");
        assertReason(send(client, "GET", "/icf/v1/subscribers/12ab", null, null, null), 400, "bad-imsi");
    }

    DiameterMessage ulr(DiameterTestClient c) {
        return c.s6aRequest(CommandCode.UPDATE_LOCATION, IMSI).add(Avp.enumerated(c.d.avp("RAT-Type"), 1004),
                Avp.unsigned32(c.d.avp("ULR-Flags"), 0x22), Avp.octetString(c.d.avp("Visited-PLMN-Id"), IcfServerTest.VISITED)).build();
    }

    /** Revoke: REVOKED, CLR to the registered MME (answered), then 5420 on AIR; again: the same answer, no second CLR. */
    @Test
    void revokeWithdrawsAndCancelsLocation() throws Exception {
        try (DiameterTestClient mme = openMme()) {
            assertEquals(ResultCode.DIAMETER_SUCCESS, mme.exchange(ulr(mme)).resultCode());
            CompletableFuture<HttpResponse<String>> revoke = client.sendAsync(HttpRequest.newBuilder(URI.create(base
                    + "/icf/v1/subscribers/" + IMSI + "/revoke")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            DiameterMessage clr = mme.receive();
            assertEquals(CommandCode.CANCEL_LOCATION, clr.commandCode());
            assertEquals(IMSI, clr.first(mme.d.avp("User-Name")).utf8String());
            mme.send(DiameterMessage.answerTo(clr).add(Avp.unsigned32(mme.d.avp("Result-Code"), ResultCode.DIAMETER_SUCCESS),
                    mme.originHost(), mme.originRealm()).build());
            HttpResponse<String> r = revoke.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(200, r.statusCode(), r.body());
            JsonNode b = json(r);
            assertEquals("REVOKED", b.path("state").asText());
            assertEquals("ATTACHED", b.path("previous").asText());
            assertEquals("answered", b.path("cancelLocation").path("outcome").asText());
            assertEquals(ResultCode.DIAMETER_SUCCESS, b.path("cancelLocation").path("resultCode").asLong());
            assertEquals(CredentialState.REVOKED, store.find(IMSI).orElseThrow().state());
            assertEquals(ExperimentalResultCode.DIAMETER_ERROR_UNKNOWN_EPS_SUBSCRIPTION,
                    IcfFixtures.experimentalCode(mme.exchange(mme.air(IMSI, 1, IcfServerTest.VISITED, null))));

            HttpResponse<String> again = post("/icf/v1/subscribers/" + IMSI + "/revoke", null, null);
            assertEquals(200, again.statusCode(), again.body());
            assertEquals("REVOKED", json(again).path("previous").asText());
            assertEquals("not-sent", json(again).path("cancelLocation").path("outcome").asText());
        }
    }

    @Test
    void revokeRefusals() throws Exception {
        store.transition(IMSI, CredentialState.ATTACHED, NOW);
        store.transition(IMSI, CredentialState.RETIRED, NOW);
        HttpResponse<String> retired = post("/icf/v1/subscribers/" + IMSI + "/revoke", null, null);
        assertReason(retired, 409, "transition-not-allowed");
        assertEquals(CredentialState.RETIRED, store.find(IMSI).orElseThrow().state());
        assertReason(post("/icf/v1/subscribers/001010000000999/revoke", null, null), 404, "unknown-subscriber");
        assertReason(post("/icf/v1/subscribers/x/revoke", null, null), 400, "bad-imsi");
        assertReason(send(client, "GET", "/icf/v1/subscribers/" + IMSI + "/revoke", null, null, null), 405, "method-not-allowed");
    }

    /**
     * TR 33.812 §5.1.3.7.4.3 step 2: a RETIRED PCID is re-issued (ISSUED, vectors again) by an
     * administrator or by a CN in admin.reissuers — the DRF, for which no other route opens; again is
     * 200 with previous ISSUED; other states 409 and unchanged.
     */
    @Test
    void reissueBringsARetiredPcidBackAndTheDrfMayDoOnlyThat() throws Exception {
        store.transition(IMSI, CredentialState.ATTACHED, NOW);
        store.transition(IMSI, CredentialState.RETIRED, NOW);
        // One MME connection throughout: the test client numbers End-to-End ids per connection, and a
        // second connection would repeat them (a duplicate to the ICF, RFC 6733 §6.1.3).
        try (DiameterTestClient mme = openMme()) {
            assertEquals(5420, IcfFixtures.experimentalCode(mme.exchange(mme.air(IMSI, 1, IcfServerTest.VISITED, null))));
            HttpClient drf = client("drf");
            HttpResponse<String> r = send(drf, "POST", "/icf/v1/subscribers/" + IMSI + "/reissue", null, null, null);
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("ISSUED", json(r).path("state").asText());
            assertEquals("RETIRED", json(r).path("previous").asText());
            assertEquals(CredentialState.ISSUED, store.find(IMSI).orElseThrow().state());
            assertEquals(ResultCode.DIAMETER_SUCCESS, mme.exchange(mme.air(IMSI, 1, IcfServerTest.VISITED, null)).resultCode(),
                    "served again");
        }
        HttpClient drf = client("drf");
        String path = "/icf/v1/subscribers/" + IMSI + "/reissue";
        HttpResponse<String> again = post(path, null, null); // an administrator, after a lost answer
        assertEquals(200, again.statusCode(), again.body());
        assertEquals("ISSUED", json(again).path("previous").asText());

        // The DRF's certificate opens the reissue route only.
        assertReason(send(drf, "GET", "/icf/v1/subscribers/" + IMSI, null, null, null), 403, "forbidden-peer");
        assertReason(send(drf, "POST", "/icf/v1/subscribers/" + IMSI + "/revoke", null, null, null), 403, "forbidden-peer");
        assertReason(send(drf, "POST", "/icf/v1/subscribers/" + IMSI + "/renew", null, null, null), 403, "forbidden-peer");
        assertReason(send(client("dpf"), "POST", path, null, null, null), 403, "forbidden-peer");

        store.transition(IMSI, CredentialState.REVOKED, NOW);
        assertReason(send(drf, "POST", path, null, null, null), 409, "transition-not-allowed");
        assertEquals(CredentialState.REVOKED, store.find(IMSI).orElseThrow().state());
        assertReason(send(drf, "POST", "/icf/v1/subscribers/001010000000999/reissue", null, null, null), 404, "unknown-subscriber");
        assertReason(send(drf, "POST", "/icf/v1/subscribers/12/reissue", null, null, null), 400, "bad-imsi");
    }
}
