package org.openmcim.drf;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

import org.openmcim.wire.bootstrap.BootstrapMessage;

/**
 * One DRF registry entry (TR 33.812 step 7: "the DRF queries the address of the DPF and the SHO which
 * has contract with the M2ME in its database"), written by the SHO that holds the contract, and
 * re-written by the new SHO at operator change (§5.1.3.7.4.2 step 17).
 *
 * @param pcid         the PCID-IMSI the device attaches with
 * @param treId        the TRE identity, if the SHO knows it: then only that TRE may pull the bootstrap
 * @param shoId        the selected home operator (equals the CN of its certificate)
 * @param shoName      its display name, carried in the bootstrap
 * @param shoUrl       where the SHO's provisioning service listens (for the record; the DPF calls only
 *                     the URL its own configuration holds for {@code shoId})
 * @param dpfUrl       PROVURL: the DPF the device must contact (https)
 * @param operation    the MCIM provisioning context: initial, operator change or revert to pristine
 * @param applications M2M applications to provision (application context)
 */
public record Registration(String pcid, String treId, String shoId, String shoName, URI shoUrl, URI dpfUrl,
                           BootstrapMessage.Operation operation, List<String> applications, Instant registeredAt) {
    /** Compiled once: {@code String.matches} compiles its pattern on every call, i.e. on every request. */
    static final Pattern PCID = Pattern.compile("[0-9]{14,15}");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern APPLICATION = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    public Registration {
        Objects.requireNonNull(pcid, "pcid");
        Objects.requireNonNull(shoId, "shoId");
        Objects.requireNonNull(shoName, "shoName");
        Objects.requireNonNull(shoUrl, "shoUrl");
        Objects.requireNonNull(dpfUrl, "dpfUrl");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(registeredAt, "registeredAt");
        applications = List.copyOf(applications);
        if (!PCID.matcher(pcid).matches()) {
            throw new IllegalArgumentException("pcid must be 14 or 15 digits");
        }
        if (treId != null && !ID.matcher(treId).matches()) {
            throw new IllegalArgumentException("treId must be 1-64 of [A-Za-z0-9._-]");
        }
        if (!ID.matcher(shoId).matches()) {
            throw new IllegalArgumentException("shoId must be 1-64 of [A-Za-z0-9._-]");
        }
        for (URI u : List.of(shoUrl, dpfUrl)) {
            if (!"https".equals(u.getScheme()) || u.getHost() == null) {
                throw new IllegalArgumentException("shoUrl and dpfUrl must be https URLs");
            }
        }
        if (applications.size() > 32 || applications.stream().anyMatch(a -> !APPLICATION.matcher(a).matches())) {
            throw new IllegalArgumentException("applications: at most 32 ids of [A-Za-z0-9._:-]");
        }
    }
}
