package org.openmcim.pva;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmcim.pki.CertificateAuthority;
import org.openmcim.pki.Credential;
import org.openmcim.pki.DevelopmentPki;
import org.openmcim.wire.platform.PlatformAttestation;
import org.openmcim.wire.platform.PlatformAttestationCodec;

/** Every PVA verdict, from real signatures and certificate chains (issue #6: each failure reason). */
class PlatformValidationTest {
    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    static final String BOOT = "3b1f0d2c5e8a9b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c";
    static final String FIRMWARE = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
    @TempDir
    static Path tmp;
    static DevelopmentPki pki;
    static CertificateAuthority supplier;
    static Credential tre;
    final PlatformAttestationCodec codec = new PlatformAttestationCodec();

    @BeforeAll
    static void setUp() throws Exception {
        SecureRandom r = new SecureRandom();
        pki = DevelopmentPki.init(tmp.resolve("pki"), T0.minus(Duration.ofDays(1)), r, false);
        supplier = CertificateAuthority.of(pki.credential("supplier-root"), r);
        tre = platformCredential("tre-0001", r);
    }

    /** Manufacture: the TRE makes its platform key, the supplier certifies it (IoT seed §2.6). */
    static Credential platformCredential(String treId, SecureRandom r) {
        KeyPair k = CertificateAuthority.newKeyPair(r);
        var cert = supplier.certify(treId, k.getPublic(), CertificateAuthority.Usage.SIGNING, List.of(), List.of(), T0.minus(Duration.ofDays(1)),
                Duration.ofDays(3650));
        return new Credential(k.getPrivate(), List.of(cert, supplier.certificate()));
    }

    PlatformValidation pva() {
        PlatformValidation p = new PlatformValidation(List.of(pki.root("supplier-root")), Duration.ofMinutes(10));
        p.registerReference("m2me-meter-1", Map.of("bootloader", BOOT, "firmware", FIRMWARE));
        return p;
    }

    String attest(Credential c, String treId, String model, String nonce, String firmware) {
        return codec.sign(new PlatformAttestation(treId, model, nonce, T0, List.of(
                new PlatformAttestation.Measurement("bootloader", BOOT), new PlatformAttestation.Measurement("firmware", firmware))), c);
    }

    @Test
    void authenticAndIntact() {
        PlatformValidation.Verdict v = pva().validate(attest(tre, "tre-0001", "m2me-meter-1", "n1", FIRMWARE), "n1", T0);
        assertTrue(v.valid(), v.toString());
        assertEquals("tre-0001", v.treId());
    }

    @Test
    void eachFailureReason() {
        PlatformValidation p = pva();
        assertEquals(PlatformValidation.Reason.MEASUREMENT_MISMATCH,
                p.validate(attest(tre, "tre-0001", "m2me-meter-1", "n1", BOOT), "n1", T0).reason());
        assertEquals(PlatformValidation.Reason.UNKNOWN_MODEL,
                p.validate(attest(tre, "tre-0001", "m2me-other", "n1", FIRMWARE), "n1", T0).reason());
        assertEquals(PlatformValidation.Reason.STALE_NONCE,
                p.validate(attest(tre, "tre-0001", "m2me-meter-1", "old", FIRMWARE), "n1", T0).reason());
        assertEquals(PlatformValidation.Reason.STALE_NONCE,
                p.validate(attest(tre, "tre-0001", "m2me-meter-1", "n1", FIRMWARE), "n1", T0.plus(Duration.ofHours(1))).reason());
        assertEquals(PlatformValidation.Reason.TRE_ID_MISMATCH,
                p.validate(attest(tre, "tre-9999", "m2me-meter-1", "n1", FIRMWARE), "n1", T0).reason());
        // A key certified by someone other than a trusted supplier (here: an SHO root).
        Credential forged = new Credential(pki.credential("sho1").key(), pki.credential("sho1").chain());
        assertEquals(PlatformValidation.Reason.UNKNOWN_SUPPLIER,
                p.validate(attest(forged, "sho1", "m2me-meter-1", "n1", FIRMWARE), "n1", T0).reason());
        // The right certificate, the wrong key.
        Credential otherKey = new Credential(CertificateAuthority.newKeyPair(new SecureRandom()).getPrivate(), tre.chain());
        assertEquals(PlatformValidation.Reason.BAD_SIGNATURE,
                p.validate(attest(otherKey, "tre-0001", "m2me-meter-1", "n1", FIRMWARE), "n1", T0).reason());
        assertEquals(PlatformValidation.Reason.MALFORMED, p.validate("{}", "n1", T0).reason());
        p.revoke(tre.certificate().getSerialNumber());
        assertEquals(PlatformValidation.Reason.REVOKED,
                p.validate(attest(tre, "tre-0001", "m2me-meter-1", "n1", FIRMWARE), "n1", T0).reason());
    }

    /**
     * A verdict names the key whose signature on the attestation verified (x5t#S256, RFC 7515 §4.1.8),
     * valid or not, and no key when none verified; the signed verdict carries it to the SHO and a
     * verdict without it (a PVA that does not name the key) still verifies, with none.
     */
    @Test
    void verdictNamesTheValidatedKey() throws Exception {
        PlatformValidation p = pva();
        String expected = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(java.security.MessageDigest.getInstance("SHA-256").digest(tre.certificate().getEncoded()));
        PlatformValidation.Verdict ok = p.validate(attest(tre, "tre-0001", "m2me-meter-1", "n1", FIRMWARE), "n1", T0);
        assertEquals(expected, ok.platformCertificate());
        assertEquals(expected, p.validate(attest(tre, "tre-0001", "m2me-meter-1", "n1", BOOT), "n1", T0).platformCertificate(),
                "a measurement mismatch still names the key that signed");
        Credential otherKey = new Credential(CertificateAuthority.newKeyPair(new SecureRandom()).getPrivate(), tre.chain());
        assertEquals(null, p.validate(attest(otherKey, "tre-0001", "m2me-meter-1", "n1", FIRMWARE), "n1", T0).platformCertificate(),
                "no key when the signature does not verify");
        Credential other = platformCredential("tre-0002", new SecureRandom());
        assertTrue(!expected.equals(p.validate(attest(other, "tre-0002", "m2me-meter-1", "n1", FIRMWARE), "n1", T0).platformCertificate()));

        PvaVerdictCodec verdicts = new PvaVerdictCodec();
        Credential pvaId = pki.credential("pva");
        PvaVerdictCodec.SignedVerdict signed = verdicts.verify(verdicts.sign(ok, "n1", T0, pvaId), List.of(pki.root("pva-root")), T0);
        assertEquals(expected, signed.platformCertificate());
        assertEquals(expected, signed.verdict().platformCertificate());
        PvaVerdictCodec.SignedVerdict unnamed = verdicts.verify(verdicts.sign(new PlatformValidation.Verdict(PlatformValidation.Reason.OK,
                "tre-0001", "authentic and intact"), "n1", T0, pvaId), List.of(pki.root("pva-root")), T0);
        assertTrue(unnamed.valid());
        assertEquals(null, unnamed.platformCertificate());
    }
}
