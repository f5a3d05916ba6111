package org.openmcim.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.openmcim.journey.DemoNetwork;
import org.openmcim.journey.DeviceJourney;
import org.openmcim.uesim.Enb;
import org.openmcim.uesim.transport.TransportKind;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code openmcim demo}: the README's main command. Starts the RO (ICF, DRF, DPF), the PVA, two
 * SHOs with their HSSes and Debian's NextEPC EPC ({@link DemoNetwork}), then walks every device
 * through the whole journey ({@link DeviceJourney}), one line per TR step as it happens, and a
 * summary table. Exit 0 only if every device finished; 3 when the EPC cannot run here (said, not
 * pretended).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the whole TR 33.812 journey on real network elements: PCID attach through NextEPC, Gx,",
                "DRF bootstrap, DPF, SHO1 + PVA, MCIM install, re-attach with the MCIM IMSI, operator change to SHO2,",
                "re-attach again. Needs root (lab/lab.sh installs and runs NextEPC). Prints every step and a summary."})
final class DemoCommand implements Callable<Integer> {
    /** Exit code when the EPC cannot be brought up on this machine. */
    static final int NO_LAB = 3;

    @Spec
    CommandSpec spec;

    @Option(names = "--devices", defaultValue = "3", paramLabel = "N",
            description = "number of devices (default 3, at most 100; each attaches 3 times through the lab's NextEPC)")
    int devices;

    @Option(names = "--parallel", defaultValue = "2", paramLabel = "P", description = "devices on their journey at the same time (default 2, at most 8)")
    int parallel;

    @Option(names = "--repo", paramLabel = "DIR", description = "the OpenMCIM checkout (default: $OPENMCIM_HOME or the current directory)")
    Path repo;

    @Override
    public Integer call() throws Exception {
        // 100 devices are 300 attach+detach cycles: far inside what one start of the lab's MME takes
        // with its rebuilt pools (lab/nextepc-pools/larger-pools.patch), not with Debian's (~48).
        if (devices < 1 || devices > 100) {
            throw new IllegalArgumentException("--devices must be 1..100, got " + devices);
        }
        if (parallel < 1 || parallel > 8) {
            throw new IllegalArgumentException("--parallel must be 1..8, got " + parallel);
        }
        PrintWriter out = spec.commandLine().getOut();
        Path home = (repo != null ? repo : Path.of(System.getenv().getOrDefault("OPENMCIM_HOME", "."))).toAbsolutePath().normalize();
        if (!Files.exists(home.resolve("lab/lab.sh")) || !Files.isDirectory(home.resolve("config"))) {
            throw new IllegalArgumentException(home + " is not an OpenMCIM checkout (no lab/lab.sh or config/): use --repo");
        }
        Clock clock = Clock.systemUTC();
        SecureRandom random = new SecureRandom();
        out.println("OpenMCIM demo: " + devices + " device(s), TR 33.812 journey on real network elements (shared/DESIGN.md)");
        out.flush();
        DemoNetwork net;
        try {
            net = DemoNetwork.start(home, clock, random, line -> say(out, "  " + line));
        } catch (DemoNetwork.LabUnavailableException e) {
            say(out, "The EPC could not be started here, so the journey cannot run: " + e.getMessage());
            say(out, "The demo needs root and Debian's nextepc packages (lab/lab.sh installs them with apt-get).");
            return NO_LAB;
        }
        List<DeviceJourney.Outcome> outcomes = new ArrayList<>();
        long t0 = System.nanoTime();
        try (net;
             Enb enb = Enb.connect(new Enb.Config(DeviceJourney.PLMN, 0x2A, DeviceJourney.TAC, new byte[] {127, 0, 1, 1}),
                     TransportKind.TCP_FRAMED, DemoNetwork.MME, Duration.ofSeconds(10), line -> { })) {
            say(out, "  eNodeB   S1 Setup with the MME accepted (PLMN 001/01, TAC " + DeviceJourney.TAC + ")");
            say(out, "");
            AtomicLong ids = new AtomicLong(1000);
            // PCIDs from the run's clock, so a rerun against a long-running MME never reuses its contexts.
            long base = (System.currentTimeMillis() / 1000) % 100_000 * 100;
            ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
                Thread t = new Thread(r, "device-journey");
                t.setDaemon(true);
                return t;
            });
            List<Future<DeviceJourney.Outcome>> running = new ArrayList<>();
            for (int d = 1; d <= devices; d++) {
                String pcid = String.format("00101%010d", base + d);
                DeviceJourney j = new DeviceJourney(d, pcid, net, enb, ids, clock, random, home.resolve(".work/demo/devices/" + d), line -> say(out, line));
                running.add(pool.submit(j::run));
            }
            for (Future<DeviceJourney.Outcome> f : running) {
                outcomes.add(f.get());
            }
            pool.shutdown();
        }
        long ok = outcomes.stream().filter(DeviceJourney.Outcome::finished).count();
        out.println();
        out.printf("%-7s %-15s %-15s %-15s %-15s %-8s %s%n", "device", "TRE", "PCID", "MCIM (SHO1)", "MCIM (SHO2)", "seconds", "result");
        for (DeviceJourney.Outcome o : outcomes) {
            out.printf("%-7d %-15s %-15s %-15s %-15s %-8.1f %s%n", o.device(), o.treId(), o.pcid(), o.mcim1().isEmpty() ? "-" : o.mcim1(),
                    o.mcim2().isEmpty() ? "-" : o.mcim2(), o.took().toMillis() / 1000.0, o.finished() ? "finished" : "FAILED at " + o.failedAt());
        }
        out.printf("%d of %d device(s) finished the journey in %.1f s%n", ok, devices, (System.nanoTime() - t0) / 1e9);
        out.flush();
        return ok == devices ? 0 : 1;
    }

    private static synchronized void say(PrintWriter out, String line) {
        out.println(line);
        out.flush();
    }
}
