package org.openmcim.drf;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.openmcim.config.ConfigNode;
import org.openmcim.dpf.StateStore;
import org.openmcim.pki.Credential;
import org.openmcim.wire.bootstrap.BootstrapCodec;
import org.openmcim.wire.bootstrap.BootstrapMessage;

/**
 * {@code config/drf.yaml}, validated at start-up: every problem names the file and the key.
 *
 * @param deviceListen    the device-facing HTTPS listener (pull), server-authenticated TLS only
 * @param operatorListen  the operators' HTTPS listener, mutual TLS: SHOs (registrations) under their roots,
 *                        the RO's ICF (attach events, step 6) under its root
 * @param tls             the DRF's TLS credential
 * @param signer          the RO's bootstrap signing credential (step 8)
 * @param state           where the registry and the nonce ledger live ({@code store:}, {@code state-dir}; shared with the DPF)
 * @param registrations   static registrations, e.g. PCIDs whose SHO is the RO itself (keepImsi)
 * @param tlsProvider     the TLS stack of both listeners ({@code tls.provider})
 * @param icfAdmin        the ICF's admin API, where a DRF on a state directory re-issues a PCID after a
 *                        revert to the pristine state ({@code icf-admin:}); empty: no such call
 * @param tlsGroups       the key-exchange groups of both listeners ({@code tls.groups}); empty: the stack's default
 */
