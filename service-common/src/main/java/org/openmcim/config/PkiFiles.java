package org.openmcim.config;

import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import org.openmcim.pki.Credential;
import org.openmcim.pki.Pem;
import org.openmcim.pki.TlsProvider;

/**
 * Certificate and key files a service configuration names, relative to the configuration file's
 * directory. The configuration records the paths; the files are read when the service starts (so
 * a syntax check needs no PKI), and an unreadable file is a {@link ConfigException} naming it.
 */
public final class PkiFiles {
    private PkiFiles() {
    }

    /** The list of root certificate files at {@code key}; at least one. */
    public static List<Path> rootFiles(ConfigNode n, String key) {
        List<Path> out = new ArrayList<>();
        for (String s : n.strings(key)) {
            out.add(Path.of(s));
        }
        if (out.isEmpty()) {
            throw n.error(key, "at least one root certificate file");
        }
        return List.copyOf(out);
    }

    /**
     * {@code provider} in a {@code tls:} section: {@code openssl} (the default) or {@code jdk}. Only the
     * name is checked here; whether the native library loads is decided when the listener starts
     * ({@link TlsProvider#effective}), which falls back to the JDK with a log line.
     */
    public static TlsProvider provider(ConfigNode tls) {
        String v = tls.string("provider", TlsProvider.OPENSSL.configName());
        try {
            return TlsProvider.parse(v);
        } catch (IllegalArgumentException e) {
            throw tls.error("provider", e.getMessage());
        }
    }

    /**
     * {@code groups} in a {@code tls:} section: the key-exchange groups the service's TLS contexts offer
     * and accept, in order of preference (RFC 8446 §4.2.7), from {@link org.openmcim.pki.TlsContexts#GROUP_NAMES};
     * absent or empty keeps the stack's default (BoringSSL today: X25519MLKEM768, X25519, P-256, P-384).
     * A lab that trials post-quantum key exchange with its devices sets {@code [X25519MLKEM768]} to require
     * it, or {@code [X25519, P-256]} to keep it out. Only the {@code openssl} provider takes groups per
     * service; with {@code provider: jdk} they are refused here rather than ignored.
     */
    public static List<String> groups(ConfigNode tls, TlsProvider provider) {
        if (!tls.has("groups")) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String g : tls.strings("groups")) {
            String known = org.openmcim.pki.TlsContexts.GROUP_NAMES.stream().filter(n -> n.equalsIgnoreCase(g)).findFirst()
                    .orElseThrow(() -> tls.error("groups", "unknown TLS group \"" + g + "\"; known: "
                            + String.join(", ", org.openmcim.pki.TlsContexts.GROUP_NAMES)));
            if (out.contains(known)) {
                throw tls.error("groups", "\"" + known + "\" named twice");
            }
            out.add(known);
        }
        if (!out.isEmpty() && provider != TlsProvider.OPENSSL) {
            throw tls.error("groups", "needs provider: openssl (the JDK takes groups only for the whole process, -Djdk.tls.namedGroups)");
        }
        return List.copyOf(out);
    }

    /** A key and certificate chain; {@code section} (e.g. {@code tls}) names it in the error. */
    public static Credential credential(Path base, String section, Path certificate, Path key) {
        try {
            return Pem.readCredential(base.resolve(certificate), base.resolve(key));
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(section + ": cannot read " + base.resolve(certificate) + " / " + base.resolve(key) + ": " + e.getMessage());
        }
    }

    /** Every certificate in {@code files}. */
    public static List<X509Certificate> roots(Path base, List<Path> files) {
        List<X509Certificate> out = new ArrayList<>();
        for (Path p : files) {
            try {
                out.addAll(Pem.readCertificates(base.resolve(p)));
            } catch (IOException | RuntimeException e) {
                throw new ConfigException(base.resolve(p) + ": cannot read certificate: " + e.getMessage());
            }
        }
        return out;
    }
}
