package org.openmcim.pki;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.bouncycastle.crypto.params.ECPublicKeyParameters;

/**
 * Certification path validation (RFC 5280 §6) by the JDK's PKIX validator, with each certificate's
 * signature checked by Bouncy Castle.
 *
 * <p>Why: the JDK's PKIX validator checks a certificate's signature through the certificate object
 * ({@code X509Certificate.verify(PublicKey)}), and the JDK's own certificate objects do that with
 * SunEC, whose P-256 verification is 5–10× slower here than Bouncy Castle's. The JDK hides that cost
 * for certificates it has seen: it keeps parsed certificates (750) and, in each, the key its
 * signature verified with. A TRE's platform certificate is new to every service that sees it (each
 * device is provisioned once), so the DRF, the DPF and the PVA paid a SunEC verification per session
 * (docs/benchmarks.md, issue #5). Here each path certificate goes to the validator wrapped in a
 * {@link BcCheckedCertificate}, which checks an ECDSA P-256 signature with Bouncy Castle's arithmetic
 * (about 0.2 ms against SunEC's 1.0 ms here); the PKIX rules (names, validity at {@code at}, basic
 * constraints, key usage of the CAs, critical extensions) stay the JDK's. No provider is registered
 * in {@code java.security.Security}, so nothing else in the process changes. Revocation is not
 * checked: this project's roots issue no CRLs or OCSP (the development PKI, {@link DevelopmentPki}).
 *
 * <p>An instance remembers the points of the issuers' keys it has checked signatures with (the
 * supplier CA that certifies every TRE, the RO root...): Bouncy Castle attaches its precomputed
 * multiples to the point object and widens them after a few uses, so a signature by a known issuer
 * verifies in about half the time a new point takes (90 against 200 µs here). The JDK's own PKIX
 * remembered, in each certificate object, that its signature had verified; that no longer applies,
 * so a certificate seen again costs one of these verifications where it cost nothing, and a
 * certificate never seen costs that instead of SunEC's 1 ms. Thread-safe.
 */
public final class CertificatePaths {
    /** Issuer keys remembered (least recently used first out): a deployment has a handful of CAs. */
    static final int ISSUER_POINTS = 64;

    private final Map<PublicKey, ECPublicKeyParameters> issuerPoints = Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<PublicKey, ECPublicKeyParameters> eldest) {
                    return size() > ISSUER_POINTS;
                }
            });

    /**
     * The certification path in {@code chain} (leaf first): a self-signed certificate at its end is a
     * root, not a member of the path, and is left out (RFC 5280 §6.1: the trust anchor is an input).
     */
    public static List<X509Certificate> pathOf(List<X509Certificate> chain) {
        List<X509Certificate> path = new ArrayList<>(chain);
        X509Certificate last = path.get(path.size() - 1);
        if (path.size() > 1 && selfIssued(last)) {
            path.remove(path.size() - 1);
        }
        return path;
    }

    /**
     * Validates {@code path} (leaf first, without its root) to one of {@code anchors} at {@code at}.
     *
     * @throws GeneralSecurityException if the path does not validate (the JDK's reason in the message)
     */
    public void validate(List<X509Certificate> path, Collection<X509Certificate> anchors, Instant at)
            throws GeneralSecurityException {
        if (path.isEmpty()) {
            throw new java.security.cert.CertPathValidatorException("empty certification path");
        }
        Set<TrustAnchor> trust = new HashSet<>();
        for (X509Certificate a : anchors) {
            trust.add(new TrustAnchor(a, null));
        }
        PKIXParameters p = new PKIXParameters(trust);
        p.setRevocationEnabled(false);
        p.setDate(Date.from(at));
        CertPathValidator.getInstance("PKIX").validate(
                CertificateFactory.getInstance("X.509").generateCertPath(checkedByBouncyCastle(path)), p);
    }

    /** {@code true} if {@code chain} (leaf first, a root at its end or not) validates to {@code anchor} at {@code at}. */
    public boolean chainsTo(List<X509Certificate> chain, X509Certificate anchor, Instant at) {
        List<X509Certificate> path = new ArrayList<>();
        for (X509Certificate c : chain) {
            if (!selfIssued(c)) {
                path.add(c); // self-signed roots are anchors, not path members
            }
        }
        if (path.isEmpty()) {
            return false;
        }
        try {
            validate(path, List.of(anchor), at);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static boolean selfIssued(X509Certificate c) {
        return c.getSubjectX500Principal().equals(c.getIssuerX500Principal());
    }

    private List<X509Certificate> checkedByBouncyCastle(List<X509Certificate> path) {
        List<X509Certificate> out = new ArrayList<>(path.size());
        for (X509Certificate c : path) {
            out.add(new BcCheckedCertificate(c, this::issuerPoint));
        }
        return out;
    }

    /** The P-256 point of an issuer's key, the same object for the same key while remembered; null if not P-256. */
    private ECPublicKeyParameters issuerPoint(PublicKey key) {
        ECPublicKeyParameters q = issuerPoints.get(key);
        if (q == null) {
            q = P256.point(key);
            if (q != null) {
                issuerPoints.put(key, q);
            }
        }
        return q;
    }
}
