package org.openmcim.pki;

import java.util.Locale;
import java.util.logging.Logger;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;

/**
 * Which TLS stack a Netty listener of the services runs on ({@code tls.provider} in their
 * configuration files). The choice changes the implementation, not the policy: {@link TlsContexts}
 * builds both with the same protocol (TLS 1.3 only), the same client-certificate requirement and the
 * same trust manager (the JDK's PKIX over exactly the configured roots, which BoringSSL calls back
 * into for every peer chain), so a chain refused on one is refused on the other.
 *
 * <ul>
 * <li>{@link #OPENSSL}: BoringSSL through {@code netty-tcnative-boringssl-static}. Its P-256
 * signatures and x25519 shares cost a fraction of the JDK 17 provider's (docs/benchmarks.md, issue
 * #5: about half the services' CPU was JSSE handshakes on SunEC).</li>
 * <li>{@link #JDK}: JSSE with the JVM's providers; what every listener used before, and the fallback
 * where the native library cannot load (another architecture, a libc it was not built for).</li>
 * </ul>
 */
public enum TlsProvider {
    OPENSSL, JDK;

    private static final Logger LOG = Logger.getLogger(TlsProvider.class.getName());

    /** The name in configuration files. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code openssl} or {@code jdk}; anything else is refused with the allowed values. */
    public static TlsProvider parse(String value) {
        for (TlsProvider p : values()) {
            if (p.configName().equals(value)) {
                return p;
            }
        }
        throw new IllegalArgumentException("expected openssl or jdk, got \"" + value + "\"");
    }

    /** Whether the native library loaded in this JVM (Netty tries once and remembers the outcome). */
    public static boolean openSslAvailable() {
        return OpenSsl.isAvailable();
    }

    /** The default when a configuration names none: OpenSSL where its native library loads, else the JDK. */
    public static TlsProvider preferred() {
        return openSslAvailable() ? OPENSSL : JDK;
    }

    /**
     * The provider that will actually run for a listener configured with this one: {@link #OPENSSL}
     * falls back to {@link #JDK}, with a log line saying why, when the native library cannot load —
     * the service still starts, slower, rather than not at all.
     *
     * @param where who asks, for the log line (e.g. the configuration file)
     */
    public TlsProvider effective(String where) {
        if (this == OPENSSL && !openSslAvailable()) {
            Throwable why = OpenSsl.unavailabilityCause();
            LOG.warning(where + ": tls.provider openssl: the native library (netty-tcnative-boringssl-static) cannot load ("
                    + (why == null ? "unknown cause" : why.getClass().getSimpleName() + ": " + why.getMessage()) + "); using jdk");
            return JDK;
        }
        return this;
    }

    SslProvider netty() {
        return this == OPENSSL ? SslProvider.OPENSSL : SslProvider.JDK;
    }
}
