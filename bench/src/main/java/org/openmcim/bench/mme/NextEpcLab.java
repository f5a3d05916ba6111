package org.openmcim.bench.mme;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.openmcim.aka.AuthenticationFunctions.Algorithm;
import org.openmcim.icf.IcfServer;
import org.openmcim.icf.config.IcfConfig;
import org.openmcim.store.CredentialState;
import org.openmcim.store.InMemoryCredentialStore;
import org.openmcim.store.Subscriber;
import org.openmcim.store.SubscriberKind;
import org.openmcim.uesim.lab.LabScript;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The real EPC for the attach benchmark: Debian's NextEPC MME, SGW and PGW started by
 * {@code lab/lab.sh} (S1AP over framed TCP through the lab's shim), with OpenMCIM's ICF in this
 * JVM as their HSS and PCRF on the addresses {@code config/lab/icf.yaml} names, serving the
 * bench's subscribers as PCIDs. The lab is restarted first so its pools and GTP transactions start
 * empty, and stopped at {@link #close()}.
 */
public final class NextEpcLab implements AutoCloseable {
    private static final List<String> DAEMONS = List.of("mme", "sgw", "pgw");

    private final Path repo;
    private final Path runDir;
    private final IcfServer icf;
    private final Map<String, Long> pids = new LinkedHashMap<>();
    private final InetSocketAddress mme;

    private NextEpcLab(Path repo, Path runDir, IcfServer icf, InetSocketAddress mme) {
        this.repo = repo;
        this.runDir = runDir;
        this.icf = icf;
        this.mme = mme;
    }

    /** Starts the ICF with {@code keys} as PCIDs, then the lab; fails with the reason if either cannot start. */
    public static NextEpcLab start(Path repo, List<Subscribers.Keys> keys) throws Exception {
        Path lab = repo.resolve("lab/lab.sh");
        if (!Files.isRegularFile(lab)) {
            throw new IllegalArgumentException("--mme nextepc needs the repository (--repo DIR): no " + lab);
        }
        InMemoryCredentialStore store = new InMemoryCredentialStore();
        List<Subscriber> pcids = new ArrayList<>(keys.size());
        Instant now = Instant.now();
        for (Subscribers.Keys k : keys) {
            pcids.add(new Subscriber(k.imsi(), SubscriberKind.PCID, Algorithm.MILENAGE, k.k(), k.opc(), new byte[] {(byte) 0x80, 0}, 0,
                    CredentialState.ISSUED, now, Duration.ofDays(365), "bench", "provisioning", null));
        }
        store.insertAll(pcids);
        // The ICF first: the MME's and PGW's freeDiameter retry a refused connect only every Tc.
        IcfServer icf = IcfServer.start(IcfConfig.load(repo.resolve("config/lab/icf.yaml")), store, new SimpleMeterRegistry(),
                Clock.systemUTC(), new SecureRandom());
        String work = System.getenv().getOrDefault("LAB_WORK", repo.resolve(".lab").toString());
        NextEpcLab epc = new NextEpcLab(repo, Path.of(work, "run"), icf,
                new InetSocketAddress(System.getenv().getOrDefault("LAB_MME_ADDR", "127.0.0.2"), 36412));
        try {
            epc.lab("down");
            if (epc.lab("up") != 0) {
                throw new IllegalStateException("lab/lab.sh up failed (its output is above)");
            }
            if (!icf.awaitPeers(Duration.ofSeconds(30), "mme.localdomain", "pgw.localdomain")) {
                throw new IllegalStateException("NextEPC's MME and PGW did not both open Diameter with the ICF within 30 s");
            }
            for (String d : DAEMONS) {
                epc.pids.put(d, Long.parseLong(Files.readString(epc.runDir.resolve(d + ".pid")).trim()));
            }
        } catch (Exception e) {
            epc.close();
            throw e;
        }
        return epc;
    }

    public InetSocketAddress mmeAddress() {
        return mme;
    }

    /** CPU time each daemon has used since it started, from /proc through ProcessHandle. */
    public Map<String, Long> cpuNanos() {
        Map<String, Long> out = new LinkedHashMap<>();
        pids.forEach((d, pid) -> out.put(d, ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration())
                .map(Duration::toNanos).orElseThrow(() -> new IllegalStateException("NextEPC's " + d + " (pid " + pid + ") is gone"))));
        return out;
    }

    private int lab(String verb) throws IOException, InterruptedException {
        return LabScript.run(repo, verb, null);
    }

    @Override
    public void close() throws Exception {
        try {
            lab("down");
        } finally {
            icf.close();
        }
    }
}
