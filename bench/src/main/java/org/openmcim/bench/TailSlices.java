package org.openmcim.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;

/**
 * Which moments of a measurement window the slow answers fall in. The window is cut into slices of
 * 100 ms; a sampler thread reads the VM's steal time ({@link MachineTimes}: the hypervisor running
 * something else on our vCPUs) at every slice boundary, GC notifications mark the slices a
 * collection paused, and the load tool counts each slow answer in the slice of its intended send
 * time. The report says what share of the slow answers fell in slices with steal, with a GC pause,
 * with both or neither, beside what share of all slices those are: a tail that follows steal is the
 * platform's, not the server's.
 *
 * <p>{@code /proc/stat} counts steal in clock ticks (USER_HZ, 10 ms here), so "a slice with steal"
 * is one in which at least one tick of some vCPU was stolen.
 */
final class TailSlices implements AutoCloseable {
    static final long SLICE_NANOS = 100_000_000L;

    private final long t0;
    private final long t0UptimeMillis;
    private final long thresholdNanos;
    private final int slices;
    private final AtomicLongArray slow;
    private final AtomicLongArray all;
    private final long[] steal;
    private final boolean[] gc;
    private final Thread sampler;
    private final List<Runnable> unsubscribe = new ArrayList<>();
    private volatile boolean stop;

    /** Starts now, for {@code seconds}; an answer slower than {@code thresholdNanos} is slow. */
    TailSlices(int seconds, long thresholdNanos) {
        this.thresholdNanos = thresholdNanos;
        this.slices = (int) (seconds * 1_000_000_000L / SLICE_NANOS) + 1;
        this.slow = new AtomicLongArray(slices);
        this.all = new AtomicLongArray(slices);
        this.steal = new long[slices];
        this.gc = new boolean[slices];
        this.t0UptimeMillis = ManagementFactory.getRuntimeMXBean().getUptime();
        this.t0 = System.nanoTime();
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (b instanceof NotificationEmitter e) {
                NotificationListener l = (n, h) -> {
                    if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                        var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData()).getGcInfo();
                        markGc(info.getStartTime(), info.getEndTime());
                    }
                };
                e.addNotificationListener(l, null, null);
                unsubscribe.add(() -> {
                    try {
                        e.removeNotificationListener(l);
                    } catch (javax.management.ListenerNotFoundException x) {
                        // already gone
                    }
                });
            }
        }
        this.sampler = new Thread(this::sample, "tail-slices");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** An answer to the request intended at {@code intendedNanos}, {@code latencyNanos} later. */
    void record(long intendedNanos, long latencyNanos) {
        long i = (intendedNanos - t0) / SLICE_NANOS;
        if (i >= 0 && i < slices) {
            all.incrementAndGet((int) i);
            if (latencyNanos > thresholdNanos) {
                slow.incrementAndGet((int) i);
            }
        }
    }

    private synchronized void markGc(long startUptimeMillis, long endUptimeMillis) {
        for (long ms = startUptimeMillis; ms <= endUptimeMillis; ms += 100) {
            long i = (ms - t0UptimeMillis) * 1_000_000L / SLICE_NANOS;
            if (i >= 0 && i < slices) {
                gc[(int) i] = true;
            }
        }
        long last = (endUptimeMillis - t0UptimeMillis) * 1_000_000L / SLICE_NANOS;
        if (last >= 0 && last < slices) {
            gc[(int) last] = true;
        }
    }

    private void sample() {
        long before = MachineTimes.now().steal();
        for (int i = 0; i < slices && !stop; i++) {
            long due = t0 + (i + 1) * SLICE_NANOS;
            long wait;
            while ((wait = due - System.nanoTime()) > 0 && !stop) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
            long now = MachineTimes.now().steal();
            steal[i] = now - before;
            before = now;
        }
    }

    @Override
    public void close() {
        stop = true;
        unsubscribe.forEach(Runnable::run);
    }

    /** The report over the slices that saw answers (the window's), e.g. for the tool's output. */
    synchronized String report() {
        long[] slowIn = new long[4]; // neither, steal only, GC only, both
        long[] slicesIn = new long[4];
        long totalSlow = 0;
        long stolenTicks = 0;
        for (int i = 0; i < slices; i++) {
            if (all.get(i) == 0) {
                continue;
            }
            int k = (steal[i] > 0 ? 1 : 0) + (gc[i] ? 2 : 0);
            slowIn[k] += slow.get(i);
            slicesIn[k]++;
            totalSlow += slow.get(i);
            stolenTicks += steal[i];
        }
        long n = slicesIn[0] + slicesIn[1] + slicesIn[2] + slicesIn[3];
        if (n == 0) {
            return "tail by 100 ms slice: no answers";
        }
        String[] names = {"neither", "steal only", "GC pause only", "steal and GC"};
        StringBuilder b = new StringBuilder(String.format("answers over %.1f ms, by 100 ms slice of their intended send time: %,d (%.2f %%); steal in %d of %d slices (%d ticks of 10 ms)%n",
                thresholdNanos / 1e6, totalSlow, 100.0 * totalSlow / Math.max(1, sum(all)), slicesIn[1] + slicesIn[3], n, stolenTicks));
        for (int k = 0; k < 4; k++) {
            b.append(String.format("  slices with %-13s %5.1f %% of slices, %5.1f %% of those answers%n", names[k] + ":",
                    100.0 * slicesIn[k] / n, totalSlow == 0 ? 0 : 100.0 * slowIn[k] / totalSlow));
        }
        return b.toString().stripTrailing();
    }

    private static long sum(AtomicLongArray a) {
        long s = 0;
        for (int i = 0; i < a.length(); i++) {
            s += a.get(i);
        }
        return s;
    }
}
