package org.openmcim.wire.mcim;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.agreement.ECDHBasicAgreement;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.util.BigIntegers;
import org.openmcim.pki.Credential;
import org.openmcim.pki.P256;
import org.openmcim.wire.jws.Jws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * MCIMobj to and from its protected form (docs/mcim-object.md): each sensitive part sealed to the
 * TRE platform key — ephemeral ECDH on P-256, HKDF-SHA-256, AES-256-GCM — and the whole object
 * signed by the SHO as a JWS ({@code typ: openmcim-mcimobj+json}). Encrypt-then-sign: the DPF can
 * check the SHO's signature without being able to read the credentials; the TRE checks it before
 * decrypting anything.
 */
public final class McimObjectCodec {
    public static final String TYPE = "openmcim-mcimobj+json";
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();
    /**
     * DER of a P-256 SubjectPublicKeyInfo up to the point (RFC 5480 §2.1.1: id-ecPublicKey, namedCurve
     * secp256r1; a BIT STRING of 66 octets), what the JCA's {@code getEncoded()} wrote for "epk".
     */
    private static final byte[] SPKI_P256_PREFIX = java.util.HexFormat.of().parseHex("3059301306072a8648ce3d020106082a8648ce3d030107034200");
    private static final byte[] INFO = "OpenMCIM MCIMobj v1".getBytes(StandardCharsets.US_ASCII);
    private static final Base64.Encoder B64U = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64U_DEC = Base64.getUrlDecoder();

    private final ObjectMapper json = new ObjectMapper();
    private final Jws jws = new Jws();
    private final SecureRandom random;

    public McimObjectCodec(SecureRandom random) {
        this.random = random;
    }

    /** A fresh object id (16 random octets, base64url). */
    public String newObjectId() {
        byte[] id = new byte[16];
        random.nextBytes(id);
        return B64U.encodeToString(id);
    }

    /** Seals the sensitive parts to {@code trePlatformKey} and signs the object with {@code sho}. */
    public String seal(McimObject o, PublicKey trePlatformKey, Credential sho) {
        ObjectNode root = json.createObjectNode();
        root.put("version", 1).put("objectId", o.objectId()).put("treId", o.treId()).put("sho", o.sho())
                .put("issuedAt", o.issuedAt().toString()).put("operation", o.operation());
        if (o.authorizationToken() != null) {
            root.put("authorizationToken", o.authorizationToken());
        }
        ArrayNode parts = root.putArray("parts");
        try {
            for (McimPart p : o.parts()) {
                ObjectNode n = parts.addObject().put("id", p.id()).put("kind", p.kind().name().toLowerCase(java.util.Locale.ROOT))
                        .put("sha256", B64U.encodeToString(MessageDigest.getInstance("SHA-256").digest(p.content())));
                if (p.sensitive()) {
                    n.set("sealed", sealPart(o, p, trePlatformKey));
                } else {
                    n.put("content", B64U.encodeToString(p.content()));
                }
            }
            return jws.sign(json.writeValueAsBytes(root), sho, TYPE);
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot seal MCIMobj: " + e.getMessage(), e);
        }
    }

    /** The SHO-signed header of an MCIMobj without decrypting anything (what the DPF sees). */
    public JsonNode inspect(String sealed, List<X509Certificate> shoRoots, Instant now) throws Jws.InvalidJwsException {
        try {
            return json.readTree(jws.verify(sealed, shoRoots, TYPE, now).payload());
        } catch (java.io.IOException e) {
            throw new Jws.InvalidJwsException("malformed: payload is not JSON");
        }
    }

