package org.openmcim.pva;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmcim.pki.CertificateAuthority;
import org.openmcim.pki.Credential;
import org.openmcim.pki.DevelopmentPki;
import org.openmcim.pki.TlsContexts;
import org.openmcim.wire.platform.PlatformAttestation;
import org.openmcim.wire.platform.PlatformAttestationCodec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** IoT seed §2.6: a new platform credential after a remote update, over real mutual TLS. */
class PlatformCredentialRenewalTest {
    static final String BOOT = "3b1f0d2c5e8a9b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c";
    static final String FIRMWARE_1 = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
    static final String FIRMWARE_2 = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
    static final String MODEL = "m2me-meter-1";
    static final SecureRandom R = new SecureRandom();
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path tmp;
    static DevelopmentPki pki;
    static CertificateAuthority supplier;
    static CertificateAuthority pvaCa;
    static PvaService pva;
    static HttpClient sho;
    static HttpClient admin;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        Instant now = Instant.now();
        pki = DevelopmentPki.init(tmp.resolve("pki"), now.minus(Duration.ofDays(1)), R, false);
        supplier = CertificateAuthority.of(pki.credential("supplier-root"), R);
        pvaCa = CertificateAuthority.newRoot("OpenMCIM PVA platform CA", now.minus(Duration.ofDays(1)), Duration.ofDays(3650), R);
        PlatformValidation v = new PlatformValidation(List.of(pki.root("supplier-root"), pvaCa.certificate()), Duration.ofMinutes(10));
        v.registerReference(MODEL, Map.of("bootloader", BOOT, "firmware", FIRMWARE_1));
        Credential adminCred = CertificateAuthority.of(pki.credential("pva-root"), R).issue("pva-admin", CertificateAuthority.Usage.TLS,
                List.of(), List.of(), now, Duration.ofDays(1));
        pva = PvaService.start(new PvaService.Settings(new InetSocketAddress("127.0.0.1", 0), pki.credential("pva"),
                List.of(pki.root("sho1-root")), List.of(pki.root("pva-root")), Set.of("pva-admin")), v,
                new PlatformCredentialIssuer(pvaCa, Duration.ofDays(3650)), new SimpleMeterRegistry(), Clock.systemUTC());
        base = "https://localhost:" + pva.address().getPort();
        sho = HttpClient.newBuilder().sslContext(TlsContexts.jdkClient(pki.credential("sho1"), List.of(pki.root("pva-root")))).build();
        admin = HttpClient.newBuilder().sslContext(TlsContexts.jdkClient(adminCred, List.of(pki.root("pva-root")))).build();
    }

    @AfterAll
    static void stop() {
        pva.close();
    }

    static HttpResponse<String> post(HttpClient c, String path, JsonNode body) throws Exception {
        return c.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String attest(Credential c, String treId, String nonce, String firmware) {
        return new PlatformAttestationCodec().sign(new PlatformAttestation(treId, MODEL, nonce, Instant.now(), List.of(
                new PlatformAttestation.Measurement("bootloader", BOOT), new PlatformAttestation.Measurement("firmware", firmware))), c);
    }

    /** A JWS compact serialization (RFC 7515 §7.1), ES256, made by hand: the new key's proof of possession. */
    static String compact(KeyPair k, String payload) throws Exception {
        Base64.Encoder b = Base64.getUrlEncoder().withoutPadding();
        String input = b.encodeToString("{\"alg\":\"ES256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        Signature s = Signature.getInstance("SHA256withPLAIN-ECDSA", new BouncyCastleProvider());
        s.initSign(k.getPrivate());
        s.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + b.encodeToString(s.sign());
    }

    static ObjectNode renewal(Credential current, String treId, KeyPair next, KeyPair prover, String firmware) throws Exception {
        String nonce = PlatformCredentialIssuer.keyNonce(next.getPublic().getEncoded());
        return JSON.createObjectNode().put("attestation", attest(current, treId, nonce, firmware))
                .put("newPublicKey", Base64.getEncoder().encodeToString(next.getPublic().getEncoded()))
                .put("keyProof", compact(prover, JSON.createObjectNode().put("treId", treId).put("nonce", nonce).toString()));
    }

    static String validate(Credential c, String treId, String firmware) throws Exception {
        return JSON.readTree(post(sho, "/pva/v1/validate", JSON.createObjectNode().put("attestation", attest(c, treId, "n", firmware))
                .put("nonce", "n")).body()).path("reason").asText();
    }

    @Test
    void newPlatformCredentialAfterARemoteUpdate() throws Exception {
        String treId = "tre-update-1";
        KeyPair k1 = CertificateAuthority.newKeyPair(R);
        Credential c1 = new Credential(k1.getPrivate(), List.of(supplier.certify(treId, k1.getPublic(), CertificateAuthority.Usage.SIGNING,
                List.of(), List.of(), Instant.now(), Duration.ofDays(3650)), supplier.certificate()));
        assertEquals("ok", validate(c1, treId, FIRMWARE_1));
        // The remote update changes the firmware: until the administrator registers the new reference, the TRE is not intact.
        assertEquals("measurement-mismatch", validate(c1, treId, FIRMWARE_2));
        KeyPair k2 = CertificateAuthority.newKeyPair(R);
        HttpResponse<String> early = post(sho, "/pva/v1/platform-credentials", renewal(c1, treId, k2, k2, FIRMWARE_2));
        assertEquals(403, early.statusCode(), early.body());
        assertEquals(201, post(admin, "/pva/v1/references", JSON.createObjectNode().put("model", MODEL)
                .set("components", JSON.createObjectNode().put("bootloader", BOOT).put("firmware", FIRMWARE_2))).statusCode());

        // An attacker replaying the TRE's attestation with a key of their own: the nonce commits to the TRE's new key.
        ObjectNode genuine = renewal(c1, treId, k2, k2, FIRMWARE_2);
        KeyPair mallory = CertificateAuthority.newKeyPair(R);
        ObjectNode hijack = genuine.deepCopy().put("newPublicKey", Base64.getEncoder().encodeToString(mallory.getPublic().getEncoded()))
                .put("keyProof", compact(mallory, JSON.createObjectNode().put("treId", treId)
                        .put("nonce", PlatformCredentialIssuer.keyNonce(mallory.getPublic().getEncoded())).toString()));
        HttpResponse<String> h = post(sho, "/pva/v1/platform-credentials", hijack);
        assertEquals(403, h.statusCode(), h.body());
        assertEquals("stale-nonce", JSON.readTree(h.body()).path("reason").asText());
        // Without possession of the new key.
        HttpResponse<String> noProof = post(sho, "/pva/v1/platform-credentials", renewal(c1, treId, k2, mallory, FIRMWARE_2));
        assertEquals(400, noProof.statusCode(), noProof.body());
        assertEquals("bad-key-proof", JSON.readTree(noProof.body()).path("error").asText());
        // Not an SHO.
        assertEquals(403, post(admin, "/pva/v1/platform-credentials", genuine).statusCode());

        HttpResponse<String> ok = post(sho, "/pva/v1/platform-credentials", genuine);
        assertEquals(201, ok.statusCode(), ok.body());
        JsonNode res = JSON.readTree(ok.body());
        assertEquals(c1.certificate().getSerialNumber().toString(16), res.path("revokedSerial").asText());
        List<X509Certificate> chain = new ArrayList<>();
        for (JsonNode c : res.path("chain")) {
            chain.add((X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(c.asText()))));
        }
        assertEquals(k2.getPublic(), chain.get(0).getPublicKey());
        assertEquals(treId, PeerCheck.commonName(chain.get(0)));
        Credential c2 = new Credential(k2.getPrivate(), chain);

        assertEquals("ok", validate(c2, treId, FIRMWARE_2), "the new credential vouches for the updated TRE");
        assertEquals("revoked", validate(c1, treId, FIRMWARE_2), "the old one no longer does");
        HttpResponse<String> status = sho.send(HttpRequest.newBuilder(URI.create(base + "/pva/v1/status?serial="
                + c1.certificate().getSerialNumber().toString(16))).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(status.body().contains("\"revoked\""), status.body());
        // Replaying the successful request gets nothing more.
        HttpResponse<String> replay = post(sho, "/pva/v1/platform-credentials", genuine);
        assertEquals(403, replay.statusCode());
        assertEquals("revoked", JSON.readTree(replay.body()).path("reason").asText());
    }
}
