package org.openmcim.dpf;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Forgets the DRF's and DPF's records that nothing can use any more (and gives up the DPF's downloads
 * whose report never came, {@link Dpf#expireUnreported}): nonces whose bootstrap expired
 * ({@link NonceLedger#expire}) and closed download sessions of such bootstraps
 * ({@link SessionStore#expireClosed}), {@link #MARGIN} after the expiry. Without it the nonce tables
 * and the sessions grow with every bootstrap, in the state directory or the store cluster, for ever.
 * One daemon thread per service, every {@link #EVERY}; store calls never run on an event loop
 * (STYLE.md 5).
 */
public final class StateExpiry implements AutoCloseable {
    /**
     * How long after a bootstrap's expiry its records are kept: far more than the clock skew the
     * bootstrap check tolerates (2 min, docs/bootstrap-message.md) and than any request in flight.
     */
    public static final Duration MARGIN = Duration.ofHours(1);
    static final Duration EVERY = Duration.ofMinutes(5);
    private static final Logger LOG = Logger.getLogger(StateExpiry.class.getName());

    private final ScheduledExecutorService timer;

    private StateExpiry(String name, Runnable sweep) {
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name + "-expiry");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                sweep.run();
            } catch (RuntimeException e) {
                // The next round tries again; an exception escaping would cancel the schedule.
                LOG.log(Level.WARNING, name + ": expiring old records failed", e);
            }
        }, EVERY.toSeconds(), EVERY.toSeconds(), TimeUnit.SECONDS);
    }

    /** The DRF's sweep: the nonce ledger it writes. */
    public static StateExpiry drf(NonceLedger ledger, Clock clock) {
        return new StateExpiry("drf", () -> log("drf", 0, ledger.expire(clock.instant(), MARGIN)));
    }

    /**
     * The DPF's sweep: first the downloads whose report never came ({@link Dpf#expireUnreported}: the
     * SHO is told, the session closes EXPIRED), then its closed sessions (while the ledger still knows
     * their bootstraps' expiry), then the ledger.
     */
    public static StateExpiry dpf(Dpf dpf, SessionStore sessions, NonceLedger ledger, Clock clock) {
        return new StateExpiry("dpf", () -> {
            try {
                dpf.expireUnreported(clock.instant());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // closing: the timer is shutting down
                return;
            }
            int s = sessions.expireClosed(clock.instant(), MARGIN, nonce -> ledger.find(nonce).map(NonceLedger.Issued::expiresAt));
            log("dpf", s, ledger.expire(clock.instant(), MARGIN));
        });
    }

    private static void log(String who, int sessions, int nonces) {
        if (sessions + nonces > 0) {
            LOG.info(who + ": forgot " + nonces + " expired nonce(s) and " + sessions + " closed session(s)");
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
