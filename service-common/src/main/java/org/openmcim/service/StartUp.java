package org.openmcim.service;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The start-up of a service command that starts several things in turn (a store member, a metrics
 * endpoint, listeners): each is registered as it starts, and if a later step fails, closing the
 * {@code StartUp} closes everything started so far, newest first, before the failure propagates —
 * so a failed start leaves no listener bound and no store member (whose non-daemon threads would keep
 * the JVM alive) behind. Once {@link #succeeded()} is called, closing does nothing: the running
 * service is then closed by {@link ServiceLifetime}.
 *
 * <pre>{@code
 * try (StartUp up = new StartUp()) {
 *     StoreMember member = up.started(StoreMember.start(...));
 *     IcfServer server = up.started(IcfServer.start(...));
 *     up.succeeded();
 * }
 * }</pre>
 */
public final class StartUp implements AutoCloseable {
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private boolean succeeded;

    /** Registers {@code resource} (null: nothing started) and returns it. */
    public <T extends AutoCloseable> T started(T resource) {
        if (resource != null) {
            started.push(resource);
        }
        return resource;
    }

    /** Start-up is complete: {@link #close()} no longer closes anything. */
    public void succeeded() {
        succeeded = true;
    }

    /**
     * Unless start-up succeeded, closes what was started, newest first; a failure to close one is
     * thrown after the rest are closed (inside a try-with-resources it becomes a suppressed exception
     * of the start-up failure).
     */
    @Override
    public void close() {
        if (succeeded) {
            return;
        }
        List<AutoCloseable> order = new ArrayList<>(started); // push() put the newest first
        started.clear();
        ServiceLifetime.closingInOrder(order.toArray(AutoCloseable[]::new)).run();
    }
}
