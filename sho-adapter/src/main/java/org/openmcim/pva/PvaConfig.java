package org.openmcim.pva;

import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.openmcim.config.ConfigException;
import org.openmcim.config.ConfigNode;
import org.openmcim.config.PkiFiles;
import org.openmcim.pki.Credential;
import org.openmcim.pki.TlsProvider;

/**
 * {@code config/pva.yaml}: the PVA's one typed, validated configuration (STYLE.md point 8).
 * Paths are relative to the configuration file. Certificates and keys are read by
 * {@link #identity()} and {@link #roots(List)}, so a syntax check does not need the PKI.
 */
public record PvaConfig(Path base, InetSocketAddress listen, Path certificate, Path key, List<Path> shoRoots, List<Path> supplierRoots,
                        List<Path> adminRoots, Set<String> adminNames, Duration maxAttestationAge,
                        Map<String, Map<String, String>> references, List<BigInteger> revoked, Optional<InetSocketAddress> metrics,
                        Optional<IssuingCa> issuingCa, TlsProvider tlsProvider, List<String> tlsGroups) {

    /** The CA with which the PVA issues new platform credentials (IoT seed §2.6), and for how long. */
    public record IssuingCa(Path certificate, Path key, Duration validity) {
    }

    public static PvaConfig load(Path file) {
        return from(ConfigNode.load(file), file.toAbsolutePath().getParent());
    }

    public static PvaConfig from(ConfigNode root, Path base) {
        InetSocketAddress listen = root.hostPort("listen");
        ConfigNode tls = root.child("tls");
        Path cert = Path.of(tls.string("certificate"));
        Path key = Path.of(tls.string("key"));
        TlsProvider provider = PkiFiles.provider(tls);
        List<String> groups = PkiFiles.groups(tls, provider);
        tls.rejectUnknownKeys();
        List<Path> shoRoots = PkiFiles.rootFiles(root, "sho-roots");
        List<Path> supplierRoots = PkiFiles.rootFiles(root, "supplier-roots");
        ConfigNode admin = root.child("admin");
        List<Path> adminRoots = PkiFiles.rootFiles(admin, "roots");
        Set<String> adminNames = Set.copyOf(admin.strings("names"));
        if (adminNames.isEmpty()) {
            throw admin.error("names", "at least one administrator certificate CN");
        }
        admin.rejectUnknownKeys();
        Duration age = root.duration("max-attestation-age", Duration.ofMinutes(10));
        if (age.isNegative() || age.isZero() || age.compareTo(Duration.ofDays(1)) > 0) {
            throw root.error("max-attestation-age", "must be more than 0 and at most 1d");
        }
        Map<String, Map<String, String>> refs = new LinkedHashMap<>();
        for (ConfigNode n : root.children("references")) {
            String model = n.string("model");
            Map<String, String> comps = n.stringMap("components");
            if (comps.isEmpty()) {
                throw n.error("components", "at least one component → SHA-256");
            }
            for (Map.Entry<String, String> e : comps.entrySet()) {
                if (!e.getValue().matches("[0-9a-fA-F]{64}")) {
                    throw n.error("components." + e.getKey(), "expected 64 hex digits (SHA-256), got \"" + e.getValue() + "\"");
                }
            }
            if (refs.put(model, comps) != null) {
                throw n.error("model", "model " + model + " is listed twice");
            }
            n.rejectUnknownKeys();
        }
        List<BigInteger> revoked = new ArrayList<>();
        for (String s : root.strings("revoked")) {
            if (!s.matches("[0-9a-fA-F]{1,64}")) {
                throw root.error("revoked", "serials are 1-64 hex digits, got \"" + s + "\"");
            }
            revoked.add(new BigInteger(s, 16));
        }
        Optional<InetSocketAddress> metrics = root.has("metrics") ? Optional.of(root.hostPort("metrics")) : Optional.empty();
        Optional<IssuingCa> ca = Optional.empty();
        Optional<ConfigNode> cn = root.optionalChild("issuing-ca");
        if (cn.isPresent()) {
            ConfigNode n = cn.get();
            Duration validity = n.duration("validity", Duration.ofDays(3650));
            if (validity.compareTo(Duration.ofDays(1)) < 0) {
                throw n.error("validity", "at least 1d");
            }
            ca = Optional.of(new IssuingCa(Path.of(n.string("certificate")), Path.of(n.string("key")), validity));
            n.rejectUnknownKeys();
        }
        root.rejectUnknownKeys();
        return new PvaConfig(base, listen, cert, key, shoRoots, supplierRoots, adminRoots, adminNames, age, Map.copyOf(refs),
                List.copyOf(revoked), metrics, ca, provider, groups);
    }

    public Credential identity() {
        return PkiFiles.credential(base, "tls", certificate, key);
    }

    public List<X509Certificate> roots(List<Path> files) {
        return PkiFiles.roots(base, files);
    }

    /** The issuer of new platform credentials, if {@code issuing-ca} is configured. */
    public Optional<PlatformCredentialIssuer> issuer(java.security.SecureRandom random) {
        return issuingCa.map(c -> new PlatformCredentialIssuer(
                org.openmcim.pki.CertificateAuthority.of(PkiFiles.credential(base, "issuing-ca", c.certificate(), c.key()), random),
                c.validity()));
    }

    /**
     * The validation core with this configuration's references and revocations; the issuing CA, if
     * any, is trusted like a supplier root (it vouches for the credentials it re-issues).
     */
    public PlatformValidation validation() {
        List<X509Certificate> trusted = new ArrayList<>(roots(supplierRoots));
        issuingCa.ifPresent(c -> {
            for (X509Certificate x : PkiFiles.roots(base, List.of(c.certificate()))) {
                if (!trusted.contains(x)) {
                    trusted.add(x);
                }
            }
        });
        PlatformValidation v = new PlatformValidation(trusted, maxAttestationAge);
        references.forEach(v::registerReference);
        revoked.forEach(v::revoke);
        return v;
    }

    public PvaService.Settings settings() {
        InetSocketAddress at = new InetSocketAddress(listen.getHostString(), listen.getPort());
        return new PvaService.Settings(at, identity(), roots(shoRoots), roots(adminRoots), adminNames, tlsProvider, tlsGroups);
    }

    @Override
    public String toString() {
        return "PvaConfig[listen " + listen + ", " + references.size() + " model(s), " + revoked.size() + " revoked]";
    }
}
