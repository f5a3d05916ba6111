package org.openmcim.drf;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What the DRF logic needs from {@code config/drf.yaml} (see {@link DrfConfig}).
 *
 * @param roId             the RO's own operator id: a registration naming it as SHO yields
 *                         {@code keepImsi} (step 8: "the RO could become the SHO, and then the IMSI is
 *                         just continued to be used")
 * @param shoRoots         the SHOs allowed to write registrations, by id, each with the root its
 *                         certificate must chain to (an SHO cannot pose as another by name)
 * @param shoNames         display names by SHO id
 * @param supplierRoots    M2ME supplier roots: TRE platform certificates of pulling devices chain here
 * @param defaultDpfUrl    PROVURL when a registration names none
 * @param lifetime         bootstrap lifetime (≤ 24 h, docs/bootstrap-message.md)
 * @param attachValidity   how long after "PCID attached at IP" a pull is answered (3GPP path)
 * @param requestMaxAge    freshness of a device's signed pull request, either way
 * @param non3gppUnauthenticated answer pulls without an attach event (§5.1.3.6.3: "the non-3GPP ICSP
 *                         provides a direct IP connection to an RO (DRF)")
 * @param push             pushing the bootstrap to a listener on the device
 * @param icf              the ICF allowed to post attach events on the operator listener (step 6 across
 *                         processes); empty: attach events arrive in process only
 */
public record DrfSettings(String roId, Map<String, X509Certificate> shoRoots, Map<String, String> shoNames,
                          List<X509Certificate> supplierRoots, URI defaultDpfUrl, String apn, String pdnType, Duration lifetime,
                          Duration attachValidity, Duration requestMaxAge, boolean non3gppUnauthenticated, Push push,
                          Optional<Icf> icf) {

    /** Step 8 delivery by push: HTTP POST of the signed bootstrap to {@code http://DEVICE-IP:port/path}. */
    public record Push(boolean enabled, int port, String path, Duration timeout) {
    }

    /**
     * Who may post {@code /drf/v1/attach-events}: a client certificate whose CN is one of {@code names}
     * and whose chain validates to {@code root} (the RO's root certifies the DRF and the DPF too, so the
     * CN is what tells the ICF apart).
     *
     * @param maxClockSkew how far in the future an event's time may lie (the ICF's clock may run ahead)
     */
    public record Icf(X509Certificate root, Set<String> names, Duration maxClockSkew) {
        public Icf {
            Objects.requireNonNull(root, "root");
            names = Set.copyOf(names);
            Objects.requireNonNull(maxClockSkew, "maxClockSkew");
        }
    }

    public DrfSettings {
        Objects.requireNonNull(roId, "roId");
        shoRoots = Map.copyOf(shoRoots);
        shoNames = Map.copyOf(shoNames);
        supplierRoots = List.copyOf(supplierRoots);
        Objects.requireNonNull(icf, "icf");
    }

    /** Without an ICF on the network: attach events reach this DRF in process only. */
    public DrfSettings(String roId, Map<String, X509Certificate> shoRoots, Map<String, String> shoNames,
                       List<X509Certificate> supplierRoots, URI defaultDpfUrl, String apn, String pdnType, Duration lifetime,
                       Duration attachValidity, Duration requestMaxAge, boolean non3gppUnauthenticated, Push push) {
        this(roId, shoRoots, shoNames, supplierRoots, defaultDpfUrl, apn, pdnType, lifetime, attachValidity, requestMaxAge,
                non3gppUnauthenticated, push, Optional.empty());
    }
}
