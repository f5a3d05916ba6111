package org.openmcim.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.openmcim.aka.Milenage;
import org.openmcim.aka.kdf.PlmnId;
import org.openmcim.aka.sqn.SqnArray;
import org.openmcim.aka.sqn.SqnPolicy;
import org.openmcim.aka.usim.Usim;
import org.openmcim.bench.mme.MmeConfig;
import org.openmcim.bench.mme.NextEpcLab;
import org.openmcim.bench.mme.StubHss;
import org.openmcim.bench.mme.StubMme;
import org.openmcim.bench.mme.Subscribers;
import org.openmcim.uesim.Enb;
import org.openmcim.uesim.nas.NasIes;
import org.openmcim.uesim.transport.TransportKind;
import org.openmcim.uesim.ue.UeStateMachine;

/**
 * Attach+detach cycles per second of the UE simulator against the stub MME (issue #7
 * benchmark). Many simulated eNBs ({@link Enb}, one framed-TCP S1 association each) share a
 * population of UE contexts ({@link UeStateMachine} with a Milenage USIM); an open-loop pacer
 * starts attaches at a fixed rate, each taken by an idle UE, which holds its registration for
 * {@code --hold} and then detaches (the simulator's own attach → hold → detach run). So the
 * registered population settles near rate × (hold + attach time), and the UE contexts are reused
 * cycle after cycle (re-attaching with the GUTI the MME gave).
 *
 * <pre>
 * bin/bench-attach --enbs 40 --ues 12000 --rate 2000 --hold 5500 --warmup 20 --seconds 30
 * bin/bench-attach ... --mme fork        # the stub MME in its own JVM
 * bin/bench-attach --mme nextepc --enbs 4 --ues 400 --rate 20 --hold 2000 --warmup 10 --seconds 30
 *                                        # Debian's NextEPC MME/SGW/PGW (lab/lab.sh), ICF in this JVM
 * </pre>
 *
 * Printed: cycles/s completed in the measurement window, failures, the registered population,
 * Attach Request → Attach Complete latency as the UE sees it (HdrHistogram), and CPU: with the
 * stub MME in the same JVM by thread (ThreadMXBean; GC and other VM threads are not Java threads
 * and are reported apart), with {@code --mme fork} as the two processes' CPU times, with
 * {@code --mme nextepc} this JVM's (simulator and ICF threads apart) and the three daemons'.
 */
public final class AttachLoad {
    private static final PlmnId PLMN = new PlmnId("001", "01");
    private static final int TAC = 12345;

    /** One UE context: its eNB, its eNB UE S1AP ID there, and the UE itself (reused every cycle). */
    private record Slot(Enb enb, long enbUeS1apId, String imsi, UeStateMachine ue) {
    }

