package org.openmcim.dpf;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What the DPF logic needs from {@code config/dpf.yaml} (see {@link DpfConfig}).
 *
 * @param roRoots       roots the bootstrap signer chains to (the RO's own)
 * @param supplierRoots M2ME supplier roots: TRE platform certificates chain here
 * @param shos          the SHOs the DPF relays to, by id: base URL and the root their MCIMobj
 *                      signatures must chain to (an MCIMobj signed by another SHO is refused)
 * @param requestMaxAge freshness of a device's signed download request
 */
public record DpfSettings(List<X509Certificate> roRoots, List<X509Certificate> supplierRoots, Map<String, Sho> shos,
                          Duration requestMaxAge) {
    public record Sho(String id, URI url, X509Certificate root) {
    }

    public DpfSettings {
        roRoots = List.copyOf(roRoots);
        supplierRoots = List.copyOf(supplierRoots);
        shos = Map.copyOf(shos);
    }
}
