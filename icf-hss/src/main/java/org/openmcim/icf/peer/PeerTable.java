package org.openmcim.icf.peer;

import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Open peer connections by Origin-Host, so the HSS can send requests of its own (CLR). */
public final class PeerTable {
    private final ConcurrentHashMap<String, PeerHandler> open = new ConcurrentHashMap<>();

    void opened(PeerHandler h) {
        open.put(h.peer().host().toLowerCase(Locale.ROOT), h);
    }

    void closed(PeerHandler h) {
        open.remove(h.peer().host().toLowerCase(Locale.ROOT), h);
    }

    public Optional<PeerHandler> find(String host) {
        return Optional.ofNullable(open.get(host.toLowerCase(Locale.ROOT)));
    }

    public int size() {
        return open.size();
    }
}
