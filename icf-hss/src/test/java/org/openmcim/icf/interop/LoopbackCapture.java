package org.openmcim.icf.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * dumpcap on {@code lo} for the duration of a test, then tshark's full dissection of what it
 * recorded. Needs dumpcap and tshark (Debian package tshark) and the right to capture (root, or
 * the wireshark group with dumpcap's capabilities); {@link #available()} says whether to try.
 */
final class LoopbackCapture implements AutoCloseable {
    private final Path dir;
    private final Path file;
    private final Path log;
    private final int[] ports;
    private final Process dumpcap;

    static boolean available() {
        return Interop.onPath("dumpcap") && Interop.onPath("tshark") && Interop.isRoot();
    }

    /** Starts capturing TCP on the given ports and returns once dumpcap reports it is capturing. */
    LoopbackCapture(Path dir, int... ports) throws IOException, InterruptedException {
        this(dir, portFilter(ports), ports);
    }

    private static String portFilter(int... ports) {
        StringBuilder filter = new StringBuilder();
        for (int p : ports) {
            filter.append(filter.length() == 0 ? "" : " or ").append("tcp port ").append(p);
        }
        return filter.toString();
    }

    /** Starts capturing with a BPF {@code filter}; {@code ports} are decoded as Diameter. */
    LoopbackCapture(Path dir, String filter, int... ports) throws IOException, InterruptedException {
        this.dir = dir;
        this.ports = ports;
        this.file = dir.resolve("lo.pcapng");
        this.log = dir.resolve("dumpcap.log");
        dumpcap = new ProcessBuilder("dumpcap", "-q", "-i", "lo", "-f", filter.toString(), "-w", file.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        // dumpcap prints "Capturing on 'Loopback: lo'" once the capture filter is installed.
        if (!Interop.await(Duration.ofSeconds(10), () -> read(log).contains("Capturing on") || !dumpcap.isAlive())
                || !dumpcap.isAlive()) {
            throw new IllegalStateException("dumpcap did not start: " + read(log));
        }
        // "Capturing on" can precede the first packet actually being recorded by a few hundred
        // milliseconds on a loaded machine: wait for the file's header, then a little longer.
        Interop.await(Duration.ofSeconds(5), () -> file.toFile().length() > 0);
        Thread.sleep(500);
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Stops dumpcap (SIGTERM: it flushes and closes the file). Idempotent. */
    void stop() throws InterruptedException {
        if (dumpcap.isAlive()) {
            Thread.sleep(300); // the last segments are in the kernel's buffer
            dumpcap.destroy();
            if (!dumpcap.waitFor(5, TimeUnit.SECONDS)) {
                dumpcap.destroyForcibly();
            }
        }
    }

    /** tshark -V of the whole capture, every captured port decoded as Diameter. */
    String dissect() throws IOException, InterruptedException {
        stop();
        List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", file.toString(), "-V",
                "-o", "tcp.analyze_sequence_numbers:TRUE", "-o", "tcp.desegment_tcp_streams:TRUE"));
        for (int p : ports) {
            if (p != 3868) {
                cmd.add("-d");
                cmd.add("tcp.port==" + p + ",diameter");
            }
        }
        return Interop.run(dir, Duration.ofSeconds(60), cmd.toArray(String[]::new));
    }

    /**
     * Lines of a tshark -V dissection that report a problem: malformed packets, and expert
     * infos of severity Warning or Error (tshark prints "[Expert Info (Warning/...)"), and AVPs or
     * commands Wireshark's Diameter dictionary does not know (a wrong code or vendor). TCP's own
     * sequence analysis is left out: a reset or a retransmission on loopback is not a Diameter
     * fault, and the negative tests close connections abruptly on purpose.
     */
    static List<String> problems(String dissection) {
        List<String> out = new ArrayList<>();
        String frame = "";
        for (String line : dissection.split("\n")) {
            String l = line.strip();
            if (line.startsWith("Frame ")) {
                frame = line.split(":")[0];
            }
            boolean expert = l.startsWith("[Expert Info (Error") || l.startsWith("[Expert Info (Warning");
            if (l.contains("Malformed") || (expert && !l.contains("/Sequence)")) || l.contains("Unknown AVP")
                    || l.contains("Unknown command")) {
                out.add(frame + ": " + l);
            }
        }
        return out;
    }

    /** Each Diameter message in the capture as "code request|answer", in capture order. */
    List<String> commands() throws IOException, InterruptedException {
        stop();
        List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", file.toString(), "-Y", "diameter",
                "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,", "-e", "diameter.cmd.code", "-e", "diameter.flags.request"));
        for (int p : ports) {
            if (p != 3868) {
                cmd.add("-d");
                cmd.add("tcp.port==" + p + ",diameter");
            }
        }
        List<String> out = new ArrayList<>();
        for (String line : Interop.run(dir, Duration.ofSeconds(60), cmd.toArray(String[]::new)).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            // Several Diameter PDUs can share a TCP segment: fields come comma-separated.
            String[] f = line.split("\t");
            String[] codes = f[0].split(",");
            String[] req = f.length > 1 ? f[1].split(",") : new String[0];
            for (int i = 0; i < codes.length; i++) {
                boolean request = i < req.length && (req[i].equals("1") || req[i].equalsIgnoreCase("True"));
                out.add(codes[i] + (request ? " request" : " answer"));
            }
        }
        return out;
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
