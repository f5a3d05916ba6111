package org.openmcim.wire.mcim;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

import org.openmcim.pki.Credential;
import org.openmcim.wire.jws.Jws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The renewed-PCID part of an MCIM package (TR 33.812 §5.1.3.7.4.3 NOTE 2, and NOTE 2 of the IoT
 * seed: "an updated initial network access credential could be delivered as a MCIM to the M2ME for
 * future use in a SHO re-provisioning process ... extracted, stored, and used exclusively in the
 * TRE"). docs/mcim-object.md, "Renewed PCID".
 *
 * <p>It travels beside the SHO's MCIMobj, not inside it, because the PCID is the RO's credential:
 * the RO's DPF adds it (NOTE 2 names "the DPF of the RO" as the network entity that delivers it) and
 * the RO signs it, so the TRE takes a new pristine identity only from the RO, never from an SHO. The
 * MCIMobj is the SHO's signed object and stays untouched. Same protection as an MCIMobj part: the
 * credential is sealed to the TRE platform key (ephemeral ECDH P-256, HKDF-SHA-256, AES-256-GCM, key
 * and additional data bound to {@code renewalId}, part id {@code pcid} and the TRE id), then the
 * whole is signed (JWS ES256, {@code typ: openmcim-pcid-renewal+json}, RO chain in {@code x5c}).
 * {@code forObject} binds it to the one MCIMobj it is delivered with, which a TRE installs once, so
 * an old renewal cannot be replayed with a later package.
 */
public final class PcidRenewalCodec {
    public static final String TYPE = "openmcim-pcid-renewal+json";
    /** The part id inside the sealing (HKDF info and GCM additional data). */
    public static final String PART = "pcid";
    private static final Base64.Encoder B64U = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64U_DEC = Base64.getUrlDecoder();

    private final ObjectMapper json = new ObjectMapper();
    private final Jws jws = new Jws();
    private final McimObjectCodec parts;

    /**
     * A new initial credential for a TRE, opened or to be sealed.
     *
     * @param renewalId  fresh random id (salt of the sealing)
     * @param forObject  the objectId of the MCIMobj this renewal is delivered with
     * @param treId      the TRE it is for
     * @param ro         the issuing RO's id
     * @param replaces   the PCID it replaces (the TRE's current one)
     * @param credential the new PCID, K, OPc, AMF, SQN, algorithm (never printed)
     */
    public record PcidRenewal(String renewalId, String forObject, String treId, String ro, Instant issuedAt, String replaces,
                              McimCredential credential) {
        public PcidRenewal {
            Objects.requireNonNull(renewalId, "renewalId");
            Objects.requireNonNull(forObject, "forObject");
            Objects.requireNonNull(treId, "treId");
            Objects.requireNonNull(ro, "ro");
            Objects.requireNonNull(issuedAt, "issuedAt");
            Objects.requireNonNull(replaces, "replaces");
            Objects.requireNonNull(credential, "credential");
        }
    }

    public PcidRenewalCodec(SecureRandom random) {
        this.parts = new McimObjectCodec(random);
    }

    /** A fresh renewal id (16 random octets, base64url). */
    public String newRenewalId() {
        return parts.newObjectId();
    }

    /** Seals the credential to {@code trePlatformKey} and signs the renewal with {@code ro}. */
    public String seal(PcidRenewal r, PublicKey trePlatformKey, Credential ro) {
        byte[] content = r.credential().toJson();
        try {
            ObjectNode root = json.createObjectNode().put("version", 1).put("renewalId", r.renewalId())
                    .put("forObject", r.forObject()).put("treId", r.treId()).put("ro", r.ro())
                    .put("issuedAt", r.issuedAt().toString()).put("replaces", r.replaces());
            root.putObject("part").put("id", PART).put("kind", "credential")
                    .put("sha256", B64U.encodeToString(MessageDigest.getInstance("SHA-256").digest(content)))
                    .set("sealed", parts.sealPart(r.renewalId(), PART, r.treId(), content, trePlatformKey));
            return jws.sign(json.writeValueAsBytes(root), ro, TYPE);
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot seal the PCID renewal: " + e.getMessage(), e);
        }
    }

    /**
     * What the TRE does: verify the RO signature against its RO roots, check the renewal is for
     * {@code treId} and for the MCIMobj {@code objectId} it came with, decrypt with the platform key,
     * check the hash. Any failure throws and yields nothing.
     */
    public PcidRenewal open(String sealed, String treId, String objectId, PrivateKey platformKey, List<X509Certificate> roRoots,
                            Instant now) throws Jws.InvalidJwsException {
        JsonNode root;
        try {
            root = json.readTree(jws.verify(sealed, roRoots, TYPE, now).payload());
        } catch (java.io.IOException e) {
            throw new Jws.InvalidJwsException("malformed: payload is not JSON");
        }
        if (root.path("version").asInt() != 1) {
            throw new Jws.InvalidJwsException("unsupported-version: expected 1");
        }
        if (!treId.equals(root.path("treId").asText())) {
            throw new Jws.InvalidJwsException("wrong-tre: addressed to another TRE");
        }
        if (!objectId.equals(root.path("forObject").asText())) {
            throw new Jws.InvalidJwsException("wrong-object: the renewal belongs to another MCIMobj");
        }
        String renewalId = root.path("renewalId").asText();
        JsonNode part = root.path("part");
        if (!PART.equals(part.path("id").asText()) || !part.has("sealed")) {
            throw new Jws.InvalidJwsException("malformed: no sealed pcid part");
        }
        byte[] content = parts.openPart(renewalId, PART, treId, part.get("sealed"), platformKey);
        try {
            if (!MessageDigest.isEqual(B64U_DEC.decode(part.path("sha256").asText()),
                    MessageDigest.getInstance("SHA-256").digest(content))) {
                throw new Jws.InvalidJwsException("bad-part: hash of pcid does not match");
            }
            McimCredential c = McimCredential.fromJson(content);
            return new PcidRenewal(renewalId, objectId, treId, root.path("ro").asText(), Instant.parse(root.path("issuedAt").asText()),
                    root.path("replaces").asText(), c);
        } catch (GeneralSecurityException | IllegalArgumentException | DateTimeParseException e) {
            throw new Jws.InvalidJwsException("malformed: pcid renewal");
        }
    }
}
