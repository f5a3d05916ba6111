package org.openmcim.pki;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A private key with its certificate chain, leaf first, up to and including the root. The key is
 * never printed.
 */
public record Credential(PrivateKey key, List<X509Certificate> chain) {
    public Credential {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a credential needs at least its own certificate");
        }
        chain = List.copyOf(chain);
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }

    public X509Certificate root() {
        return chain.get(chain.size() - 1);
    }

    @Override
    public String toString() {
        return "Credential[" + certificate().getSubjectX500Principal().getName() + "]";
    }
}
