package org.openmcim.wire.jws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Base64;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openmcim.aka.VectorFile;

/** ES256 against the published RFC 7515 example: signing input, base64url and raw R‖S agree with the spec. */
class JwsTest {
    static Stream<Arguments> rfc7515() {
        return VectorFile.arguments("vectors/jws-rfc7515.txt");
    }

    static PublicKey p256(String x, String y) throws Exception {
        AlgorithmParameters ap = AlgorithmParameters.getInstance("EC");
        ap.init(new ECGenParameterSpec("secp256r1"));
        ECParameterSpec spec = ap.getParameterSpec(ECParameterSpec.class);
        Base64.Decoder d = Base64.getUrlDecoder();
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(
                new ECPoint(new BigInteger(1, d.decode(x)), new BigInteger(1, d.decode(y))), spec));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rfc7515")
    void verifiesThePublishedExample(VectorFile.Vector v) throws Exception {
        byte[] payload = Jws.verifyCompact(v.get("jws"), p256(v.get("x"), v.get("y")));
        assertTrue(new String(payload, StandardCharsets.UTF_8).startsWith(v.get("payload-prefix")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rfc7515")
    void refusesTheExampleAltered(VectorFile.Vector v) throws Exception {
        String jws = v.get("jws");
        PublicKey key = p256(v.get("x"), v.get("y"));
        // Last signature character Q -> A flips bits of S.
        String badSig = jws.substring(0, jws.length() - 1) + "A";
        assertEquals("bad-signature", assertThrows(Jws.InvalidJwsException.class, () -> Jws.verifyCompact(badSig, key)).reason());
        // The same signature over another payload.
        String[] p = jws.split("\\.");
        String otherPayload = p[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString("{}".getBytes()) + "." + p[2];
        assertEquals("bad-signature", assertThrows(Jws.InvalidJwsException.class, () -> Jws.verifyCompact(otherPayload, key)).reason());
        // "alg": "none" is never accepted (RFC 8725 §3.1).
        String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes()) + "." + p[1] + ".";
        assertEquals("unsupported-algorithm", assertThrows(Jws.InvalidJwsException.class, () -> Jws.verifyCompact(none, key)).reason());
    }

    /**
     * What we sign, the JDK's own ECDSA (SunEC, P1363 = R‖S) verifies, and the reverse: two
     * independent implementations agree; k from RFC 6979 makes the signature of one input one value.
     */
    @org.junit.jupiter.api.Test
    void signaturesInteroperateWithTheJdk() throws Exception {
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC", "SunEC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        java.security.KeyPair kp = g.generateKeyPair();
        byte[] input = "eyJhbGciOiJFUzI1NiJ9.eyJ4IjoxfQ".getBytes(StandardCharsets.US_ASCII);
        byte[] ours = Jws.es256Sign(kp.getPrivate(), input);
        assertEquals(64, ours.length);
        java.security.Signature jdk = java.security.Signature.getInstance("SHA256withECDSAinP1363Format", "SunEC");
        jdk.initVerify(kp.getPublic());
        jdk.update(input);
        assertTrue(jdk.verify(ours), "SunEC verifies our signature");
        jdk.initSign(kp.getPrivate());
        jdk.update(input);
        byte[] theirs = jdk.sign();
        assertTrue(Jws.es256Verify(kp.getPublic(), input, theirs), "we verify SunEC's signature");
        assertTrue(java.util.Arrays.equals(ours, Jws.es256Sign(kp.getPrivate(), input)), "RFC 6979: deterministic");
        input[0] ^= 1;
        assertTrue(!Jws.es256Verify(kp.getPublic(), input, ours), "another input does not verify");
        // A P-384 key is not an ES256 key.
        java.security.KeyPairGenerator g384 = java.security.KeyPairGenerator.getInstance("EC", "SunEC");
        g384.initialize(new ECGenParameterSpec("secp384r1"));
        java.security.KeyPair other = g384.generateKeyPair();
        assertThrows(java.security.GeneralSecurityException.class, () -> Jws.es256Sign(other.getPrivate(), input));
        assertTrue(!Jws.es256Verify(other.getPublic(), input, ours));
    }

    /**
     * A chain validated once is remembered, but only for the type, the roots and the dates it was
     * validated for: the same JWS is refused as another type, under other roots and outside the
     * signer's validity, the remembered chain notwithstanding, and still accepted where it was.
     */
    @org.junit.jupiter.api.Test
    void aRememberedChainIsUsedOnlyForItsRootsAndDates(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.time.Instant t0 = java.time.Instant.parse("2026-11-23T12:00:00Z");
        java.security.SecureRandom random = new java.security.SecureRandom();
        org.openmcim.pki.CertificateAuthority root = org.openmcim.pki.CertificateAuthority.newRoot("test-root", t0, java.time.Duration.ofDays(30),
                random);
        org.openmcim.pki.CertificateAuthority other = org.openmcim.pki.CertificateAuthority.newRoot("other-root", t0,
                java.time.Duration.ofDays(30), random);
        org.openmcim.pki.Credential signer = root.issue("signer", org.openmcim.pki.CertificateAuthority.Usage.SIGNING, java.util.List.of(),
                java.util.List.of(), t0, java.time.Duration.ofDays(1));
        Jws jws = new Jws();
        String signed = jws.sign("{\"x\":1}".getBytes(StandardCharsets.UTF_8), signer, "test+json");
        java.util.List<java.security.cert.X509Certificate> roots = java.util.List.of(root.certificate());
        for (int i = 0; i < 2; i++) {
            assertEquals("{\"x\":1}", new String(jws.verify(signed, roots, "test+json", t0.plusSeconds(60)).payload(), StandardCharsets.UTF_8));
        }
        assertEquals("untrusted-signer", assertThrows(Jws.InvalidJwsException.class,
                () -> jws.verify(signed, java.util.List.of(other.certificate()), "test+json", t0.plusSeconds(60))).reason());
        assertEquals("untrusted-signer", assertThrows(Jws.InvalidJwsException.class,
                () -> jws.verify(signed, roots, "test+json", t0.plus(java.time.Duration.ofDays(2)))).reason());
        assertEquals("untrusted-signer", assertThrows(Jws.InvalidJwsException.class,
                () -> jws.verify(signed, roots, "test+json", t0.minus(java.time.Duration.ofHours(1)))).reason(), "before notBefore");
        jws.verify(signed, roots, "test+json", t0.plusSeconds(120));
        assertEquals("wrong-type", assertThrows(Jws.InvalidJwsException.class,
                () -> jws.verify(signed, roots, "other+json", t0.plusSeconds(60))).reason());
        // The remembered chain does not vouch for a signature: an altered payload is still refused.
        com.fasterxml.jackson.databind.node.ObjectNode o = (com.fasterxml.jackson.databind.node.ObjectNode)
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(signed);
        o.put("payload", Base64.getUrlEncoder().withoutPadding().encodeToString("{\"x\":2}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("bad-signature", assertThrows(Jws.InvalidJwsException.class,
                () -> jws.verify(o.toString(), roots, "test+json", t0.plusSeconds(60))).reason());
    }

    /**
     * One verifier, two types of JWS from one signer (the DPF: a TRE's attestation, then its report
     * proof): the chain validated for the first is used for the second, under the same conditions —
     * the second type's own check, the same roots, the dates — and each signature is still verified.
     */
    @org.junit.jupiter.api.Test
    void aChainValidatedForOneTypeServesAnotherOnlyUnderTheSameConditions() throws Exception {
        java.time.Instant t0 = java.time.Instant.parse("2026-11-23T12:00:00Z");
        java.security.SecureRandom random = new java.security.SecureRandom();
        org.openmcim.pki.CertificateAuthority root = org.openmcim.pki.CertificateAuthority.newRoot("test-root", t0, java.time.Duration.ofDays(30),
                random);
        org.openmcim.pki.CertificateAuthority other = org.openmcim.pki.CertificateAuthority.newRoot("test-root", t0, java.time.Duration.ofDays(30),
                random); // same name, another key: a look-alike
        org.openmcim.pki.Credential signer = root.issue("tre", org.openmcim.pki.CertificateAuthority.Usage.SIGNING, java.util.List.of(),
                java.util.List.of(), t0, java.time.Duration.ofDays(1));
        java.util.List<java.security.cert.X509Certificate> roots = java.util.List.of(root.certificate());
        java.time.Instant at = t0.plusSeconds(60);
        Jws jws = new Jws();
        String first = jws.sign("{\"a\":1}".getBytes(StandardCharsets.UTF_8), signer, "first+json");
        String second = jws.sign("{\"b\":2}".getBytes(StandardCharsets.UTF_8), signer, "second+json");
        jws.verify(first, roots, "first+json", at);
        assertEquals("{\"b\":2}", new String(jws.verify(second, roots, "second+json", at).payload(), StandardCharsets.UTF_8));
        Jws fresh = new Jws();
        fresh.verify(first, roots, "first+json", at);
        assertEquals("wrong-type", assertThrows(Jws.InvalidJwsException.class, () -> fresh.verify(second, roots, "first+json", at)).reason());
        assertEquals("untrusted-signer", assertThrows(Jws.InvalidJwsException.class,
                () -> fresh.verify(second, java.util.List.of(other.certificate()), "second+json", at)).reason());
        assertEquals("untrusted-signer", assertThrows(Jws.InvalidJwsException.class,
                () -> fresh.verify(second, roots, "second+json", t0.plus(java.time.Duration.ofDays(2)))).reason());
        com.fasterxml.jackson.databind.node.ObjectNode o = (com.fasterxml.jackson.databind.node.ObjectNode)
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(second);
        o.put("payload", Base64.getUrlEncoder().withoutPadding().encodeToString("{\"b\":3}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("bad-signature", assertThrows(Jws.InvalidJwsException.class,
                () -> fresh.verify(o.toString(), roots, "second+json", at)).reason());
        fresh.verify(second, roots, "second+json", at);
    }

    /**
     * The flattened JWS text is what Jackson writes for the three members (RFC 7515 §7.2.2), and the
     * protected header, built once per signer chain and type, is the one a fresh instance builds: alg,
     * typ and the chain's DER in x5c (§4.1.6). Another type or another chain gets its own header.
     */
    @org.junit.jupiter.api.Test
    void signedTextAndRememberedHeadersAreTheSameAsBuiltFresh() throws Exception {
        java.time.Instant t0 = java.time.Instant.parse("2026-11-23T12:00:00Z");
        java.security.SecureRandom random = new java.security.SecureRandom();
        org.openmcim.pki.CertificateAuthority root = org.openmcim.pki.CertificateAuthority.newRoot("test-root", t0, java.time.Duration.ofDays(30),
                random);
        org.openmcim.pki.Credential a = root.issue("a", org.openmcim.pki.CertificateAuthority.Usage.SIGNING, java.util.List.of(),
                java.util.List.of(), t0, java.time.Duration.ofDays(1));
        org.openmcim.pki.Credential b = root.issue("b", org.openmcim.pki.CertificateAuthority.Usage.SIGNING, java.util.List.of(),
                java.util.List.of(), t0, java.time.Duration.ofDays(1));
        com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
        Jws jws = new Jws();
        byte[] payload = "{\"x\":1}".getBytes(StandardCharsets.UTF_8);
        java.util.List<String> headers = new java.util.ArrayList<>();
        for (org.openmcim.pki.Credential signer : java.util.List.of(a, b, a, b)) {
            for (String type : new String[] {"one+json", "two+json", null, "one+json"}) {
                String signed = jws.sign(payload, signer, type);
                com.fasterxml.jackson.databind.JsonNode n = m.readTree(signed);
                assertEquals(m.writeValueAsString(n), signed, "Jackson's text for the same members");
                java.util.List<String> names = new java.util.ArrayList<>();
                n.fieldNames().forEachRemaining(names::add);
                assertEquals(java.util.List.of("protected", "payload", "signature"), names);
                String fresh = m.readTree(new Jws().sign(payload, signer, type)).get("protected").asText();
                assertEquals(fresh, n.get("protected").asText());
                com.fasterxml.jackson.databind.JsonNode h = m.readTree(Base64.getUrlDecoder().decode(fresh));
                assertEquals("ES256", h.get("alg").asText());
                assertEquals(type, h.has("typ") ? h.get("typ").asText() : null);
                assertEquals(Base64.getEncoder().encodeToString(signer.certificate().getEncoded()), h.get("x5c").get(0).asText());
                assertEquals(signer.chain().size(), h.get("x5c").size());
                headers.add(fresh);
                jws.verify(signed, java.util.List.of(root.certificate()), type, t0.plusSeconds(60));
            }
        }
        assertEquals(6, new java.util.HashSet<>(headers).size(), "two chains × three types");
    }
}
