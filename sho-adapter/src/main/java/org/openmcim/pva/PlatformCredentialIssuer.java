package org.openmcim.pva;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import org.openmcim.pki.CertificateAuthority;
import org.openmcim.wire.jws.Jws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * IoT seed §2.6, third bullet: the PVA "obtaining new Platform Credentials when required, e.g.
 * after a remote update of the M2M/IoT Node". After an update the device's measurements change;
 * once the administrator has registered the new reference values, the device proves with its
 * CURRENT platform credential that it is intact in the new state, and proves possession of a NEW
 * platform key. The PVA certifies the new key for the same TRE id and revokes the old credential,
 * so an attestation under the old one is refused from then on.
 *
 * <p>The attestation's nonce must be the base64url SHA-256 of the new key's SubjectPublicKeyInfo:
 * the old platform key thereby signs WHICH key is to succeed it. Without that binding anyone who
 * captured one attestation could have their own key certified for the TRE. Freshness comes from
 * the attestation age limit and single use from revoking the old credential.
 */
public final class PlatformCredentialIssuer {
    private final CertificateAuthority ca;
    private final Duration validity;
    private final ObjectMapper json = new ObjectMapper();

    /** @param ca the issuing CA; its certificate must be among the PVA's supplier roots, or nobody will accept what it issues */
    public PlatformCredentialIssuer(CertificateAuthority ca, Duration validity) {
        this.ca = ca;
        this.validity = validity;
    }

    public X509Certificate caCertificate() {
        return ca.certificate();
    }

    /** The outcome: a refusal reason, or the new chain (leaf, CA) and the revoked serial. */
    public record Result(String error, PlatformValidation.Verdict verdict, List<X509Certificate> chain, String revokedSerial) {
        public boolean issued() {
            return error == null;
        }
    }

    /**
     * @param attestation by the current platform credential, its nonce {@link #keyNonce} of the new key, with the post-update measurements
     * @param newPublicKey base64 SubjectPublicKeyInfo of the new P-256 platform key
     * @param keyProof a JWS compact serialization (ES256) by the new key over {"treId", "nonce"}
     */
    public synchronized Result renew(PlatformValidation validation, String attestation, String newPublicKey, String keyProof, Instant now) {
        PublicKey key;
        String nonce;
        try {
            byte[] spki = Base64.getDecoder().decode(newPublicKey);
            key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(spki));
            if (!(key instanceof ECPublicKey ec) || ec.getParams().getCurve().getField().getFieldSize() != 256) {
                return new Result("bad-key", null, List.of(), null);
            }
            nonce = keyNonce(spki);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return new Result("bad-key", null, List.of(), null);
        }
        PlatformValidation.Verdict v = validation.validate(attestation, nonce, now);
        if (!v.valid()) {
            return new Result("platform-invalid", v, List.of(), null);
        }
        try {
            JsonNode proof = json.readTree(new String(Jws.verifyCompact(keyProof, key), StandardCharsets.UTF_8));
            if (!v.treId().equals(proof.path("treId").asText()) || !nonce.equals(proof.path("nonce").asText())) {
                return new Result("bad-key-proof", v, List.of(), null);
            }
        } catch (Jws.InvalidJwsException | java.io.IOException | RuntimeException e) {
            return new Result("bad-key-proof", v, List.of(), null);
        }
        X509Certificate old = oldCertificate(attestation, validation, now);
        X509Certificate cert = ca.certify(v.treId(), key, CertificateAuthority.Usage.SIGNING, List.of(), List.of(), now, validity);
        validation.revoke(old.getSerialNumber()); // the pre-update credential no longer vouches for this TRE
        return new Result(null, v, List.of(cert, ca.certificate()), old.getSerialNumber().toString(16));
    }

    /** The attestation nonce that commits to a new key: base64url(SHA-256(SubjectPublicKeyInfo)). */
    public static String keyNonce(byte[] subjectPublicKeyInfo) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    java.security.MessageDigest.getInstance("SHA-256").digest(subjectPublicKeyInfo));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate oldCertificate(String attestation, PlatformValidation validation, Instant now) {
        try {
            return new org.openmcim.wire.platform.PlatformAttestationCodec().verify(attestation, validation.supplierRoots(), now)
                    .platformCertificate();
        } catch (Jws.InvalidJwsException e) {
            throw new IllegalStateException("validated a moment ago", e);
        }
    }
}
