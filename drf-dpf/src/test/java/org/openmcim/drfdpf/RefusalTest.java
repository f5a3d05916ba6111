package org.openmcim.drfdpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmcim.dpf.NonceLedger;
import org.openmcim.dpf.StateExpiry;
import org.openmcim.drf.Drf;
import org.openmcim.drf.DrfSettings;
import org.openmcim.drf.Registration;
import org.openmcim.pki.CertificateAuthority;
import org.openmcim.pki.Credential;
import org.openmcim.pki.DevelopmentPki;
import org.openmcim.wire.bootstrap.BootstrapCodec;
import org.openmcim.wire.bootstrap.BootstrapMessage;

/**
 * Every refusal of the DRF and the DPF: a 4xx (or 502/504 for SHO trouble) with a machine-readable
 * reason, and — for anything refused before the nonce is consumed — nothing stored: the nonce stays
 * unused, no session exists, the SHO heard nothing.
 */
class RefusalTest {
    @TempDir
    static Path tmp;
    static DevelopmentPki pki;
    static Lab lab;
    static int deadPort;

    @BeforeAll
    static void setUp() throws Exception {
        pki = DevelopmentPki.init(tmp.resolve("pki"), Instant.now().minus(Duration.ofDays(1)), new SecureRandom(), false);
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort(); // nothing listens here once closed: the push fails
        }
        lab = new Lab(pki, null, new DrfSettings.Push(true, deadPort, "/bootstrap", Duration.ofMillis(500)), false, Duration.ofSeconds(1));
    }

    @AfterAll
    static void tearDown() {
        lab.close();
    }

    private static int pcidSeq = 100;

    /** A registered, attached PCID and its (pulled) bootstrap. */
    private static BootstrapMessage attached(String treId, String[] signedOut) throws Exception {
        String pcid = "0010100000" + (pcidSeq++) + "00";
        assertEquals(201, lab.register(lab.sho1Client, "sho1", pcid, treId).status());
        assertEquals(Drf.AttachOutcome.PUSH_FAILED,
                lab.drf.attach(pcid, InetAddress.getLoopbackAddress(), lab.clock.instant()).get(10, TimeUnit.SECONDS),
                "nobody listens: the push fails, and that is not fatal");
        Lab.Answer a = lab.pull(lab.tre, pcid, lab.clock.instant());
        assertEquals(200, a.status(), String.valueOf(a.body()));
        signedOut[0] = a.body().path("bootstrap").asText();
        return new BootstrapCodec().verify(signedOut[0], List.of(pki.root("ro-root")), pcid, lab.clock.instant());
    }

    private static void assertNothingStored(String nonce, int shoRequestsBefore) {
        assertFalse(lab.ledger.isUsed(nonce), "nonce still unused");
        assertEquals(shoRequestsBefore, lab.sho1.provisionRequests.size(), "the SHO heard nothing");
    }

    private static void assertRefused(int status, String reason, Lab.Answer a) {
        assertEquals(status, a.status(), String.valueOf(a.body()));
        assertEquals(reason, a.error(), String.valueOf(a.body()));
        assertTrue(a.body().hasNonNull("message"));
    }

    // ---- DPF: bad input ----

    @Test
    void malformedBodiesContentTypesAndSizes() throws Exception {
        URI p = lab.dpf("/dpf/v1/provision");
        assertRefused(400, "malformed-json", Lab.post(lab.device, p, "{not json", "application/json"));
        assertRefused(400, "malformed-json", Lab.post(lab.device, p, "[1,2]", "application/json"));
        assertRefused(415, "unsupported-media-type", Lab.post(lab.device, p, "{}", "text/plain"));
        assertRefused(400, "malformed-request", Lab.post(lab.device, p, "{}", "application/json"));
        assertRefused(400, "malformed-request", Lab.post(lab.device, p, Map.of("nonce", 5, "bootstrap", "x", "platformAttestation", "y",
                "treCertificate", "z")));
        // Oversized: the HTTP shell's aggregator refuses it before any handler runs.
        // Sent whole over a raw TLS socket and read back, so the answer is not raced by the upload.
        String head = rawPost(p, "{\"x\":\"" + "a".repeat(70 * 1024) + "\"}");
        assertTrue(head.startsWith("HTTP/1.1 413"), head);
        assertTrue(head.contains("\"error\":\"too-large\""), head);
        assertRefused(405, "method-not-allowed", Lab.get(lab.device, p));
        assertRefused(404, "not-found", Lab.get(lab.device, lab.dpf("/dpf/v2/provision")));
        assertTrue(lab.sessions.forTre("tre-0001").isEmpty());
    }

    @Test
    void bootstrapNotFromTheRoIsRefused() throws Exception {
        String[] signed = new String[1];
        BootstrapMessage b = attached(null, signed);
        int before = lab.sho1.provisionRequests.size();
        // Same content, signed by an SHO key instead of the RO's bootstrap key.
        String forged = new BootstrapCodec().sign(b, pki.credential("sho1"));
        assertRefused(403, "bootstrap-untrusted-signer", lab.provision(lab.provisionBody(lab.tre, forged, b.nonce(), Lab.FIRMWARE)));
        // One character of the payload changed.
        String tampered = signed[0].replaceFirst("\"payload\":\"e", "\"payload\":\"f");
        assertRefused(403, "bootstrap-bad-signature", lab.provision(lab.provisionBody(lab.tre, tampered, b.nonce(), Lab.FIRMWARE)));
        assertRefused(400, "bootstrap-malformed", lab.provision(lab.provisionBody(lab.tre, "{}", b.nonce(), Lab.FIRMWARE)));
        assertRefused(400, "nonce-mismatch", lab.provision(lab.provisionBody(lab.tre, signed[0], "AAAAAAAAAAAAAAAAAAAAAA", Lab.FIRMWARE)));
        assertNothingStored(b.nonce(), before);
    }

    @Test
    void nonceTheDrfNeverIssuedIsRefused() throws Exception {
        Instant now = lab.clock.instant();
        String nonce = BootstrapCodec.newNonce(new SecureRandom());
        BootstrapMessage m = new BootstrapMessage(Lab.PCID, nonce, now, now.plus(Duration.ofMinutes(5)),
                new BootstrapMessage.Napdef("provisioning", "ipv4"), lab.dpf("/dpf/v1"), new BootstrapMessage.Sho("sho1", "SHO 1"),
                new BootstrapMessage.McimContext(BootstrapMessage.Operation.INITIAL, "MCIMobj"), List.of(), false);
        // Properly signed by the RO key, but not by this DRF (no ledger entry).
        String signed = new BootstrapCodec().sign(m, pki.credential("ro-bootstrap"));
        int before = lab.sho1.provisionRequests.size();
        assertRefused(403, "unknown-nonce", lab.provision(lab.provisionBody(lab.tre, signed, nonce, Lab.FIRMWARE)));
        assertEquals(before, lab.sho1.provisionRequests.size());
    }

    @Test
    void expiredBootstrapIsRefused() throws Exception {
        String[] signed = new String[1];
        BootstrapMessage b = attached(null, signed);
        int before = lab.sho1.provisionRequests.size();
        lab.clock.advance(Duration.ofMinutes(16)); // lifetime 15 min
        assertRefused(403, "bootstrap-expired", lab.provision(lab.provisionBody(lab.tre, signed[0], b.nonce(), Lab.FIRMWARE)));
        assertNothingStored(b.nonce(), before);
    }

    /**
     * A used nonce and its closed session are forgotten once the bootstrap expired and the margin
     * passed (StateExpiry runs these sweeps every few minutes), not before; a replay of the whole
     * request after that is still refused, by the bootstrap's own signed expiry, and stores nothing.
     */
    @Test
    void expiredNoncesAndClosedSessionsAreForgottenAndStayRefused() throws Exception {
        String[] signed = new String[1];
        BootstrapMessage b = attached(null, signed);
        Map<String, Object> body = lab.provisionBody(lab.tre, signed[0], b.nonce(), Lab.FIRMWARE);
        Lab.Answer got = lab.provision(body);
        assertEquals(200, got.status(), String.valueOf(got.body()));
        String objectId = got.body().path("objectId").asText();
        assertEquals(200, lab.report(objectId, true, "installed").status());
        sweep();
        assertTrue(lab.sessions.find(objectId).isPresent(), "closed, but its bootstrap has not expired");
        assertTrue(lab.ledger.isUsed(b.nonce()));
        lab.clock.advance(Duration.ofMinutes(15).plus(StateExpiry.MARGIN).minusMinutes(1)); // lifetime 15 min; margin not yet over
        sweep();
        assertTrue(lab.sessions.find(objectId).isPresent(), "inside the margin");
        assertTrue(lab.ledger.isUsed(b.nonce()), "inside the margin");
        lab.clock.advance(Duration.ofMinutes(2));
        sweep();
        assertTrue(lab.sessions.find(objectId).isEmpty(), "closed session forgotten");
        assertTrue(lab.ledger.find(b.nonce()).isEmpty(), "issued nonce forgotten");
        assertFalse(lab.ledger.isUsed(b.nonce()), "used nonce forgotten");
        int before = lab.sho1.provisionRequests.size();
        assertRefused(403, "bootstrap-expired", lab.provision(body));
        assertNothingStored(b.nonce(), before);
        assertRefused(404, "unknown-object", lab.report(objectId, true, "installed"));
    }

    /** What StateExpiry's DPF sweep does, at the lab's clock. */
    private static void sweep() {
        lab.sessions.expireClosed(lab.clock.instant(), StateExpiry.MARGIN, n -> lab.ledger.find(n).map(NonceLedger.Issued::expiresAt));
        lab.ledger.expire(lab.clock.instant(), StateExpiry.MARGIN);
    }

    @Test
    void platformCertificateThatDoesNotChainIsRefused() throws Exception {
        String[] signed = new String[1];
        BootstrapMessage b = attached(null, signed);
        int before = lab.sho1.provisionRequests.size();
        CertificateAuthority rogue = CertificateAuthority.newRoot("rogue supplier", lab.clock.instant(), Duration.ofDays(10), lab.random);
        Credential fake = rogue.issue("tre-0001", CertificateAuthority.Usage.SIGNING, List.of(), List.of(), lab.clock.instant(),
                Duration.ofDays(10));
        assertRefused(403, "platform-untrusted-signer", lab.provision(lab.provisionBody(fake, signed[0], b.nonce(), Lab.FIRMWARE)));
        // Attestation by the real TRE, but another TRE's certificate sent along.
        Credential other = lab.supplier.issue("tre-0002", CertificateAuthority.Usage.SIGNING, List.of(), List.of(), lab.clock.instant(),
                Duration.ofDays(10));
        Map<String, Object> body = new HashMap<>(lab.provisionBody(lab.tre, signed[0], b.nonce(), Lab.FIRMWARE));
        body.put("treCertificate", java.util.Base64.getEncoder().encodeToString(other.certificate().getEncoded()));
        assertRefused(400, "certificate-mismatch", lab.provision(body));
        body.put("treCertificate", "bm90IGEgY2VydGlmaWNhdGU=");
        assertRefused(400, "malformed-certificate", lab.provision(body));
        assertNothingStored(b.nonce(), before);
    }

    @Test
    void bootstrapForAnotherTreIsRefused() throws Exception {
        String[] signed = new String[1];
        BootstrapMessage b = attached("tre-0001", signed);
        int before = lab.sho1.provisionRequests.size();
        Credential other = lab.supplier.issue("tre-0002", CertificateAuthority.Usage.SIGNING, List.of(), List.of(), lab.clock.instant(),
                Duration.ofDays(10));
        assertRefused(403, "wrong-tre", lab.provision(lab.provisionBody(other, signed[0], b.nonce(), Lab.FIRMWARE)));
        assertNothingStored(b.nonce(), before);
    }

    @Test
    void platformTheShoRejectsGetsNoObject() throws Exception {
        String[] signed = new String[1];
        BootstrapMessage b = attached(null, signed);
        Lab.Answer a = lab.provision(lab.provisionBody(lab.tre, signed[0], b.nonce(), "00".repeat(32)));
        assertRefused(403, "platform-rejected", a);
        assertTrue(a.body().path("message").asText().contains("measurement-mismatch"));
        assertTrue(lab.ledger.isUsed(b.nonce()), "the nonce was spent on a real attempt");
        assertEquals(0, lab.sho1.hss.size() - lab.sho1.imsiByObject.size(), "no MCIM issued for it");
    }

    @Test
    void shoTooSlowIsA504AndTheDeviceStartsOver() throws Exception {
        String[] signed = new String[1];
        BootstrapMessage b = attached(null, signed);
        lab.sho1.delay = Duration.ofMillis(2500);
        try {
            assertRefused(504, "sho-timeout", lab.provision(lab.provisionBody(lab.tre, signed[0], b.nonce(), Lab.FIRMWARE)));
        } finally {
            lab.sho1.delay = Duration.ZERO;
        }
        assertTrue(lab.count("dpf.sho.call", "call", "provision", "sho", "sho1", "outcome", "sho-timeout") >= 1);
    }

    @Test
    void oneObjectNeverGoesToTwoSessions() throws Exception {
        String[] s1 = new String[1];
        BootstrapMessage b1 = attached(null, s1);
        assertEquals(200, lab.provision(lab.provisionBody(lab.tre, s1[0], b1.nonce(), Lab.FIRMWARE)).status());
        String[] s2 = new String[1];
        BootstrapMessage b2 = attached(null, s2);
        lab.sho1.repeatLastObject = true; // a faulty SHO hands out the same MCIMobj again
        try {
            assertRefused(502, "duplicate-object", lab.provision(lab.provisionBody(lab.tre, s2[0], b2.nonce(), Lab.FIRMWARE)));
        } finally {
            lab.sho1.repeatLastObject = false;
        }
    }

    @Test
    void keepImsiBootstrapHasNothingToDownload() throws Exception {
        String pcid = "001010000009999";
        // The RO itself is the SHO (step 8): registered in the RO's own configuration, not by an SHO.
        lab.registry.put(new Registration(pcid, null, "ro", "Registration Operator", URI.create("https://localhost:1"), lab.dpf("/dpf/v1"),
                BootstrapMessage.Operation.INITIAL, List.of(), lab.clock.instant()));
        lab.drf.attach(pcid, InetAddress.getLoopbackAddress(), lab.clock.instant()).get(10, TimeUnit.SECONDS);
        Lab.Answer a = lab.pull(lab.tre, pcid, lab.clock.instant());
        String signed = a.body().path("bootstrap").asText();
        BootstrapMessage b = new BootstrapCodec().verify(signed, List.of(pki.root("ro-root")), pcid, lab.clock.instant());
        assertTrue(b.keepImsi());
        assertRefused(409, "keep-imsi", lab.provision(lab.provisionBody(lab.tre, signed, b.nonce(), Lab.FIRMWARE)));
    }

    @Test
    void reportsAndDownloadsOfUnknownOrForeignObjects() throws Exception {
        assertRefused(404, "unknown-object", lab.report("AAAAAAAAAAAAAAAAAAAAAA", true, ""));
        assertRefused(400, "malformed-request", Lab.post(lab.device, lab.dpf("/dpf/v1/report"), Map.of("objectId", "x", "success", "yes")));
        assertRefused(400, "malformed-request", lab.report("AAAAAAAAAAAAAAAAAAAAAA", true, "d".repeat(600)));
        String[] signed = new String[1];
        BootstrapMessage b = attached(null, signed);
        Lab.Answer got = lab.provision(lab.provisionBody(lab.tre, signed[0], b.nonce(), Lab.FIRMWARE));
        String objectId = got.body().path("objectId").asText();
        Credential other = lab.supplier.issue("tre-0003", CertificateAuthority.Usage.SIGNING, List.of(), List.of(), lab.clock.instant(),
                Duration.ofDays(10));
        assertRefused(404, "unknown-object", lab.download(other, objectId));
        // Same CN, another key (a clone claiming to be tre-0001): not the owner either.
        Credential clone = lab.supplier.issue("tre-0001", CertificateAuthority.Usage.SIGNING, List.of(), List.of(), lab.clock.instant(),
                Duration.ofDays(10));
        assertRefused(404, "unknown-object", lab.download(clone, objectId));
        assertRefused(400, "malformed-request", Lab.get(lab.device, lab.dpf("/dpf/v1/download?objectId=" + objectId + "&proof=!!!")));
        assertRefused(400, "malformed-request", Lab.get(lab.device, lab.dpf("/dpf/v1/download?objectId=" + objectId)));
        assertEquals(200, lab.download(lab.tre, objectId).status());
        // Reports, too, come only from the TRE the object was sealed for (step 19): knowing the object id is not enough.
        assertRefused(400, "malformed-request", Lab.post(lab.device, lab.dpf("/dpf/v1/report"),
                Map.of("objectId", objectId, "success", false, "detail", "no proof")));
        assertRefused(404, "unknown-object", lab.report(other, objectId, false, "another TRE"));
        assertRefused(404, "unknown-object", lab.report(clone, objectId, false, "a clone"));
        assertRefused(400, "malformed-request", Lab.post(lab.device, lab.dpf("/dpf/v1/report"), Map.of("objectId", objectId, "success", false,
                "proof", new org.openmcim.wire.device.DeviceProof().sign(org.openmcim.wire.device.DeviceProof.REPORT, null,
                        "BBBBBBBBBBBBBBBBBBBBBB", lab.clock.instant(), lab.tre))));
        assertRefused(400, "wrong-purpose", Lab.post(lab.device, lab.dpf("/dpf/v1/report"), Map.of("objectId", objectId, "success", false,
                "proof", new org.openmcim.wire.device.DeviceProof().sign(org.openmcim.wire.device.DeviceProof.DOWNLOAD, null, objectId,
                        lab.clock.instant(), lab.tre))));
        assertEquals(0, lab.sho1.reports.stream().filter(r -> r.path("objectId").asText().equals(objectId)).count(),
                "no refused report reached the SHO");
        assertEquals(200, lab.report(objectId, true, "installed").status());
    }

    private static String rawPost(URI uri, String body) throws Exception {
        javax.net.ssl.SSLSocketFactory f = org.openmcim.pki.TlsContexts.jdkClient(null, List.of(pki.root("ro-root"))).getSocketFactory();
        try (java.net.Socket sock = f.createSocket(uri.getHost(), uri.getPort())) {
            sock.setSoTimeout(10_000);
            byte[] b = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            String req = "POST " + uri.getPath() + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                    + b.length + "\r\nConnection: close\r\n\r\n";
            var out = sock.getOutputStream();
            out.write(req.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.flush();
            try {
                out.write(b);
                out.flush();
            } catch (java.io.IOException e) {
                // An oversized body: the server answers 413 from Content-Length alone and closes,
                // so writing the rest can fail (broken pipe); its answer is already on the way.
            }
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            var in = sock.getInputStream();
            byte[] buf = new byte[4096];
            try {
                for (int n; (n = in.read(buf)) > 0;) {
                    got.write(buf, 0, n);
                }
            } catch (java.io.IOException e) {
                // the server closes after answering: what arrived is the answer
            }
            return got.toString(java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    // ---- DRF ----

    @Test
    void shoMayOnlyRegisterToItself() throws Exception {
        assertRefused(403, "not-your-registration", lab.register(lab.sho2Client, "sho1", "001010000000777", null));
        Map<String, Object> bad = new HashMap<>(Map.of("pcid", "001010000000777", "shoId", "sho1", "shoUrl", "http://plain.example"));
        assertRefused(400, "malformed-registration", Lab.post(lab.sho1Client, lab.drfOperator("/drf/v1/registrations"), bad));
        bad.put("shoUrl", "https://sho1.example");
        bad.put("pcid", "12");
        assertRefused(400, "malformed-registration", Lab.post(lab.sho1Client, lab.drfOperator("/drf/v1/registrations"), bad));
        assertTrue(lab.registry.find("001010000000777").isEmpty(), "nothing stored");
        // No client certificate, or one from a root the DRF does not trust for SHOs: no TLS session at all.
        assertThrows(IOException.class, () -> lab.register(lab.client(null), "sho1", "001010000000777", null));
        assertThrows(IOException.class, () -> lab.register(lab.client(pki.credential("dpf")), "sho1", "001010000000777", null));
        // Reading back: only one's own registrations.
        assertEquals(201, lab.register(lab.sho1Client, "sho1", "001010000000778", null).status());
        assertEquals(200, Lab.get(lab.sho1Client, lab.drfOperator("/drf/v1/registrations?pcid=001010000000778")).status());
        assertRefused(404, "unknown-pcid", Lab.get(lab.sho2Client, lab.drfOperator("/drf/v1/registrations?pcid=001010000000778")));
    }

    @Test
    void attachEventsGoStale() throws Exception {
        String pcid = "001010000000889";
        assertEquals(201, lab.register(lab.sho1Client, "sho1", pcid, null).status());
        lab.drf.attach(pcid, InetAddress.getLoopbackAddress(), lab.clock.instant()).get(10, TimeUnit.SECONDS);
        assertEquals(200, lab.pull(lab.tre, pcid, lab.clock.instant()).status());
        lab.clock.advance(Duration.ofMinutes(61)); // attach-validity 1h in the lab
        assertRefused(403, "not-attached", lab.pull(lab.tre, pcid, lab.clock.instant()));
    }

    /**
     * §5.1.3.7.4.2 steps 2-4: a device changing operator is attached with its old SHO's MCIM, so the
     * ICF reports no PCID attach; a registration for operator change naming the TRE lets that TRE
     * (and only it) pull, while one naming no TRE does not.
     */
    @Test
    void operatorChangePullsNeedTheNamedTreNotAnAttach() throws Exception {
        String pcid = "001010000000890";
        Map<String, Object> reg = new java.util.LinkedHashMap<>();
        reg.put("pcid", pcid);
        reg.put("treId", "tre-0001");
        reg.put("shoId", "sho2");
        reg.put("shoUrl", lab.sho2.url().toString());
        reg.put("operation", "operator-change");
        assertEquals(201, Lab.post(lab.sho2Client, lab.drfOperator("/drf/v1/registrations"), reg).status());
        Lab.Answer a = lab.pull(lab.tre, pcid, lab.clock.instant());
        assertEquals(200, a.status(), () -> "" + a.body());
        assertEquals("operator-change", a.body().path("path").asText());
        Credential other = lab.supplier.issue("tre-0002", CertificateAuthority.Usage.SIGNING, List.of(), List.of(), lab.clock.instant(),
                Duration.ofDays(10));
        assertRefused(403, "wrong-tre", lab.pull(other, pcid, lab.clock.instant()));
        reg.remove("treId");
        assertEquals(200, Lab.post(lab.sho2Client, lab.drfOperator("/drf/v1/registrations"), reg).status());
        assertRefused(403, "not-attached", lab.pull(lab.tre, pcid, lab.clock.instant()));
    }

    @Test
    void pullRefusals() throws Exception {
        String pcid = "001010000000888";
        assertRefused(404, "unknown-pcid", lab.pull(lab.tre, pcid, lab.clock.instant()));
        assertEquals(201, lab.register(lab.sho1Client, "sho1", pcid, "tre-0001").status());
        // Registered but never reported attached, and unauthenticated non-3GPP access is off here.
        assertRefused(403, "not-attached", lab.pull(lab.tre, pcid, lab.clock.instant()));
        lab.drf.attach(pcid, InetAddress.getLoopbackAddress(), lab.clock.instant()).get(10, TimeUnit.SECONDS);
        Credential other = lab.supplier.issue("tre-0002", CertificateAuthority.Usage.SIGNING, List.of(), List.of(), lab.clock.instant(),
                Duration.ofDays(10));
        assertRefused(403, "wrong-tre", lab.pull(other, pcid, lab.clock.instant()));
        assertRefused(403, "stale-request", lab.pull(lab.tre, pcid, lab.clock.instant().minus(Duration.ofMinutes(5))));
        CertificateAuthority rogue = CertificateAuthority.newRoot("rogue supplier", lab.clock.instant(), Duration.ofDays(10), lab.random);
        Credential fake = rogue.issue("tre-0001", CertificateAuthority.Usage.SIGNING, List.of(), List.of(), lab.clock.instant(),
                Duration.ofDays(10));
        assertRefused(403, "untrusted-signer", lab.pull(fake, pcid, lab.clock.instant()));
        assertRefused(400, "malformed-request", Lab.post(lab.device, lab.drfDevice("/drf/v1/bootstrap"), Map.of("request", 1)));
        assertRefused(400, "malformed", Lab.post(lab.device, lab.drfDevice("/drf/v1/bootstrap"), Map.of("request", "{}")));
        assertRefused(415, "unsupported-media-type", Lab.post(lab.device, lab.drfDevice("/drf/v1/bootstrap"), "{}", "text/plain"));
        assertEquals(200, lab.pull(lab.tre, pcid, lab.clock.instant()).status());
    }
}
