package org.openmcim.service;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;

import org.openmcim.metrics.PrometheusEndpoint;

/**
 * The tail every long-running {@code openmcim} service command shares (icf, sho, pva, drf, dpf):
 * say where metrics are scraped, then block until Ctrl-C / SIGTERM and close what was started, in
 * the order given, from the JVM's shutdown hook.
 */
public final class ServiceLifetime {
    private ServiceLifetime() {
    }

    /**
     * Prints the metrics address (when {@code metrics} is not null), flushes {@code out}, and blocks
     * until the JVM shuts down; the shutdown hook (thread {@code name + "-shutdown"}) closes
     * {@code closeInOrder}, skipping nulls (an optional metrics endpoint or store member).
     */
    public static void untilStopped(PrintWriter out, PrometheusEndpoint metrics, String name, AutoCloseable... closeInOrder)
            throws InterruptedException {
        if (metrics != null) {
            out.println("metrics on http://" + metrics.address().getHostString() + ":" + metrics.address().getPort() + "/metrics");
        }
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable close = closingInOrder(closeInOrder);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                close.run();
            } finally {
                stopped.countDown();
            }
        }, name + "-shutdown"));
        stopped.await();
    }

    /**
     * Closes each non-null resource in order. A failure to close one is rethrown after the rest
     * have been closed, so one stuck listener does not keep the others open.
     */
    static Runnable closingInOrder(AutoCloseable... resources) {
        List<AutoCloseable> list = new ArrayList<>();
        for (AutoCloseable r : resources) {
            if (r != null) {
                list.add(r);
            }
        }
        return () -> {
            RuntimeException failure = null;
            for (AutoCloseable r : list) {
                try {
                    r.close();
                } catch (Exception e) {
                    RuntimeException wrapped = e instanceof RuntimeException re ? re : new IllegalStateException("closing " + r, e);
                    if (failure == null) {
                        failure = wrapped;
                    } else {
                        failure.addSuppressed(wrapped);
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
        };
    }
}
