package org.openmcim.journey;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * dumpcap on {@code lo} for every interface of the journey, then tshark's full dissection: S1AP and
 * NAS (framed TCP, decoded by lab/wireshark/s1ap-over-tcp.lua), S6a/SWx/Gx and the relay legs
 * (Diameter), GTP-C between MME, SGW and PGW, and the TLS records of the DRF, DPF, SHO and PVA
 * interfaces. Ports are those of the shipped configuration files.
 */
final class JourneyCapture implements AutoCloseable {
    /** TLS listeners of config/drf.yaml, dpf.yaml, sho1.yaml, sho2.yaml, pva.yaml. */
    static final int[] TLS = {8441, 8442, 8443, 9443, 9444, 9453, 9454, 9543};
    /** Diameter: the ICF (3868 on 127.0.0.4/.5) and the SHOs' HSSes the ICF relays to. */
    static final int[] DIAMETER = {3868, 3870, 3871};

    private final Path dir;
    private final Path file;
    private final Path lua;
    private final Process dumpcap;

    static boolean available() {
        return onPath("dumpcap") && onPath("tshark");
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    JourneyCapture(Path dir, Path repo) throws IOException, InterruptedException {
        this.dir = dir;
        Files.createDirectories(dir);
        this.file = dir.resolve("journey.pcapng");
        this.lua = repo.resolve("lab/wireshark/s1ap-over-tcp.lua");
        StringBuilder filter = new StringBuilder("tcp port 36412 or udp port 2123");
        for (int p : DIAMETER) {
            filter.append(" or tcp port ").append(p);
        }
        for (int p : TLS) {
            filter.append(" or tcp port ").append(p);
        }
        Path log = dir.resolve("dumpcap.log");
        dumpcap = new ProcessBuilder("dumpcap", "-q", "-i", "lo", "-f", filter.toString(), "-w", file.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(Files.exists(file) && file.toFile().length() > 0) && dumpcap.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        if (!dumpcap.isAlive()) {
            throw new IllegalStateException("dumpcap did not start: " + Files.readString(log));
        }
        Thread.sleep(500);
    }

    void stop() throws InterruptedException {
        if (dumpcap.isAlive()) {
            Thread.sleep(300);
            dumpcap.destroy();
            if (!dumpcap.waitFor(5, TimeUnit.SECONDS)) {
                dumpcap.destroyForcibly();
            }
        }
    }

    private List<String> tshark(String... extra) {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", file.toString(), "-X", "lua_script:" + lua,
                "-o", "tcp.desegment_tcp_streams:TRUE"));
        for (int p : DIAMETER) {
            cmd.addAll(List.of("-d", "tcp.port==" + p + ",diameter"));
        }
        for (int p : TLS) {
            cmd.addAll(List.of("-d", "tcp.port==" + p + ",tls"));
        }
        cmd.addAll(List.of(extra));
        return cmd;
    }

    private String run(List<String> cmd) throws IOException, InterruptedException {
        Path out = dir.resolve("tshark-" + System.nanoTime() + ".txt");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("tshark timed out");
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IllegalStateException("tshark failed: " + text);
        }
        return text;
    }

    /** Packets per top protocol of interest (s1ap, nas-eps, diameter, gtpv2, tls), to show the capture saw each interface. */
    Map<String, Integer> protocols() throws IOException, InterruptedException {
        stop();
        Map<String, Integer> count = new TreeMap<>();
        for (String line : run(tshark("-T", "fields", "-e", "frame.protocols")).split("\n")) {
            for (String p : List.of("s1ap", "nas-eps", "diameter", "gtpv2", "tls")) {
                if ((":" + line.strip() + ":").contains(":" + p + ":")) {
                    count.merge(p, 1, Integer::sum);
                }
            }
        }
        return count;
    }

    /**
     * Malformed packets and expert infos of severity Error anywhere in the capture. TCP's own sequence
     * analysis is left out: resets and retransmissions on loopback are not protocol faults.
     */
    List<String> problems() throws IOException, InterruptedException {
        stop();
        String dissection = run(tshark("-V"));
        Files.writeString(dir.resolve("journey-dissection.txt"), dissection);
        List<String> out = new ArrayList<>();
        String frame = "";
        String summary = "";
        for (String line : dissection.split("\n")) {
            String l = line.strip();
            if (line.startsWith("Frame ")) {
                frame = line.split(":")[0];
            }
            if (l.startsWith("[Protocols in frame:")) {
                summary = l;
            }
            boolean error = l.startsWith("[Expert Info (Error") && !l.contains("/Sequence)");
            if (l.contains("Malformed") || error) {
                out.add(frame + " " + summary + ": " + l);
            }
        }
        return out;
    }

    Path file() {
        return file;
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
