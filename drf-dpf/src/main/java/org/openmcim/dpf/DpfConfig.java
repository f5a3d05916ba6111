package org.openmcim.dpf;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.openmcim.config.ConfigNode;
import org.openmcim.drf.ConfigFiles;
import org.openmcim.pki.Credential;
import org.openmcim.pki.TlsProvider;

/**
 * {@code config/dpf.yaml}, validated at start-up: every problem names the file and the key.
 *
 * @param listen            the device-facing HTTPS listener (server-authenticated TLS; devices have no
 *                          client certificates)
 * @param tls               the DPF's credential: its server certificate towards devices and its client
 *                          certificate towards SHOs (mutual TLS, steps 11/16/20)
 * @param state             where the nonce ledger (shared with the DRF) and the download sessions live
 *                          ({@code store:}, {@code state-dir})
 * @param shoConnectTimeout connecting to an SHO
 * @param shoTimeout        a whole SHO call (the SHO asks the PVA and seals the MCIM within it)
 * @param tlsProvider       the TLS stack ({@code tls.provider}) of the device-facing listener and of the
 *                          SHO client alike
 * @param tlsGroups         the key-exchange groups ({@code tls.groups}) of the listener and the SHO client;
 *                          empty: the stack's default
 */
public record DpfConfig(InetSocketAddress listen, Credential tls, DpfSettings settings, StateStore.Config state, Duration shoConnectTimeout,
                        Duration shoTimeout, ConfigFiles.Limits limits, Optional<InetSocketAddress> metrics, TlsProvider tlsProvider,
                        List<String> tlsGroups) {

    public DpfConfig {
        tlsGroups = List.copyOf(tlsGroups);
    }

    public static DpfConfig load(Path file) {
        return from(ConfigNode.load(file), file.toAbsolutePath().getParent());
    }

    public static DpfConfig from(ConfigNode root, Path base) {
        InetSocketAddress listen = root.hostPort("listen");
        ConfigFiles.Tls tls = ConfigFiles.tls(root, base);
        var roRoots = ConfigFiles.roots(root, "ro-roots", base);
        var supplierRoots = ConfigFiles.roots(root, "supplier-roots", base);
        Map<String, DpfSettings.Sho> shos = new LinkedHashMap<>();
        for (ConfigNode n : root.children("shos")) {
            String id = n.string("id");
            if (!id.matches("[A-Za-z0-9._-]{1,64}")) {
                throw n.error("id", "must be 1-64 of [A-Za-z0-9._-]");
            }
            if (shos.containsKey(id)) {
                throw n.error("id", "SHO " + id + " listed twice");
            }
            shos.put(id, new DpfSettings.Sho(id, ConfigFiles.https(n, "url"), ConfigFiles.root(n, "root", base)));
            n.rejectUnknownKeys();
        }
        if (shos.isEmpty()) {
            throw root.error("shos", "at least one SHO to relay to is required");
        }
        Duration maxAge = root.duration("request-max-age", Duration.ofMinutes(2));
        Duration connect = root.duration("sho-connect-timeout", Duration.ofSeconds(3));
        Duration call = root.duration("sho-timeout", Duration.ofSeconds(15));
        if (call.isZero() || call.isNegative() || call.compareTo(Duration.ofMinutes(5)) > 0) {
            throw root.error("sho-timeout", "must be positive and at most 5m");
        }
        // A delivered MCIMobj waits this long for the device's report (step 19); then the DPF tells the
        // SHO it failed. At least the SHO call timeout (a report in flight must not be overtaken) and
        // at most a week (the SHO keeps the MCIM in its HSS, unusable, until then).
        Duration downloadTtl = root.duration("download-ttl", DpfSettings.DEFAULT_DOWNLOAD_TTL);
        if (downloadTtl.compareTo(Duration.ofMinutes(1)) < 0 || downloadTtl.compareTo(Duration.ofDays(7)) > 0
                || downloadTtl.compareTo(call) <= 0) {
            throw root.error("download-ttl", "must be between 1m and 7d, and longer than sho-timeout");
        }
        DpfSettings.RenewalSigner renewal = null;
        if (root.has("pcid-renewal")) {
            ConfigNode r = root.child("pcid-renewal");
            String ro = r.string("ro");
            if (!ro.matches("[A-Za-z0-9._-]{1,64}")) {
                throw r.error("ro", "must be 1-64 of [A-Za-z0-9._-]");
            }
            Credential signer = ConfigFiles.credential(r, "signer", base);
            if (roRoots.stream().noneMatch(x -> x.getSubjectX500Principal().equals(signer.root().getSubjectX500Principal())
                    || x.getSubjectX500Principal().equals(signer.certificate().getIssuerX500Principal()))) {
                throw r.error("signer", "must chain to one of ro-roots (devices verify renewals against the RO root)");
            }
            r.rejectUnknownKeys();
            renewal = new DpfSettings.RenewalSigner(ro, signer);
        }
        StateStore.Config state = StateStore.Config.from(root, base);
        ConfigFiles.Limits limits = ConfigFiles.Limits.from(root, 64 * 1024);
        Optional<InetSocketAddress> metrics = root.has("metrics") ? Optional.of(root.hostPort("metrics")) : Optional.empty();
        root.rejectUnknownKeys();
        return new DpfConfig(listen, tls.credential(), new DpfSettings(roRoots, supplierRoots, shos, maxAge, renewal, downloadTtl), state, connect, call,
                limits, metrics, tls.provider(), tls.groups());
    }
}