public record DrfConfig(InetSocketAddress deviceListen, InetSocketAddress operatorListen, Credential tls, Credential signer,
                        DrfSettings settings, StateStore.Config state, List<Registration> registrations, ConfigFiles.Limits limits,
                        Optional<InetSocketAddress> metrics, org.openmcim.pki.TlsProvider tlsProvider, Optional<IcfAdmin> icfAdmin,
                        List<String> tlsGroups) {

    public DrfConfig {
        tlsGroups = List.copyOf(tlsGroups);
    }

    /** Without {@code tls.groups}: the stack's default groups. */
    public DrfConfig(InetSocketAddress deviceListen, InetSocketAddress operatorListen, Credential tls, Credential signer,
                     DrfSettings settings, StateStore.Config state, List<Registration> registrations, ConfigFiles.Limits limits,
                     Optional<InetSocketAddress> metrics, org.openmcim.pki.TlsProvider tlsProvider, Optional<IcfAdmin> icfAdmin) {
        this(deviceListen, operatorListen, tls, signer, settings, state, registrations, limits, metrics, tlsProvider, icfAdmin, List.of());
    }

    /**
     * {@code icf-admin: {url, roots, timeout}}: the RO's ICF admin API (docs/icf-admin-api.md,
     * {@code POST /icf/v1/subscribers/{imsi}/reissue}), reached with the DRF's own TLS certificate,
     * which the ICF lists in {@code admin.reissuers}.
     */
    public record IcfAdmin(URI url, List<X509Certificate> roots, Duration timeout) {
        public IcfAdmin {
            roots = List.copyOf(roots);
        }
    }

    public static DrfConfig load(Path file) {
        return from(ConfigNode.load(file), file.toAbsolutePath().getParent());
    }

    public static DrfConfig from(ConfigNode root, Path base) {
        String roId = root.string("ro-id");
        InetSocketAddress device = root.hostPort("device-listen");
        InetSocketAddress operator = root.hostPort("operator-listen");
        if (device.equals(operator)) {
            throw root.error("operator-listen", "must differ from device-listen (devices have no client certificates, SHOs must)");
        }
        ConfigFiles.Tls tls = ConfigFiles.tls(root, base);
        Credential signer = ConfigFiles.credential(root, "bootstrap-signer", base);
        List<X509Certificate> supplierRoots = ConfigFiles.roots(root, "supplier-roots", base);

        Map<String, X509Certificate> shoRoots = new LinkedHashMap<>();
        Map<String, String> shoNames = new LinkedHashMap<>();
        for (ConfigNode n : root.children("shos")) {
            String id = n.string("id");
            if (!id.matches("[A-Za-z0-9._-]{1,64}")) {
                throw n.error("id", "must be 1-64 of [A-Za-z0-9._-] (the CN of the SHO's certificate)");
            }
            if (shoRoots.containsKey(id)) {
                throw n.error("id", "SHO " + id + " listed twice");
            }
            shoNames.put(id, n.string("name", id));
            shoRoots.put(id, ConfigFiles.root(n, "root", base));
            n.rejectUnknownKeys();
        }
        if (shoRoots.isEmpty()) {
            throw root.error("shos", "at least one SHO allowed to register PCIDs is required");
        }

        ConfigNode b = root.child("bootstrap");
        Duration lifetime = b.duration("lifetime", Duration.ofMinutes(15));
        if (lifetime.isZero() || lifetime.isNegative() || lifetime.compareTo(BootstrapCodec.MAX_LIFETIME) > 0) {
            throw b.error("lifetime", "must be positive and at most 24h (docs/bootstrap-message.md)");
        }
        String apn = b.string("apn", "provisioning");
        String pdnType = b.oneOf("pdn-type", "ipv4", "ipv4", "ipv6", "ipv4v6");
        URI defaultDpf = ConfigFiles.https(b, "default-dpf-url");
        b.rejectUnknownKeys();

        DrfSettings.Push push;
        Optional<ConfigNode> pn = root.optionalChild("push");
        if (pn.isPresent()) {
            ConfigNode n = pn.get();
            boolean enabled = n.bool("enabled", true);
            int port = (int) n.integer("port", 1, 65535, 8090);
            String path = n.string("path", "/openmcim/bootstrap");
            if (!path.startsWith("/")) {
                throw n.error("path", "must start with /");
            }
            Duration timeout = n.duration("timeout", Duration.ofSeconds(5));
            n.rejectUnknownKeys();
            push = new DrfSettings.Push(enabled, port, path, timeout);
        } else {
            push = new DrfSettings.Push(false, 8090, "/openmcim/bootstrap", Duration.ofSeconds(5));
        }
        Duration attachValidity = root.duration("attach-validity", Duration.ofHours(1));
        Optional<DrfSettings.Icf> icf = Optional.empty();
        Optional<ConfigNode> in = root.optionalChild("icf");
        if (in.isPresent()) {
            icf = Optional.of(icf(in.get(), base, shoRoots.keySet()));
        }
        Duration maxAge = root.duration("request-max-age", Duration.ofMinutes(2));
        boolean non3gpp = root.bool("non-3gpp-unauthenticated", false);
        StateStore.Config state = StateStore.Config.from(root, base);

        List<Registration> regs = new ArrayList<>();
        for (ConfigNode n : root.children("registrations")) {
            try {
                String shoId = n.string("sho-id");
                regs.add(new Registration(n.string("pcid"), n.optionalString("tre-id").orElse(null), shoId,
                        n.string("sho-name", shoNames.getOrDefault(shoId, shoId)), ConfigFiles.https(n, "sho-url"),
                        n.has("dpf-url") ? ConfigFiles.https(n, "dpf-url") : defaultDpf,
                        BootstrapMessage.Operation.fromWire(n.string("operation", "initial")), n.strings("applications"), Instant.EPOCH));
            } catch (IllegalArgumentException e) {
                throw n.error(e.getMessage());
            }
            n.rejectUnknownKeys();
        }
        Optional<IcfAdmin> icfAdmin = Optional.empty();
        Optional<ConfigNode> an = root.optionalChild("icf-admin");
        if (an.isPresent()) {
            ConfigNode n = an.get();
            if (state.type() != StateStore.Type.DIRECTORY) {
                throw root.error("icf-admin", "only with store type directory: a DRF in the store cluster re-issues PCIDs itself");
            }
            URI url = ConfigFiles.https(n, "url");
            List<X509Certificate> roots = ConfigFiles.roots(n, "roots", base);
            Duration timeout = n.duration("timeout", Duration.ofSeconds(5));
            if (timeout.isZero() || timeout.isNegative() || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
                throw n.error("timeout", "must be positive and at most 1m");
            }
            n.rejectUnknownKeys();
            icfAdmin = Optional.of(new IcfAdmin(url, roots, timeout));
        }
        ConfigFiles.Limits limits = ConfigFiles.Limits.from(root, 16 * 1024);
        Optional<InetSocketAddress> metrics = root.has("metrics") ? Optional.of(root.hostPort("metrics")) : Optional.empty();
        root.rejectUnknownKeys();
        DrfSettings settings = new DrfSettings(roId, shoRoots, shoNames, supplierRoots, defaultDpf, apn, pdnType, lifetime, attachValidity,
                maxAge, non3gpp, push, icf);
        return new DrfConfig(device, operator, tls.credential(), signer, settings, state, List.copyOf(regs), limits, metrics, tls.provider(),
                icfAdmin, tls.groups());
    }

    /**
     * {@code icf: {root, names, max-clock-skew}}: the ICF that posts "PCID attached at IP" (TR 33.812
     * step 6) when it runs in another process.
     */
    private static DrfSettings.Icf icf(ConfigNode n, Path base, Set<String> shoIds) {
        X509Certificate root = ConfigFiles.root(n, "root", base);
        List<String> names = n.has("names") ? n.strings("names") : List.of("icf");
        if (names.isEmpty()) {
            throw n.error("names", "at least one CN of an ICF client certificate (the development PKI's is icf)");
        }
        for (String name : names) {
            if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
                throw n.error("names", "\"" + name + "\" is not a certificate CN of 1-64 of [A-Za-z0-9._-]");
            }
            if (shoIds.contains(name)) {
                // One name, two roles: an attach event and a registration would be told apart only by the root.
                throw n.error("names", name + " is also an SHO id in shos");
            }
        }
        Duration skew = n.duration("max-clock-skew", Duration.ofMinutes(2));
        if (skew.isNegative() || skew.compareTo(Duration.ofHours(1)) > 0) {
            throw n.error("max-clock-skew", "must be 0s..1h, got " + skew.toSeconds() + "s");
        }
        n.rejectUnknownKeys();
        return new DrfSettings.Icf(root, Set.copyOf(names), skew);
    }
}
