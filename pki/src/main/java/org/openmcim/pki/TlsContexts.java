package org.openmcim.pki;

import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.SSLException;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.OpenSslServerSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

/**
 * TLS contexts for the RO/SHO/PVA services (DESIGN.md: TLS 1.3 everywhere, mutual TLS between
 * operators). Only TLS 1.3 is offered; trust is exactly the roots given, never the JDK's default
 * store. The Netty contexts run on the {@link TlsProvider} asked for, with the same policy on both.
 */
public final class TlsContexts {
    private static final String TLS13 = "TLSv1.3";

    private TlsContexts() {
    }

    /** A server on the {@linkplain TlsProvider#preferred() preferred} provider. */
    public static SslContext server(Credential identity, List<X509Certificate> trusted, boolean requireClientCertificate) {
        return server(identity, trusted, requireClientCertificate, TlsProvider.preferred());
    }

    /**
     * A server presenting {@code identity}; with {@code requireClientCertificate} peers must present one
     * chaining to {@code trusted}. {@code provider} must be one that can run here (see
     * {@link TlsProvider#effective}).
     *
     * <p>On both providers the peer chain is checked by the JDK's PKIX trust manager over exactly
     * {@code trusted} (Netty hands BoringSSL a verify callback into it), so the chain rules, the
     * validity dates and the key-usage checks are the same whichever stack runs the handshake.
     */
    public static SslContext server(Credential identity, List<X509Certificate> trusted, boolean requireClientCertificate, TlsProvider provider) {
        return server(identity, trusted, requireClientCertificate, provider, List.of());
    }

    /**
     * The same server accepting exactly {@code groups} for the key exchange (RFC 8446 §4.2.7: a client
     * whose supported_groups has none of them fails the handshake; one whose key share is another of
     * them gets a HelloRetryRequest), in the server's order of preference; empty keeps the stack's
     * default. BoringSSL names, as {@link #client(Credential, List, TlsProvider, List)}; refused with
     * {@link TlsProvider#JDK} for the same reason.
     */
    public static SslContext server(Credential identity, List<X509Certificate> trusted, boolean requireClientCertificate, TlsProvider provider,
                                    List<String> groups) {
        requireOpenSslFor(groups, provider);
        try {
            SslContextBuilder b = SslContextBuilder.forServer(identity.key(), identity.chain().toArray(X509Certificate[]::new))
                    .sslProvider(provider.netty()).protocols(TLS13);
            if (requireClientCertificate) {
                b.clientAuth(ClientAuth.REQUIRE).trustManager(trusted.toArray(X509Certificate[]::new));
            }
            if (!groups.isEmpty()) {
                b.option(OpenSslContextOption.GROUPS, groups.toArray(String[]::new));
            }
            SslContext ctx = b.build();
            if (ctx.sessionContext() instanceof OpenSslServerSessionContext openSsl) {
                enableTickets(openSsl);
            }
            return ctx;
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build TLS server context: " + e.getMessage(), e);
        }
    }

    /**
     * Netty builds its OpenSSL contexts with {@code SSL_OP_NO_TICKET} (to match the JDK's session IDs),
     * and BoringSSL then sends no TLS 1.3 NewSessionTicket (RFC 8446 §4.6.1), so no client could
     * resume. Setting ticket keys clears the option. The keys are random per context: a restarted
     * service forgets them and its clients make a full handshake, as they do after a JDK server
     * restarts. A listener ({@code JsonHttpServer}) replaces this first key and rotates from then on
     * ({@link TicketKeyRotation}). Resumption here is psk_dhe_ke only (the JDK client offers nothing else,
     * RFC 8446 §4.2.9), so a fresh (EC)DHE still protects each connection's traffic keys.
     */
    private static void enableTickets(OpenSslServerSessionContext ctx) {
        ctx.setTicketKeys(TicketKeyRotation.randomKey(new SecureRandom()));
    }

