package org.openmcim.icf.config;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.SSLContext;

import org.openmcim.config.ConfigException;
import org.openmcim.config.PkiFiles;
import org.openmcim.pki.Credential;
import org.openmcim.pki.TlsContexts;
import org.openmcim.pki.TlsProvider;

import io.netty.handler.ssl.SslContext;

/**
 * The TLS of the ICF's HTTPS sections ({@code drf}, {@code chtif}, {@code admin}): the ICF's
 * certificate and key under {@code SECTION.tls} and the roots it trusts under {@code SECTION.roots},
 * read when the ICF starts (so {@code --check} needs no PKI), relative to the configuration file. A
 * missing, unreadable or empty file is a {@link ConfigException} naming the section and the file.
 */
public final class TlsFiles {
    private TlsFiles() {
    }

    /** A mutual-TLS client (the JDK's HTTP client): presents the ICF's credential, trusts only {@code roots}. */
    public static SSLContext client(Path base, String section, Path certificate, Path key, List<Path> roots) {
        return TlsContexts.jdkClient(credential(base, section, certificate, key), roots(base, section, roots));
    }

    /**
     * A server that requires a client certificate chaining to {@code roots}. On the JDK stack as before:
     * the admin API takes a few requests an hour, far from issue #5's load, and icf.yaml has no
     * {@code tls.provider} key yet.
     */
    public static SslContext server(Path base, String section, Path certificate, Path key, List<Path> roots) {
        return TlsContexts.server(credential(base, section, certificate, key), roots(base, section, roots), true, TlsProvider.JDK);
    }

    private static Credential credential(Path base, String section, Path certificate, Path key) {
        return PkiFiles.credential(base, section + ".tls", certificate, key);
    }

    private static List<X509Certificate> roots(Path base, String section, List<Path> files) {
        List<X509Certificate> roots = PkiFiles.roots(base, files);
        if (roots.isEmpty()) {
            throw new ConfigException(section + ".roots: no certificate in " + files);
        }
        return roots;
    }
}
