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
 * @param renewal       who signs renewed PCIDs the DPF adds to MCIM packages (TR §5.1.3.7.4.3 NOTE 2),
 *                      or null: then none is added and renewals wait for a DPF that has one
 * @param downloadTtl   how long a delivered MCIMobj waits for the device's report (step 19) before the
 *                      DPF gives the download up and tells the SHO it failed ({@link DownloadSession.State#EXPIRED})
 */
public record DpfSettings(List<X509Certificate> roRoots, List<X509Certificate> supplierRoots, Map<String, Sho> shos,
                          Duration requestMaxAge, RenewalSigner renewal, Duration downloadTtl) {
    /** {@code download-ttl} when the configuration does not say. */
    public static final Duration DEFAULT_DOWNLOAD_TTL = Duration.ofHours(1);

    public record Sho(String id, URI url, X509Certificate root) {
    }

    /**
     * The RO's signing credential for PCID renewals, chaining to one of {@code roRoots} (devices trust
     * the RO root for bootstraps already), and the RO's id written into each renewal.
     */
    public record RenewalSigner(String ro, org.openmcim.pki.Credential signer) {
        @Override
        public String toString() {
            return "RenewalSigner[" + ro + "]";
        }
    }

    /** Without a renewal signer, with the default download TTL. */
    public DpfSettings(List<X509Certificate> roRoots, List<X509Certificate> supplierRoots, Map<String, Sho> shos,
                       Duration requestMaxAge) {
        this(roRoots, supplierRoots, shos, requestMaxAge, null);
    }

    /** With the default download TTL. */
    public DpfSettings(List<X509Certificate> roRoots, List<X509Certificate> supplierRoots, Map<String, Sho> shos,
                       Duration requestMaxAge, RenewalSigner renewal) {
        this(roRoots, supplierRoots, shos, requestMaxAge, renewal, DEFAULT_DOWNLOAD_TTL);
    }

    public DpfSettings {
        roRoots = List.copyOf(roRoots);
        supplierRoots = List.copyOf(supplierRoots);
        shos = Map.copyOf(shos);
        java.util.Objects.requireNonNull(downloadTtl, "downloadTtl");
        if (downloadTtl.isZero() || downloadTtl.isNegative()) {
            throw new IllegalArgumentException("downloadTtl must be positive");
        }
    }
}