    /**
     * What the TRE does (step 18): verify the SHO signature against its trusted SHO roots, check the
     * object is addressed to {@code treId}, decrypt each sealed part with the platform key and
     * check every part's hash. Any failure throws and yields nothing, so the TRE keeps its state.
     */
    public McimObject open(String sealed, String treId, PrivateKey platformKey, List<X509Certificate> shoRoots, Instant now)
            throws Jws.InvalidJwsException {
        JsonNode root = inspect(sealed, shoRoots, now);
        if (root.path("version").asInt() != 1) {
            throw new Jws.InvalidJwsException("unsupported-version: expected 1");
        }
        if (!treId.equals(root.path("treId").asText())) {
            throw new Jws.InvalidJwsException("wrong-tre: addressed to another TRE");
        }
        String objectId = root.path("objectId").asText();
        List<McimPart> parts = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonNode n : root.path("parts")) {
            String id = n.path("id").asText();
            if (!seen.add(id)) {
                throw new Jws.InvalidJwsException("malformed: part " + id + " twice");
            }
            McimPart.Kind kind;
            try {
                kind = McimPart.Kind.valueOf(n.path("kind").asText().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new Jws.InvalidJwsException("malformed: part kind");
            }
            byte[] content;
            boolean sensitive = n.has("sealed");
            try {
                content = sensitive ? openPart(objectId, id, treId, n.get("sealed"), platformKey) : B64U_DEC.decode(n.path("content").asText());
            } catch (IllegalArgumentException e) {
                throw new Jws.InvalidJwsException("malformed: part " + id);
            }
            byte[] expected = B64U_DEC.decode(n.path("sha256").asText());
            try {
                if (!MessageDigest.isEqual(expected, MessageDigest.getInstance("SHA-256").digest(content))) {
                    throw new Jws.InvalidJwsException("bad-part: hash of " + id + " does not match");
                }
                parts.add(new McimPart(id, kind, sensitive, content));
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new Jws.InvalidJwsException("malformed: part " + id);
            }
        }
        try {
            return new McimObject(objectId, treId, root.path("sho").asText(), Instant.parse(root.path("issuedAt").asText()),
                    root.path("operation").asText(), parts,
                    root.hasNonNull("authorizationToken") ? root.get("authorizationToken").asText() : null);
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw new Jws.InvalidJwsException("malformed: " + e.getMessage());
        }
    }

    private ObjectNode sealPart(McimObject o, McimPart p, PublicKey tre) throws GeneralSecurityException {
        return sealPart(o.objectId(), p.id(), o.treId(), p.content(), tre);
    }

    /**
     * One part sealed to the TRE platform key (docs/mcim-object.md "Per-part sealing"), bound to
     * {@code objectId}, {@code partId} and {@code treId}; also what {@link PcidRenewalCodec} seals.
     */
    ObjectNode sealPart(String objectId, String partId, String treId, byte[] content, PublicKey tre)
            throws GeneralSecurityException {
        ECPublicKeyParameters trePoint = P256.point(tre);
        if (trePoint == null) {
            throw new GeneralSecurityException("the TRE platform key must be a P-256 key");
        }
        // A fresh ephemeral key per part (docs/mcim-object.md "Per-part sealing") from Bouncy Castle's
        // lightweight generator on the shared domain: the JCA route looked the curve up by name,
        // converted its parameters and built and encoded JCA key objects for every part, a third of
        // the key generation's samples in the issue #5 profile; ECDH likewise (below).
        ECKeyPairGenerator g = new ECKeyPairGenerator();
        g.init(new ECKeyGenerationParameters(P256.DOMAIN, random));
        AsymmetricCipherKeyPair eph = g.generateKeyPair();
        byte[] key = partKey(ecdh((ECPrivateKeyParameters) eph.getPrivate(), trePoint), objectId, partId, treId);
        byte[] iv = new byte[12];
        random.nextBytes(iv);
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
        c.updateAAD(aad(objectId, partId));
        byte[] ct = c.doFinal(content);
        Arrays.fill(key, (byte) 0);
        return json.createObjectNode().put("epk", B64U.encodeToString(subjectPublicKeyInfo((ECPublicKeyParameters) eph.getPublic())))
                .put("iv", B64U.encodeToString(iv)).put("ct", B64U.encodeToString(ct));
    }

