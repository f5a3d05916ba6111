package org.openmcim.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.management.ObjectName;

/**
 * Where a load tool's process spends its CPU, per group of threads, from Linux's per-thread
 * accounting in {@code /proc/self/task/<tid>}: CPU time and the time spent runnable but waiting
 * for a core ({@code schedstat}, nanoseconds), and voluntary context switches ({@code status}: each
 * one is a thread blocking or parking, so each is followed by a wake-up). Java threads and the
 * JVM's own (GC, JIT compilers, VM thread) are all there, native work (the kernel's side of a
 * socket) included, which JFR does not see.
 *
 * <p>The kernel keeps only 15 characters of a thread's name; the full names come from a HotSpot
 * thread dump (its {@code nid} is the kernel's thread id), taken at each snapshot. Threads are
 * grouped by name with digit runs as {@code #} ("icf-worker-#"), after {@code rename}. A thread that
 * ends inside the window is not counted (the "rest of the process" line of the callers).
 */
final class ThreadTimes {
    /** One thread at one instant: name, CPU ns, run-queue wait ns, voluntary and involuntary context switches. */
    record Sample(String name, long cpu, long queued, long voluntary, long involuntary) {
    }

    /** One group's use over a window. */
    record Use(long cpu, long queued, long voluntary, long involuntary, int threads) {
        Use plus(Use o) {
            return new Use(cpu + o.cpu, queued + o.queued, voluntary + o.voluntary, involuntary + o.involuntary, threads + o.threads);
        }
    }

    private static final Pattern DUMP_LINE = Pattern.compile("^\"(.*)\" .*\\bnid=(0x[0-9a-fA-F]+|[0-9]+)\\b", Pattern.MULTILINE);

    private ThreadTimes() {
    }

    /** Every live thread of this process by kernel thread id; empty where /proc is not there. */
    static Map<Integer, Sample> snapshot() {
        Map<Integer, String> names = javaNames();
        Map<Integer, Sample> out = new HashMap<>();
        java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
        if (tasks == null) {
            return out;
        }
        for (java.io.File t : tasks) {
            try {
                int tid = Integer.parseInt(t.getName());
                Path dir = t.toPath();
                // schedstat: time on a CPU (ns), time waiting on a run queue (ns), time slices.
                String[] sched = Files.readString(dir.resolve("schedstat")).trim().split(" ");
                long voluntary = 0;
                long involuntary = 0;
                for (String line : Files.readAllLines(dir.resolve("status"))) {
                    if (line.startsWith("voluntary_ctxt_switches:")) {
                        voluntary = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                    } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                        involuntary = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                    }
                }
                String name = names.get(tid);
                if (name == null) {
                    name = Files.readString(dir.resolve("comm")).trim();
                }
                out.put(tid, new Sample(name, Long.parseLong(sched[0]), Long.parseLong(sched[1]), voluntary, involuntary));
            } catch (IOException | RuntimeException e) {
                // a thread that ended meanwhile
            }
        }
        return out;
    }

    /** Kernel thread id → full thread name, from HotSpot's thread dump (which lists the VM's own threads too). */
    private static Map<Integer, String> javaNames() {
        Map<Integer, String> out = new HashMap<>();
        try {
            String dump = (String) ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "threadPrint", new Object[] {new String[0]}, new String[] {String[].class.getName()});
            Matcher m = DUMP_LINE.matcher(dump);
            while (m.find()) {
                String nid = m.group(2);
                out.put(nid.startsWith("0x") ? Integer.parseInt(nid.substring(2), 16) : Integer.parseInt(nid), m.group(1));
            }
        } catch (Exception e) {
            // no diagnostic command (another JVM): the kernel's 15-character names then
        }
        return out;
    }

    /** Use per group between two snapshots, for the threads in both, largest CPU first. */
    static Map<String, Use> byGroup(Map<Integer, Sample> before, Map<Integer, Sample> after, UnaryOperator<String> rename) {
        Map<String, Use> sums = new TreeMap<>();
        for (Map.Entry<Integer, Sample> e : after.entrySet()) {
            Sample b = before.get(e.getKey());
            Sample a = e.getValue();
            if (b != null) {
                String group = rename.apply(a.name()).replaceAll("[0-9]+", "#");
                sums.merge(group, new Use(a.cpu() - b.cpu(), a.queued() - b.queued(), a.voluntary() - b.voluntary(),
                        a.involuntary() - b.involuntary(), 1), Use::plus);
            }
        }
        Map<String, Use> sorted = new java.util.LinkedHashMap<>();
        sums.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue().cpu(), x.getValue().cpu()))
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /** The whole process's CPU time so far (every thread, native work included), in nanoseconds. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /**
     * Prints the table: per group, CPU and run-queue wait in µs per {@code unit}, and voluntary
     * context switches (wake-ups) per unit; groups under 0.5 % of the CPU are summed in one line.
     */
    static void print(Map<String, Use> groups, long processCpuNanos, long units, String unit) {
        if (groups.isEmpty() || units <= 0) {
            System.out.println("per-thread CPU: n/a (no /proc/self/task)");
            return;
        }
        System.out.printf("per thread group, per %s (CPU and run-queue wait in µs; wake-ups = voluntary context switches):%n", unit);
        System.out.printf("  %-52s %8s %8s %9s %8s%n", "group (threads)", "CPU", "wait", "wake-ups", "preempt");
        Use small = new Use(0, 0, 0, 0, 0);
        Use all = new Use(0, 0, 0, 0, 0);
        for (Map.Entry<String, Use> e : groups.entrySet()) {
            Use u = e.getValue();
            all = all.plus(u);
            if (u.cpu() < processCpuNanos / 200) {
                small = small.plus(u);
                continue;
            }
            line(e.getKey() + " (" + u.threads() + ")", u, units);
        }
        line("(other groups, " + small.threads() + " threads)", small, units);
        line("all threads alive at both ends", all, units);
        System.out.printf("  %-52s %8.1f%n", "(threads that ended in the window)", (processCpuNanos - all.cpu()) / 1e3 / units);
    }

    private static void line(String label, Use u, long units) {
        System.out.printf("  %-52s %8.1f %8.1f %9.2f %8.2f%n", label.length() > 52 ? label.substring(0, 52) : label,
                u.cpu() / 1e3 / units, u.queued() / 1e3 / units, (double) u.voluntary() / units, (double) u.involuntary() / units);
    }

    /**
     * Heap bytes each live Java thread has allocated since it started, by Java thread id (HotSpot's
     * per-thread TLAB accounting); empty where the JVM does not offer it. With {@link #allocatedSince}
     * this is what drives the young collections, per unit of work.
     */
    static Map<Long, Long> allocatedBytes() {
        Map<Long, Long> out = new HashMap<>();
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t && t.isThreadAllocatedMemorySupported()) {
            long[] ids = t.getAllThreadIds();
            long[] bytes = t.getThreadAllocatedBytes(ids);
            for (int i = 0; i < ids.length; i++) {
                if (bytes[i] >= 0) {
                    out.put(ids[i], bytes[i]);
                }
            }
        }
        return out;
    }

    /** Bytes allocated since {@code before} by the threads alive at both ends (threads that ended are not counted). */
    static long allocatedSince(Map<Long, Long> before) {
        long sum = 0;
        for (Map.Entry<Long, Long> e : allocatedBytes().entrySet()) {
            Long b = before.get(e.getKey());
            if (b != null) {
                sum += e.getValue() - b;
            }
        }
        return sum;
    }
}
