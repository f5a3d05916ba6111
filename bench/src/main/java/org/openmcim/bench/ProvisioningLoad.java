package org.openmcim.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.openmcim.pki.TlsProvider;
import org.openmcim.service.IoTransport;
import org.openmcim.wire.bootstrap.BootstrapCodec;
import org.openmcim.wire.bootstrap.BootstrapMessage;
import org.openmcim.wire.device.DeviceProof;
import org.openmcim.wire.jws.Jws;
import org.openmcim.wire.mcim.McimObject;
import org.openmcim.wire.mcim.McimObjectCodec;
import org.openmcim.wire.platform.PlatformAttestation;
import org.openmcim.wire.platform.PlatformAttestationCodec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.Meter;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Full provisioning sessions per second against the real DRF, DPF, SHO and PVA in-process on
 * loopback (issue #5 benchmark). One session is what a device does after the SHO has registered
 * it (TR 33.812 §5.1.3.6.2 steps 8-10, 16-19; unauthenticated non-3GPP pull, §5.1.3.6.3):
 *
 * <ol>
 * <li>new TLS connection to the DRF, {@code POST /drf/v1/bootstrap} with a request signed by the TRE
 * platform key; the DRF verifies it, signs a fresh bootstrap and records its nonce;</li>
 * <li>the device verifies the RO's signature on the bootstrap and takes PROVURL from it;</li>
 * <li>new TLS connection to the DPF, {@code POST /dpf/v1/provision} with the TRE-signed platform
 * attestation; the DPF checks bootstrap, nonce and attestation, consumes the nonce, relays to the SHO
 * (mutual TLS), which has the PVA validate the platform (mutual TLS, signed verdict), issues the MCIM
 * into its HSS store and seals the MCIMobj for the TRE key; the DPF checks the SHO's signature and
 * stores the download session;</li>
 * <li>the TRE verifies and opens the MCIMobj (ECDH, HKDF, AES-GCM);</li>
 * <li>{@code POST /dpf/v1/report} success on the same connection; the DPF relays it to the SHO
 * and closes the session.</li>
 * </ol>
 *
 * TRE credentials, contracts and registrations are made before anything is measured. Device CPU
 * (steps 2 and 4, the signatures of 1 and 3, the client half of every handshake) runs on the same
 * two cores as the services and is part of the figures. The devices are {@link DeviceClient}s: by
 * default Netty with the services' {@code HttpsClient} on the {@code --tls-provider} stack
 * ({@code --device-client netty}), or the JDK's blocking {@code SSLSocket} ({@code --device-client jdk}).
 *
 * <pre>
 * bin/bench-prov --mode closed --tls full --devices 16          # new TLS handshakes every session
 * bin/bench-prov --mode closed --tls resume --devices 16        # TLS 1.3 PSK resumption
 * bin/bench-prov --mode open --rate 40 --tls full               # latency at an offered rate
 * </pre>
 */
public final class ProvisioningLoad {
    private final ObjectMapper json = new ObjectMapper();
    private final DeviceProof proofs = new DeviceProof();
    private final BootstrapCodec bootstraps = new BootstrapCodec();
    private final PlatformAttestationCodec attestations = new PlatformAttestationCodec();
    private final McimObjectCodec mcim = new McimObjectCodec(new SecureRandom());
    private final Clock clock = Clock.systemUTC();
    private final Recorder latency = new Recorder(3);
    private final LongAdder done = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private List<X509Certificate> roRoots;
    private List<X509Certificate> shoRoots;
    private URI drf;

    /** A device and its TLS client state (its own session cache), busy while in a session. */
    private record Client(ProvisioningRig.Device device, DeviceClient https, AtomicBoolean busy) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>(Map.of("--mode", "closed", "--tls", "full", "--devices", "16", "--rate", "40",
                "--seconds", "30", "--warmup", "10", "--pool", "400", "--workers", "4", "--state", "directory"));
        o.put("--tls-provider", TlsProvider.preferred().configName());
        o.put("--key-shares", "x25519");
        o.put("--device-client", "netty");
        for (int i = 0; i < args.length; i += 2) {
            if (!o.containsKey(args[i]) || i + 1 >= args.length) {
                System.err.println("usage: bench-prov [--mode closed|open] [--tls full|resume] [--devices N] [--rate R] [--seconds S]"
                        + " [--warmup S] [--pool N] [--workers N] [--state directory|hazelcast] [--tls-provider openssl|jdk]"
                        + " [--key-shares x25519|hybrid|jdk-default] [--device-client netty|jdk]");
                System.exit(2);
            }
            o.put(args[i], args[i + 1]);
        }
        // The simulated devices' TLS 1.3 key shares (RFC 8446 §4.2.8). A device sends one, as a constrained
        // one would, and as this project's device does: ue-sim's M2ME is a JDK 17 client, whose shares are
        // x25519 (picked by every server here) and secp256r1 (generated for nothing: 12 % of the samples of
        // a resumed run on SunEC, before this option). With "x25519" (the default) every simulated device
        // offers x25519 alone: the Netty devices through their own context's groups (BoringSSL), the JDK
        // devices through jdk.tls.namedGroups, a JVM-wide property read when JSSE first loads (JDK 17 has no
        // per-socket setting; SSLParameters.setNamedGroups is JDK 20), so the services' JDK clients
        // (DPF->SHO, SHO->PVA, kept alive, so they rarely handshake) offer only x25519 too when they run
        // on --tls-provider jdk. "hybrid": the Netty devices offer X25519MLKEM768 then x25519 (hybrid post-
        // quantum, draft-ietf-tls-ecdhe-mlkem; what BoringSSL offers by default and what these runs used
        // before 2026-11-24: an ML-KEM-768 key pair per handshake, resumed ones too, on the device and an
        // encapsulation on the server, ~6 % of a resumed session's CPU); the JDK devices stay on x25519.
        // "jdk-default": neither is set. The services' listeners accept whatever a device offers.
        List<String> deviceGroups;
        switch (o.get("--key-shares")) {
            case "x25519" -> {
                System.setProperty("jdk.tls.namedGroups", "x25519");
                deviceGroups = List.of("X25519");
            }
            case "hybrid" -> {
                System.setProperty("jdk.tls.namedGroups", "x25519");
                deviceGroups = List.of("X25519MLKEM768", "X25519");
            }
            case "jdk-default" -> deviceGroups = List.of();
            default -> {
                System.err.println("--key-shares: x25519, hybrid or jdk-default");
                System.exit(2);
                return;
            }
        }
        String deviceClient = o.get("--device-client");
        if (!deviceClient.equals("netty") && !deviceClient.equals("jdk")) {
            System.err.println("--device-client: netty (HttpsClient on the --tls-provider stack) or jdk (blocking JDK SSLSocket)");
            System.exit(2);
        }
        new ProvisioningLoad().run(deviceClient, o.get("--mode"), o.get("--tls").equals("resume"), Integer.parseInt(o.get("--devices")),
                Integer.parseInt(o.get("--rate")), Integer.parseInt(o.get("--seconds")), Integer.parseInt(o.get("--warmup")),
                Integer.parseInt(o.get("--pool")), Integer.parseInt(o.get("--workers")), o.get("--state"),
                TlsProvider.parse(o.get("--tls-provider")).effective("bench-prov"), o.get("--key-shares"), deviceGroups);
        System.exit(0); // the services' non-daemon threads
    }

    private void run(String deviceClient, String mode, boolean resume, int concurrency, int rate, int seconds, int warmup, int pool, int workers, String state,
                     TlsProvider tls, String keyShares, List<String> deviceGroups) throws Exception {
        // Enrolment logs one line per registration; the figures are what this tool prints.
        java.util.logging.Logger.getLogger("org.openmcim").setLevel(java.util.logging.Level.WARNING);
        double speedBefore = HostSpeed.inFreshJvm();
        Path work = WorkDirectory.create("bench-prov");
        SecureRandom random = new SecureRandom();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        long setup = System.nanoTime();
        try (ProvisioningRig rig = new ProvisioningRig(work, workers, state, tls, clock, random, meters)) {
            rig.enrol(pool, clock, random);
            roRoots = List.of(rig.pki.root("ro-root"));
            shoRoots = List.of(rig.pki.root("sho1-root"));
            drf = rig.drfDevice();
            List<Client> clients = new ArrayList<>();
            // The devices' Netty I/O threads are named device-* so their CPU counts as the devices'.
            EventLoopGroup deviceIo = deviceClient.equals("netty")
                    ? IoTransport.preferred().group(2, new DefaultThreadFactory("device-io", true)) : null;
            for (ProvisioningRig.Device d : rig.devices) {
                // One TLS context per device: its own TLS session cache, as on a real device.
                clients.add(new Client(d, deviceIo != null ? DeviceClient.netty(roRoots, resume, tls, deviceGroups, deviceIo) : DeviceClient.jdk(roRoots, resume),
                        new AtomicBoolean()));
            }
            if (resume) {
                prime(clients, URI.create("https://localhost:" + rig.dpf.address().getPort()));
            }
            System.out.printf("provisioning load: mode %s, TLS %s on the %s stack (devices: %s, key shares %s: %s; JDK clients' key shares: %s),"
                            + " %s, %d devices enrolled, %d workers per service, state %s, warm-up %d s%s, measure %d s, %d cores; setup %.1f s%n",
                    mode, resume ? "resumed (TLS 1.3 PSK)" : "full handshake per connection", tls.configName(),
                    deviceIo != null ? "Netty HttpsClient on " + tls.configName() : "JDK SSLSocket", keyShares,
                    deviceIo != null && tls == TlsProvider.OPENSSL ? (deviceGroups.isEmpty() ? "BoringSSL default" : String.join(", ", deviceGroups))
                            : System.getProperty("jdk.tls.namedGroups", "JDK default"),
                    System.getProperty("jdk.tls.namedGroups", "JDK default"),
                    mode.equals("closed") ? concurrency + " concurrent devices" : rate + " sessions/s offered", pool, workers, state,
                    warmup, mode.equals("open") ? " (4 devices in closed loop, then 5 s at the offered rate)" : "", seconds,
                    Runtime.getRuntime().availableProcessors(), (System.nanoTime() - setup) / 1e9);

            List<Thread> threads = new ArrayList<>();
            ExecutorService open = null;
            if (mode.equals("closed")) {
                for (int t = 0; t < concurrency; t++) {
                    List<Client> mine = new ArrayList<>();
                    for (int i = t; i < clients.size(); i += concurrency) {
                        mine.add(clients.get(i));
                    }
                    Thread th = new Thread(() -> closedLoop(mine), "device-" + t);
                    th.start();
                    threads.add(th);
                }
            } else {
                // Warm the JIT with a few devices in closed loop, then let the arrivals start on a warm
                // process: on two cores the compilations of a cold start at the offered rate build a
                // queue that the window would otherwise inherit and report as the service's latency.
                AtomicBoolean warming = new AtomicBoolean(true);
                List<Thread> warm = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    List<Client> mine = new ArrayList<>();
                    for (int i = t; i < clients.size(); i += 4) {
                        mine.add(clients.get(i));
                    }
                    Thread th = new Thread(() -> {
                        for (int i = 0; warming.get(); i = (i + 1) % mine.size()) {
                            session(mine.get(i), System.nanoTime());
                        }
                    }, "device-warm-" + t);
                    th.start();
                    warm.add(th);
                }
                Thread.sleep(warmup * 1000L);
                warming.set(false);
                for (Thread th : warm) {
                    th.join(30_000);
                }
                warmup = 5; // then 5 s of arrivals at the offered rate before the window opens
                AtomicInteger n = new AtomicInteger();
                // Named like the closed-loop threads, so their CPU is counted as the devices'.
                open = Executors.newCachedThreadPool(r -> new Thread(r, "device-open-" + n.incrementAndGet()));
                ExecutorService sessions = open;
                Thread th = new Thread(() -> openLoop(clients, rate, sessions), "arrivals");
                th.start();
                threads.add(th);
            }
            Thread.sleep(warmup * 1000L);
            latency.reset();
            done.reset();
            failed.reset();
            failures.clear();
            Map<String, double[]> timersBefore = timers(meters);
            Map<String, Double> countersBefore = tlsCounters(meters);
            long gcBefore = gcMillis();
            long cpuBefore = ThreadTimes.processCpuNanos();
            long deviceBefore = deviceCpuNanos();
            Map<Long, long[]> threadsBefore = threadCpu();
            Map<String, Long> vmBefore = vmThreadTicks();
            long[] switchesBefore = contextSwitches();
            MachineTimes machineBefore = MachineTimes.now();
            java.time.LocalTime from = java.time.LocalTime.now();
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            long elapsed = System.nanoTime() - t0;
            long cpu = ThreadTimes.processCpuNanos() - cpuBefore;
            MachineTimes machineAfter = MachineTimes.now();
            long deviceCpu = deviceCpuNanos() - deviceBefore;
            long[] switchesAfter = contextSwitches();
            Map<Long, long[]> threadsAfter = threadCpu();
            Map<String, Long> byThreadGroup = threadGroupCpu(threadsBefore, threadsAfter);
            Map<String, Long> allocatedByThreadGroup = threadGroupAllocation(threadsBefore, threadsAfter);
            Map<String, Long> vmAfter = vmThreadTicks();
            long gc = gcMillis() - gcBefore;
            Histogram h = latency.getIntervalHistogram();
            long ok = done.sum();
            long bad = failed.sum();
            Map<String, double[]> timersAfter = timers(meters);
            Map<String, Double> countersAfter = tlsCounters(meters);
            stop.set(true);

            System.out.printf("measurement window (local time, to cut a JFR recording): %s to %s; load average %.2f%n", from,
                    java.time.LocalTime.now(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            System.out.printf("sessions: %,d succeeded, %,d failed in %.1f s: %.1f sessions/s%n", ok, bad, elapsed / 1e9, ok * 1e9 / elapsed);
            if (!failures.isEmpty()) {
                System.out.println("failures: " + new TreeMap<>(failures));
            }
            System.out.printf("session latency ms%s: p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f%n",
                    mode.equals("open") ? " (from intended start)" : "", h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(90) / 1e6,
                    h.getValueAtPercentile(99) / 1e6, h.getValueAtPercentile(99.9) / 1e6, h.getMaxValue() / 1e6);
            System.out.printf("process CPU (services + devices): %.0f%% of %d cores; GC %d ms%n",
                    100.0 * cpu / elapsed / Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().availableProcessors(), gc);
            System.out.println(machineAfter.since(machineBefore));
            if (ok > 0) {
                // The machine's cores are shared: CPU time per session is the figure that does not depend
                // on how much of them other processes took during the run.
                double cpuPerSession = cpu / 1e6 / ok;
                System.out.printf("CPU per session (services + devices): %.1f ms; at 100%% of %d cores that is %.0f sessions/s%n",
                        cpuPerSession, Runtime.getRuntime().availableProcessors(),
                        Runtime.getRuntime().availableProcessors() * 1000 / cpuPerSession);
                // The devices' threads (their signatures, client handshakes, MCIMobj opening) apart from
                // everything else in the process: the services, and the JVM's GC and JIT threads.
                double servicesPerSession = (cpu - deviceCpu) / 1e6 / ok;
                System.out.printf("  of which device threads %.1f ms, services (and GC, JIT) %.1f ms; the services alone on %d cores:"
                                + " %.0f sessions/s%n", deviceCpu / 1e6 / ok, servicesPerSession, Runtime.getRuntime().availableProcessors(),
                        Runtime.getRuntime().availableProcessors() * 1000 / servicesPerSession);
            }
            if (ok > 0) {
                // Native work (BoringSSL, the kernel's side of the sockets) included, which JFR does not see.
                System.out.println("CPU per session by thread (ms; threads alive at both ends of the window; the rest is the JVM's GC,"
                        + " JIT and other native threads):");
                long named = 0;
                for (Map.Entry<String, Long> e : byThreadGroup.entrySet()) {
                    named += e.getValue();
                    if (e.getValue() / 1e6 / ok >= 0.05) {
                        System.out.printf("  %-40s %6.2f%n", e.getKey(), e.getValue() / 1e6 / ok);
                    }
                }
                System.out.printf("  %-40s %6.2f%n", "(rest of the process)", (cpu - named) / 1e6 / ok);
                // The rest by the kernel's thread names (Linux /proc, 10 ms ticks): GC, JIT compilers, VM thread.
                for (Map.Entry<String, Long> e : vmAfter.entrySet()) {
                    long ticks = e.getValue() - vmBefore.getOrDefault(e.getKey(), 0L);
                    if (ticks > 0) {
                        System.out.printf("    %-38s %6.2f%n", e.getKey(), ticks * 10.0 / ok);
                    }
                }
            }
            if (ok > 0 && !allocatedByThreadGroup.isEmpty()) {
                // What drives the young collections: heap allocation per session, by thread group.
                long total = allocatedByThreadGroup.values().stream().mapToLong(Long::longValue).sum();
                System.out.printf("heap allocated per session: %.0f KB, by thread (KB):%n", total / 1024.0 / ok);
                for (Map.Entry<String, Long> e : allocatedByThreadGroup.entrySet()) {
                    if (e.getValue() / 1024.0 / ok >= 1) {
                        System.out.printf("  %-40s %6.0f%n", e.getKey(), e.getValue() / 1024.0 / ok);
                    }
                }
            }
            if (ok > 0 && switchesBefore[0] >= 0) {
                System.out.printf("context switches per session (all threads): %.1f voluntary, %.1f involuntary%n",
                        (switchesAfter[0] - switchesBefore[0]) / (double) ok, (switchesAfter[1] - switchesBefore[1]) / (double) ok);
            }
            // Whether the resumed mode resumed: the servers' own count, not the client's intent.
            System.out.println("TLS handshakes at the listeners in the window (resumed with a ticket; n/a on the JDK stack):");
            for (Map.Entry<String, Double> e : countersAfter.entrySet()) {
                if (e.getKey().startsWith("tls.handshakes")) {
                    String listener = e.getKey().substring("tls.handshakes".length());
                    double n = e.getValue() - countersBefore.getOrDefault(e.getKey(), 0.0);
                    Double r = countersAfter.get("tls.resumed" + listener);
                    System.out.printf("  %-20s %,8.0f  resumed %s%n", listener.trim(), n,
                            r == null ? "n/a" : String.format("%,.0f", r - countersBefore.getOrDefault("tls.resumed" + listener, 0.0)));
                }
            }
            System.out.println("server-side timers in the window (mean ms, count):");
            for (Map.Entry<String, double[]> e : timersAfter.entrySet()) {
                double[] b = timersBefore.getOrDefault(e.getKey(), new double[2]);
                double n = e.getValue()[0] - b[0];
                if (n > 0) {
                    System.out.printf("  %-70s %8.2f  %,.0f%n", e.getKey(), (e.getValue()[1] - b[1]) / n / 1e6, n);
                }
            }
            for (Thread t : threads) {
                t.join(30_000);
            }
            if (open != null) {
                open.shutdown();
                open.awaitTermination(30, TimeUnit.SECONDS);
            }
        }
        System.out.println(HostSpeed.line(speedBefore, HostSpeed.inFreshJvm()));
    }

    /** Counts and total nanoseconds of every timer, keyed by name and tags. */
    private static Map<String, double[]> timers(SimpleMeterRegistry meters) {
        Map<String, double[]> out = new TreeMap<>();
        for (Meter m : meters.getMeters()) {
            if (m instanceof Timer t) {
                StringBuilder k = new StringBuilder(t.getId().getName());
                t.getId().getTags().forEach(tag -> k.append(' ').append(tag.getKey()).append('=').append(tag.getValue()));
                out.put(k.toString(), new double[] {t.count(), t.totalTime(TimeUnit.NANOSECONDS)});
            }
        }
        return out;
    }

    /** The listeners' TLS counters, keyed by name and tags. */
    private static Map<String, Double> tlsCounters(SimpleMeterRegistry meters) {
        Map<String, Double> out = new TreeMap<>();
        for (Meter m : meters.getMeters()) {
            if (m instanceof io.micrometer.core.instrument.FunctionCounter c && c.getId().getName().startsWith("tls.")) {
                StringBuilder k = new StringBuilder(c.getId().getName());
                c.getId().getTags().forEach(tag -> k.append(' ').append(tag.getValue()));
                out.put(k.toString(), c.count());
            }
        }
        return out;
    }

    private void closedLoop(List<Client> mine) {
        for (int i = 0; !stop.get(); i = (i + 1) % mine.size()) {
            long start = System.nanoTime();
            session(mine.get(i), start);
        }
    }

    /** Sessions start at fixed intended times; latency counts from then, so a stall shows (no coordinated omission). */
    private void openLoop(List<Client> clients, int rate, ExecutorService sessions) {
        long start = System.nanoTime();
        AtomicInteger next = new AtomicInteger();
        for (long seq = 0; !stop.get(); seq++) {
            long intended = start + seq * 1_000_000_000L / rate;
            long wait = intended - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            Client c = null;
            for (int tries = 0; tries < clients.size() && c == null; tries++) {
                Client x = clients.get(Math.floorMod(next.getAndIncrement(), clients.size()));
                if (x.busy().compareAndSet(false, true)) {
                    c = x;
                }
            }
            if (c == null) {
                failed.increment();
                failures.computeIfAbsent("no idle device (raise --pool)", k -> new LongAdder()).increment();
                continue;
            }
            Client chosen = c;
            sessions.execute(() -> {
                try {
                    session(chosen, intended);
                } finally {
                    chosen.busy().set(false);
                }
            });
        }
    }

    /** One full session; records its latency from {@code startNanos} or counts its failure. */
    private void session(Client c, long startNanos) {
        try {
            provision(c);
            latency.recordValue(System.nanoTime() - startNanos);
            done.increment();
        } catch (Failure f) {
            failed.increment();
            failures.computeIfAbsent(f.getMessage(), k -> new LongAdder()).increment();
        } catch (IOException | Jws.InvalidJwsException | RuntimeException e) {
            failed.increment();
            failures.computeIfAbsent(e.getClass().getSimpleName(), k -> new LongAdder()).increment();
        }
    }

    private static final class Failure extends Exception {
        Failure(String step, DeviceHttps.Answer a) {
            super(step + " " + a.status() + " " + errorOf(a));
        }

        private static String errorOf(DeviceHttps.Answer a) {
            String t = a.text();
            int i = t.indexOf("\"error\":\"");
            return i < 0 ? "" : t.substring(i + 9, Math.max(i + 9, t.indexOf('"', i + 9)));
        }
    }

    private void provision(Client c) throws IOException, Jws.InvalidJwsException, Failure {
        ProvisioningRig.Device d = c.device();
        Instant now = clock.instant();
        // Step 8 by pull: a request signed by the platform key.
        byte[] pull = json.writeValueAsBytes(Map.of("request", proofs.sign(DeviceProof.BOOTSTRAP, d.pcid(), null, now, d.tre())));
        DeviceHttps.Answer a;
        try (DeviceClient.Connection conn = c.https().open(drf)) {
            a = conn.post("/drf/v1/bootstrap", pull, true);
        }
        if (a.status() != 200) {
            throw new Failure("pull", a);
        }
        String signed = json.readTree(a.body()).path("bootstrap").asText();
        // The device trusts the bootstrap only under the RO root it holds; PROVURL comes from it.
        BootstrapMessage boot = bootstraps.verify(signed, roRoots, d.pcid(), now);
        PlatformAttestation att = new PlatformAttestation(d.treId(), ProvisioningRig.MODEL, boot.nonce(), now,
                List.of(new PlatformAttestation.Measurement("firmware", ProvisioningRig.FIRMWARE)));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("nonce", boot.nonce());
        body.put("bootstrap", signed);
        body.put("platformAttestation", attestations.sign(att, d.tre()));
        body.put("treCertificate", d.treCertificate());
        URI dpf = boot.provUrl();
        try (DeviceClient.Connection conn = c.https().open(dpf)) {
            a = conn.post(dpf.getPath() + "/provision", json.writeValueAsBytes(body), false);
            if (a.status() != 200) {
                throw new Failure("provision", a);
            }
            JsonNode got = json.readTree(a.body());
            String objectId = got.path("objectId").asText();
            // Step 18: the TRE checks the SHO's signature and opens its credential.
            McimObject m = mcim.open(got.path("mcimObject").asText(), d.treId(), d.tre().key(), shoRoots, now);
            if (m.part("mcim") == null) {
                throw new IllegalStateException("MCIMobj without its credential part");
            }
            // Step 19 signed by the TRE (the DPF accepts reports only from the TRE the object was sealed for).
            a = conn.post(dpf.getPath() + "/report", json.writeValueAsBytes(Map.of("objectId", objectId, "success", true,
                    "detail", "installed", "proof", proofs.sign(DeviceProof.REPORT, null, objectId, now, d.tre()))), true);
            if (a.status() != 200) {
                throw new Failure("report", a);
            }
        }
    }

    /** Resumption mode: one handshake per device and server before the run, so every measured connection can resume. */
    private void prime(List<Client> clients, URI dpf) throws Exception {
        ExecutorService p = Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<?>> fs = new ArrayList<>();
            for (Client c : clients) {
                fs.add(p.submit(() -> {
                    for (URI u : List.of(drf, dpf)) {
                        try (DeviceClient.Connection conn = c.https().open(u)) {
                            conn.get("/", true); // reading an answer takes in the server's NewSessionTicket
                        }
                    }
                    return null;
                }));
            }
            for (var f : fs) {
                f.get();
            }
        } finally {
            p.shutdown();
        }
    }

    /**
     * CPU ticks (user + system, 1/100 s) of the JVM's own threads by kind, from Linux's
     * /proc/self/task: "GC" (G1's workers, refinement and concurrent threads), "JIT" (C1/C2 compiler
     * threads), "VM" (the VM thread and other VM-internal threads). Empty where /proc is not there.
     */
    private static Map<String, Long> vmThreadTicks() {
        Map<String, Long> out = new TreeMap<>();
        java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
        if (tasks == null) {
            return out;
        }
        for (java.io.File t : tasks) {
            try {
                String stat = Files.readString(t.toPath().resolve("stat"));
                int close = stat.lastIndexOf(')');
                String comm = stat.substring(stat.indexOf('(') + 1, close);
                String kind = comm.startsWith("GC Thread") || comm.startsWith("G1 ") ? "GC (G1 threads)"
                        : comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler") ? "JIT (compiler threads)"
                        : comm.startsWith("VM ") || comm.equals("VM Thread") ? "VM thread" : null;
                if (kind == null) {
                    continue;
                }
                String[] f = stat.substring(close + 2).split(" ");
                // after "pid (comm) ": state is f[0]; utime and stime are fields 14 and 15 of stat, f[11] and f[12]
                out.merge(kind, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
            } catch (IOException | RuntimeException e) {
                // a thread that ended meanwhile
            }
        }
        return out;
    }

    /**
     * CPU time, a name and the bytes allocated on the heap (HotSpot's per-thread TLAB accounting, -1
     * where the JVM does not say) per live Java thread, by id.
     */
    private static Map<Long, long[]> threadCpu() {
        java.lang.management.ThreadMXBean t = ManagementFactory.getThreadMXBean();
        com.sun.management.ThreadMXBean hotspot = t instanceof com.sun.management.ThreadMXBean h && h.isThreadAllocatedMemorySupported()
                && h.isThreadAllocatedMemoryEnabled() ? h : null;
        Map<Long, long[]> out = new java.util.HashMap<>();
        for (java.lang.management.ThreadInfo i : t.getThreadInfo(t.getAllThreadIds())) {
            if (i != null) {
                out.put(i.getThreadId(), new long[] {Math.max(0, t.getThreadCpuTime(i.getThreadId())), groupIndex(i.getThreadName()),
                        hotspot == null ? -1 : hotspot.getThreadAllocatedBytes(i.getThreadId())});
            }
        }
        return out;
    }

    /** Heap bytes allocated in the window per thread-name group, for threads alive at both ends. */
    private static Map<String, Long> threadGroupAllocation(Map<Long, long[]> before, Map<Long, long[]> after) {
        Map<String, Long> out = new TreeMap<>();
        for (Map.Entry<Long, long[]> e : after.entrySet()) {
            long[] b = before.get(e.getKey());
            if (b != null && b[2] >= 0 && e.getValue()[2] >= 0) {
                out.merge(GROUPS.get((int) e.getValue()[1]), e.getValue()[2] - b[2], Long::sum);
            }
        }
        return out;
    }

    /**
     * Context switches of the whole process so far, voluntary (a thread blocked: waiting for a
     * hand-off, I/O or a lock) and involuntary (preempted), summed over /proc/self/task; {-1, -1}
     * where /proc is not there. Every hand-off between threads (event loop → worker → client loop)
     * is at least one voluntary switch of the thread that waits for it.
     */
    private static long[] contextSwitches() {
        java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
        if (tasks == null) {
            return new long[] {-1, -1};
        }
        long voluntary = 0;
        long involuntary = 0;
        for (java.io.File t : tasks) {
            try {
                for (String line : Files.readAllLines(t.toPath().resolve("status"))) {
                    if (line.startsWith("voluntary_ctxt_switches:")) {
                        voluntary += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                    } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                        involuntary += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                    }
                }
            } catch (IOException | RuntimeException e) {
                // a thread that ended meanwhile
            }
        }
        return new long[] {voluntary, involuntary};
    }

    private static final List<String> GROUPS = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Thread names with their numbers taken out ("dpf-worker", "device-#", "multiThreadIoEventLoopGroup-#-#"). */
    private static long groupIndex(String name) {
        String g = name.replaceAll("[0-9]+", "#");
        synchronized (GROUPS) {
            int i = GROUPS.indexOf(g);
            if (i < 0) {
                GROUPS.add(g);
                i = GROUPS.size() - 1;
            }
            return i;
        }
    }

    /** CPU used in the window per thread-name group, for threads alive at both ends. */
    private static Map<String, Long> threadGroupCpu(Map<Long, long[]> before, Map<Long, long[]> after) {
        Map<String, Long> out = new TreeMap<>();
        for (Map.Entry<Long, long[]> e : after.entrySet()) {
            long[] b = before.get(e.getKey());
            if (b != null) {
                out.merge(GROUPS.get((int) e.getValue()[1]), e.getValue()[0] - b[0], Long::sum);
            }
        }
        return out;
    }

    /** CPU time of the live device threads (a thread that ended inside the window is not counted: a lower bound). */
    private static long deviceCpuNanos() {
        java.lang.management.ThreadMXBean t = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (java.lang.management.ThreadInfo i : t.getThreadInfo(t.getAllThreadIds())) {
            if (i != null && i.getThreadName().startsWith("device-")) {
                sum += Math.max(0, t.getThreadCpuTime(i.getThreadId()));
            }
        }
        return sum;
    }

    private static long gcMillis() {
        long t = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            t += Math.max(0, b.getCollectionTime());
        }
        return t;
    }
}
