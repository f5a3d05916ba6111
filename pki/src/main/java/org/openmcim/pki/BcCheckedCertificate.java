package org.openmcim.pki;

import java.math.BigInteger;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import java.security.Principal;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SignatureException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Set;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;

/**
 * A certificate whose {@link #verify(PublicKey)} checks an ecdsa-with-SHA256 signature by a P-256 key
 * with Bouncy Castle's P-256 arithmetic (RFC 5758 §3.2, RFC 3279 §2.2.3: the signature value is the
 * DER ECDSA-Sig-Value, checked strictly); anything else, and every other method, is the wrapped
 * certificate's. {@link CertificatePaths} hands these to the JDK's PKIX validator, which checks each
 * path certificate's signature through this method (RFC 5280 §6.1.3 (a)(1)). Bouncy Castle's own
 * certificate objects would not do: their {@code verify(PublicKey)} takes the first provider that
 * offers the algorithm, which is SunEC.
 */
final class BcCheckedCertificate extends X509Certificate {
    private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";

    private final X509Certificate certificate;
    private final java.util.function.Function<PublicKey, ECPublicKeyParameters> points;

    /** @param points an issuer key as a P-256 point, or null if it is none ({@link P256#point}, or a cache of it) */
    BcCheckedCertificate(X509Certificate certificate, java.util.function.Function<PublicKey, ECPublicKeyParameters> points) {
        this.certificate = certificate;
        this.points = points;
    }

    @Override
    public void verify(PublicKey key) throws CertificateException, NoSuchAlgorithmException, InvalidKeyException,
            NoSuchProviderException, SignatureException {
        ECPublicKeyParameters q = ECDSA_WITH_SHA256.equals(certificate.getSigAlgOID()) ? points.apply(key) : null;
        if (q == null) {
            certificate.verify(key);
            return;
        }
        BigInteger[] rs;
        try {
            rs = StandardDSAEncoding.INSTANCE.decode(P256.DOMAIN.getN(), certificate.getSignature());
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new SignatureException("malformed ECDSA signature value");
        }
        byte[] tbs = certificate.getTBSCertificate();
        SHA256Digest d = new SHA256Digest();
        d.update(tbs, 0, tbs.length);
        byte[] hash = new byte[32];
        d.doFinal(hash, 0);
        ECDSASigner verifier = new ECDSASigner();
        verifier.init(false, q);
        if (!verifier.verifySignature(hash, rs[0], rs[1])) {
            throw new SignatureException("certificate signature does not verify");
        }
    }

    /** A null provider is what the JDK's PKIX validator passes when none was configured (BasicChecker): then as {@link #verify(PublicKey)}. */
    @Override
    public void verify(PublicKey key, String sigProvider) throws CertificateException, NoSuchAlgorithmException,
            InvalidKeyException, NoSuchProviderException, SignatureException {
        if (sigProvider == null) {
            verify(key);
        } else {
            certificate.verify(key, sigProvider);
        }
    }

    @Override
    public void verify(PublicKey key, Provider sigProvider) throws CertificateException, NoSuchAlgorithmException,
            InvalidKeyException, SignatureException {
        certificate.verify(key, sigProvider);
    }

    // ------------------------------------------------------------ the wrapped certificate's

    @Override
    public byte[] getEncoded() throws CertificateEncodingException {
        return certificate.getEncoded();
    }

    @Override
    public String toString() {
        return certificate.toString();
    }

    @Override
    public PublicKey getPublicKey() {
        return certificate.getPublicKey();
    }

    @Override
    public boolean hasUnsupportedCriticalExtension() {
        return certificate.hasUnsupportedCriticalExtension();
    }

    @Override
    public Set<String> getCriticalExtensionOIDs() {
        return certificate.getCriticalExtensionOIDs();
    }

    @Override
    public Set<String> getNonCriticalExtensionOIDs() {
        return certificate.getNonCriticalExtensionOIDs();
    }

    @Override
    public byte[] getExtensionValue(String oid) {
        return certificate.getExtensionValue(oid);
    }

    @Override
    public void checkValidity() throws CertificateExpiredException, CertificateNotYetValidException {
        certificate.checkValidity();
    }

    @Override
    public void checkValidity(Date date) throws CertificateExpiredException, CertificateNotYetValidException {
        certificate.checkValidity(date);
    }

    @Override
    public int getVersion() {
        return certificate.getVersion();
    }

    @Override
    public BigInteger getSerialNumber() {
        return certificate.getSerialNumber();
    }

    @Override
    @SuppressWarnings("deprecation")
    public Principal getIssuerDN() {
        return certificate.getIssuerDN();
    }

    @Override
    @SuppressWarnings("deprecation")
    public Principal getSubjectDN() {
        return certificate.getSubjectDN();
    }

    @Override
    public X500Principal getIssuerX500Principal() {
        return certificate.getIssuerX500Principal();
    }

    @Override
    public X500Principal getSubjectX500Principal() {
        return certificate.getSubjectX500Principal();
    }

    @Override
    public Date getNotBefore() {
        return certificate.getNotBefore();
    }

    @Override
    public Date getNotAfter() {
        return certificate.getNotAfter();
    }

    @Override
    public byte[] getTBSCertificate() throws CertificateEncodingException {
        return certificate.getTBSCertificate();
    }

    @Override
    public byte[] getSignature() {
        return certificate.getSignature();
    }

    @Override
    public String getSigAlgName() {
        return certificate.getSigAlgName();
    }

    @Override
    public String getSigAlgOID() {
        return certificate.getSigAlgOID();
    }

    @Override
    public byte[] getSigAlgParams() {
        return certificate.getSigAlgParams();
    }

    @Override
    public boolean[] getIssuerUniqueID() {
        return certificate.getIssuerUniqueID();
    }

    @Override
    public boolean[] getSubjectUniqueID() {
        return certificate.getSubjectUniqueID();
    }

    @Override
    public boolean[] getKeyUsage() {
        return certificate.getKeyUsage();
    }

    @Override
    public List<String> getExtendedKeyUsage() throws CertificateParsingException {
        return certificate.getExtendedKeyUsage();
    }

    @Override
    public int getBasicConstraints() {
        return certificate.getBasicConstraints();
    }

    @Override
    public Collection<List<?>> getSubjectAlternativeNames() throws CertificateParsingException {
        return certificate.getSubjectAlternativeNames();
    }

    @Override
    public Collection<List<?>> getIssuerAlternativeNames() throws CertificateParsingException {
        return certificate.getIssuerAlternativeNames();
    }
}
