package org.openmcim.sho;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.openmcim.config.ConfigException;
import org.openmcim.config.ConfigNode;
import org.openmcim.config.PkiFiles;
import org.openmcim.pki.Credential;
import org.openmcim.pki.TlsProvider;
import org.openmcim.wire.mcim.McimPart;

/**
 * {@code config/sho1.yaml}, {@code config/sho2.yaml}: one SHO's typed, validated configuration
 * (STYLE.md point 8). Paths are relative to the configuration file; certificates, keys and part
 * files are read by the accessor methods, so a syntax check does not need the PKI.
 */
public record ShoConfig(Path base, String shoId, InetSocketAddress listen, InetSocketAddress deviceListen, Path certificate, Path key,
                        List<Path> roRoots, List<Path> supplierRoots, List<Path> adminRoots, Set<String> adminNames, URI pvaUrl,
                        List<Path> pvaRoots, Optional<URI> drfUrl, String imsiPrefix, String apn, Duration discardGrace,
                        Duration sweepInterval, List<Part> applicationParts, Optional<InetSocketAddress> metrics, Store store,
                        Optional<Path> hss, Set<String> dpfNames, Set<String> drfNames, TlsProvider tlsProvider, List<String> tlsGroups) {

    /** An application or data part of the RNCP (IoT seed §3.2.1), its content from a file. */
    public record Part(String id, McimPart.Kind kind, boolean sensitive, Path file) {
    }

    /** {@code memory} (lab) or {@code hazelcast} with the store file (shared with the SHO's HSS). */
    public record Store(String type, Optional<Path> config) {
    }

    public static ShoConfig load(Path file) {
        return from(ConfigNode.load(file), file.toAbsolutePath().getParent());
    }

    public static ShoConfig from(ConfigNode root, Path base) {
        String shoId = root.string("sho-id");
        if (!shoId.matches("[a-z0-9][a-z0-9.-]{0,62}")) {
            throw root.error("sho-id", "lower-case letters, digits, '.', '-' (it is the name in tokens and MCIMobjs)");
        }
        InetSocketAddress listen = root.hostPort("listen");
        InetSocketAddress deviceListen = root.hostPort("device-listen");
        if (listen.getPort() == deviceListen.getPort() && listen.getHostString().equals(deviceListen.getHostString())) {
            throw root.error("device-listen", "must differ from listen (the device listener has no client certificates)");
        }
        ConfigNode tls = root.child("tls");
        Path cert = Path.of(tls.string("certificate"));
        Path key = Path.of(tls.string("key"));
        TlsProvider provider = PkiFiles.provider(tls);
        List<String> groups = PkiFiles.groups(tls, provider);
        tls.rejectUnknownKeys();
        List<Path> roRoots = PkiFiles.rootFiles(root, "ro-roots");
        Set<String> dpfNames = Set.copyOf(root.has("dpf-names") ? root.strings("dpf-names") : List.of("dpf"));
        Set<String> drfNames = Set.copyOf(root.has("drf-names") ? root.strings("drf-names") : List.of("drf"));
        if (dpfNames.isEmpty()) {
            throw root.error("dpf-names", "at least one DPF certificate CN");
        }
        List<Path> supplierRoots = PkiFiles.rootFiles(root, "supplier-roots");
        ConfigNode admin = root.child("admin");
        List<Path> adminRoots = PkiFiles.rootFiles(admin, "roots");
        Set<String> adminNames = Set.copyOf(admin.strings("names"));
        if (adminNames.isEmpty()) {
            throw admin.error("names", "at least one administrator certificate CN");
        }
        admin.rejectUnknownKeys();
        ConfigNode pva = root.child("pva");
        URI pvaUrl = https(pva, "url");
        List<Path> pvaRoots = PkiFiles.rootFiles(pva, "roots");
        pva.rejectUnknownKeys();
        Optional<URI> drfUrl = Optional.empty();
        Optional<ConfigNode> drf = root.optionalChild("drf");
        if (drf.isPresent()) {
            drfUrl = Optional.of(https(drf.get(), "url"));
            drf.get().rejectUnknownKeys();
        }
        String prefix = root.string("imsi-prefix");
        if (!prefix.matches("[0-9]{5,12}")) {
            throw root.error("imsi-prefix", "MCC+MNC (5-6 digits) or longer, up to 12 digits; got \"" + prefix + "\"");
        }
        String apn = root.string("apn", "internet");
        Duration grace = root.duration("discard-grace", Duration.ofHours(24));
        if (grace.isNegative()) {
            throw root.error("discard-grace", "must not be negative");
        }
        Duration sweep = root.duration("sweep-interval", Duration.ofMinutes(1));
        if (sweep.compareTo(Duration.ofSeconds(1)) < 0 || sweep.compareTo(Duration.ofHours(1)) > 0) {
            throw root.error("sweep-interval", "must be 1s..1h");
        }
        List<Part> parts = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (ConfigNode n : root.children("application-parts")) {
            String id = n.string("id");
            if (!id.matches("[a-z0-9][a-z0-9:._-]{0,63}") || id.equals("mcim")) {
                throw n.error("id", "1-64 of a-z 0-9 : . _ -, and not \"mcim\" (the credential part)");
            }
            if (!ids.add(id)) {
                throw n.error("id", "part " + id + " is listed twice");
            }
            McimPart.Kind kind = McimPart.Kind.valueOf(n.oneOf("kind", "application", "application", "data").toUpperCase(Locale.ROOT));
            parts.add(new Part(id, kind, n.bool("sensitive", false), Path.of(n.string("file"))));
            n.rejectUnknownKeys();
        }
        Optional<InetSocketAddress> metrics = root.has("metrics") ? Optional.of(root.hostPort("metrics")) : Optional.empty();
        Store store;
        Optional<ConfigNode> sn = root.optionalChild("store");
        if (sn.isPresent()) {
            ConfigNode n = sn.get();
            String type = n.oneOf("type", "memory", "memory", "hazelcast");
            Optional<Path> file = n.optionalString("config").map(Path::of);
            if (type.equals("hazelcast") && file.isEmpty()) {
                throw n.error("config", "required for type hazelcast: the store file (e.g. store.yaml), shared with the SHO's HSS");
            }
            n.rejectUnknownKeys();
            store = new Store(type, file);
        } else {
            store = new Store("memory", Optional.empty());
        }
        Optional<Path> hss = root.optionalString("hss").map(Path::of);
        root.rejectUnknownKeys();
        return new ShoConfig(base, shoId, listen, deviceListen, cert, key, roRoots, supplierRoots, adminRoots, adminNames, pvaUrl, pvaRoots,
                drfUrl, prefix, apn, grace, sweep, List.copyOf(parts), metrics, store, hss, dpfNames, drfNames, provider, groups);
    }

    private static URI https(ConfigNode n, String key) {
        URI u = n.parsed(key, URI::create);
        if (!"https".equals(u.getScheme()) || u.getHost() == null) {
            throw n.error(key, "expected an https:// URL with a host, got \"" + u + "\"");
        }
        return u;
    }

    public Credential identity() {
        return PkiFiles.credential(base, "tls", certificate, key);
    }

    public List<X509Certificate> roots(List<Path> files) {
        return PkiFiles.roots(base, files);
    }

    /** The application parts with their contents read from their files. */
    public List<McimPart> parts() {
        List<McimPart> out = new ArrayList<>();
        for (Part p : applicationParts) {
            try {
                out.add(new McimPart(p.id(), p.kind(), p.sensitive(), Files.readAllBytes(base.resolve(p.file()))));
            } catch (IOException e) {
                throw new ConfigException("application-parts: " + p.id() + ": cannot read " + base.resolve(p.file()) + ": " + e.getMessage());
            }
        }
        return out;
    }

    public ShoService.Settings settings() {
        return new ShoService.Settings(shoId, resolved(listen), resolved(deviceListen), identity(), roots(roRoots), roots(adminRoots), adminNames,
                roots(supplierRoots), discardGrace, parts(), dpfNames, drfNames, tlsProvider, tlsGroups);
    }

    private static InetSocketAddress resolved(InetSocketAddress a) {
        return new InetSocketAddress(a.getHostString(), a.getPort());
    }
}
