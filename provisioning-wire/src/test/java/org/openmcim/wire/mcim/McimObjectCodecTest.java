package org.openmcim.wire.mcim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmcim.pki.CertificateAuthority;
import org.openmcim.pki.DevelopmentPki;
import org.openmcim.wire.jws.Jws;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Seal for a TRE, sign as the SHO, open in the TRE; every way it can go wrong yields nothing. */
class McimObjectCodecTest {
    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    static final String TRE = "tre-0001";
    @TempDir
    static Path tmp;
    static DevelopmentPki pki;
    static KeyPair treKey;
    final SecureRandom random = new SecureRandom();
    final McimObjectCodec codec = new McimObjectCodec(random);
    final McimCredential mcim = new McimCredential("999700000000042", HexFormat.of().parseHex("465b5ce8b199b49faa5f0a2ee238a6bc"),
            HexFormat.of().parseHex("cd63cb71954a9f4e48a5994e37a02baf"), new byte[] {(byte) 0x80, 0}, 0, "milenage", "internet",
            "491710000042");

    @BeforeAll
    static void setUp() throws Exception {
        pki = DevelopmentPki.init(tmp.resolve("pki"), T0.minus(Duration.ofDays(1)), new SecureRandom(), false);
        treKey = CertificateAuthority.newKeyPair(new SecureRandom()); // the TRE platform key, made at manufacture
    }

    McimObject object() {
        return new McimObject(codec.newObjectId(), TRE, "sho1", T0, "initial", List.of(
                new McimPart("mcim", McimPart.Kind.CREDENTIAL, true, mcim.toJson()),
                new McimPart("app:meter-reading", McimPart.Kind.APPLICATION, false, "meter v1".getBytes(StandardCharsets.UTF_8))), null);
    }

    String reason(String sealed, java.security.PrivateKey key, String treId) {
        return assertThrows(Jws.InvalidJwsException.class,
                () -> codec.open(sealed, treId, key, List.of(pki.root("sho1-root")), T0)).reason();
    }

    @Test
    void theTreOpensWhatTheShoSealed() throws Exception {
        McimObject o = object();
        String sealed = codec.seal(o, treKey.getPublic(), pki.credential("sho1"));
        McimObject opened = codec.open(sealed, TRE, treKey.getPrivate(), List.of(pki.root("sho1-root")), T0);
        assertEquals(o.objectId(), opened.objectId());
        McimCredential back = McimCredential.fromJson(opened.part("mcim").content());
        assertEquals(mcim.imsi(), back.imsi());
        assertArrayEquals(mcim.k(), back.k());
        assertArrayEquals(mcim.opc(), back.opc());
        assertArrayEquals(o.part("app:meter-reading").content(), opened.part("app:meter-reading").content());
    }

    /** The DPF relays it and can check the SHO's signature, but never sees K or OPc. */
    @Test
    void theDpfSeesNoKeys() throws Exception {
        String sealed = codec.seal(object(), treKey.getPublic(), pki.credential("sho1"));
        var header = codec.inspect(sealed, List.of(pki.root("sho1-root")), T0);
        assertEquals(TRE, header.path("treId").asText());
        String everything = sealed + header;
        assertFalse(everything.contains("465b5ce8b199b49faa5f0a2ee238a6bc"));
        assertFalse(everything.contains("cd63cb71954a9f4e48a5994e37a02baf"));
    }

    @Test
    void refusals() throws Exception {
        String sealed = codec.seal(object(), treKey.getPublic(), pki.credential("sho1"));
        assertEquals("wrong-tre", reason(sealed, treKey.getPrivate(), "tre-0002"));
        KeyPair otherTre = CertificateAuthority.newKeyPair(random);
        assertEquals("undecryptable", reason(sealed, otherTre.getPrivate(), TRE));
        String bySho2 = codec.seal(object(), treKey.getPublic(), pki.credential("sho2"));
        assertEquals("untrusted-signer", reason(bySho2, treKey.getPrivate(), TRE));
    }

    /**
     * One flipped ciphertext bit. Relayed unchanged, the SHO signature catches it; even if the object
     * were signed again after the change, GCM authentication in the TRE refuses the part.
     */
    @Test
    void oneFlippedBitIsRefused() throws Exception {
        String sealed = codec.seal(object(), treKey.getPublic(), pki.credential("sho1"));
        ObjectMapper json = new ObjectMapper();
        ObjectNode jws = (ObjectNode) json.readTree(sealed);
        ObjectNode payload = (ObjectNode) json.readTree(Base64.getUrlDecoder().decode(jws.get("payload").asText()));
        ObjectNode sealedPart = (ObjectNode) payload.get("parts").get(0).get("sealed");
        byte[] ct = Base64.getUrlDecoder().decode(sealedPart.get("ct").asText());
        ct[3] ^= 0x01;
        sealedPart.put("ct", Base64.getUrlEncoder().withoutPadding().encodeToString(ct));
        byte[] alteredPayload = json.writeValueAsBytes(payload);
        jws.put("payload", Base64.getUrlEncoder().withoutPadding().encodeToString(alteredPayload));
        assertEquals("bad-signature", reason(jws.toString(), treKey.getPrivate(), TRE));
        String resigned = new Jws().sign(alteredPayload, pki.credential("sho1"), McimObjectCodec.TYPE);
        assertEquals("undecryptable", reason(resigned, treKey.getPrivate(), TRE));
    }

