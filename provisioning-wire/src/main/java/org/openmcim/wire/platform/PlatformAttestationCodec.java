package org.openmcim.wire.platform;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.openmcim.pki.Credential;
import org.openmcim.wire.jws.Jws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Platform attestations as JWS ({@code typ: openmcim-platform+json}), signed by the TRE platform key. */
public final class PlatformAttestationCodec {
    public static final String TYPE = "openmcim-platform+json";
    private final ObjectMapper json = new ObjectMapper();
    private final Jws jws;

    public PlatformAttestationCodec() {
        this(new Jws());
    }

    /**
     * With {@code jws} shared with the holder's other codecs: a verifier that also checks the same
     * TRE's {@link org.openmcim.wire.device.DeviceProof}s then validates the TRE's chain once.
     */
    public PlatformAttestationCodec(Jws jws) {
        this.jws = jws;
    }

    /** The TRE side: signed with its platform credential (key + supplier-issued chain). */
    public String sign(PlatformAttestation a, Credential platform) {
        ObjectNode o = json.createObjectNode().put("version", 1).put("treId", a.treId()).put("model", a.model())
                .put("nonce", a.nonce()).put("issuedAt", a.issuedAt().toString());
        var ms = o.putArray("measurements");
        for (PlatformAttestation.Measurement m : a.measurements()) {
            ms.addObject().put("component", m.component()).put("sha256", m.sha256());
        }
        try {
            return jws.sign(json.writeValueAsBytes(o), platform, TYPE);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Signature valid and chained to a trusted supplier root; content parsed. The PVA decides the rest. */
    public Verified verify(String signed, List<X509Certificate> supplierRoots, Instant now) throws Jws.InvalidJwsException {
        Jws.Verified v = jws.verify(signed, supplierRoots, TYPE, now);
        JsonNode o;
        try {
            o = json.readTree(v.payload());
        } catch (java.io.IOException e) {
            throw new Jws.InvalidJwsException("malformed: payload is not JSON");
        }
        if (o.path("version").asInt() != 1) {
            throw new Jws.InvalidJwsException("unsupported-version: expected 1");
        }
        List<PlatformAttestation.Measurement> ms = new ArrayList<>();
        for (JsonNode m : o.path("measurements")) {
            ms.add(new PlatformAttestation.Measurement(m.path("component").asText(), m.path("sha256").asText()));
        }
        try {
            PlatformAttestation a = new PlatformAttestation(o.path("treId").asText(), o.path("model").asText(),
                    o.path("nonce").asText(), Instant.parse(o.path("issuedAt").asText()), ms);
            return new Verified(a, v.signer());
        } catch (RuntimeException e) {
            throw new Jws.InvalidJwsException("malformed: " + e.getMessage());
        }
    }

    /** A verified attestation and the platform certificate that signed it. */
    public record Verified(PlatformAttestation attestation, X509Certificate platformCertificate) {
    }
}
