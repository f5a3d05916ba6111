package org.openmcim.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The whole machine's CPU accounting over a measurement window, from the first line of Linux's
 * {@code /proc/stat} (proc(5): user, nice, system, idle, iowait, irq, softirq, steal, in clock
 * ticks). What matters for a latency figure on a virtual machine is <em>steal</em>: time a vCPU was
 * ready to run but the hypervisor ran something else. This VM (Firecracker, 2 vCPUs) showed 0
 * steal when idle and up to 7 % of its CPU time while a benchmark ran: the host takes cores away
 * exactly when the load needs them, and every ms a vCPU is away is a ms added to whatever it was
 * running. No setting of ours changes that, so the tools print it beside each tail.
 */
record MachineTimes(long busy, long idle, long steal) {
    private static final Path STAT = Path.of("/proc/stat");

    /** Now; zeros where {@code /proc/stat} is not readable (not Linux). */
    static MachineTimes now() {
        try {
            for (String line : Files.readAllLines(STAT)) {
                if (line.startsWith("cpu ")) {
                    String[] f = line.trim().split("\\s+");
                    long user = Long.parseLong(f[1]), nice = Long.parseLong(f[2]), system = Long.parseLong(f[3]);
                    long idle = Long.parseLong(f[4]), iowait = Long.parseLong(f[5]), irq = Long.parseLong(f[6]);
                    long softirq = Long.parseLong(f[7]), steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
                    return new MachineTimes(user + nice + system + irq + softirq, idle + iowait, steal);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or a /proc/stat of another shape: no figure
        }
        return new MachineTimes(0, 0, 0);
    }

    /** "steal 7.4 % of the vCPUs' time (hypervisor), busy 61 %" for the window from {@code before} to this. */
    String since(MachineTimes before) {
        long steal = this.steal - before.steal;
        long total = (busy - before.busy) + (idle - before.idle) + steal;
        if (total <= 0) {
            return "machine CPU: not available";
        }
        return String.format("machine CPU in the window: steal %.1f %% of the vCPUs' time (taken by the hypervisor), busy %.0f %% (all processes)",
                100.0 * steal / total, 100.0 * (busy - before.busy) / total);
    }
}