    @Test
    void credentialPartsAreAlwaysSealedAndNeverPrinted() {
        assertThrows(IllegalArgumentException.class, () -> new McimPart("mcim", McimPart.Kind.CREDENTIAL, false, new byte[1]));
        assertTrue(mcim.toString().startsWith("McimCredential[999700000000042"));
        assertFalse(mcim.toString().contains("465b5ce8"));
    }

    /**
     * "epk" is the SubjectPublicKeyInfo the JCA writes (RFC 5480, named curve, uncompressed point):
     * the JDK's own provider reads it and writes back the same octets.
     */
    @Test
    void theEphemeralKeyIsAStandardSubjectPublicKeyInfo() throws Exception {
        String sealed = codec.seal(object(), treKey.getPublic(), pki.credential("sho1"));
        var header = codec.inspect(sealed, List.of(pki.root("sho1-root")), T0);
        byte[] epk = Base64.getUrlDecoder().decode(header.path("parts").get(0).path("sealed").path("epk").asText());
        java.security.PublicKey k = java.security.KeyFactory.getInstance("EC", "SunEC").generatePublic(new java.security.spec.X509EncodedKeySpec(epk));
        assertArrayEquals(epk, k.getEncoded());
    }

    /**
     * A part sealed by another implementation — the JDK's ECDH on a JDK key pair, HKDF and AES-GCM as
     * docs/mcim-object.md describes them — opens, with the ephemeral key written as this codec writes
     * it and compressed (SEC 1 §2.3.3); a TRE key from the JDK opens what this codec seals; a point
     * off the curve is refused.
     */
    @Test
    void partsInteroperateWithTheJdksEcdh() throws Exception {
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC", "SunEC");
        g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        KeyPair tre = g.generateKeyPair();
        KeyPair eph = g.generateKeyPair();
        javax.crypto.KeyAgreement ka = javax.crypto.KeyAgreement.getInstance("ECDH", "SunEC");
        ka.init(eph.getPrivate());
        ka.doPhase(tre.getPublic(), true);
        byte[] z = ka.generateSecret();
        org.bouncycastle.crypto.generators.HKDFBytesGenerator hkdf =
                new org.bouncycastle.crypto.generators.HKDFBytesGenerator(new org.bouncycastle.crypto.digests.SHA256Digest());
        hkdf.init(new org.bouncycastle.crypto.params.HKDFParameters(z, "obj-1".getBytes(StandardCharsets.US_ASCII),
                "OpenMCIM MCIMobj v1\0mcim\0tre-0001".getBytes(StandardCharsets.UTF_8)));
        byte[] key = new byte[32];
        hkdf.generateBytes(key, 0, 32);
        byte[] iv = new byte[12];
        javax.crypto.Cipher c = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
        c.init(javax.crypto.Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(key, "AES"), new javax.crypto.spec.GCMParameterSpec(128, iv));
        c.updateAAD("obj-1/mcim".getBytes(StandardCharsets.UTF_8));
        byte[] ct = c.doFinal("credential".getBytes(StandardCharsets.UTF_8));
        Base64.Encoder b64u = Base64.getUrlEncoder().withoutPadding();
        ObjectMapper json = new ObjectMapper();
        ObjectNode part = json.createObjectNode().put("epk", b64u.encodeToString(eph.getPublic().getEncoded()))
                .put("iv", b64u.encodeToString(iv)).put("ct", b64u.encodeToString(ct));
        assertArrayEquals("credential".getBytes(StandardCharsets.UTF_8), codec.openPart("obj-1", "mcim", TRE, part, tre.getPrivate()));
        org.bouncycastle.jcajce.provider.asymmetric.ec.BCECPublicKey compressed = (org.bouncycastle.jcajce.provider.asymmetric.ec.BCECPublicKey)
                java.security.KeyFactory.getInstance("EC", new org.bouncycastle.jce.provider.BouncyCastleProvider())
                        .generatePublic(new java.security.spec.X509EncodedKeySpec(eph.getPublic().getEncoded()));
        compressed.setPointFormat("COMPRESSED");
        assertTrue(compressed.getEncoded().length < eph.getPublic().getEncoded().length);
        part.put("epk", b64u.encodeToString(compressed.getEncoded()));
        assertArrayEquals("credential".getBytes(StandardCharsets.UTF_8), codec.openPart("obj-1", "mcim", TRE, part, tre.getPrivate()));
        byte[] offCurve = eph.getPublic().getEncoded();
        offCurve[offCurve.length - 1] ^= 1;
        part.put("epk", b64u.encodeToString(offCurve));
        assertEquals("malformed", assertThrows(Jws.InvalidJwsException.class, () -> codec.openPart("obj-1", "mcim", TRE, part, tre.getPrivate())).reason());

        String sealed = codec.seal(object(), tre.getPublic(), pki.credential("sho1"));
        McimObject opened = codec.open(sealed, TRE, tre.getPrivate(), List.of(pki.root("sho1-root")), T0);
        assertArrayEquals(mcim.k(), McimCredential.fromJson(opened.part("mcim").content()).k());
    }
}
