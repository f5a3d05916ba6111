package org.openmcim.drf;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
 */
public record DrfSettings(String roId, Map<String, X509Certificate> shoRoots, Map<String, String> shoNames,
                          List<X509Certificate> supplierRoots, URI defaultDpfUrl, String apn, String pdnType, Duration lifetime,
                          Duration attachValidity, Duration requestMaxAge, boolean non3gppUnauthenticated, Push push) {

    /** Step 8 delivery by push: HTTP POST of the signed bootstrap to {@code http://DEVICE-IP:port/path}. */
    public record Push(boolean enabled, int port, String path, Duration timeout) {
    }

    public DrfSettings {
        Objects.requireNonNull(roId, "roId");
        shoRoots = Map.copyOf(shoRoots);
        shoNames = Map.copyOf(shoNames);
        supplierRoots = List.copyOf(supplierRoots);
    }
}