    /**
     * The same client side as a JDK {@link javax.net.ssl.SSLContext}, for {@code java.net.http.HttpClient}
     * (which verifies the server's name itself): TLS 1.3, trust exactly {@code trusted}, present
     * {@code identity} when not null.
     */
    public static javax.net.ssl.SSLContext jdkClient(Credential identity, List<X509Certificate> trusted) {
        try {
            javax.net.ssl.KeyManager[] kms = null;
            if (identity != null) {
                char[] pw = new char[0];
                java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("identity", identity.key(), pw, identity.chain().toArray(X509Certificate[]::new));
                javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("PKIX");
                kmf.init(ks, pw);
                kms = kmf.getKeyManagers();
            }
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLSv1.3");
            ctx.init(kms, jdkTrustManagers(trusted), null);
            return ctx;
        } catch (java.security.GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build TLS client context: " + e.getMessage(), e);
        }
    }

    /** The JDK's PKIX trust managers over exactly {@code trusted}, as {@link #jdkClient} uses them. */
    public static javax.net.ssl.TrustManager[] jdkTrustManagers(List<X509Certificate> trusted) {
        try {
            java.security.KeyStore ts = java.security.KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            for (int i = 0; i < trusted.size(); i++) {
                ts.setCertificateEntry("root-" + i, trusted.get(i));
            }
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
            tmf.init(ts);
            return tmf.getTrustManagers();
        } catch (java.security.GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build TLS trust managers: " + e.getMessage(), e);
        }
    }

    /** A Netty client on the {@linkplain TlsProvider#preferred() preferred} provider. */
    public static SslContext client(Credential identity, List<X509Certificate> trusted) {
        return client(identity, trusted, TlsProvider.preferred());
    }

    /**
     * A client trusting exactly {@code trusted}, presenting {@code identity} if not null (mutual TLS);
     * the server's name is verified against its certificate (RFC 6125) when the handler is created
     * with the peer host.
     */
    public static SslContext client(Credential identity, List<X509Certificate> trusted, TlsProvider provider) {
        return client(identity, trusted, provider, List.of());
    }

    /**
     * The same client offering exactly {@code groups} (TLS 1.3 supported_groups and key shares, RFC
     * 8446 §4.2.7-4.2.8; BoringSSL names such as "X25519", "X25519MLKEM768", "P-256"), in order of
     * preference; empty keeps the stack's default (on BoringSSL today X25519MLKEM768 first, a hybrid
     * post-quantum share). Only {@link TlsProvider#OPENSSL} takes groups per context: JDK 17 reads
     * them once per process from {@code jdk.tls.namedGroups} (SSLParameters.setNamedGroups is JDK 20),
     * so groups with {@link TlsProvider#JDK} are refused rather than silently ignored.
     */
    public static SslContext client(Credential identity, List<X509Certificate> trusted, TlsProvider provider, List<String> groups) {
        requireOpenSslFor(groups, provider);
        try {
            SslContextBuilder b = SslContextBuilder.forClient().sslProvider(provider.netty()).protocols(TLS13)
                    .trustManager(trusted.toArray(X509Certificate[]::new))
                    .endpointIdentificationAlgorithm("HTTPS");
            if (identity != null) {
                b.keyManager(identity.key(), identity.chain().toArray(X509Certificate[]::new));
            }
            if (!groups.isEmpty()) {
                b.option(OpenSslContextOption.GROUPS, groups.toArray(String[]::new));
            }
            return b.build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build TLS client context: " + e.getMessage(), e);
        }
    }

    /**
     * The TLS group names BoringSSL (netty-tcnative 2.0.x) accepts for {@code SSL_CTX_set1_groups_list},
     * as configuration may name them: the classical ECDHE groups and the hybrid post-quantum one.
     */
    public static final List<String> GROUP_NAMES = List.of("X25519", "P-256", "P-384", "P-521", "X25519MLKEM768");

    private static void requireOpenSslFor(List<String> groups, TlsProvider provider) {
        if (!groups.isEmpty() && provider != TlsProvider.OPENSSL) {
            throw new IllegalArgumentException("TLS groups per context need the openssl provider (here " + provider.configName()
                    + "); on the JDK use -Djdk.tls.namedGroups");
        }
    }
}
