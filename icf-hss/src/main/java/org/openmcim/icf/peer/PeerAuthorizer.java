package org.openmcim.icf.peer;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The configured Origin-Host/Origin-Realm pairs this node serves (DESIGN.md security model: the
 * ICF answers only configured peers; STYLE.md: authorise at the edge before any work).
 * DiameterIdentity comparison is case-insensitive (RFC 6733 §4.3.1, FQDN rules).
 */
public final class PeerAuthorizer {
    private final Set<String> allowed;

    public PeerAuthorizer(Set<String[]> hostRealmPairs) {
        this.allowed = hostRealmPairs.stream().map(p -> key(p[0], p[1])).collect(Collectors.toUnmodifiableSet());
    }

    public static PeerAuthorizer of(java.util.List<org.openmcim.icf.config.IcfConfig.Peer> peers) {
        return new PeerAuthorizer(peers.stream().map(p -> new String[] {p.host(), p.realm()}).collect(Collectors.toSet()));
    }

    public boolean allowed(String host, String realm) {
        return host != null && realm != null && allowed.contains(key(host, realm));
    }

    private static String key(String host, String realm) {
        return host.toLowerCase(Locale.ROOT) + "@" + realm.toLowerCase(Locale.ROOT);
    }
}
