package org.openmcim.pki;

import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.SSLException;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

/**
 * TLS contexts for the RO/SHO/PVA services (DESIGN.md: TLS 1.3 everywhere, mutual TLS between
 * operators). Only TLS 1.3 is offered; trust is exactly the roots given, never the JDK's default
 * store.
 */
public final class TlsContexts {
    private static final String TLS13 = "TLSv1.3";

    private TlsContexts() {
    }

    /** A server presenting {@code identity}; with {@code requireClientCertificate} peers must present one chaining to {@code trusted}. */
    public static SslContext server(Credential identity, List<X509Certificate> trusted, boolean requireClientCertificate) {
        try {
            SslContextBuilder b = SslContextBuilder.forServer(identity.key(), identity.chain().toArray(X509Certificate[]::new))
                    .sslProvider(SslProvider.JDK).protocols(TLS13);
            if (requireClientCertificate) {
                b.clientAuth(ClientAuth.REQUIRE).trustManager(trusted.toArray(X509Certificate[]::new));
            }
            return b.build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build TLS server context: " + e.getMessage(), e);
        }
    }

    /**
     * The same client side as a JDK {@link javax.net.ssl.SSLContext}, for {@code java.net.http.HttpClient}
     * (which verifies the server's name itself): TLS 1.3, trust exactly {@code trusted}, present
     * {@code identity} when not null.
     */
    public static javax.net.ssl.SSLContext jdkClient(Credential identity, List<X509Certificate> trusted) {
        try {
            java.security.KeyStore ts = java.security.KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            for (int i = 0; i < trusted.size(); i++) {
                ts.setCertificateEntry("root-" + i, trusted.get(i));
            }
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
            tmf.init(ts);
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
            ctx.init(kms, tmf.getTrustManagers(), null);
            return ctx;
        } catch (java.security.GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build TLS client context: " + e.getMessage(), e);
        }
    }

    /**
     * A client trusting exactly {@code trusted}, presenting {@code identity} if not null (mutual TLS);
     * the server's name is verified against its certificate (RFC 6125) when the handler is created
     * with the peer host.
     */
    public static SslContext client(Credential identity, List<X509Certificate> trusted) {
        try {
            SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).protocols(TLS13)
                    .trustManager(trusted.toArray(X509Certificate[]::new))
                    .endpointIdentificationAlgorithm("HTTPS");
            if (identity != null) {
                b.keyManager(identity.key(), identity.chain().toArray(X509Certificate[]::new));
            }
            return b.build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build TLS client context: " + e.getMessage(), e);
        }
    }
}
