package org.openmcim.drf;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import org.openmcim.config.ConfigNode;
import org.openmcim.config.PkiFiles;
import org.openmcim.pki.Credential;
import org.openmcim.pki.Pem;
import org.openmcim.pki.TlsProvider;

/**
 * Reading the files a DRF/DPF configuration names (paths relative to the configuration file), so a
 * missing or unreadable certificate is a start-up error naming file and key, not a failure at the
 * first request. Private keys are read, never printed.
 */
public final class ConfigFiles {
    private ConfigFiles() {
    }

    /** {@code key: {certificate: FILE, key: FILE}}. */
    public static Credential credential(ConfigNode parent, String key, Path base) {
        ConfigNode n = parent.child(key);
        Credential c = credential(parent, key, n, base);
        n.rejectUnknownKeys();
        return c;
    }

    /** The service's TLS section: its credential, the stack its listeners run on and the key-exchange groups (empty: the stack's). */
    public record Tls(Credential credential, TlsProvider provider, List<String> groups) {
        public Tls {
            groups = List.copyOf(groups);
        }
    }

    /**
     * {@code tls: {certificate: FILE, key: FILE, provider: openssl|jdk, groups: [NAME, ...]}} (provider
     * optional, default openssl; groups optional, {@link PkiFiles#groups}).
     */
    public static Tls tls(ConfigNode root, Path base) {
        ConfigNode n = root.child("tls");
        TlsProvider provider = PkiFiles.provider(n);
        List<String> groups = PkiFiles.groups(n, provider);
        Credential c = credential(root, "tls", n, base);
        n.rejectUnknownKeys();
        return new Tls(c, provider, groups);
    }

    private static Credential credential(ConfigNode parent, String key, ConfigNode n, Path base) {
        Path cert = base.resolve(n.string("certificate"));
        Path priv = base.resolve(n.string("key"));
        try {
            return Pem.readCredential(cert, priv);
        } catch (IOException | RuntimeException e) {
            throw parent.error(key, "cannot read " + cert + " / " + priv + ": " + e.getMessage()
                    + " (run 'openmcim pki init' for the development PKI)");
        }
    }

    /** The first certificate of the PEM file at {@code key} (a root). */
    public static X509Certificate root(ConfigNode n, String key, Path base) {
        Path p = base.resolve(n.string(key));
        return first(n, key, p);
    }

    /** A list of root files. */
    public static List<X509Certificate> roots(ConfigNode n, String key, Path base) {
        List<X509Certificate> out = new ArrayList<>();
        for (String f : n.strings(key)) {
            out.add(first(n, key, base.resolve(f)));
        }
        if (out.isEmpty()) {
            throw n.error(key, "at least one root certificate file is required");
        }
        return List.copyOf(out);
    }

    private static X509Certificate first(ConfigNode n, String key, Path p) {
        try {
            List<X509Certificate> certs = Pem.readCertificates(p);
            if (certs.isEmpty()) {
                throw n.error(key, p + " holds no certificate");
            }
            return certs.get(0);
        } catch (IOException | RuntimeException e) {
            if (e instanceof org.openmcim.config.ConfigException c) {
                throw c;
            }
            throw n.error(key, "cannot read " + p + ": " + e.getMessage() + " (run 'openmcim pki init' for the development PKI)");
        }
    }

    /** An https URL. */
    public static URI https(ConfigNode n, String key) {
        return n.parsed(key, v -> {
            URI u = URI.create(v);
            if (!"https".equals(u.getScheme()) || u.getHost() == null) {
                throw new IllegalArgumentException("expected an https URL, got \"" + v + "\"");
            }
            return u;
        });
    }

    /** HTTP server limits: {@code limits: {max-body, workers, queue}}. */
    public record Limits(int maxBody, int workers, int queue) {
        public static Limits from(ConfigNode root, int defaultMaxBody) {
            if (!root.has("limits")) {
                root.optionalChild("limits");
                return new Limits(defaultMaxBody, 4, 1000);
            }
            ConfigNode n = root.child("limits");
            Limits l = new Limits((int) n.integer("max-body", 1024, 1024 * 1024, defaultMaxBody), (int) n.integer("workers", 1, 256, 4),
                    (int) n.integer("queue", 1, 100_000, 1000));
            n.rejectUnknownKeys();
            return l;
        }
    }
}
