package org.openmcim.wire.device;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

import org.openmcim.pki.Credential;
import org.openmcim.wire.jws.Jws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A device's proof of possession of its TRE platform key, for the device-facing endpoints that have
 * no client certificates: a JWS ({@code typ: openmcim-device-request+json}, ES256) signed by the
 * platform key with the M2ME supplier chain in x5c, whose payload names the purpose, the PCID or
 * object, and a fresh timestamp. Used to PULL the bootstrap from the DRF (TR 33.812 step 8, non-3GPP
 * §5.1.3.6.3) and to fetch an MCIMobj again from the DPF after a restart (step 17).
 *
 * <pre>{"version":1, "purpose":"bootstrap"|"download"|"report", "pcid":"…", "objectId":"…", "issuedAt":"…"}</pre>
 */
public final class DeviceProof {
    public static final String TYPE = "openmcim-device-request+json";
    public static final String BOOTSTRAP = "bootstrap";
    public static final String DOWNLOAD = "download";
    /** Step 19: the device's result for one download, so that only the TRE that holds the object reports on it. */
    public static final String REPORT = "report";

    private final ObjectMapper json = new ObjectMapper();
    private final Jws jws;

    public DeviceProof() {
        this(new Jws());
    }

    /** With {@code jws} shared with the holder's other codecs (see {@code PlatformAttestationCodec(Jws)}). */
    public DeviceProof(Jws jws) {
        this.jws = jws;
    }

    /** A verified request: its fields and the TRE identity (the platform certificate's CN). */
    public record Verified(String purpose, String pcid, String objectId, Instant issuedAt, String treId, X509Certificate certificate) {
    }

    /** The device side. */
    public String sign(String purpose, String pcid, String objectId, Instant at, Credential platform) {
        ObjectNode o = json.createObjectNode().put("version", 1).put("purpose", purpose);
        if (pcid != null) {
            o.put("pcid", pcid);
        }
        if (objectId != null) {
            o.put("objectId", objectId);
        }
        o.put("issuedAt", at.toString());
        try {
            return jws.sign(json.writeValueAsBytes(o), platform, TYPE);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Chain to a trusted supplier root, signature, purpose, and {@code issuedAt} within
     * {@code maxAge} of {@code now} either way (clock skew). Reasons: those of {@link Jws}, plus
     * {@code wrong-purpose}, {@code stale-request}, {@code malformed}.
     */
    public Verified verify(String signed, List<X509Certificate> supplierRoots, String purpose, Duration maxAge, Instant now)
            throws Jws.InvalidJwsException {
        Jws.Verified v = jws.verify(signed, supplierRoots, TYPE, now);
        JsonNode o;
        try {
            o = json.readTree(v.payload());
        } catch (IOException e) {
            throw new Jws.InvalidJwsException("malformed: payload is not JSON");
        }
        if (o == null || !o.isObject() || o.path("version").asInt() != 1) {
            throw new Jws.InvalidJwsException("malformed: expected a version 1 request");
        }
        if (!purpose.equals(o.path("purpose").asText())) {
            throw new Jws.InvalidJwsException("wrong-purpose: expected " + purpose);
        }
        Instant at;
        try {
            at = Instant.parse(o.path("issuedAt").asText());
        } catch (RuntimeException e) {
            throw new Jws.InvalidJwsException("malformed: issuedAt");
        }
        if (at.isBefore(now.minus(maxAge)) || at.isAfter(now.plus(maxAge))) {
            throw new Jws.InvalidJwsException("stale-request: issuedAt is not within " + maxAge.toSeconds() + "s of now");
        }
        String treId = commonName(v.signer());
        if (treId == null) {
            throw new Jws.InvalidJwsException("untrusted-signer: platform certificate has no CN");
        }
        return new Verified(purpose, o.hasNonNull("pcid") ? o.get("pcid").asText() : null,
                o.hasNonNull("objectId") ? o.get("objectId").asText() : null, at, treId, v.signer());
    }

    /** The CN of a certificate's subject: the TRE identity of a platform certificate, the SHO id of an SHO's. */
    public static String commonName(X509Certificate c) {
        try {
            for (Rdn rdn : new LdapName(c.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        return null;
    }
}
