package org.openmcim.sho;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmcim.http.JsonHttpServer;
import org.openmcim.icf.MutableClock;
import org.openmcim.pki.CertificateAuthority;
import org.openmcim.pki.Credential;
import org.openmcim.pki.DevelopmentPki;
import org.openmcim.pki.TlsContexts;
import org.openmcim.pva.PlatformValidation;
import org.openmcim.pva.PvaService;
import org.openmcim.pva.PvaVerdictCodec;
import org.openmcim.store.InMemoryCredentialStore;
import org.openmcim.uesim.tre.LifecycleState;
import org.openmcim.uesim.tre.McimSlot;
import org.openmcim.uesim.tre.Tre;
import org.openmcim.wire.jws.Jws;
import org.openmcim.wire.mcim.McimCredential;
import org.openmcim.wire.mcim.McimPart;
import org.openmcim.wire.platform.PlatformAttestation;
import org.openmcim.wire.platform.PlatformAttestationCodec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Issue #6 end to end on loopback: a PVA, two SHOs (each with its own HSS store), a DRF stand-in
 * recording registrations, the RO's DPF as an HTTP client and ue-sim's TRE as the device. Real
 * TLS 1.3 with mutual authentication between separate service instances, real signatures and
 * encryption, no mocks; time moves through an injected clock.
 */
class ShoPvaServiceTest {
    static final String BOOT = "3b1f0d2c5e8a9b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c";
    static final String FIRMWARE = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
    static final String MODEL = "m2me-meter-1";
    static final Duration GRACE = Duration.ofHours(1);
    static final SecureRandom R = new SecureRandom();
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static DevelopmentPki pki;
    static CertificateAuthority supplier;
    static MutableClock clock;
    static PvaService pva;
    static PlatformValidation validation;
    static ShoService sho1;
    static ShoService sho2;
    static InMemoryCredentialStore hss1 = new InMemoryCredentialStore();
    static InMemoryCredentialStore hss2 = new InMemoryCredentialStore();
    static JsonHttpServer drf;
    static final String PCID = "001010000000001";
    static final List<JsonNode> drfRegistrations = new CopyOnWriteArrayList<>();
    static SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    static HttpClient dpf;
    static HttpClient sho1Admin;
    static HttpClient sho2Admin;
    static HttpClient pvaAdmin;
    static HttpClient device;
    static McimPart meterApp = new McimPart("app:meter-reading", McimPart.Kind.APPLICATION, false,
            "meter-reading v1".getBytes(StandardCharsets.UTF_8));

