package org.openmcim.wire.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmcim.pki.DevelopmentPki;
import org.openmcim.wire.jws.Jws;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

class BootstrapCodecTest {
    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    @TempDir
    static Path tmp;
    static DevelopmentPki pki;
    final BootstrapCodec codec = new BootstrapCodec();

    @BeforeAll
    static void pki() throws Exception {
        pki = DevelopmentPki.init(tmp.resolve("pki"), T0.minus(Duration.ofDays(1)), new SecureRandom(), false);
    }

    static BootstrapMessage message(String pcid) {
        return new BootstrapMessage(pcid, BootstrapCodec.newNonce(new SecureRandom()), T0, T0.plus(Duration.ofMinutes(15)),
                new BootstrapMessage.Napdef("provisioning", "ipv4"), URI.create("https://dpf.ro.localdomain:8443/dpf/v1"),
                new BootstrapMessage.Sho("sho1", "Selected Home Operator 1"),
                new BootstrapMessage.McimContext(BootstrapMessage.Operation.INITIAL, "MCIMobj"), List.of("meter-reading"), false);
    }

    String reason(String signed, List<java.security.cert.X509Certificate> roots, String pcid, Instant at) {
        return assertThrows(Jws.InvalidJwsException.class, () -> codec.verify(signed, roots, pcid, at)).reason();
    }

    @Test
    void signedByTheRoVerifiedByTheDevice() throws Exception {
        BootstrapMessage m = message("001010000000001");
        String signed = codec.sign(m, pki.credential("ro-bootstrap"));
        BootstrapMessage back = codec.verify(signed, List.of(pki.root("ro-root")), "001010000000001", T0.plusSeconds(60));
        assertEquals(m, back);
        // Readable by any JOSE implementation: flattened JSON with the standard members.
        var tree = new ObjectMapper().readTree(signed);
        assertTrue(tree.has("protected") && tree.has("payload") && tree.has("signature"));
        String header = new String(Base64.getUrlDecoder().decode(tree.get("protected").asText()), StandardCharsets.UTF_8);
        assertTrue(header.contains("\"alg\":\"ES256\"") && header.contains("\"typ\":\"openmcim-bootstrap+json\""), header);
    }

    @Test
    void refusals() throws Exception {
        String signed = codec.sign(message("001010000000001"), pki.credential("ro-bootstrap"));
        var ro = List.of(pki.root("ro-root"));
        assertEquals("wrong-pcid", reason(signed, ro, "001010000000002", T0));
        assertEquals("expired", reason(signed, ro, "001010000000001", T0.plus(Duration.ofMinutes(16))));
        assertEquals("not-yet-valid", reason(signed, ro, "001010000000001", T0.minus(Duration.ofMinutes(5))));
        assertEquals("untrusted-signer", reason(signed, List.of(pki.root("sho1-root")), "001010000000001", T0));
        // Signed by an SHO: a valid signature, but not from the RO the device trusts.
        String bySho = codec.sign(message("001010000000001"), pki.credential("sho1"));
        assertEquals("untrusted-signer", reason(bySho, ro, "001010000000001", T0));
        // A payload changed after signing.
        ObjectNode tree = (ObjectNode) new ObjectMapper().readTree(signed);
        String payload = new String(Base64.getUrlDecoder().decode(tree.get("payload").asText()), StandardCharsets.UTF_8)
                .replace("dpf.ro.localdomain", "evil.example");
        tree.put("payload", Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8)));
        assertEquals("bad-signature", reason(tree.toString(), ro, "001010000000001", T0));
        assertEquals("malformed", reason("not json", ro, null, T0));
        assertEquals("malformed", reason("{\"protected\":1}", ro, null, T0));
    }

    @Test
    void invalidMessagesAreNotSigned() {
        BootstrapMessage m = message("001010000000001");
        BootstrapMessage http = new BootstrapMessage(m.pcid(), m.nonce(), m.issuedAt(), m.expiresAt(), m.napdef(),
                URI.create("http://dpf.ro.localdomain/"), m.sho(), m.mcim(), m.applications(), false);
        assertThrows(IllegalArgumentException.class, () -> codec.sign(http, pki.credential("ro-bootstrap")));
        BootstrapMessage tooLong = new BootstrapMessage(m.pcid(), m.nonce(), m.issuedAt(), m.issuedAt().plus(Duration.ofDays(2)),
                m.napdef(), m.provUrl(), m.sho(), m.mcim(), m.applications(), false);
        assertThrows(IllegalArgumentException.class, () -> codec.sign(tooLong, pki.credential("ro-bootstrap")));
        BootstrapMessage shortNonce = new BootstrapMessage(m.pcid(), "AAAA", m.issuedAt(), m.expiresAt(), m.napdef(), m.provUrl(),
                m.sho(), m.mcim(), m.applications(), false);
        assertThrows(IllegalArgumentException.class, () -> codec.sign(shortNonce, pki.credential("ro-bootstrap")));
    }
}
