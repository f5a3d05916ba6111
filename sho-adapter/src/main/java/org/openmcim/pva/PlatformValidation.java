package org.openmcim.pva;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

import org.openmcim.wire.jws.Jws;
import org.openmcim.wire.platform.PlatformAttestation;
import org.openmcim.wire.platform.PlatformAttestationCodec;

/**
 * The PVA's decision (TR 33.812 steps 12-14; IoT seed §2.6): is this TRE authentic and intact? The
 * platform credential must chain to a trusted M2ME supplier root, the measurements must be signed
 * by the TRE platform key and equal the reference values registered for the device model, the
 * credential must not be revoked, and the attestation must answer this session's nonce. Returns a
 * verdict with a reason; never throws on bad input.
 */
public final class PlatformValidation {
    /** Why a TRE is refused, or OK. */
    public enum Reason {
        OK, MALFORMED, UNKNOWN_SUPPLIER, BAD_SIGNATURE, TRE_ID_MISMATCH, STALE_NONCE, UNKNOWN_MODEL, MEASUREMENT_MISMATCH, REVOKED
    }

    /**
     * What the PVA decided about {@code treId}; {@code platformCertificate} is the x5t#S256 thumbprint
     * (RFC 7515 §4.1.8: base64url SHA-256 of the DER) of the platform credential whose signature on
     * the attestation verified, null when none did. It binds a valid verdict to one key, so the SHO
     * seals the MCIM to the key the PVA validated without verifying the attestation a second time.
     */
    public record Verdict(Reason reason, String treId, String detail, String platformCertificate) {
        public Verdict(Reason reason, String treId, String detail) {
            this(reason, treId, detail, null);
        }

        public boolean valid() {
            return reason == Reason.OK;
        }
    }

    /** The x5t#S256 thumbprint of {@code c} (RFC 7515 §4.1.8). */
    public static String thumbprint(X509Certificate c) {
        try {
            return java.util.Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(java.security.MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 or certificate encoding unavailable", e);
        }
    }

    private final PlatformAttestationCodec codec = new PlatformAttestationCodec();
    private final List<X509Certificate> supplierRoots;
    /** model → component → expected SHA-256 (hex, lower case). */
    private final Map<String, Map<String, String>> references = new ConcurrentHashMap<>();
    /** Revoked platform credentials by certificate serial (an OCSP-style status, TR §5.1.3.6.2 note). */
    private final Set<BigInteger> revoked = ConcurrentHashMap.newKeySet();
    private final Duration maxAge;

    public PlatformValidation(List<X509Certificate> supplierRoots, Duration maxAge) {
        this.supplierRoots = List.copyOf(supplierRoots);
        this.maxAge = maxAge;
    }

    /** Registers the reference measurements of a device model (the PVA's admin API). */
    public void registerReference(String model, Map<String, String> componentSha256) {
        references.put(model, Map.copyOf(componentSha256));
    }

    public void revoke(BigInteger platformCertificateSerial) {
        revoked.add(platformCertificateSerial);
    }

    /** The supplier roots platform credentials must chain to. */
    public List<X509Certificate> supplierRoots() {
        return supplierRoots;
    }

    public boolean isRevoked(BigInteger serial) {
        return revoked.contains(serial);
    }

    /** Validates {@code signedAttestation}, which must answer {@code expectedNonce}, at {@code now}. */
    public Verdict validate(String signedAttestation, String expectedNonce, Instant now) {
        PlatformAttestationCodec.Verified v;
        try {
            v = codec.verify(signedAttestation, supplierRoots, now);
        } catch (Jws.InvalidJwsException e) {
            Reason r = switch (e.reason()) {
                case "untrusted-signer" -> Reason.UNKNOWN_SUPPLIER;
                case "bad-signature" -> Reason.BAD_SIGNATURE;
                default -> Reason.MALFORMED;
            };
            return new Verdict(r, null, e.getMessage());
        }
        PlatformAttestation a = v.attestation();
        String signer = thumbprint(v.platformCertificate());
        if (!a.treId().equals(commonName(v.platformCertificate()))) {
            return new Verdict(Reason.TRE_ID_MISMATCH, a.treId(), "attestation names a TRE its credential does not", signer);
        }
        if (revoked.contains(v.platformCertificate().getSerialNumber())) {
            return new Verdict(Reason.REVOKED, a.treId(), "platform credential revoked", signer);
        }
        if (!a.nonce().equals(expectedNonce) || a.issuedAt().isBefore(now.minus(maxAge)) || a.issuedAt().isAfter(now.plus(Duration.ofMinutes(2)))) {
            return new Verdict(Reason.STALE_NONCE, a.treId(), "not an answer to this session", signer);
        }
        Map<String, String> ref = references.get(a.model());
        if (ref == null) {
            return new Verdict(Reason.UNKNOWN_MODEL, a.treId(), "no reference values for model " + a.model(), signer);
        }
        Map<String, String> got = new java.util.HashMap<>();
        for (PlatformAttestation.Measurement m : a.measurements()) {
            got.put(m.component(), m.sha256().toLowerCase(java.util.Locale.ROOT));
        }
        for (Map.Entry<String, String> e : ref.entrySet()) {
            if (!e.getValue().equalsIgnoreCase(got.get(e.getKey()))) {
                return new Verdict(Reason.MEASUREMENT_MISMATCH, a.treId(), "component " + e.getKey() + " differs from its reference", signer);
            }
        }
        return new Verdict(Reason.OK, a.treId(), "authentic and intact", signer);
    }

    private static String commonName(X509Certificate c) {
        try {
            for (Rdn rdn : new LdapName(c.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
        } catch (javax.naming.InvalidNameException e) {
            return null;
        }
        return null;
    }
}
