package org.openmcim.pva;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

import org.openmcim.pki.Credential;
import org.openmcim.wire.jws.Jws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The PVA's answer to the SHO (TR 33.812 step 14; §5.1.3.7.4.2 step 8: "the PVA reports the
 * successful status of the validation"), signed by the PVA so the SHO can show which authority
 * vouched for the TRE before it handed out an MCIM: a JWS (ES256, PVA chain in x5c) with
 * {@code typ: openmcim-pva-verdict+json} and payload {treId, reason, nonce, at, detail} and, when the
 * attestation's signature verified, platformCertificate (x5t#S256 of the platform credential).
 */
public final class PvaVerdictCodec {
    public static final String TYPE = "openmcim-pva-verdict+json";
    private final ObjectMapper json = new ObjectMapper();
    private final Jws jws = new Jws();

    /** A verified verdict: what the PVA said, about which TRE, for which nonce, when. */
    public record SignedVerdict(PlatformValidation.Reason reason, String treId, String nonce, Instant at, String detail,
                                String platformCertificate) {
        public boolean valid() {
            return reason == PlatformValidation.Reason.OK;
        }

        public PlatformValidation.Verdict verdict() {
            return new PlatformValidation.Verdict(reason, treId, detail, platformCertificate);
        }
    }

    public String sign(PlatformValidation.Verdict v, String nonce, Instant at, Credential pva) {
        ObjectNode o = json.createObjectNode().put("version", 1).put("reason", v.reason().name()).put("nonce", nonce)
                .put("at", at.toString()).put("detail", v.detail());
        if (v.treId() != null) {
            o.put("treId", v.treId());
        } else {
            o.putNull("treId");
        }
        if (v.platformCertificate() != null) {
            o.put("platformCertificate", v.platformCertificate());
        }
        return jws.sign(o.toString().getBytes(StandardCharsets.UTF_8), pva, TYPE);
    }

    /** Verifies a verdict against the PVA roots the SHO trusts. */
    public SignedVerdict verify(String signed, List<X509Certificate> pvaRoots, Instant now) throws Jws.InvalidJwsException {
        Jws.Verified v = jws.verify(signed, pvaRoots, TYPE, now);
        try {
            JsonNode o = json.readTree(v.payload());
            if (o.path("version").asInt() != 1) {
                throw new Jws.InvalidJwsException("unsupported-version: expected 1");
            }
            return new SignedVerdict(PlatformValidation.Reason.valueOf(o.path("reason").asText()),
                    o.path("treId").isTextual() ? o.path("treId").asText() : null, o.path("nonce").asText(),
                    Instant.parse(o.path("at").asText()), o.path("detail").asText(""),
                    o.path("platformCertificate").isTextual() ? o.path("platformCertificate").asText() : null);
        } catch (java.io.IOException | RuntimeException e) {
            throw new Jws.InvalidJwsException("malformed: verdict payload");
        }
    }
}
