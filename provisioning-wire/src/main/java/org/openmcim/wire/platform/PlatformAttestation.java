package org.openmcim.wire.platform;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Platform validation info (TR 33.812 step 10: "the M2ME contacts the DPF and includes relevant
 * information of the M2ME and the TRE (e.g. platform validation info)"; steps 12-13: the PVA
 * validates "the validation info signed by the PfC and TRE identity"). Signed by the TRE platform
 * key; its platform credential (certificate from the M2ME supplier) travels in x5c.
 *
 * @param treId        the TRE identity; equals the platform certificate's CN
 * @param model        device model, selecting the PVA's reference values
 * @param nonce        the nonce of the bootstrap (or the DPF's challenge): binds it to this session
 * @param measurements integrity measurements of the platform's components
 */
public record PlatformAttestation(String treId, String model, String nonce, Instant issuedAt, List<Measurement> measurements) {
    public PlatformAttestation {
        Objects.requireNonNull(treId, "treId");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(nonce, "nonce");
        Objects.requireNonNull(issuedAt, "issuedAt");
        measurements = List.copyOf(measurements);
    }

    /** One measured component: its name and the SHA-256 of its image, hex. */
    public record Measurement(String component, String sha256) {
    }
}
