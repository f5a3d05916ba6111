package org.openmcim.uesim;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.openmcim.aka.Milenage;
import org.openmcim.aka.kdf.PlmnId;
import org.openmcim.aka.sqn.SqnArray;
import org.openmcim.aka.sqn.SqnPolicy;
import org.openmcim.aka.usim.Usim;
import org.openmcim.uesim.nas.NasIes;
import org.openmcim.uesim.transport.TransportKind;
import org.openmcim.uesim.ue.UeStateMachine;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code openmcim ue-sim}: the simulated eNodeB and M2MEs for lab work. {@code attach} runs one
 * device through attach and detach; {@code run} many from a supplier batch CSV (the file
 * {@code openmcim pcid issue} writes and the ICF imports), at a given rate.
 */
@Command(name = "ue-sim", mixinStandardHelpOptions = true,
        description = "Simulated eNodeB + UEs (S1AP/NAS, software USIM) against a real MME.",
        subcommands = {UeSimCommand.Attach.class, UeSimCommand.Run.class})
public final class UeSimCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: attach, run");
    }

    /** Where the simulated eNB connects and what cell it serves. */
    static final class Cell {
        @Option(names = "--mme", required = true, paramLabel = "HOST:PORT", description = "the MME's S1AP address, e.g. 127.0.0.2:36412")
        String mme;
        @Option(names = "--plmn", defaultValue = "00101", paramLabel = "MCCMNC", description = "serving PLMN (default 00101)")
        String plmn;
        @Option(names = "--tac", defaultValue = "12345", paramLabel = "N", description = "tracking area code (default 12345)")
        int tac;
        @Option(names = "--enb-id", defaultValue = "27", paramLabel = "N", description = "macro eNB id (default 27)")
        int enbId;
        @Option(names = "--apn", defaultValue = "provisioning", paramLabel = "APN", description = "APN the UEs ask for (default provisioning)")
        String apn;
        @Option(names = "--transport", defaultValue = "sctp", paramLabel = "KIND",
                description = "sctp (default; falls back to tcp-framed when the kernel has no SCTP, and says so) or tcp-framed")
        String transport;
        @Option(names = "--hold", defaultValue = "2s", paramLabel = "DURATION", description = "how long each UE stays registered (default 2s)")
        String hold;

        /** The same settings a config file gives, from the flags. */
        UeSimConfig settings() {
            int colon = mme.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("--mme must be HOST:PORT, got " + mme);
            }
            InetSocketAddress at = new InetSocketAddress(mme.substring(0, colon), Integer.parseInt(mme.substring(colon + 1)));
            return new UeSimConfig(at, TransportKind.parse(transport), PlmnId.parse(plmn), tac, enbId, apn, holdDuration(),
                    java.util.Optional.empty());
        }

        Duration holdDuration() {
            String h = hold.strip();
            if (h.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(h.substring(0, h.length() - 2)));
            }
            if (h.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(h.substring(0, h.length() - 1)));
            }
            throw new IllegalArgumentException("--hold must look like 500ms or 2s, got " + hold);
        }
    }

    static Enb connect(UeSimConfig c, PrintWriter out) throws Exception {
        return Enb.connect(new Enb.Config(c.plmn(), c.enbId(), c.tac(), new byte[] {127, 0, 1, 1}), c.transport(), c.mme(),
                Duration.ofSeconds(10), msg -> out.println("ue-sim: " + msg));
    }

    static UeStateMachine ue(UeSimConfig c, String imsi, byte[] k, byte[] opc) {
        return new UeStateMachine(new UeStateMachine.Profile(imsi, NasIes.UeNetworkCapability.of(List.of(0, 2), List.of(2)), c.apn(),
                c.plmn()), new Usim(Milenage.withOpc(k, opc), new SqnArray(SqnPolicy.DEFAULT)));
    }

    static String where(UeSimConfig c) {
        return c.mme().getHostString() + ":" + c.mme().getPort();
    }

    static String line(Enb.Result r) {
        return String.format("%s %s%s%s", r.imsi(),
                r.registered() ? "registered on " + r.apn().orElse("?") + " in " + r.attachTime().toMillis() + " ms" : "NOT registered",
                r.rejectCause().map(c -> " (attach reject, EMM cause #" + c + ")").orElse(""),
                r.registered() ? (r.detached() ? ", detached" : ", NOT detached") : "");
    }

    @Command(name = "attach", mixinStandardHelpOptions = true, description = "One UE: S1 Setup, attach, hold, detach.")
    static final class Attach implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        CellMixin cell;
        @Option(names = "--imsi", required = true, description = "IMSI (PCID or MCIM IMSI)")
        String imsi;
        @Option(names = "--k", required = true, paramLabel = "HEX", description = "K (16 bytes)")
        String k;
        @Option(names = "--opc", required = true, paramLabel = "HEX", description = "OPc (16 bytes)")
        String opc;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            byte[] kb = org.openmcim.aka.Hex.decode("K", k, 16);
            byte[] ob = org.openmcim.aka.Hex.decode("OPc", opc, 16);
            UeSimConfig c = cell.c.settings();
            try (Enb enb = connect(c, out)) {
                out.println("S1 Setup accepted by " + where(c));
                Enb.Result r = enb.attachAndDetach(ue(c, imsi, kb, ob), imsi, 1, c.hold()).get(60, TimeUnit.SECONDS);
                out.println(line(r));
                return r.registered() && r.detached() ? 0 : 1;
            }
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Many UEs from a supplier batch CSV (header imsi,k,opc,...), started at --rate per second.",
                    "The MME and cell come from --config FILE (config/lab/ue-sim.yaml) or from the flags below.",
                    "Prints one line per UE and a summary; exit 0 only if all registered and detached."})
    static final class Run implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @picocli.CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
        Source source;
        @Option(names = "--subscribers", paramLabel = "BATCH.csv",
                description = "supplier batch: imsi,k,opc[,...] (required unless the config names one)")
        Path subscribers;
        @Option(names = "--count", defaultValue = "0", paramLabel = "N", description = "how many (default: all in the file)")
        int count;
        @Option(names = "--rate", defaultValue = "1", paramLabel = "PER_SECOND", description = "attaches started per second (default 1)")
        double rate;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            if (rate <= 0 || rate > 1000) {
                throw new IllegalArgumentException("--rate must be in (0, 1000], got " + rate);
            }
            UeSimConfig c = source.config != null ? UeSimConfig.load(source.config) : source.cell.settings();
            Path batch = subscribers != null ? subscribers : c.subscribers().orElseThrow(() -> new IllegalArgumentException(
                    "no subscribers: give --subscribers BATCH.csv" + (source.config != null ? " or subscribers: in " + source.config : "")));
            List<String[]> subs = read(batch);
            if (count > 0) {
                if (count > subs.size()) {
                    throw new IllegalArgumentException("--count " + count + " but " + batch + " holds " + subs.size());
                }
                subs = subs.subList(0, count);
            }
            List<CompletableFuture<Enb.Result>> runs = new ArrayList<>();
            long started = System.nanoTime();
            try (Enb enb = connect(c, out)) {
                out.println("S1 Setup accepted by " + where(c) + "; starting " + subs.size() + " UE(s) at " + rate + "/s");
                long gapNanos = (long) (1e9 / rate);
                for (int i = 0; i < subs.size(); i++) {
                    String[] s = subs.get(i);
                    HexFormat hex = HexFormat.of();
                    runs.add(enb.attachAndDetach(ue(c, s[0], hex.parseHex(s[1]), hex.parseHex(s[2])), s[0], 1000 + i, c.hold())
                            .whenComplete((r, e) -> {
                                synchronized (out) {
                                    out.println(e == null ? line(r) : s[0] + " FAILED: " + e.getMessage());
                                    out.flush();
                                }
                            }));
                    long next = started + (i + 1) * gapNanos;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
                CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).exceptionally(e -> null)
                        .get(Math.max(60, (long) (subs.size() / rate) + 60), TimeUnit.SECONDS);
                long ok = runs.stream().filter(f -> !f.isCompletedExceptionally() && f.join().registered() && f.join().detached()).count();
                out.printf("%d of %d UE(s) attached and detached; at most %d registered at once; %.1f s%n", ok, subs.size(),
                        enb.peakRegistered(), (System.nanoTime() - started) / 1e9);
                return ok == subs.size() ? 0 : 1;
            }
        }

        /** imsi, k, opc from the supplier batch (other columns ignored); errors name the line. */
        static List<String[]> read(Path file) throws java.io.IOException {
            List<String[]> out = new ArrayList<>();
            try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String header = r.readLine();
                if (header == null) {
                    throw new IllegalArgumentException(file + ": empty");
                }
                List<String> cols = List.of(header.strip().split(","));
                int iImsi = cols.indexOf("imsi");
                int iK = cols.indexOf("k");
                int iOpc = cols.indexOf("opc");
                if (iImsi < 0 || iK < 0 || iOpc < 0) {
                    throw new IllegalArgumentException(file + ":1: header must name imsi, k and opc");
                }
                String line;
                int n = 1;
                while ((line = r.readLine()) != null) {
                    n++;
                    if (line.isBlank()) {
                        continue;
                    }
                    String[] f = line.split(",", -1);
                    if (f.length <= Math.max(iImsi, Math.max(iK, iOpc)) || !f[iImsi].matches("[0-9]{14,15}")
                            || !f[iK].matches("[0-9a-fA-F]{32}") || !f[iOpc].matches("[0-9a-fA-F]{32}")) {
                        throw new IllegalArgumentException(file + ":" + n + ": expected imsi (14-15 digits), k and opc (32 hex digits)");
                    }
                    out.add(new String[] {f[iImsi], f[iK], f[iOpc]});
                }
            }
            return out;
        }
    }

    /** Where {@code run} takes its MME and cell from: a config file, or the flags. */
    static final class Source {
        @Option(names = "--config", required = true, paramLabel = "FILE", description = "YAML: mme, transport, cell, apn, hold, subscribers "
                + "(config/lab/ue-sim.yaml)")
        Path config;
        @picocli.CommandLine.ArgGroup(exclusive = false, heading = "eNB and cell (instead of --config):%n")
        Cell cell;
    }

    /** picocli mixin holding the cell options. */
    static final class CellMixin {
        @picocli.CommandLine.ArgGroup(exclusive = false, multiplicity = "1", heading = "eNB and cell:%n")
        Cell c;
    }
}