    private final Recorder attachLatency = new Recorder(3);
    private final LongAdder cycles = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder noIdleUe = new LongAdder();
    private final ConcurrentLinkedQueue<Slot> idle = new ConcurrentLinkedQueue<>();
    private volatile boolean measuring;
    private volatile boolean stopping;
    private volatile String firstFailure;

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        new AttachLoad().run(o, new PrintWriter(System.out, true));
    }

    record Options(int enbs, int ues, double rate, long holdMillis, int warmupSeconds, int seconds, String mme, int mmeThreads,
                   int eea, boolean emmInformation, long seed, Path repo) {
        static Options parse(String[] args) {
            int enbs = 40;
            int ues = 10_000;
            double rate = 2000;
            long hold = 4500;
            int warmup = 20;
            int seconds = 30;
            String mme = "in-process";
            int mmeThreads = 1;
            int eea = 2;
            boolean emmInformation = true;
            long seed = 33812;
            Path repo = Path.of(".");
            for (int i = 0; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(args[i] + " needs a value");
                }
                String v = args[i + 1];
                switch (args[i]) {
                    case "--enbs" -> enbs = Integer.parseInt(v);
                    case "--ues" -> ues = Integer.parseInt(v);
                    case "--rate" -> rate = Double.parseDouble(v);
                    case "--hold" -> hold = Long.parseLong(v);
                    case "--warmup" -> warmup = Integer.parseInt(v);
                    case "--seconds" -> seconds = Integer.parseInt(v);
                    case "--mme" -> mme = v;
                    case "--mme-threads" -> mmeThreads = Integer.parseInt(v);
                    case "--eea" -> eea = Integer.parseInt(v);
                    case "--emm-information" -> emmInformation = Boolean.parseBoolean(v);
                    case "--seed" -> seed = Long.parseLong(v);
                    case "--repo" -> repo = Path.of(v);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + " (--enbs --ues --rate --hold MILLIS --warmup S --seconds S --mme in-process|fork|nextepc --mme-threads"
                            + " --eea 0|2 --emm-information --seed --repo DIR)");
                }
            }
            if (!List.of("in-process", "fork", "nextepc").contains(mme)) {
                throw new IllegalArgumentException("--mme is in-process, fork or nextepc, got " + mme);
            }
            // NextEPC's MME keeps at most 128 eNBs (MAX_NUM_OF_ENB, lib/core/include/3gpp_types.h).
            if (mme.equals("nextepc") && enbs > 128) {
                throw new IllegalArgumentException("--mme nextepc takes at most 128 eNBs, got " + enbs);
            }
            if (ues < enbs || enbs < 1 || rate <= 0 || seconds < 1) {
                throw new IllegalArgumentException("need enbs >= 1, ues >= enbs, rate > 0, seconds >= 1");
            }
            return new Options(enbs, ues, rate, hold, warmup, seconds, mme, mmeThreads, eea, emmInformation, seed,
                    repo.toAbsolutePath().normalize());
        }
    }

    /** The stub MME, in this JVM or in a child JVM. */
    private interface MmeHandle extends AutoCloseable {
        InetSocketAddress address();

        /** CPU time of the MME's process(es), or -1 when the MME runs in this JVM. */
        long childCpuNanos();

        /** What {@link #childCpuNanos()} measures. */
        default String childLabel() {
            return "stub MME JVM";
        }

        String stats() throws Exception;

        @Override
        void close() throws Exception;
    }

    private void run(Options o, PrintWriter out) throws Exception {
        List<Subscribers.Keys> keys = Subscribers.generate(o.seed(), o.ues());
        if (o.mme().equals("nextepc")) {
            out.printf("attach load: %d eNBs, %,d UE contexts, offered %,.0f cycles/s, hold %d ms, through Debian's NextEPC "
                            + "(lab/lab.sh) with the ICF in this JVM, %d CPUs%n", o.enbs(), o.ues(), o.rate(), o.holdMillis(),
                    Runtime.getRuntime().availableProcessors());
        } else {
            out.printf("attach load: %d eNBs, %,d UE contexts, offered %,.0f cycles/s, hold %d ms, EEA%d/EIA2, EMM INFORMATION %s, "
                            + "stub MME %s (%d thread%s), %d CPUs%n", o.enbs(), o.ues(), o.rate(), o.holdMillis(), o.eea(),
                    o.emmInformation() ? "on" : "off", o.mme(), o.mmeThreads(), o.mmeThreads() == 1 ? "" : "s",
                    Runtime.getRuntime().availableProcessors());
        }
        try (MmeHandle mme = switch (o.mme()) {
            case "fork" -> forkMme(o);
            case "nextepc" -> nextEpc(o, keys);
            default -> inProcessMme(o, keys);
        }) {
            List<Enb> enbs = new ArrayList<>(o.enbs());
            // One timer thread for every eNB's hold periods (10k pending detaches at a time).
            ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "enb-timers");
                t.setDaemon(true);
                return t;
            });
            try {
                for (int i = 0; i < o.enbs(); i++) {
                    enbs.add(Enb.connect(new Enb.Config(PLMN, 0x100 + i, TAC, new byte[] {127, 0, 1, (byte) (1 + i)}),
                            TransportKind.TCP_FRAMED, mme.address(), Duration.ofSeconds(10), msg -> out.println("ue-sim: " + msg), timers));
                }
                for (int i = 0; i < o.ues(); i++) {
                    Subscribers.Keys k = keys.get(i);
                    UeStateMachine ue = new UeStateMachine(new UeStateMachine.Profile(k.imsi(),
                            NasIes.UeNetworkCapability.of(List.of(0, 2), List.of(2)), "provisioning", PLMN),
                            new Usim(Milenage.withOpc(k.k(), k.opc()), new SqnArray(SqnPolicy.DEFAULT)));
                    idle.add(new Slot(enbs.get(i % o.enbs()), 1 + i / o.enbs(), k.imsi(), ue));
                }
                out.printf("S1 Setup done on %d associations to %s; %,d UE contexts ready%n", enbs.size(), mme.address(), o.ues());
                measure(o, enbs, mme, out);
            } finally {
                enbs.forEach(Enb::close);
                timers.shutdownNow();
            }
        }
    }

    private void measure(Options o, List<Enb> enbs, MmeHandle mme, PrintWriter out) throws Exception {
        Duration hold = Duration.ofMillis(o.holdMillis());
        Thread pacer = new Thread(() -> pace(o.rate(), hold), "attach-pacer");
        pacer.setDaemon(true);
        pacer.start();
        long[] registered = {Long.MAX_VALUE, 0, 0, 0}; // min, max, sum, samples
        Thread sampler = new Thread(() -> {
            while (!stopping) {
                LockSupport.parkNanos(100_000_000L);
                if (measuring) {
                    long n = enbs.stream().mapToLong(Enb::registeredNow).sum();
                    synchronized (registered) {
                        registered[0] = Math.min(registered[0], n);
                        registered[1] = Math.max(registered[1], n);
                        registered[2] += n;
                        registered[3]++;
                    }
                }
            }
        }, "attach-sampler");
        sampler.setDaemon(true);
        sampler.start();

        for (int s = 0; s < o.warmupSeconds(); s++) {
            TimeUnit.SECONDS.sleep(1);
            out.printf("warm-up %2d s: %,d registered%n", s + 1, enbs.stream().mapToLong(Enb::registeredNow).sum());
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Map<Long, ThreadCpu> before = threadCpu(threads);
        long gcCountBefore = gcCount();
        long gcTimeBefore = gcMillis();
        long cpuBefore = os.getProcessCpuTime();
        long childBefore = mme.childCpuNanos();
        attachLatency.reset();
        cycles.reset();
        failures.reset();
        noIdleUe.reset();
        long t0 = System.nanoTime();
        measuring = true;
        for (int s = 0; s < o.seconds(); s++) {
            TimeUnit.SECONDS.sleep(1);
            out.printf("measure %2d s: %,d cycles, %,d registered%n", s + 1, cycles.sum(), enbs.stream().mapToLong(Enb::registeredNow).sum());
        }
        measuring = false;
        long wall = System.nanoTime() - t0;
        long cpu = os.getProcessCpuTime() - cpuBefore;
        long childCpu = childBefore < 0 ? -1 : mme.childCpuNanos() - childBefore;
        Map<Long, ThreadCpu> after = threadCpu(threads);
        long gcCount = gcCount() - gcCountBefore;
        long gcTime = gcMillis() - gcTimeBefore;
        Histogram h = attachLatency.getIntervalHistogram();
        long done = cycles.sum();
        stopping = true;

        double secs = wall / 1e9;
        out.println();
        out.printf("window %.1f s: %,d attach+detach cycles completed = %,.1f cycles/s; %,d failed%s; %,d starts skipped (no idle UE)%n",
                secs, done, done / secs, failures.sum(), firstFailure == null ? "" : " (first: " + firstFailure + ")", noIdleUe.sum());
        synchronized (registered) {
            out.printf("registered at once (sampled every 100 ms): min %,d, mean %,.0f, max %,d%n", registered[0],
                    registered[3] == 0 ? 0.0 : (double) registered[2] / registered[3], registered[1]);
        }
        out.printf("Attach Request -> Attach Complete (%,d attaches): p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms%n",
                h.getTotalCount(), h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3,
                h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3);

        Map<String, Long> byGroup = new HashMap<>();
        Map<String, Long> byThread = new HashMap<>();
        long attributed = 0;
        for (Map.Entry<Long, ThreadCpu> e : after.entrySet()) {
            ThreadCpu b = before.get(e.getKey());
            long d = e.getValue().nanos() - (b == null ? 0 : b.nanos());
            attributed += d;
            byGroup.merge(group(e.getValue().name()), d, Long::sum);
            byThread.merge(e.getValue().name().replaceAll("-\\d+$", "-N").replaceAll("-\\d+-", "-N-"), d, Long::sum);
        }
        long vm = Math.max(0, cpu - attributed);
        long sim = byGroup.getOrDefault("simulator", 0L);
        out.printf("GC: %d collections, %d ms in this JVM%n", gcCount, gcTime);
        if (childCpu < 0) {
            out.printf("CPU of this JVM: %.1f %% of one core (%.2f cores): simulator threads %.1f %%, stub MME threads %.1f %%, "
                            + "GC, JIT and other VM threads %.1f %%%n", pct(cpu, wall), cpu / (double) wall,
                    pct(sim, wall), pct(byGroup.getOrDefault("mme", 0L), wall), pct(vm, wall));
            out.printf("simulator's CPU share: %.1f %% of one core by its own threads; at most %.1f %% if all GC and JIT time is "
                    + "counted as its own%n", pct(sim, wall), pct(sim + vm, wall));
        } else {
            long icf = byGroup.getOrDefault("icf", 0L);
            out.printf("CPU: simulator JVM %.1f %% of one core (its threads %.1f %%, %sGC, JIT and VM %.1f %%); %s %.1f %%%n",
                    pct(cpu, wall), pct(sim, wall), icf == 0 ? "" : String.format("ICF threads %.1f %%, ", pct(icf, wall)), pct(vm, wall),
                    mme.childLabel(), pct(childCpu, wall));
            if (icf == 0) {
                out.printf("simulator's CPU share: %.1f %% of one core (whole process)%n", pct(cpu, wall));
            } else {
                out.printf("simulator's CPU share: %.1f %% of one core by its own threads; at most %.1f %% with all of this JVM's "
                        + "GC and JIT time (the ICF's threads excluded)%n", pct(sim, wall), pct(sim + vm, wall));
            }
        }
        out.println("threads by CPU in the window:");
        byThread.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())).limit(12)
                .forEach(e -> out.printf("  %-48s %6.1f %%%n", e.getKey(), pct(e.getValue(), wall)));
        out.println((o.mme().equals("nextepc") ? "EPC: " : "stub MME: ") + mme.stats());
        pacer.join(2000);
    }

    /**
     * Open loop: start {@code rate} attaches per second on the schedule, each on the next idle UE
     * context. When every context is busy the start is counted as skipped rather than delayed, so
     * the completed rate shows it.
     */
    private void pace(double rate, Duration hold) {
        long start = System.nanoTime();
        long started = 0;
        while (!stopping) {
            long due = (long) ((System.nanoTime() - start) * rate / 1e9);
            while (started < due && !stopping) {
                started++;
                Slot s = idle.poll();
                if (s == null) {
                    if (measuring) {
                        noIdleUe.increment();
                    }
                    continue;
                }
                launch(s, hold);
            }
            LockSupport.parkNanos(200_000);
        }
    }

    private void launch(Slot s, Duration hold) {
        s.enb().attachAndDetach(s.ue(), s.imsi(), s.enbUeS1apId(), hold).whenComplete((r, e) -> {
            if (measuring) {
                if (e == null && r.registered() && r.detached()) {
                    cycles.increment();
                    attachLatency.recordValue(Math.max(1, r.attachTime().toNanos() / 1000));
                } else {
                    failures.increment();
                    if (firstFailure == null) {
                        firstFailure = e != null ? e.toString() : r.toString();
                    }
                }
            }
            if (e == null) {
                idle.add(s); // a context whose association failed is not reused
            }
        });
    }

    private static double pct(long nanos, long wall) {
        return 100.0 * nanos / wall;
    }

    private record ThreadCpu(String name, long nanos) {
    }

    private static Map<Long, ThreadCpu> threadCpu(ThreadMXBean mx) {
        Map<Long, ThreadCpu> out = new HashMap<>();
        long[] ids = mx.getAllThreadIds();
        ThreadInfo[] infos = mx.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            long t = mx.getThreadCpuTime(ids[i]);
            if (infos[i] != null && t >= 0) {
                out.put(ids[i], new ThreadCpu(infos[i].getThreadName(), t));
            }
        }
        return out;
    }

    /**
     * The stub MME's event loops, or the simulator and its driver (eNB event loops, timers, pacer).
     * The JIT compiler and GC threads are not visible to ThreadMXBean; their time is the process
     * time no Java thread accounts for.
     */
    private static String group(String threadName) {
        if (threadName.startsWith(StubMme.THREAD_PREFIX)) {
            return "mme";
        }
        return threadName.startsWith("icf-") ? "icf" : "simulator";
    }

    private static long gcCount() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
    }

    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
    }

    private static MmeHandle inProcessMme(Options o, List<Subscribers.Keys> keys) throws InterruptedException {
        MmeConfig d = MmeConfig.defaults();
        StubMme mme = StubMme.start(new MmeConfig(d.plmn(), d.mmeGroupId(), d.mmeCode(), o.eea(), o.emmInformation(), o.mmeThreads()),
                new StubHss(keys), new InetSocketAddress("127.0.0.1", 0));
        return new MmeHandle() {
            @Override
            public InetSocketAddress address() {
                return mme.address();
            }

            @Override
            public long childCpuNanos() {
                return -1;
            }

            @Override
            public String stats() {
                return mme.stats().toString();
            }

            @Override
            public void close() {
                mme.close();
            }
        };
    }

    /** Debian's NextEPC through lab/lab.sh; the CPU reported is the MME's, SGW's and PGW's together. */
    private static MmeHandle nextEpc(Options o, List<Subscribers.Keys> keys) throws Exception {
        NextEpcLab epc = NextEpcLab.start(o.repo(), keys);
        Map<String, Long> start = epc.cpuNanos();
        long t0 = System.nanoTime();
        return new MmeHandle() {
            @Override
            public InetSocketAddress address() {
                return epc.mmeAddress();
            }

            @Override
            public long childCpuNanos() {
                return epc.cpuNanos().values().stream().mapToLong(Long::longValue).sum();
            }

            @Override
            public String childLabel() {
                return "NextEPC MME+SGW+PGW";
            }

            /** Each daemon's share of one core since the bench started it (they busy-poll when idle). */
            @Override
            public String stats() {
                double wall = System.nanoTime() - t0;
                StringBuilder b = new StringBuilder("CPU since start, % of one core:");
                epc.cpuNanos().forEach((d, n) -> b.append(String.format(" %s %.1f", d, 100.0 * (n - start.get(d)) / wall)));
                return b.toString();
            }

            @Override
            public void close() throws Exception {
                epc.close();
            }
        };
    }

    /** The stub MME in a child JVM with the same class path and the same seeded subscribers. */
    private static MmeHandle forkMme(Options o) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xms512m", "-Xmx2g", "-XX:MaxGCPauseMillis=5", "-cp", System.getProperty("java.class.path"),
                StubMme.class.getName(), "--port", "0", "--subscribers", Integer.toString(o.ues()), "--seed", Long.toString(o.seed()),
                "--eea", Integer.toString(o.eea()), "--threads", Integer.toString(o.mmeThreads()),
                "--emm-information", Boolean.toString(o.emmInformation()))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter toChild = new PrintWriter(p.getOutputStream(), true, StandardCharsets.UTF_8);
        String line = in.readLine();
        if (line == null || !line.startsWith("listening ")) {
            p.destroy();
            throw new IllegalStateException("stub MME JVM did not start: " + line);
        }
        String hostPort = line.substring("listening ".length());
        int colon = hostPort.lastIndexOf(':');
        InetSocketAddress address = new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
        return new MmeHandle() {
            @Override
            public InetSocketAddress address() {
                return address;
            }

            @Override
            public long childCpuNanos() {
                return p.toHandle().info().totalCpuDuration().map(Duration::toNanos)
                        .orElseThrow(() -> new IllegalStateException("this OS does not report the child's CPU time"));
            }

            @Override
            public String stats() throws Exception {
                toChild.println("stats");
                String s = in.readLine();
                String[] f = s.split(" ");
                return new StubMme.Stats(Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]),
                        Long.parseLong(f[5]), Integer.parseInt(f[6]), Integer.parseInt(f[7])).toString();
            }

            @Override
            public void close() throws Exception {
                toChild.close();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroy();
                }
            }
        };
    }
}
