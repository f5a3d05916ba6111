package org.openmcim.wire.jws;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.util.BigIntegers;
import org.openmcim.pki.CertificatePaths;
import org.openmcim.pki.Credential;
import org.openmcim.pki.P256;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * JSON Web Signature (RFC 7515) with ES256 only (RFC 7518 §3.4: ECDSA P-256 SHA-256, signature as
 * the raw 64-octet R ‖ S, not DER), in the flattened JSON serialization (§7.2.2), with the signer's
 * certificate chain in the protected "x5c" header (§4.1.6). Any JOSE library can read what this
 * writes; nothing here accepts another algorithm, "none" included (RFC 8725 §3.1).
 */
public final class Jws {
    private static final Base64.Encoder B64U = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64U_DEC = Base64.getUrlDecoder();
    private static final int MAX_SIZE = 64 * 1024;

    /** Validates signer chains; remembers the issuers' points, as this instance remembers chains. */
    private final CertificatePaths paths = new CertificatePaths();

    /** How many validated chains {@link #verify} remembers (least recently used first out). */
    static final int VALIDATED_CHAINS = 256;

    private final ObjectMapper json = new ObjectMapper();

    /**
     * Signer chains this instance has validated, by the protected header that carried them (alg, typ
     * and x5c, the same for every JWS of one signer and type): the same RO, SHO and PVA chains arrive
     * with every bootstrap, verdict and MCIMobj, and each verification decoded and parsed the header,
     * parsed the chain and ran PKIX again. What PKIX decides without revocation checking (RFC 5280 §6.1) depends only on the
     * certificates, the trust anchors and the date, so an entry holds the roots it was validated
     * against and the interval in which every certificate of the path is valid, and is used only for
     * the same roots and a date inside it. It also holds the leaf's public key as a Bouncy Castle
     * point, to which Bouncy Castle attaches the multiples it precomputes for verification.
     * Per instance (each codec owns one), bounded, least recently used out.
     */
    private final java.util.Map<String, ValidatedChain> validated = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<String, ValidatedChain> eldest) {
                    return size() > VALIDATED_CHAINS;
                }
            });

    /**
     * The same validated chains by their x5c array alone (the JSON text of the header's "x5c"), whatever
     * the JWS type: one verifier that gets several kinds of JWS from one signer (the DPF: a TRE's
     * platform attestation, then its report proof, TR 33.812 steps 11 and 19) parses and validates the
     * chain once, and verifies each signature with one point, whose precomputed multiples it keeps.
     * Only consulted after the header's alg and typ were checked; same bounds and conditions as
     * {@link #validated}.
     */
    private final java.util.Map<String, ValidatedChain> validatedByX5c = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<String, ValidatedChain> eldest) {
                    return size() > VALIDATED_CHAINS;
                }
            });

    private record ValidatedChain(String type, List<X509Certificate> chain, List<X509Certificate> roots, Instant notBefore,
                                  Instant notAfter, ECPublicKeyParameters leafKey) {
        boolean covers(String expectedType, List<X509Certificate> trusted, Instant at) {
            return (expectedType == null || expectedType.equals(type)) && !at.isBefore(notBefore) && !at.isAfter(notAfter)
                    && (roots == trusted || roots.equals(trusted));
        }
    }

    /** A verified JWS: the payload octets and the signer's certificate (already validated). */
    public record Verified(byte[] payload, X509Certificate signer) {
    }

    /** Why a JWS was refused; the reason is safe to return to a peer (no secret in it). */
    public static final class InvalidJwsException extends Exception {
        private final String reason;

        public InvalidJwsException(String reason) {
            super(reason);
            this.reason = reason;
        }

        /** A short machine-readable reason, e.g. {@code bad-signature}. */
        public String reason() {
            return reason.contains(":") ? reason.substring(0, reason.indexOf(':')) : reason;
        }
    }

    /**
     * The base64url protected headers this instance has written, by signer chain and type: the header
     * (alg, typ and the whole x5c chain, RFC 7515 §4.1.6) is the same for every JWS one credential signs
     * with one type, and building it — each certificate's DER copied and base64-encoded, the JSON
     * written, then base64url-encoded — cost about 10 µs of every signature (issue #5 profile). Keyed
     * by the chain's value (certificates compare by their DER), so nothing but identical octets is
     * re-used; bounded, least recently used out (the load tool signs for hundreds of TREs).
     */
    private final java.util.Map<HeaderKey, String> headers = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<HeaderKey, String> eldest) {
                    return size() > VALIDATED_CHAINS;
                }
            });

    private record HeaderKey(List<X509Certificate> chain, String type) {
    }

    /** Signs {@code payload} (typically UTF-8 JSON) with {@code signer}, its chain going into x5c. */
    public String sign(byte[] payload, Credential signer, String type) {
        try {
            String protectedB64 = protectedHeader(signer.chain(), type);
            String payloadB64 = B64U.encodeToString(payload);
            byte[] sig = es256Sign(signer.key(), (protectedB64 + "." + payloadB64).getBytes(StandardCharsets.US_ASCII));
            // RFC 7515 §7.2.2, flattened: the three members are base64url, which needs no JSON escaping
            // (RFC 8259 §7), so this is the text Jackson wrote for them, without building a tree per JWS.
            return "{\"protected\":\"" + protectedB64 + "\",\"payload\":\"" + payloadB64 + "\",\"signature\":\""
                    + B64U.encodeToString(sig) + "\"}";
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot sign: " + e.getMessage(), e);
        }
    }

    /** The base64url JWS Protected Header for {@code chain} and {@code type}, built once per pair ({@link #headers}). */
    private String protectedHeader(List<X509Certificate> chain, String type) throws GeneralSecurityException, java.io.IOException {
        HeaderKey key = new HeaderKey(chain, type);
        String known = headers.get(key);
        if (known != null) {
            return known;
        }
        ObjectNode header = json.createObjectNode().put("alg", "ES256");
        if (type != null) {
            header.put("typ", type);
        }
        ArrayNode x5c = header.putArray("x5c");
        for (X509Certificate c : chain) {
            x5c.add(Base64.getEncoder().encodeToString(c.getEncoded())); // §4.1.6: standard base64 DER
        }
        String out = B64U.encodeToString(json.writeValueAsBytes(header));
        headers.put(new HeaderKey(List.copyOf(chain), type), out);
        return out;
    }

    /**
     * Verifies a flattened JWS whose x5c chain must lead to one of {@code trustedRoots} at
     * {@code at}, with {@code expectedType} in "typ".
     */
    public Verified verify(String jws, List<X509Certificate> trustedRoots, String expectedType, Instant at)
            throws InvalidJwsException {
        if (jws.length() > MAX_SIZE) {
            throw new InvalidJwsException("too-large: more than " + MAX_SIZE + " characters");
        }
        JsonNode root;
        try {
            root = json.readTree(jws);
        } catch (java.io.IOException e) {
            throw new InvalidJwsException("malformed: not JSON");
        }
        String protectedB64 = text(root, "protected");
        String payloadB64 = text(root, "payload");
        String signatureB64 = text(root, "signature");
        ValidatedChain signer = validated.get(protectedB64);
        if (signer == null || !signer.covers(expectedType, trustedRoots, at)) {
            signer = validate(protectedB64, expectedType, trustedRoots, at);
        }
        List<X509Certificate> chain = signer.chain();
        byte[] signature;
        byte[] payload;
        try {
            signature = B64U_DEC.decode(signatureB64);
            payload = B64U_DEC.decode(payloadB64);
        } catch (IllegalArgumentException e) {
            throw new InvalidJwsException("malformed: base64url");
        }
        if (signer.leafKey() == null
                || !es256Verify(signer.leafKey(), (protectedB64 + "." + payloadB64).getBytes(StandardCharsets.US_ASCII), signature)) {
            throw new InvalidJwsException("bad-signature: the signature does not verify");
        }
        return new Verified(payload, chain.get(0));
    }

    /**
     * Decodes the protected header, checks alg and typ, and validates its x5c chain to
     * {@code trustedRoots} at {@code at}; remembered in {@link #validated} when all is well.
     */
    private ValidatedChain validate(String protectedB64, String expectedType, List<X509Certificate> trustedRoots, Instant at)
            throws InvalidJwsException {
        JsonNode header;
        try {
            header = json.readTree(B64U_DEC.decode(protectedB64));
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw new InvalidJwsException("malformed: protected header");
        }
        if (header == null || !"ES256".equals(header.path("alg").asText(null))) {
            throw new InvalidJwsException("unsupported-algorithm: only ES256 is accepted");
        }
        String type = header.path("typ").asText(null);
        if (expectedType != null && !expectedType.equals(type)) {
            throw new InvalidJwsException("wrong-type: expected " + expectedType);
        }
        JsonNode x5c = header.get("x5c");
        String x5cKey = x5c == null ? null : x5c.toString();
        ValidatedChain known = x5cKey == null ? null : validatedByX5c.get(x5cKey);
        ValidatedChain v;
        if (known != null && known.covers(null, trustedRoots, at)) {
            v = new ValidatedChain(type, known.chain(), known.roots(), known.notBefore(), known.notAfter(), known.leafKey());
        } else {
            List<X509Certificate> chain = chain(header);
            validateChain(chain, trustedRoots, at);
            Instant notBefore = Instant.MIN;
            Instant notAfter = Instant.MAX;
            for (X509Certificate c : pathOf(chain)) {
                notBefore = max(notBefore, c.getNotBefore().toInstant());
                notAfter = min(notAfter, c.getNotAfter().toInstant());
            }
            v = new ValidatedChain(type, List.copyOf(chain), List.copyOf(trustedRoots), notBefore, notAfter,
                    P256.point(chain.get(0).getPublicKey()));
            validatedByX5c.put(x5cKey, v);
        }
        validated.put(protectedB64, v);
        return v;
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    /** Verifies a JWS Compact Serialization against a bare public key (RFC 7515 §7.1). */
    public static byte[] verifyCompact(String compact, PublicKey key) throws InvalidJwsException {
        String[] parts = compact.split("\\.", -1);
        if (parts.length != 3) {
            throw new InvalidJwsException("malformed: compact JWS needs three parts");
        }
        JsonNode header;
        try {
            header = new ObjectMapper().readTree(B64U_DEC.decode(parts[0]));
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw new InvalidJwsException("malformed: protected header");
        }
        if (header == null || !"ES256".equals(header.path("alg").asText(null))) {
            throw new InvalidJwsException("unsupported-algorithm: only ES256 is accepted");
        }
        if (!es256Verify(key, (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII), B64U_DEC.decode(parts[2]))) {
            throw new InvalidJwsException("bad-signature: the signature does not verify");
        }
        return B64U_DEC.decode(parts[1]);
    }

    /**
     * ECDSA P-256 over SHA-256 of {@code input} (RFC 7518 §3.4), R ‖ S as two 32-octet big-endian
     * integers. Bouncy Castle's lightweight signer on the one shared P-256 domain: through the JCA
     * ({@code Signature.initSign}) every call converted the key's parameters into a new generator
     * point and rebuilt the generator's fixed-point table, about half of each signature (profile of
     * the issue #5 benchmark). k is derived as in RFC 6979 §3.2 (HMAC-SHA-256), so signing needs no
     * random source and a weak one cannot leak the key; verifiers cannot tell and need not.
     */
    static byte[] es256Sign(PrivateKey key, byte[] input) throws GeneralSecurityException {
        if (!(key instanceof ECPrivateKey k) || !P256.is(k.getParams())) {
            throw new GeneralSecurityException("ES256 needs a P-256 private key");
        }
        ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        signer.init(true, new ECPrivateKeyParameters(k.getS(), P256.DOMAIN));
        BigInteger[] rs = signer.generateSignature(sha256(input));
        byte[] out = new byte[64];
        BigIntegers.asUnsignedByteArray(rs[0], out, 0, 32);
        BigIntegers.asUnsignedByteArray(rs[1], out, 32, 32);
        return out;
    }

    /** The check of {@link #es256Sign}: false for anything but a valid signature by {@code key}. */
    static boolean es256Verify(PublicKey key, byte[] input, byte[] signature) {
        ECPublicKeyParameters q = P256.point(key);
        return q != null && es256Verify(q, input, signature);
    }

    private static boolean es256Verify(ECPublicKeyParameters q, byte[] input, byte[] signature) {
        if (signature.length != 64) {
            return false; // RFC 7518 §3.4: exactly 64 octets for P-256
        }
        try {
            ECDSASigner verifier = new ECDSASigner();
            verifier.init(false, q);
            // r and s outside [1, n-1] are refused by verifySignature itself.
            return verifier.verifySignature(sha256(input), new BigInteger(1, Arrays.copyOfRange(signature, 0, 32)),
                    new BigInteger(1, Arrays.copyOfRange(signature, 32, 64)));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return false;
        }
    }

    private static byte[] sha256(byte[] input) throws GeneralSecurityException {
        return MessageDigest.getInstance("SHA-256").digest(input);
    }

    private static String text(JsonNode root, String field) throws InvalidJwsException {
        JsonNode n = root.get(field);
        if (n == null || !n.isTextual()) {
            throw new InvalidJwsException("malformed: no \"" + field + "\"");
        }
        return n.asText();
    }

    private static List<X509Certificate> chain(JsonNode header) throws InvalidJwsException {
        JsonNode x5c = header.get("x5c");
        if (x5c == null || !x5c.isArray() || x5c.isEmpty() || x5c.size() > 5) {
            throw new InvalidJwsException("malformed: x5c must hold 1 to 5 certificates");
        }
        List<X509Certificate> out = new ArrayList<>();
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (JsonNode c : x5c) {
                out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(c.asText()))));
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new InvalidJwsException("malformed: x5c certificate");
        }
        return out;
    }

    private static List<X509Certificate> pathOf(List<X509Certificate> chain) {
        return CertificatePaths.pathOf(chain);
    }

    /** PKIX to one of the trusted roots (RFC 5280 §6), the leaf allowed to sign. */
    private void validateChain(List<X509Certificate> chain, List<X509Certificate> roots, Instant at) throws InvalidJwsException {
        try {
            paths.validate(pathOf(chain), roots, at);
        } catch (GeneralSecurityException e) {
            throw new InvalidJwsException("untrusted-signer: certificate chain does not lead to a trusted root");
        }
        boolean[] ku = chain.get(0).getKeyUsage();
        if (ku != null && !ku[0]) {
            throw new InvalidJwsException("untrusted-signer: certificate not for digital signatures");
        }
    }
}
