package org.openmcim.sho;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

import org.openmcim.pva.PeerCheck;
import org.openmcim.wire.jws.Jws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The operator-change authorization token (TR 33.812 §5.1.3.7.4.2 step 1: "a token signed with a
 * private key of the M2ME/TRE"), as ue-sim's TRE issues it: a JWS with
 * {@code typ: openmcim-opchange+json}, signed by the TRE platform key whose certificate (x5c)
 * chains to an M2ME supplier root, payload {treId, fromSho, toSho, nonce, expiresAt}. The signer's
 * CN must be the treId: a platform key cannot authorise a change for another TRE.
 */
public record OperatorChangeToken(String treId, String fromSho, String toSho, String nonce, Instant expiresAt,
                                  X509Certificate platformCertificate) {
    public static final String TYPE = "openmcim-opchange+json";

    /** Verifies signature, chain, binding of signer to treId and expiry; the caller checks the SHO names and replay. */
    public static OperatorChangeToken verify(String token, List<X509Certificate> supplierRoots, Instant now) throws Jws.InvalidJwsException {
        Jws.Verified v = new Jws().verify(token, supplierRoots, TYPE, now);
        JsonNode t;
        Instant expires;
        try {
            t = new ObjectMapper().readTree(v.payload());
            expires = Instant.parse(t.path("expiresAt").asText());
        } catch (java.io.IOException | RuntimeException e) {
            throw new Jws.InvalidJwsException("malformed: token payload");
        }
        String treId = t.path("treId").asText("");
        if (!treId.equals(PeerCheck.commonName(v.signer()))) {
            throw new Jws.InvalidJwsException("wrong-tre: token not signed by the platform key of " + treId);
        }
        if (now.isAfter(expires)) {
            throw new Jws.InvalidJwsException("expired: token expired at " + expires);
        }
        String nonce = t.path("nonce").asText("");
        if (nonce.isEmpty()) {
            throw new Jws.InvalidJwsException("malformed: token without a nonce");
        }
        return new OperatorChangeToken(treId, t.path("fromSho").asText(""), t.path("toSho").asText(""), nonce, expires, v.signer());
    }
}
