package org.openmcim.pki;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * An EC P-256 certificate authority: a self-signed root that issues end-entity certificates.
 * DESIGN.md's trust model: the RO, each SHO, the PVA and the M2ME supplier each have a root; the
 * TRE platform credential chains to the supplier's.
 *
 * <p>Key generation and signing use Bouncy Castle (P-256 ECDSA several times faster than the JDK 17
 * provider here); the certificates are plain JCA {@link X509Certificate}s.
 */
public final class CertificateAuthority {
    static final BouncyCastleProvider BC = new BouncyCastleProvider();
    private static final String SIGNATURE = "SHA256withECDSA";

    private final Credential credential;
    private final SecureRandom random;

    private CertificateAuthority(Credential credential, SecureRandom random) {
        this.credential = credential;
        this.random = random;
    }

    /** What a certificate is for. */
    public enum Usage {
        /** TLS server and client (operators talk mutual TLS, DESIGN.md). */
        TLS,
        /** Signing only: bootstrap messages (RO), MCIMobj (SHO), verdicts (PVA), measurements (TRE). */
        SIGNING,
        /** Both. */
        TLS_AND_SIGNING
    }

    public static KeyPair newKeyPair(SecureRandom random) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC", BC);
            g.initialize(new ECGenParameterSpec("secp256r1"), random);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("P-256 key generation unavailable", e);
        }
    }

    /** A new self-signed root named {@code commonName}, valid for {@code validity} from {@code now}. */
    public static CertificateAuthority newRoot(String commonName, Instant now, Duration validity, SecureRandom random) {
        KeyPair kp = newKeyPair(random);
        X500Name name = name(commonName);
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(random), Date.from(now.minusSeconds(60)),
                    Date.from(now.plus(validity)), name, kp.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
            X509Certificate cert = sign(b, kp);
            return new CertificateAuthority(new Credential(kp.getPrivate(), List.of(cert)), random);
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build root " + commonName, e);
        }
    }

    /** An authority from an existing root credential (a loaded PKI). */
    public static CertificateAuthority of(Credential root, SecureRandom random) {
        return new CertificateAuthority(root, random);
    }

    public Credential credential() {
        return credential;
    }

    public X509Certificate certificate() {
        return credential.certificate();
    }

    /** Issues a certificate for a new key pair; the chain returned is leaf, root. */
    public Credential issue(String commonName, Usage usage, List<String> dnsNames, List<String> ipAddresses, Instant now,
                            Duration validity) {
        KeyPair kp = newKeyPair(random);
        X509Certificate cert = certify(commonName, kp.getPublic(), usage, dnsNames, ipAddresses, now, validity);
        return new Credential(kp.getPrivate(), List.of(cert, certificate()));
    }

    /** Certifies someone else's public key (a TRE's platform key at manufacture). */
    public X509Certificate certify(String commonName, PublicKey publicKey, Usage usage, List<String> dnsNames,
                                   List<String> ipAddresses, Instant now, Duration validity) {
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate(), serial(random),
                    Date.from(now.minusSeconds(60)), Date.from(now.plus(validity)), name(commonName), publicKey)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(publicKey))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate()));
            int ku = KeyUsage.digitalSignature;
            if (usage != Usage.SIGNING) {
                ku |= KeyUsage.keyAgreement;
                b.addExtension(Extension.extendedKeyUsage, false,
                        new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            }
            b.addExtension(Extension.keyUsage, true, new KeyUsage(ku));
            List<GeneralName> sans = new ArrayList<>();
            dnsNames.forEach(n -> sans.add(new GeneralName(GeneralName.dNSName, n)));
            ipAddresses.forEach(ip -> sans.add(new GeneralName(GeneralName.iPAddress, ip)));
            if (!sans.isEmpty()) {
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
            }
            return sign(b, new KeyPair(certificate().getPublicKey(), credential.key()));
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot certify " + commonName, e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair issuer) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder(SIGNATURE).setProvider(BC).build(issuer.getPrivate())));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static X500Name name(String commonName) {
        return new X500Name("CN=" + commonName.replace(",", "\\,") + ",O=OpenMCIM development PKI");
    }

    private static BigInteger serial(SecureRandom random) {
        return new BigInteger(127, random).setBit(126); // positive, 16 octets, RFC 5280 §4.1.2.2
    }
}
