package org.openmcim.pva;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

import org.openmcim.http.JsonHttpServer;
import org.openmcim.pki.CertificatePaths;

/**
 * "Authorise at the edge" (STYLE.md point 6) for the SHO and PVA services. One TLS listener trusts
 * the union of several roots (SHOs, the RO's DPF, administrators); which role a peer may play is
 * decided here per endpoint, from the root its presented chain leads to and, for administrators,
 * its name.
 */
public final class PeerCheck {
    private PeerCheck() {
    }

    /** When a path validated against a set of roots stays valid: while the date is within every certificate's validity. */
    private record Validated(List<X509Certificate> roots, Instant notBefore, Instant notAfter) {
        boolean covers(Instant at) {
            return !at.isBefore(notBefore) && !at.isAfter(notAfter);
        }
    }

    /**
     * Whether {@code chain} (leaf first, as presented in TLS) leads to one of {@code roots} at {@code at}.
     *
     * <p>A chain from the listener ({@link JsonHttpServer.PeerChain}, one per connection) remembers a
     * success against the same roots for the connection's life: PKIX without revocation depends only
     * on the certificates, the anchors and the date, so the outcome holds while the date is within
     * every certificate of the path. The SHO and PVA checked each request of a kept-alive operator
     * connection again before (issue #5).
     */
    public static boolean chainsTo(List<X509Certificate> chain, List<X509Certificate> roots, Instant at) {
        if (chain == null || chain.isEmpty() || roots.isEmpty()) {
            return false;
        }
        JsonHttpServer.PeerChain connection = chain instanceof JsonHttpServer.PeerChain p ? p : null;
        if (connection != null && connection.remembered(roots) instanceof Validated v && v.roots().equals(roots) && v.covers(at)) {
            return true;
        }
        List<X509Certificate> path = CertificatePaths.pathOf(chain);
        if (!validates(path, roots, at)) {
            return false;
        }
        if (connection != null) {
            Instant notBefore = Instant.MIN;
            Instant notAfter = Instant.MAX;
            for (X509Certificate c : path) {
                Instant nb = c.getNotBefore().toInstant();
                Instant na = c.getNotAfter().toInstant();
                notBefore = nb.isAfter(notBefore) ? nb : notBefore;
                notAfter = na.isBefore(notAfter) ? na : notAfter;
            }
            connection.remember(List.copyOf(roots), new Validated(List.copyOf(roots), notBefore, notAfter));
        }
        return true;
    }

    private static boolean validates(List<X509Certificate> path, List<X509Certificate> roots, Instant at) {
        try {
            // A new instance each time: operator chains are validated once per connection (remembered above).
            new CertificatePaths().validate(path, roots, at);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The CN of a certificate's subject, or null. */
    public static String commonName(X509Certificate c) {
        try {
            for (Rdn rdn : new LdapName(c.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        return null;
    }

    /** Refuses (403 forbidden-peer) unless the mutual-TLS peer chains to {@code roots}. */
    public static void require(JsonHttpServer.Request r, List<X509Certificate> roots, String role, Instant at) {
        if (!chainsTo(r.peerCertificates(), roots, at)) {
            throw new JsonHttpServer.HttpException(403, "forbidden-peer", "this endpoint is for the " + role + " only");
        }
    }

    /** Refuses (403 forbidden-peer) unless the peer chains to {@code roots} and its CN is one of {@code names}. */
    public static void requireNamed(JsonHttpServer.Request r, List<X509Certificate> roots, Set<String> names, String role, Instant at) {
        if (!chainsTo(r.peerCertificates(), roots, at) || !names.contains(commonName(r.peer()))) {
            throw new JsonHttpServer.HttpException(403, "forbidden-peer", "this endpoint is for the " + role + " only");
        }
    }

    /** Refuses (403 forbidden-peer) unless the peer chains to {@code roots} and its CN is one of {@code names}. */
    public static void requireAdmin(JsonHttpServer.Request r, List<X509Certificate> roots, Set<String> names, Instant at) {
        if (!chainsTo(r.peerCertificates(), roots, at) || !names.contains(commonName(r.peer()))) {
            throw new JsonHttpServer.HttpException(403, "forbidden-peer", "this endpoint is for administrators only");
        }
    }
}
