package org.openmcim.journey;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.openmcim.dpf.DirectoryRecords;
import org.openmcim.dpf.DpfConfig;
import org.openmcim.dpf.DpfServer;
import org.openmcim.dpf.PcidLifecycle;
import org.openmcim.drf.DrfConfig;
import org.openmcim.drf.DrfServer;
import org.openmcim.icf.IcfServer;
import org.openmcim.icf.config.IcfConfig;
import org.openmcim.icf.gx.AttachEvents;
import org.openmcim.pki.DevelopmentPki;
import org.openmcim.pva.PvaConfig;
import org.openmcim.pva.PvaService;
import org.openmcim.sho.ShoCommand;
import org.openmcim.store.InMemoryCredentialStore;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Every network element of the journey (shared/DESIGN.md), started from the shipped configuration
 * files as a lab engineer would start them one by one, here in one JVM: the RO's ICF
 * ({@code config/lab/icf.yaml}: HSS for PCIDs, PCRF, relay to the SHOs' HSSes), DRF and DPF
 * ({@code config/drf.yaml}, {@code config/dpf.yaml}), the PVA, two SHOs each with its HSS
 * ({@code config/sho1.yaml}, {@code config/sho2.yaml}), and Debian's NextEPC MME/SGW/PGW
 * ({@code lab/lab.sh}). In one JVM the ICF's "PCID attached at IP" (TR 33.812 step 6) reaches
 * the DRF in process, and the DPF moves PCIDs through the ICF's store (PROVISIONING, RETIRED).
 */
public final class DemoNetwork implements AutoCloseable {
    /** Where lab/lab.sh puts the MME's S1AP listener (framed TCP through the SCTP shim). */
    public static final InetSocketAddress MME = new InetSocketAddress("127.0.0.2", 36412);

    private final Path repo;
    private final List<AutoCloseable> running = new ArrayList<>();
    private final Map<String, CompletableFuture<InetAddress>> attached = new ConcurrentHashMap<>();
    private boolean labStarted;
    /** See {@link #paceAttach}. */
    public static final Duration ATTACH_SPACING = Duration.ofMillis(100);
    private final Object pacing = new Object();
    private long lastAttach = System.nanoTime() - ATTACH_SPACING.toNanos();

    public final DevelopmentPki pki;
    public final InMemoryCredentialStore icfStore = new InMemoryCredentialStore();
    public IcfServer icf;
    public DrfServer drf;
    public DpfServer dpf;
    public PvaService pva;
    public ShoCommand.Running sho1;
    public ShoCommand.Running sho2;

    private DemoNetwork(Path repo, DevelopmentPki pki) {
        this.repo = repo;
        this.pki = pki;
    }

    public Path config(String name) {
        return repo.resolve("config").resolve(name);
    }

    /**
     * Starts everything, the EPC last (its MME and PGW connect to the ICF, which must be listening).
     * {@code log} hears one line per element.
     *
     * @throws LabUnavailableException when lab/lab.sh cannot bring the EPC up (not root, no packages)
     */
    public static DemoNetwork start(Path repo, Clock clock, SecureRandom random, Consumer<String> log) throws Exception {
        Path pkiDir = repo.resolve(".work/pki");
        boolean existed = DevelopmentPki.exists(pkiDir);
        // Idempotent: an existing PKI is kept, and gets any leaf a newer version needs (e.g. the ICF's).
        DevelopmentPki pki = DevelopmentPki.init(pkiDir, clock.instant(), random, false);
        if (!existed) {
            log.accept("development PKI created in " + pkiDir + " (RO, SHO1, SHO2, PVA and supplier roots)");
        }
        DemoNetwork n = new DemoNetwork(repo, pki);
        try {
            n.startServices(clock, random, log);
            n.startLab(log);
            return n;
        } catch (Exception | Error e) {
            n.close();
            throw e;
        }
    }

    private void startServices(Clock clock, SecureRandom random, Consumer<String> log) throws Exception {
        PvaConfig pvaConfig = PvaConfig.load(config("pva.yaml"));
        pva = keep(PvaService.start(pvaConfig.settings(), pvaConfig.validation(), pvaConfig.issuer(random).orElse(null),
                new SimpleMeterRegistry(), clock));
        log.accept("PVA      https://localhost:" + pva.address().getPort() + "/pva/v1 (config/pva.yaml)");

        DrfConfig drfConfig = DrfConfig.load(config("drf.yaml"));
        drf = keep(DrfServer.start(drfConfig, clock, random, new SimpleMeterRegistry()));
        // §5.1.3.7.4.3 step 2: the RO re-issues the PCID of a device an SHO reverts to the pristine state.
        drf.drf().reissuePcidOnRevert(PcidLifecycle.of(icfStore));
        log.accept("DRF      https://localhost:" + drf.deviceAddress().getPort() + " devices, :" + drf.operatorAddress().getPort()
                + " SHOs (config/drf.yaml)");
        startDpf(clock, random);
        log.accept("DPF      https://localhost:" + dpf.address().getPort() + "/dpf/v1 (config/dpf.yaml)");

        for (String id : new String[] {"sho1", "sho2"}) {
            ShoCommand.Running s = keep(ShoCommand.launch(config(id + ".yaml"), clock, random));
            if (id.equals("sho1")) {
                sho1 = s;
            } else {
                sho2 = s;
            }
            log.accept(id.toUpperCase(java.util.Locale.ROOT) + "     https://localhost:" + s.sho().address().getPort() + " operators, :"
                    + s.sho().deviceAddress().getPort() + " devices; its HSS on " + s.hss().boundAddresses() + " (config/" + id + ".yaml)");
        }

        // TR 33.812 step 6: the ICF's PCRF tells the DRF where the PCID is; the journey watches too.
        AttachEvents toDrf = new AttachEvents() {
            @Override
            public void pcidAttached(String imsi, InetAddress ip, String apn, Instant at) {
                drf.listener().pcidAttached(imsi, ip, at);
                attached.computeIfAbsent(imsi, k -> new CompletableFuture<>()).complete(ip);
            }

            @Override
            public void sessionEnded(String imsi, Instant at) {
            }
        };
        icf = keep(IcfServer.start(IcfConfig.load(config("lab/icf.yaml")), icfStore, new SimpleMeterRegistry(), clock, random, toDrf));
        log.accept("ICF      " + icf.boundAddresses() + " (config/lab/icf.yaml: S6a/SWx as hss.localdomain, Gx as pcrf.localdomain)");
        await(icf::relaysOpen, Duration.ofSeconds(15), "the ICF's relay connections to the SHOs' HSSes did not open");
        log.accept("ICF      relays S6a for 99970… to hss.sho1.localdomain and 99971… to hss.sho2.localdomain: connected");
    }

    private void startLab(Consumer<String> log) throws Exception {
        Path script = repo.resolve("lab/lab.sh");
        if (!Files.isExecutable(script)) {
            throw new LabUnavailableException(script + " is missing");
        }
        if (lab("status") == 0) {
            // A fresh MME: NextEPC 0.3.10 keeps every detached UE's context in its fixed pools (see FullAttachLabTest).
            lab("down");
        }
        labStarted = true;
        int rc = lab("up");
        if (rc != 0) {
            throw new LabUnavailableException("lab/lab.sh up failed (exit " + rc + "); its log: " + repo.resolve(".work/demo/lab-up.log"));
        }
        if (!icf.awaitPeers(Duration.ofSeconds(40), "mme.localdomain", "pgw.localdomain")) {
            throw new IllegalStateException("NextEPC's MME and PGW did not both open Diameter with the ICF in 40 s");
        }
        log.accept("EPC      Debian NextEPC MME (S1AP " + MME.getHostString() + ":" + MME.getPort()
                + ", framed TCP via lab/ shim), SGW, PGW: up; MME and PGW are Diameter peers of the ICF");
    }

    private int lab(String verb) throws IOException, InterruptedException {
        return org.openmcim.uesim.lab.LabScript.run(repo, verb, repo.resolve(".work/demo/lab-" + verb + ".log"));
    }

    /**
     * Stops the DPF and starts it again on the same state directory (a crash and restart in the
     * middle of a download): its sessions and the nonce ledger survive; nothing in memory does.
     */
    public void restartDpf(Clock clock, SecureRandom random) throws InterruptedException {
        running.remove(dpf);
        dpf.close();
        startDpf(clock, random);
    }

    /**
     * The DPF of config/dpf.yaml on its state directory, moving PCIDs in the ICF's store (PROVISIONING
     * at step 10, RETIRED after a success report): in one RO process it can.
     */
    private void startDpf(Clock clock, SecureRandom random) throws InterruptedException {
        DpfConfig dpfConfig = DpfConfig.load(config("dpf.yaml"));
        dpf = keep(DpfServer.start(dpfConfig, name -> new DirectoryRecords(dpfConfig.state().stateDir().resolve(name), random),
                PcidLifecycle.of(icfStore), clock, random, new SimpleMeterRegistry()));
    }

    /** SHO1 or SHO2 by its id (config/sho1.yaml, config/sho2.yaml). */
    public ShoCommand.Running sho(String id) {
        return switch (id) {
            case "sho1" -> sho1;
            case "sho2" -> sho2;
            default -> throw new IllegalArgumentException("no SHO " + id + " in the demo network");
        };
    }

    /**
     * Waits until an attach may start: attaches across all devices are spaced by
     * {@link #ATTACH_SPACING}, 10 per second. NextEPC as the lab runs it (lab/nextepc-pools/: Debian's
     * binaries with larger pools) takes some 50 attach+detach cycles per second before its latency
     * climbs (docs/benchmarks.md, "through NextEPC"); with Debian's own libraries
     * ({@code LAB_NEXTEPC_POOLS=debian}) its SGW's 64 GTP transactions, each held 9 s, allow only about
     * one attach per 1.5 s, and this spacing is too short for it.
     */
    public void paceAttach() throws InterruptedException {
        synchronized (pacing) {
            long wait = lastAttach + ATTACH_SPACING.toNanos() - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            lastAttach = System.nanoTime();
        }
    }

    /** Completes with the UE's address when the ICF's PCRF reports {@code pcid} attached (Gx CCR-Initial). */
    public CompletableFuture<InetAddress> attachedAt(String pcid) {
        return attached.computeIfAbsent(pcid, k -> new CompletableFuture<>());
    }

    public URI drfDeviceUrl() {
        return URI.create("https://localhost:" + drf.deviceAddress().getPort());
    }

    public URI shoUrl(ShoCommand.Running s) {
        return URI.create("https://localhost:" + s.sho().address().getPort());
    }

    public URI shoDeviceUrl(ShoCommand.Running s) {
        return URI.create("https://localhost:" + s.sho().deviceAddress().getPort());
    }

    private <T extends AutoCloseable> T keep(T t) {
        running.add(t);
        return t;
    }

    private static void await(java.util.function.BooleanSupplier ok, Duration limit, String failure) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!ok.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(failure);
            }
            Thread.sleep(100);
        }
    }

    /** The EPC could not be started here: the demo says so and fails rather than pretend. */
    public static final class LabUnavailableException extends Exception {
        public LabUnavailableException(String message) {
            super(message);
        }
    }

    @Override
    public void close() {
        if (labStarted) {
            try {
                lab("down");
            } catch (IOException e) {
                // best effort: lab/lab.sh down stops exactly its pids
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (int i = running.size() - 1; i >= 0; i--) {
            try {
                running.get(i).close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
    }
}
