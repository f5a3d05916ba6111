package org.openmcim.wire.bootstrap;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The DRF's bootstrap message (TR 33.812 §5.1.3.6.2 step 8; the IoT seed's Remote Node
 * Configuration Trigger): what the M2ME needs to reach its DPF. Signed by the RO as a JWS
 * ({@link BootstrapCodec}); the format is documented in docs/bootstrap-message.md.
 *
 * @param pcid         the PCID it was issued for: a device refuses a bootstrap for another identity
 * @param nonce        16 random octets (base64url): the DPF accepts each nonce once (replay)
 * @param issuedAt     when the DRF signed it
 * @param expiresAt    after this the device and the DPF refuse it (at most a day after issuedAt)
 * @param napdef       IP connectivity parameters (OMA DM NAPDEF): APN and PDN type for provisioning
 * @param provUrl      PROVURL: the DPF to contact, https only
 * @param sho          the selected home operator the device is registered with
 * @param mcim         the MCIM application provisioning context
 * @param applications the M2M application provisioning context: application ids to provision
 * @param keepImsi     step 8's special case: the PCID already points to the RO as SHO, so the device
 *                     keeps its IMSI and no MCIM download follows
 */
public record BootstrapMessage(String pcid, String nonce, Instant issuedAt, Instant expiresAt, Napdef napdef, URI provUrl,
                               Sho sho, McimContext mcim, List<String> applications, boolean keepImsi) {

    public static final int VERSION = 1;

    public BootstrapMessage {
        Objects.requireNonNull(pcid, "pcid");
        Objects.requireNonNull(nonce, "nonce");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(napdef, "napdef");
        Objects.requireNonNull(provUrl, "provUrl");
        Objects.requireNonNull(sho, "sho");
        Objects.requireNonNull(mcim, "mcim");
        applications = List.copyOf(applications);
    }

    /** OMA DM NAPDEF, reduced to what an LTE PDN connection needs. */
    public record Napdef(String apn, String pdnType) {
    }

    public record Sho(String id, String name) {
    }

    /**
     * @param operation  initial provisioning, operator change (TR §5.1.3.7.4.2) or revert to the
     *                   pristine state (§5.1.3.7.4.3)
     * @param objectType the management object the DPF will deliver (MCIMobj)
     */
    public record McimContext(Operation operation, String objectType) {
    }

    public enum Operation {
        INITIAL("initial"), OPERATOR_CHANGE("operator-change"), REVERT_TO_PRISTINE("revert-to-pristine");

        private final String wire;

        Operation(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        public static Operation fromWire(String s) {
            for (Operation o : values()) {
                if (o.wire.equals(s)) {
                    return o;
                }
            }
            throw new IllegalArgumentException("unknown operation \"" + s + "\"");
        }
    }
}