    @BeforeAll
    static void start() throws Exception {
        Instant now = Instant.now();
        clock = new MutableClock(now);
        pki = DevelopmentPki.init(tmp.resolve("pki"), now.minus(Duration.ofDays(1)), R, false);
        supplier = CertificateAuthority.of(pki.credential("supplier-root"), R);
        Credential pvaAdminCred = admin("pva-root", "pva-admin", now);
        Credential sho1AdminCred = admin("sho1-root", "sho1-admin", now);
        Credential sho2AdminCred = admin("sho2-root", "sho2-admin", now);

        validation = new PlatformValidation(List.of(pki.root("supplier-root")), Duration.ofMinutes(10));
        pva = PvaService.start(new PvaService.Settings(loopback(), pki.credential("pva"), List.of(pki.root("sho1-root"), pki.root("sho2-root")),
                List.of(pki.root("pva-root")), Set.of("pva-admin")), validation, metrics, clock);

        drf = JsonHttpServer.builder("drf-stand-in")
                .tls(TlsContexts.server(pki.credential("drf"), List.of(pki.root("sho1-root"), pki.root("sho2-root")), true))
                .route("POST", "/drf/v1/registrations", r -> {
                    drfRegistrations.add(JsonHttpServer.json(r));
                    return JsonHttpServer.Response.of(201, Map.of("registered", true));
                }).start(loopback());

        sho1 = sho("sho1", hss1, "99970", List.of(meterApp));
        sho2 = sho("sho2", hss2, "99971", List.of());

        dpf = client(pki.credential("dpf"), List.of(pki.root("sho1-root"), pki.root("sho2-root"), pki.root("pva-root")));
        sho1Admin = client(sho1AdminCred, List.of(pki.root("sho1-root")));
        sho2Admin = client(sho2AdminCred, List.of(pki.root("sho2-root")));
        pvaAdmin = client(pvaAdminCred, List.of(pki.root("pva-root")));
        device = client(null, List.of(pki.root("sho1-root"), pki.root("sho2-root")));

        // The PVA learns the model's reference values through its admin API.
        HttpResponse<String> ref = post(pvaAdmin, pvaUrl("/pva/v1/references"),
                JSON.createObjectNode().put("model", MODEL).set("components", JSON.createObjectNode().put("bootloader", BOOT).put("firmware", FIRMWARE)));
        assertEquals(201, ref.statusCode(), ref.body());
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {sho1, sho2, pva, drf}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // closing
            }
        }
    }

    static ShoService sho(String id, InMemoryCredentialStore hss, String prefix, List<McimPart> apps) throws Exception {
        Credential cred = pki.credential(id);
        McimIssuer issuer = new McimIssuer(hss, prefix, id, cred, "internet", R, clock);
        PvaClient pvaClient = new PvaClient(URI.create("https://localhost:" + pva.address().getPort()), cred, List.of(pki.root("pva-root")), clock);
        DrfClient drfClient = new DrfClient(URI.create("https://localhost:" + drf.address().getPort()), URI.create("https://localhost:1"), cred, List.of(pki.root("ro-root")));
        return ShoService.start(new ShoService.Settings(id, loopback(), loopback(), cred, List.of(pki.root("ro-root")),
                List.of(pki.root(id + "-root")), Set.of(id + "-admin"), List.of(pki.root("supplier-root")), GRACE, apps,
                Set.of("dpf"), Set.of("drf")),
                issuer, pvaClient, drfClient, metrics, clock, R);
    }

    static InetSocketAddress loopback() {
        return new InetSocketAddress("127.0.0.1", 0);
    }

    static Credential admin(String root, String name, Instant now) {
        return CertificateAuthority.of(pki.credential(root), R).issue(name, CertificateAuthority.Usage.TLS, List.of(), List.of(), now,
                Duration.ofDays(2));
    }

    static HttpClient client(Credential identity, List<X509Certificate> trusted) {
        return HttpClient.newBuilder().sslContext(TlsContexts.jdkClient(identity, trusted)).build();
    }

    static String pvaUrl(String path) {
        return "https://localhost:" + pva.address().getPort() + path;
    }

    static String url(ShoService s, String path) {
        return "https://localhost:" + s.address().getPort() + path;
    }

    static String deviceUrl(ShoService s, String path) {
        return "https://localhost:" + s.deviceAddress().getPort() + path;
    }

    static HttpResponse<String> post(HttpClient c, String url, JsonNode body) throws Exception {
        return c.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(HttpClient c, String url) throws Exception {
        return c.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode body(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    // ------------------------------------------------------------------ the device

    /** A manufactured M2ME: platform key certified by the supplier (IoT seed §2.6), TRE from ue-sim. */
    record Device(String treId, Credential platform, Tre tre) {
        String certificate() throws Exception {
            return Base64.getEncoder().encodeToString(platform.certificate().getEncoded());
        }
    }

    static Device device(String treId) throws Exception {
        KeyPair k = CertificateAuthority.newKeyPair(R);
        X509Certificate cert = supplier.certify(treId, k.getPublic(), CertificateAuthority.Usage.SIGNING, List.of(), List.of(), clock.instant(),
                Duration.ofDays(3650));
        Credential platform = new Credential(k.getPrivate(), List.of(cert, supplier.certificate()));
        McimCredential pcid = new McimCredential("001010000000001", new byte[16], new byte[16], new byte[] {(byte) 0x80, 0}, 0, "milenage",
                "provisioning", null);
        Tre tre = Tre.manufacture(tmp.resolve("tre-" + treId), treId, platform, pcid, List.of(pki.root("sho1-root"), pki.root("sho2-root")), R);
        return new Device(treId, platform, tre);
    }

    static String attest(Credential platform, String treId, String model, String nonce, String firmware) {
        return new PlatformAttestationCodec().sign(new PlatformAttestation(treId, model, nonce, clock.instant(), List.of(
                new PlatformAttestation.Measurement("bootloader", BOOT), new PlatformAttestation.Measurement("firmware", firmware))), platform);
    }

    static ObjectNode provisionRequest(Device d, String attestation, String nonce) throws Exception {
        return JSON.createObjectNode().put("treId", d.treId()).put("platformAttestation", attestation).put("nonce", nonce)
                .put("treCertificate", d.certificate());
    }

    static HttpResponse<String> provision(ShoService s, Device d) throws Exception {
        String nonce = "n-" + R.nextInt(1_000_000);
        return post(dpf, url(s, "/sho/v1/provision"), provisionRequest(d, attest(d.platform(), d.treId(), MODEL, nonce, FIRMWARE), nonce));
    }

    static void contract(HttpClient admin, ShoService s, String treId) throws Exception {
        HttpResponse<String> r = post(admin, url(s, "/sho/v1/contracts"), JSON.createObjectNode().put("treId", treId).put("pcid", PCID));
        assertEquals(201, r.statusCode(), r.body());
    }

    /** Initial provisioning at SHO1, installed, activated and reported: the starting point of an operator change. */
    static String provisionedAtSho1(Device d) throws Exception {
        contract(sho1Admin, sho1, d.treId());
        JsonNode p = body(provision(sho1, d));
        McimSlot slot = d.tre().install(p.path("mcimObject").asText(), clock.instant());
        d.tre().transition(slot.id(), LifecycleState.ACTIVATED);
        assertEquals(200, post(dpf, url(sho1, "/sho/v1/report"), JSON.createObjectNode().put("objectId", p.path("objectId").asText())
                .put("success", true)).statusCode());
        return p.path("imsi").asText();
    }

    static void assertError(HttpResponse<String> r, int status, String error) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals(error, body(r).path("error").asText(), r.body());
    }

    // ------------------------------------------------------------------ TR 33.812 steps 11-20

    @Test
    void initialProvisioningEndToEnd() throws Exception {
        Device d = device("tre-init-1");
        int drfBefore = drfRegistrations.size();
        contract(sho1Admin, sho1, d.treId());
        assertEquals(drfBefore + 1, drfRegistrations.size(), "the DRF learns the subscription");
        assertEquals("sho1", drfRegistrations.get(drfRegistrations.size() - 1).path("shoId").asText());

        HttpResponse<String> r = provision(sho1, d);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode p = body(r);
        assertTrue(p.path("verdict").path("valid").asBoolean());
        String imsi = p.path("imsi").asText();
        var sub = hss1.find(imsi).orElseThrow();
        // K and OPc travel only inside the sealed object.
        assertFalse(r.body().toLowerCase().contains(HexFormat.of().formatHex(sub.k())), "no K on the wire");
        assertFalse(r.body().toLowerCase().contains(HexFormat.of().formatHex(sub.opc())), "no OPc on the wire");
        assertFalse(r.body().contains(Base64.getUrlEncoder().withoutPadding().encodeToString(sub.k())));
        // The PVA's verdict is signed by the PVA.
        Jws.Verified v = new Jws().verify(p.path("verdict").path("pvaVerdict").asText(), List.of(pki.root("pva-root")),
                "openmcim-pva-verdict+json", clock.instant());
        assertEquals(d.treId(), JSON.readTree(v.payload()).path("treId").asText());

        McimSlot slot = d.tre().install(p.path("mcimObject").asText(), clock.instant());
        assertEquals(imsi, slot.imsi());
        assertEquals(sub.k().length, slot.credential().k().length);
        assertTrue(java.util.Arrays.equals(sub.k(), slot.credential().k()), "HSS and TRE hold the same K");
        HttpResponse<String> rep = post(dpf, url(sho1, "/sho/v1/report"), JSON.createObjectNode().put("objectId", p.path("objectId").asText())
                .put("success", true));
        assertEquals(200, rep.statusCode(), rep.body());
        assertTrue(hss1.find(imsi).isPresent());
        assertTrue(metrics.find("sho_requests_total").tag("endpoint", "provision").tag("outcome", "ok").counter().count() >= 1);
        assertTrue(metrics.find("pva_validations_total").tag("reason", "ok").counter().count() >= 1);
    }

    @Test
    void noContractNoMcim() throws Exception {
        Device d = device("tre-nocontract");
        long before = hss1.size();
        assertError(provision(sho1, d), 404, "no-contract");
        assertEquals(before, hss1.size());
    }

    /** Each PVA refusal travels through the SHO to the DPF with its reason, and nothing is issued. */
    @Test
    void everyPvaFailureReasonThroughTheService() throws Exception {
        Device d = device("tre-fail-1");
        contract(sho1Admin, sho1, d.treId());
        Device other = device("tre-fail-2");
        long before = hss1.size();
        Credential notSupplier = pki.credential("sho1");
        Credential wrongKey = new Credential(CertificateAuthority.newKeyPair(R).getPrivate(), d.platform().chain());
        Map<String, ObjectNode> cases = new java.util.LinkedHashMap<>();
        cases.put("measurement-mismatch", provisionRequest(d, attest(d.platform(), d.treId(), MODEL, "n1", BOOT), "n1"));
        cases.put("unknown-model", provisionRequest(d, attest(d.platform(), d.treId(), "m2me-other", "n1", FIRMWARE), "n1"));
        cases.put("stale-nonce", provisionRequest(d, attest(d.platform(), d.treId(), MODEL, "old", FIRMWARE), "n1"));
        cases.put("tre-id-mismatch", provisionRequest(d, attest(other.platform(), d.treId(), MODEL, "n1", FIRMWARE), "n1"));
        cases.put("unknown-supplier", provisionRequest(d, attest(notSupplier, d.treId(), MODEL, "n1", FIRMWARE), "n1"));
        cases.put("bad-signature", provisionRequest(d, attest(wrongKey, d.treId(), MODEL, "n1", FIRMWARE), "n1"));
        cases.put("malformed", provisionRequest(d, "{\"not\":\"a jws\"}", "n1"));
        for (Map.Entry<String, ObjectNode> c : cases.entrySet()) {
            HttpResponse<String> r = post(dpf, url(sho1, "/sho/v1/provision"), c.getValue());
            assertError(r, 403, "platform-invalid");
            assertEquals(c.getKey(), body(r).path("reason").asText(), r.body());
            assertNotNull(new Jws().verify(body(r).path("pvaVerdict").asText(), List.of(pki.root("pva-root")), "openmcim-pva-verdict+json",
                    clock.instant()));
        }
        // An old attestation answering the right nonce is stale too.
        String old = attest(d.platform(), d.treId(), MODEL, "n2", FIRMWARE);
        clock.advance(Duration.ofMinutes(11));
        assertEquals("stale-nonce", body(post(dpf, url(sho1, "/sho/v1/provision"), provisionRequest(d, old, "n2"))).path("reason").asText());
        // Revocation through the admin API, visible in the status endpoint, then refused.
        String serial = d.platform().certificate().getSerialNumber().toString(16);
        assertEquals("good", body(get(dpfAsSho1(), pvaUrl("/pva/v1/status?serial=" + serial))).path("status").asText());
        HttpResponse<String> rev = post(pvaAdmin, pvaUrl("/pva/v1/revocations"), JSON.createObjectNode().put("serial", serial));
        assertEquals(201, rev.statusCode(), rev.body());
        assertEquals("revoked", body(get(dpfAsSho1(), pvaUrl("/pva/v1/status?serial=" + serial))).path("status").asText());
        HttpResponse<String> r = provision(sho1, d);
        assertError(r, 403, "platform-invalid");
        assertEquals("revoked", body(r).path("reason").asText());
        assertEquals(before, hss1.size(), "no MCIM for an invalid platform");
        assertTrue(metrics.find("pva_validations_total").tag("reason", "revoked").counter().count() >= 1);
    }

    static HttpClient dpfAsSho1() {
        return client(pki.credential("sho1"), List.of(pki.root("pva-root")));
    }

    @Test
    void theDpfCannotPretendToBeAnotherRole() throws Exception {
        Device d = device("tre-roles");
        // The DPF is not an SHO administrator, an SHO is not a PVA administrator.
        assertError(post(dpf, url(sho1, "/sho/v1/contracts"), JSON.createObjectNode().put("treId", d.treId()).put("pcid", PCID)), 403, "forbidden-peer");
        assertError(post(dpfAsSho1(), pvaUrl("/pva/v1/revocations"), JSON.createObjectNode().put("serial", "01")), 403, "forbidden-peer");
        // The RO root also certifies the DRF and the CHTIF: they are not the DPF.
        HttpClient drfClient = client(pki.credential("drf"), List.of(pki.root("sho1-root")));
        assertError(post(drfClient, url(sho1, "/sho/v1/provision"), provisionRequest(d, "x", "n")), 403, "forbidden-peer");
        assertError(post(client(pki.credential("chtif"), List.of(pki.root("sho1-root"))), url(sho1, "/sho/v1/report"),
                JSON.createObjectNode().put("imsi", "x").put("success", false)), 403, "forbidden-peer");
        assertEquals(200, get(drfClient, url(sho1, "/sho/v1/instructions?treId=" + d.treId())).statusCode());
        // An administrator is not the DPF.
        assertError(post(sho1Admin, url(sho1, "/sho/v1/provision"), provisionRequest(d, "x", "n")), 403, "forbidden-peer");
        // The PVA does not even complete TLS with the RO's DPF (only SHO and admin roots).
        assertThrows(java.io.IOException.class, () -> post(dpf, pvaUrl("/pva/v1/validate"),
                JSON.createObjectNode().put("attestation", "x").put("nonce", "n")));
        // A PVA verdict from a non-PVA signer is not a verdict: SHO2's PVA client trusting only sho1-root refuses a real one.
        PvaClient fooled = new PvaClient(URI.create(pvaUrl("/")), pki.credential("sho2"), List.of(pki.root("sho1-root")), clock);
        assertThrows(PvaClient.PvaUnavailableException.class, () -> fooled.validate("x", "n", d.treId()));
    }

    @Test
    void certificateMustBeTheAttestedOne() throws Exception {
        Device d = device("tre-cert-1");
        Device other = device("tre-cert-2");
        contract(sho1Admin, sho1, d.treId());
        long before = hss1.size();
        ObjectNode req = provisionRequest(d, attest(d.platform(), d.treId(), MODEL, "n1", FIRMWARE), "n1");
        req.put("treCertificate", other.certificate());
        assertError(post(dpf, url(sho1, "/sho/v1/provision"), req), 400, "certificate-mismatch");
        assertEquals(before, hss1.size());
    }

    /**
     * A PVA whose verdicts do not name the platform credential (an earlier version of this PVA, or
     * another vendor's following docs/sho-pva-api.md without that field): the SHO then verifies the
     * attestation against its own supplier roots (ShoService step 3). The stand-in PVA below validates
     * with the real {@link PlatformValidation} and signs with the real codec, leaving the field out;
     * it also trusts a second supplier that the SHO does not.
     */
    @Test
    void aVerdictWithoutTheCertificateMakesTheShoVerifyTheAttestation() throws Exception {
        Instant now = clock.instant();
        CertificateAuthority otherSupplier = CertificateAuthority.newRoot("other-supplier-root", now.minus(Duration.ofDays(1)), Duration.ofDays(3650), R);
        PlatformValidation lenient = new PlatformValidation(List.of(pki.root("supplier-root"), otherSupplier.certificate()), Duration.ofMinutes(10));
        lenient.registerReference(MODEL, Map.of("bootloader", BOOT, "firmware", FIRMWARE));
        PvaVerdictCodec verdicts = new PvaVerdictCodec();
        List<String> unnamed = new CopyOnWriteArrayList<>();
        JsonHttpServer earlierPva = JsonHttpServer.builder("pva-without-platform-certificate")
                .tls(TlsContexts.server(pki.credential("pva"), List.of(pki.root("sho1-root")), true))
                .route("POST", "/pva/v1/validate", r -> {
                    JsonNode b = JsonHttpServer.json(r);
                    String nonce = b.path("nonce").asText();
                    PlatformValidation.Verdict v = lenient.validate(b.path("attestation").asText(), nonce, clock.instant());
                    PlatformValidation.Verdict withoutKey = new PlatformValidation.Verdict(v.reason(), v.treId(), v.detail());
                    String jws = verdicts.sign(withoutKey, nonce, clock.instant(), pki.credential("pva"));
                    unnamed.add(jws);
                    Map<String, Object> out = new java.util.LinkedHashMap<>();
                    out.put("valid", v.valid());
                    out.put("verdict", jws);
                    return JsonHttpServer.Response.ok(out);
                }).start(loopback());
        InMemoryCredentialStore hss = new InMemoryCredentialStore();
        Credential cred = pki.credential("sho1");
        ShoService sho = ShoService.start(new ShoService.Settings("sho1", loopback(), loopback(), cred, List.of(pki.root("ro-root")),
                        List.of(pki.root("sho1-root")), Set.of("sho1-admin"), List.of(pki.root("supplier-root")), GRACE, List.of(),
                        Set.of("dpf"), Set.of("drf")),
                new McimIssuer(hss, "99970", "sho1", cred, "internet", R, clock),
                new PvaClient(URI.create("https://localhost:" + earlierPva.address().getPort()), cred, List.of(pki.root("pva-root")), clock),
                null, metrics, clock, R);
        try {
            HttpClient admin = sho1Admin; // its certificate is valid in real time, which the TLS handshake checks
            // The genuine device: provisioned, and its TRE opens what was sealed for its key.
            Device d = device("tre-unnamed-1");
            contract(admin, sho, d.treId());
            HttpResponse<String> ok = provision(sho, d);
            assertEquals(200, ok.statusCode(), ok.body());
            assertEquals(null, verdicts.verify(unnamed.get(unnamed.size() - 1), List.of(pki.root("pva-root")), clock.instant())
                    .platformCertificate(), "the stand-in's verdict names no certificate");
            McimSlot slot = d.tre().install(body(ok).path("mcimObject").asText(), clock.instant());
            assertEquals(body(ok).path("imsi").asText(), slot.imsi());

            // Another TRE's certificate beside this TRE's attestation: found by the SHO's own check.
            Device other = device("tre-unnamed-2");
            contract(admin, sho, other.treId());
            long before = hss.size();
            ObjectNode swapped = provisionRequest(other, attest(other.platform(), other.treId(), MODEL, "n-u2", FIRMWARE), "n-u2");
            swapped.put("treCertificate", d.certificate());
            assertError(post(dpf, url(sho, "/sho/v1/provision"), swapped), 400, "certificate-mismatch");

            // A TRE of a supplier the PVA trusts and the SHO does not: the PVA said valid, the SHO refuses.
            KeyPair k = CertificateAuthority.newKeyPair(R);
            X509Certificate foreignCert = otherSupplier.certify("tre-foreign", k.getPublic(), CertificateAuthority.Usage.SIGNING, List.of(), List.of(),
                    now, Duration.ofDays(3650));
            Credential foreign = new Credential(k.getPrivate(), List.of(foreignCert, otherSupplier.certificate()));
            contract(admin, sho, "tre-foreign");
            ObjectNode req = JSON.createObjectNode().put("treId", "tre-foreign")
                    .put("platformAttestation", attest(foreign, "tre-foreign", MODEL, "n-f", FIRMWARE)).put("nonce", "n-f")
                    .put("treCertificate", Base64.getEncoder().encodeToString(foreignCert.getEncoded()));
            HttpResponse<String> refused = post(dpf, url(sho, "/sho/v1/provision"), req);
            assertEquals(400, refused.statusCode(), refused.body());
            assertEquals("platform-untrusted-signer", body(refused).path("error").asText(), refused.body());
            assertTrue(verdicts.verify(unnamed.get(unnamed.size() - 1), List.of(pki.root("pva-root")), clock.instant()).valid(),
                    "the stand-in PVA had accepted it");
            assertEquals(before, hss.size(), "nothing issued for either refusal");
        } finally {
            sho.close();
            earlierPva.close();
        }
    }

    /**
     * {@code tls.groups} on the operator hop SHO → PVA: a PVA that accepts only the hybrid group refuses
     * an SHO client offering X25519 alone (no verdict: pva-unavailable) and answers one offering it.
     */
    @Test
    void pvaListenerAndShoClientTakeTheirGroups() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(org.openmcim.pki.TlsProvider.openSslAvailable(), "BoringSSL does not load here");
        PvaService hybridOnly = PvaService.start(new PvaService.Settings(loopback(), pki.credential("pva"), List.of(pki.root("sho1-root")),
                List.of(pki.root("pva-root")), Set.of("pva-admin"), org.openmcim.pki.TlsProvider.OPENSSL, List.of("X25519MLKEM768")),
                validation, metrics, clock);
        URI base = URI.create("https://localhost:" + hybridOnly.address().getPort());
        try (PvaClient classical = new PvaClient(base, pki.credential("sho1"), List.of(pki.root("pva-root")), clock,
                     org.openmcim.pki.TlsProvider.OPENSSL, List.of("X25519"));
             PvaClient hybrid = new PvaClient(base, pki.credential("sho1"), List.of(pki.root("pva-root")), clock,
                     org.openmcim.pki.TlsProvider.OPENSSL, List.of("X25519MLKEM768"))) {
            assertThrows(PvaClient.PvaUnavailableException.class, () -> classical.validate("not-an-attestation", "n-g", "tre-g"));
            PvaClient.Answer a = hybrid.validate("not-an-attestation", "n-g", "tre-g");
            assertFalse(a.verdict().valid(), "a signed verdict came back: the handshake went through");
        } finally {
            hybridOnly.close();
        }
    }

    /** One flipped bit anywhere in the signed payload: the TRE refuses, and the failure report withdraws the MCIM. */
    @Test
    void tamperedMcimObjectIsRejectedByTheTre() throws Exception {
        Device d = device("tre-tamper");
        contract(sho1Admin, sho1, d.treId());
        JsonNode p = body(provision(sho1, d));
        ObjectNode jws = (ObjectNode) JSON.readTree(p.path("mcimObject").asText());
        byte[] payload = Base64.getUrlDecoder().decode(jws.path("payload").asText());
        payload[payload.length / 2] ^= 0x01;
        jws.put("payload", Base64.getUrlEncoder().withoutPadding().encodeToString(payload));
        Tre.InstallException e = assertThrows(Tre.InstallException.class, () -> d.tre().install(jws.toString(), clock.instant()));
        assertTrue(e.getMessage().startsWith("bad-signature"), e.getMessage());
        assertTrue(d.tre().pristine(), "the TRE keeps its state");
        String imsi = p.path("imsi").asText();
        assertTrue(hss1.find(imsi).isPresent());
        HttpResponse<String> rep = post(dpf, url(sho1, "/sho/v1/report"), JSON.createObjectNode().put("imsi", imsi).put("success", false));
        assertEquals(200, rep.statusCode(), rep.body());
        assertTrue(body(rep).path("withdrawn").asBoolean());
        assertTrue(hss1.find(imsi).isEmpty(), "step 20: a failed provisioning leaves nothing in the HSS");
        assertError(post(dpf, url(sho1, "/sho/v1/report"), JSON.createObjectNode().put("imsi", imsi).put("success", true)), 404, "unknown-object");
    }

    /** IoT seed §3.2.1: parts the device already holds are not sent again; the credential always is. */
    @Test
    void deltaDownloadLeavesOutHeldParts() throws Exception {
        Device d = device("tre-delta");
        contract(sho1Admin, sho1, d.treId());
        JsonNode full = body(provision(sho1, d));
        JsonNode header = new org.openmcim.wire.mcim.McimObjectCodec(R).inspect(full.path("mcimObject").asText(), List.of(pki.root("sho1-root")),
                clock.instant());
        assertEquals(2, header.path("parts").size());
        String appHash = null;
        for (JsonNode part : header.path("parts")) {
            if (part.path("id").asText().equals("app:meter-reading")) {
                appHash = part.path("sha256").asText();
            }
        }
        assertNotNull(appHash);
        ObjectNode req = provisionRequest(d, attest(d.platform(), d.treId(), MODEL, "n-delta", FIRMWARE), "n-delta");
        req.putArray("heldParts").add(appHash);
        JsonNode delta = body(post(dpf, url(sho1, "/sho/v1/provision"), req));
        assertEquals("app:meter-reading", delta.path("omittedParts").get(0).asText());
        JsonNode h2 = new org.openmcim.wire.mcim.McimObjectCodec(R).inspect(delta.path("mcimObject").asText(), List.of(pki.root("sho1-root")),
                clock.instant());
        assertEquals(1, h2.path("parts").size());
        assertEquals("mcim", h2.path("parts").get(0).path("id").asText());
    }

    // ------------------------------------------------------------------ operator change, TR §5.1.3.7.4.2

    @Test
    void operatorChangeViaTheOldSho() throws Exception {
        Device d = device("tre-change");
        String oldImsi = provisionedAtSho1(d);
        // Step 1: the subscriber brings the TRE-signed token to the new SHO.
        String token = d.tre().authorizeOperatorChange("sho2", clock.instant(), Duration.ofHours(2));
        ObjectNode change = JSON.createObjectNode().put("treId", d.treId()).put("pcid", PCID).put("treCertificate", d.certificate())
                .put("authorizationToken", token);
        int drfBefore = drfRegistrations.size();
        HttpResponse<String> oc = post(sho2Admin, url(sho2, "/sho/v1/operator-change"), change);
        assertEquals(201, oc.statusCode(), oc.body());
        assertEquals("sho1", body(oc).path("fromSho").asText());
        assertEquals("operator-change", drfRegistrations.get(drfBefore).path("operation").asText(), "step 2: the RO learns it");
        assertEquals(PCID, drfRegistrations.get(drfBefore).path("pcid").asText(), "keyed by the PCID the device attaches with");
        assertEquals("sho2", drfRegistrations.get(drfBefore).path("shoId").asText());
        assertError(post(sho2Admin, url(sho2, "/sho/v1/operator-change"), change), 409, "replayed");

        // A second genuine platform credential with the same TRE id (a clone) cannot collect the MCIM:
        // it goes only to the key that signed the token.
        KeyPair cloneKey = CertificateAuthority.newKeyPair(R);
        Credential clone = new Credential(cloneKey.getPrivate(), List.of(supplier.certify(d.treId(), cloneKey.getPublic(),
                CertificateAuthority.Usage.SIGNING, List.of(), List.of(), clock.instant(), Duration.ofDays(1)), supplier.certificate()));
        long sho2Before = hss2.size();
        ObjectNode cloneReq = provisionRequest(d, attest(clone, d.treId(), MODEL, "n-clone", FIRMWARE), "n-clone");
        cloneReq.put("treCertificate", Base64.getEncoder().encodeToString(clone.certificate().getEncoded()));
        assertError(post(dpf, url(sho2, "/sho/v1/provision"), cloneReq), 400, "certificate-mismatch");
        assertEquals(sho2Before, hss2.size());

        // Steps 4-10: provisioning at the new SHO carries the token in the MCIMobj; the TRE accepts it.
        HttpResponse<String> pr = provision(sho2, d);
        assertEquals(200, pr.statusCode(), pr.body());
        JsonNode p = body(pr);
        assertEquals("operator-change", p.path("operation").asText());
        McimSlot slot = d.tre().install(p.path("mcimObject").asText(), clock.instant());
        assertEquals("sho2", slot.sho());

        // Steps 11-12: the discard message to the old SHO, authorised by the token, is acknowledged.
        ObjectNode discard = JSON.createObjectNode().put("treId", d.treId()).put("authorizationToken", token);
        HttpResponse<String> ack = post(device, deviceUrl(sho1, "/sho/v1/discard"), discard);
        assertEquals(200, ack.statusCode(), ack.body());
        assertTrue(body(ack).path("acknowledged").asBoolean());
        new Jws().verify(body(ack).path("ack").asText(), List.of(pki.root("sho1-root")), ShoService.DISCARD_ACK_TYPE, clock.instant());
        assertError(post(device, deviceUrl(sho1, "/sho/v1/discard"), discard), 409, "replayed");

        // Steps 15-17: success report at the new SHO, which registers with the DRF.
        HttpResponse<String> rep = post(dpf, url(sho2, "/sho/v1/report"), JSON.createObjectNode().put("objectId", p.path("objectId").asText())
                .put("success", true));
        assertTrue(body(rep).path("drfRegistered").asBoolean(), rep.body());
        assertEquals("initial", drfRegistrations.get(drfRegistrations.size() - 1).path("operation").asText(),
                "step 17: the device subscribes to sho2 now; a later bootstrap is an initial one");
        assertTrue(hss2.find(p.path("imsi").asText()).isPresent());

        // The old SHO keeps the old MCIM through the grace period (IoT seed step 15 NOTE), then withdraws it.
        assertEquals(0, sho1.sweep());
        assertTrue(hss1.find(oldImsi).isPresent(), "still there for a fallback");
        clock.advance(GRACE.minusSeconds(1));
        assertEquals(0, sho1.sweep());
        assertTrue(hss1.find(oldImsi).isPresent());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(1, sho1.sweep());
        assertTrue(hss1.find(oldImsi).isEmpty(), "withdrawn after the grace period");
    }

    /** A forged, misdirected or replayed token changes nothing at either SHO. */
    @Test
    void forgedTokensChangeNothing() throws Exception {
        Device d = device("tre-forge");
        String imsi = provisionedAtSho1(d);
        Device mallory = device("tre-mallory");
        Jws jws = new Jws();
        String payload = JSON.createObjectNode().put("treId", d.treId()).put("fromSho", "sho1").put("toSho", "sho2").put("nonce", "forged-1")
                .put("expiresAt", clock.instant().plus(Duration.ofHours(1)).toString()).toString();
        Map<String, String> forged = new java.util.LinkedHashMap<>();
        // The TRE's certificate, someone else's key.
        forged.put("wrong key", jws.sign(payload.getBytes(StandardCharsets.UTF_8),
                new Credential(CertificateAuthority.newKeyPair(R).getPrivate(), d.platform().chain()), Tre.TOKEN_TYPE));
        // Another genuine TRE signing for this one.
        forged.put("another TRE", jws.sign(payload.getBytes(StandardCharsets.UTF_8), mallory.platform(), Tre.TOKEN_TYPE));
        // Signed by an operator, not a TRE.
        forged.put("not a supplier chain", jws.sign(payload.getBytes(StandardCharsets.UTF_8), pki.credential("sho2"), Tre.TOKEN_TYPE));
        // The genuine TRE, but expired.
        forged.put("expired", d.tre().authorizeOperatorChange("sho2", clock.instant().minus(Duration.ofHours(2)), Duration.ofHours(1)));
        // Wrong type.
        forged.put("wrong type", jws.sign(payload.getBytes(StandardCharsets.UTF_8), d.platform(), "openmcim-platform+json"));
        int drfBefore = drfRegistrations.size();
        for (Map.Entry<String, String> f : forged.entrySet()) {
            HttpResponse<String> oc = post(sho2Admin, url(sho2, "/sho/v1/operator-change"), JSON.createObjectNode().put("treId", d.treId()).put("pcid", PCID)
                    .put("treCertificate", d.certificate()).put("authorizationToken", f.getValue()));
            assertError(oc, 403, "unauthorized");
            HttpResponse<String> dis = post(device, deviceUrl(sho1, "/sho/v1/discard"), JSON.createObjectNode().put("treId", d.treId())
                    .put("authorizationToken", f.getValue()));
            assertEquals(403, dis.statusCode(), f.getKey() + ": " + dis.body());
        }
        // A genuine token for a change from sho1 to sho2 cannot be used at sho2 to discard, nor at sho1 to change.
        String genuine = d.tre().authorizeOperatorChange("sho2", clock.instant(), Duration.ofHours(1));
        assertError(post(device, deviceUrl(sho2, "/sho/v1/discard"), JSON.createObjectNode().put("treId", d.treId())
                .put("authorizationToken", genuine)), 403, "unauthorized");
        assertError(post(sho1Admin, url(sho1, "/sho/v1/operator-change"), JSON.createObjectNode().put("treId", d.treId()).put("pcid", PCID)
                .put("treCertificate", d.certificate()).put("authorizationToken", genuine)), 403, "unauthorized");
        // A genuine token presented with another TRE's certificate or id.
        assertError(post(sho2Admin, url(sho2, "/sho/v1/operator-change"), JSON.createObjectNode().put("treId", d.treId()).put("pcid", PCID)
                .put("treCertificate", mallory.certificate()).put("authorizationToken", genuine)), 403, "unauthorized");
        assertError(post(device, deviceUrl(sho1, "/sho/v1/discard"), JSON.createObjectNode().put("treId", mallory.treId())
                .put("authorizationToken", genuine)), 403, "unauthorized");

        assertEquals(drfBefore, drfRegistrations.size(), "the DRF heard nothing");
        assertTrue(sho2.contract(d.treId()).isEmpty(), "no contract at the new SHO");
        clock.advance(GRACE.plusMinutes(1));
        sho1.sweep();
        assertTrue(hss1.find(imsi).isPresent(), "the old SHO withdrew nothing");
    }

    // ------------------------------------------------------------------ pristine state, TR §5.1.3.7.4.3

    @Test
    void revertToPristineIsASignedInstructionForTheRo() throws Exception {
        Device d = device("tre-pristine");
        provisionedAtSho1(d);
        // sho2 never had a contract for this TRE: the subscriber names the PCID, which keys the DRF registry.
        HttpResponse<String> r = post(sho2Admin, url(sho2, "/sho/v1/revert-to-pristine"), JSON.createObjectNode().put("treId", d.treId())
                .put("pcid", PCID));
        assertEquals(201, r.statusCode(), r.body());
        assertTrue(body(r).path("drfRegistered").asBoolean(), r.body());
        String instruction = body(r).path("instruction").asText();
        JsonNode payload = JSON.readTree(new Jws().verify(instruction, List.of(pki.root("sho2-root")), ShoService.REVERT_TYPE, clock.instant())
                .payload());
        assertEquals("revert-to-pristine", payload.path("instruction").asText());
        assertEquals(d.treId(), payload.path("treId").asText());
        assertEquals("revert-to-pristine", drfRegistrations.get(drfRegistrations.size() - 1).path("operation").asText());
        // The RO fetches it to deliver; nobody else may.
        JsonNode list = body(get(dpf, url(sho2, "/sho/v1/instructions?treId=" + d.treId())));
        assertEquals(instruction, list.path("instructions").get(0).asText());
        assertError(get(sho2Admin, url(sho2, "/sho/v1/instructions?treId=" + d.treId())), 403, "forbidden-peer");
        assertError(post(dpf, url(sho2, "/sho/v1/revert-to-pristine"), JSON.createObjectNode().put("treId", d.treId())), 403, "forbidden-peer");
        // The device follows it (step 3) and then provisions from scratch at the new SHO (step 4).
        d.tre().revertToPristine();
        assertTrue(d.tre().pristine());
        HttpResponse<String> p = provision(sho2, d);
        assertEquals(200, p.statusCode(), p.body());
        assertEquals("initial", body(p).path("operation").asText());
        d.tre().install(body(p).path("mcimObject").asText(), clock.instant());
    }
}
