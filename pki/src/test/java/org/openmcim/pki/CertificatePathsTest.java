package org.openmcim.pki;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The PKIX rules of {@link CertificatePaths} are the JDK's (RFC 5280 §6) while the signatures are
 * checked by Bouncy Castle: every way a path can be wrong is still refused, with certificates as the
 * services get them (parsed by the JDK's factory from a TLS peer or a JWS x5c).
 */
class CertificatePathsTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Instant NOW = Instant.parse("2026-11-24T04:00:00Z");

    private final CertificateAuthority supplier = CertificateAuthority.newRoot("supplier-root", NOW.minusSeconds(3600), Duration.ofDays(30), RANDOM);
    private final CertificateAuthority other = CertificateAuthority.newRoot("other-root", NOW.minusSeconds(3600), Duration.ofDays(30), RANDOM);
    private final CertificatePaths paths = new CertificatePaths();
    private final Credential tre = supplier.issue("tre-1", CertificateAuthority.Usage.SIGNING, List.of(), List.of(), NOW, Duration.ofDays(1));

    @Test
    void aLeafValidatesToItsRootAndToNoOther() throws Exception {
        List<X509Certificate> path = CertificatePaths.pathOf(tre.chain());
        assertEquals(List.of(tre.certificate()), path, "the self-signed root at the chain's end is the anchor, not a path member");
        assertDoesNotThrow(() -> paths.validate(path, List.of(supplier.certificate()), NOW));
        assertDoesNotThrow(() -> paths.validate(path, List.of(other.certificate(), supplier.certificate()), NOW));
        assertThrows(GeneralSecurityException.class, () -> paths.validate(path, List.of(other.certificate()), NOW));
        assertTrue(paths.chainsTo(tre.chain(), supplier.certificate(), NOW));
        assertFalse(paths.chainsTo(tre.chain(), other.certificate(), NOW));
        assertFalse(paths.chainsTo(List.of(supplier.certificate()), supplier.certificate(), NOW), "a root alone is no path");
    }

    @Test
    void theDateIsTheCallersAndEveryCertificateMustCoverIt() {
        List<X509Certificate> path = List.of(tre.certificate());
        List<X509Certificate> anchors = List.of(supplier.certificate());
        assertDoesNotThrow(() -> paths.validate(path, anchors, NOW.plus(Duration.ofHours(23))));
        assertThrows(GeneralSecurityException.class, () -> paths.validate(path, anchors, NOW.plus(Duration.ofDays(2))));
        assertThrows(GeneralSecurityException.class, () -> paths.validate(path, anchors, NOW.minus(Duration.ofHours(1))));
    }

    @Test
    void aSignatureThatDoesNotVerifyIsRefused() throws Exception {
        // The leaf as a peer would send it, its ECDSA signature's last octet changed: the JDK's factory
        // parses it without complaint, so only the signature check (Bouncy Castle's here) can refuse it.
        byte[] der = tre.certificate().getEncoded();
        der[der.length - 1] ^= 0x01;
        X509Certificate forged = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        assertThrows(GeneralSecurityException.class, () -> paths.validate(List.of(forged), List.of(supplier.certificate()), NOW));
        assertFalse(paths.chainsTo(List.of(forged, supplier.certificate()), supplier.certificate(), NOW));
        // The same octets unaltered still validate: it is the signature that failed, not the parsing.
        X509Certificate genuine = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(tre.certificate().getEncoded()));
        assertDoesNotThrow(() -> paths.validate(List.of(genuine), List.of(supplier.certificate()), NOW));
    }

    @Test
    void theWrapperChecksP256SignaturesItselfAndStrictly() throws Exception {
        BcCheckedCertificate c = new BcCheckedCertificate(tre.certificate(), P256::point);
        assertDoesNotThrow(() -> c.verify(supplier.certificate().getPublicKey()));
        assertThrows(java.security.SignatureException.class, () -> c.verify(other.certificate().getPublicKey()));
        assertThrows(java.security.SignatureException.class, () -> c.verify(tre.certificate().getPublicKey()), "its own key did not sign it");
        assertThrows(java.security.SignatureException.class, () -> c.verify(other.certificate().getPublicKey(), (String) null),
                "the JDK's PKIX validator calls this form, with no provider named");
        assertEquals(tre.certificate(), c, "equal by encoding, as X509Certificate defines it");
        // A non-minimal DER encoding of the same (r, s) is refused (RFC 5280 §4.1.1.3: the DER value):
        // one extra 0x00 octet before r, with the lengths adjusted, still means the same integers.
        byte[] sig = tre.certificate().getSignature();
        int rLen = sig[3];
        byte[] loose = new byte[sig.length + 1];
        loose[0] = 0x30;
        loose[1] = (byte) (sig[1] + 1);
        loose[2] = 0x02;
        loose[3] = (byte) (rLen + 1);
        loose[4] = 0x00;
        System.arraycopy(sig, 4, loose, 5, sig.length - 4);
        X509Certificate loosened = new java.security.cert.X509Certificate() {
            // only what BcCheckedCertificate.verify reads
            @Override public byte[] getSignature() { return loose; }
            @Override public String getSigAlgOID() { return tre.certificate().getSigAlgOID(); }
            @Override public byte[] getTBSCertificate() throws java.security.cert.CertificateEncodingException { return tre.certificate().getTBSCertificate(); }
            @Override public void verify(java.security.PublicKey k) throws java.security.SignatureException { throw new java.security.SignatureException("not this path"); }
            @Override public void checkValidity() { }
            @Override public void checkValidity(java.util.Date d) { }
            @Override public int getVersion() { return 3; }
            @Override public java.math.BigInteger getSerialNumber() { return null; }
            @Override public java.security.Principal getIssuerDN() { return null; }
            @Override public java.security.Principal getSubjectDN() { return null; }
            @Override public java.util.Date getNotBefore() { return null; }
            @Override public java.util.Date getNotAfter() { return null; }
            @Override public String getSigAlgName() { return null; }
            @Override public byte[] getSigAlgParams() { return null; }
            @Override public boolean[] getIssuerUniqueID() { return null; }
            @Override public boolean[] getSubjectUniqueID() { return null; }
            @Override public boolean[] getKeyUsage() { return null; }
            @Override public int getBasicConstraints() { return -1; }
            @Override public byte[] getEncoded() { return new byte[0]; }
            @Override public void verify(java.security.PublicKey k, String p) throws java.security.SignatureException { throw new java.security.SignatureException("not this path"); }
            @Override public String toString() { return "loosened"; }
            @Override public java.security.PublicKey getPublicKey() { return null; }
            @Override public boolean hasUnsupportedCriticalExtension() { return false; }
            @Override public java.util.Set<String> getCriticalExtensionOIDs() { return null; }
            @Override public java.util.Set<String> getNonCriticalExtensionOIDs() { return null; }
            @Override public byte[] getExtensionValue(String oid) { return null; }
        };
        java.security.SignatureException e = assertThrows(java.security.SignatureException.class,
                () -> new BcCheckedCertificate(loosened, P256::point).verify(supplier.certificate().getPublicKey()));
        assertEquals("malformed ECDSA signature value", e.getMessage());
    }

    @Test
    void aLeafCannotActAsACertificationAuthority() {
        // tre-1 (basicConstraints cA=false, keyUsage without keyCertSign) signs a certificate for a key
        // of its own choosing; RFC 5280 §6.1.4 (k), (n) refuse the path even though every signature verifies.
        CertificateAuthority leafAsCa = CertificateAuthority.of(tre, RANDOM);
        Credential rogue = leafAsCa.issue("rogue", CertificateAuthority.Usage.SIGNING, List.of(), List.of(), NOW, Duration.ofDays(1));
        assertThrows(GeneralSecurityException.class,
                () -> paths.validate(List.of(rogue.certificate(), tre.certificate()), List.of(supplier.certificate()), NOW));
        assertThrows(GeneralSecurityException.class, () -> paths.validate(List.of(), List.of(supplier.certificate()), NOW));
    }
}
