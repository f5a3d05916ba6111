package org.openmcim.icf.gx;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@link AttachEvents} within one process: fans each event out to the subscribed listeners (the
 * DRF, when it runs beside the ICF) and remembers the last event per IMSI, so a listener that
 * subscribes late can still ask where a PCID is.
 */
public final class InProcessAttachEvents implements AttachEvents {
    private static final Logger LOG = Logger.getLogger(InProcessAttachEvents.class.getName());

    private final List<AttachEvents> listeners = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<String, Event> last = new ConcurrentHashMap<>();

    /** The last thing heard about an IMSI. */
    public sealed interface Event permits Attached, Ended {
        String imsi();

        Instant at();
    }

    public record Attached(String imsi, InetAddress ip, String apn, Instant at) implements Event {
    }

    public record Ended(String imsi, Instant at) implements Event {
    }

    /** Adds a listener; closing the returned handle removes it. */
    public AutoCloseable subscribe(AttachEvents listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** The last event for {@code imsi}, if any. */
    public Optional<Event> last(String imsi) {
        return Optional.ofNullable(last.get(imsi));
    }

    @Override
    public void pcidAttached(String imsi, InetAddress ip, String apn, Instant at) {
        last.put(imsi, new Attached(imsi, ip, apn, at));
        for (AttachEvents l : listeners) {
            try {
                l.pcidAttached(imsi, ip, apn, at);
            } catch (RuntimeException e) {
                // One failing listener must not cost the PGW its CCA nor the others their event.
                LOG.log(Level.WARNING, "attach listener failed for " + imsi, e);
            }
        }
    }

    @Override
    public void sessionEnded(String imsi, Instant at) {
        last.put(imsi, new Ended(imsi, at));
        for (AttachEvents l : listeners) {
            try {
                l.sessionEnded(imsi, at);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "attach listener failed for " + imsi, e);
            }
        }
    }
}