    byte[] openPart(String objectId, String partId, String treId, JsonNode sealed, PrivateKey platformKey)
            throws Jws.InvalidJwsException {
        try {
            ECPublicKeyParameters epk = ephemeralKey(B64U_DEC.decode(sealed.path("epk").asText()));
            if (epk == null) {
                throw new Jws.InvalidJwsException("malformed: ephemeral key must be P-256");
            }
            byte[] key;
            if (platformKey instanceof ECPrivateKey k && P256.is(k.getParams())) {
                key = partKey(ecdh(new ECPrivateKeyParameters(k.getS(), P256.DOMAIN), epk), objectId, partId, treId);
            } else {
                // A platform key that does not show its scalar (a token's handle): its own provider's ECDH.
                KeyAgreement ka = KeyAgreement.getInstance("ECDH");
                ka.init(platformKey);
                ka.doPhase(KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(subjectPublicKeyInfo(epk))), true);
                key = partKey(ka.generateSecret(), objectId, partId, treId);
            }
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, B64U_DEC.decode(sealed.path("iv").asText())));
            c.updateAAD(aad(objectId, partId));
            byte[] plain = c.doFinal(B64U_DEC.decode(sealed.path("ct").asText()));
            Arrays.fill(key, (byte) 0);
            return plain;
        } catch (javax.crypto.AEADBadTagException e) {
            throw new Jws.InvalidJwsException("undecryptable: part " + partId + " fails authentication (wrong TRE key or altered)");
        } catch (GeneralSecurityException | IllegalArgumentException | IllegalStateException e) {
            throw new Jws.InvalidJwsException("undecryptable: part " + partId);
        }
    }

    /**
     * The ECDH shared secret Z (SEC 1 §3.3.1: the x-coordinate of d·Q, 32 octets for P-256), with
     * Bouncy Castle's constant-time multiplication, as its JCA {@code KeyAgreement("ECDH")} computed it.
     */
    private static byte[] ecdh(ECPrivateKeyParameters own, ECPublicKeyParameters peer) {
        ECDHBasicAgreement a = new ECDHBasicAgreement();
        a.init(own);
        return BigIntegers.asUnsignedByteArray(a.getFieldSize(), a.calculateAgreement(peer));
    }

    /**
     * {@code epk} as a point of P-256, checked to lie on the curve; null if it is no P-256 key. The
     * encoding this codec writes (named curve, uncompressed point) is read directly; any other
     * SubjectPublicKeyInfo of a P-256 key (explicit parameters, a compressed point) through the JCA.
     */
    private static ECPublicKeyParameters ephemeralKey(byte[] epk) throws GeneralSecurityException {
        try {
            if (epk.length == SPKI_P256_PREFIX.length + 65
                    && Arrays.equals(epk, 0, SPKI_P256_PREFIX.length, SPKI_P256_PREFIX, 0, SPKI_P256_PREFIX.length)) {
                // decodePoint and ECPublicKeyParameters refuse a point off the curve or at infinity.
                return new ECPublicKeyParameters(P256.DOMAIN.getCurve().decodePoint(Arrays.copyOfRange(epk, SPKI_P256_PREFIX.length, epk.length)), P256.DOMAIN);
            }
            return P256.point(KeyFactory.getInstance("EC", BC).generatePublic(new X509EncodedKeySpec(epk)));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** RFC 5480 §2: SubjectPublicKeyInfo of a P-256 key, the named curve and the uncompressed point (SEC 1 §2.3.3). */
    private static byte[] subjectPublicKeyInfo(ECPublicKeyParameters k) {
        byte[] point = k.getQ().getEncoded(false);
        byte[] out = Arrays.copyOf(SPKI_P256_PREFIX, SPKI_P256_PREFIX.length + point.length);
        System.arraycopy(point, 0, out, SPKI_P256_PREFIX.length, point.length);
        return out;
    }

    /** HKDF-SHA-256 (RFC 5869): IKM = ECDH secret {@code z} (zeroed here), salt = object id, info = label ‖ part id ‖ TRE id. */
    private static byte[] partKey(byte[] z, String objectId, String partId, String treId) {
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        byte[] info = concat(INFO, new byte[] {0}, partId.getBytes(StandardCharsets.UTF_8), new byte[] {0},
                treId.getBytes(StandardCharsets.UTF_8));
        hkdf.init(new HKDFParameters(z, objectId.getBytes(StandardCharsets.US_ASCII), info));
        byte[] key = new byte[32];
        hkdf.generateBytes(key, 0, key.length);
        Arrays.fill(z, (byte) 0);
        return key;
    }

    private static byte[] aad(String objectId, String partId) {
        return (objectId + "/" + partId).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }
}
