package org.openmcim.icf.interop;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.openmcim.aka.AuthenticationFunctions.Algorithm;
import org.openmcim.aka.VectorFile;
import org.openmcim.config.ConfigNode;
import org.openmcim.icf.IcfServer;
import org.openmcim.icf.config.IcfConfig;
import org.openmcim.store.CredentialState;
import org.openmcim.store.InMemoryCredentialStore;
import org.openmcim.store.Subscriber;
import org.openmcim.store.SubscriberKind;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * What the interop tests share: an in-process ICF with one PCID (TS 35.208 test set 1), tool
 * detection, external processes, waiting, and a recorder of the ICF's own log.
 */
final class Interop {
    static final String IMSI = "001010000000001";
    static final VectorFile.Vector SET1 = VectorFile.load("vectors/milenage-ts35208.txt").get(0);

    private Interop() {
    }

    /** Whether {@code tool} is an executable on PATH (or an absolute path that is). */
    static boolean onPath(String tool) {
        if (tool.startsWith("/")) {
            return Files.isExecutable(Path.of(tool));
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", tool)) || Files.isExecutable(Path.of("/usr/bin", tool));
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static int freePortUnchecked() {
        try {
            return freePort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** An ICF configuration: one identity serving S6a on {@code listen}, the given peers allowed. */
    static IcfConfig config(String host, String listen, String watchdog, String... peerHostRealm) {
        return configServing("[s6a]", host, listen, watchdog, peerHostRealm);
    }

    /** As above, the identity serving {@code applications} (a YAML list such as {@code [s6a, swx]}). */
    static IcfConfig configServing(String applications, String host, String listen, String watchdog, String... peerHostRealm) {
        StringBuilder peers = new StringBuilder();
        for (int i = 0; i < peerHostRealm.length; i += 2) {
            peers.append("  - host: ").append(peerHostRealm[i]).append("\n    realm: ").append(peerHostRealm[i + 1]).append('\n');
        }
        String yaml = """
                mode: icf
                identities:
                  - host: %s
                    realm: localdomain
                    listen: %s
                    applications: %s
                peers:
                %simsi-ranges: ["00101"]
                watchdog: %s
                subscription-profile:
                  apn: provisioning
                  pdn-type: ipv4
                  qci: 9
                  arp: {priority: 8, preemption-capability: false, preemption-vulnerability: true}
                  ambr: {uplink: 1000000, downlink: 1000000}
                limits: {max-in-flight: 100, worker-threads: 2, max-vectors-per-request: 5}
                """.formatted(host, listen, applications, peers, watchdog);
        return IcfConfig.from(ConfigNode.parse("interop-icf.yaml", new StringReader(yaml)));
    }

    /** A store holding the one PCID whose K/OPc the tests know (TS 35.208 test set 1). */
    static InMemoryCredentialStore store() {
        InMemoryCredentialStore store = new InMemoryCredentialStore();
        Instant now = Instant.now();
        store.insertAll(List.of(new Subscriber(IMSI, SubscriberKind.PCID, Algorithm.MILENAGE, SET1.hex("K"), SET1.hex("OPc"),
                new byte[] {(byte) 0x80, 0}, 0, CredentialState.ISSUED, now.minus(Duration.ofDays(1)), Duration.ofDays(365),
                "interop-test", "provisioning", null)));
        return store;
    }

    static IcfServer start(IcfConfig config) throws InterruptedException {
        return IcfServer.start(config, store(), new SimpleMeterRegistry(), Clock.systemUTC(), new SecureRandom());
    }

    /** Polls {@code condition} every 50 ms until it holds or {@code timeout} passes. */
    static boolean await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(50);
        }
        return condition.getAsBoolean();
    }

    /** Runs a command to completion; fails the test on a non-zero exit. Returns stdout. */
    static String run(Path dir, Duration timeout, String... cmd) throws IOException, InterruptedException {
        long n = System.nanoTime();
        Path out = dir.resolve("out-" + n + ".txt");
        Path err = dir.resolve("err-" + n + ".txt");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(err.toFile()).redirectOutput(out.toFile()).start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " timed out");
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        assertTrue(p.exitValue() == 0, String.join(" ", cmd) + " exited " + p.exitValue() + ":\n" + text
                + Files.readString(err, StandardCharsets.UTF_8));
        return text;
    }

    /**
     * Copies the files of a test's working directory (logs, captures, configs) to
     * target/interop/{@code name}/, so a CI run that fails can be read afterwards.
     */
    static void keep(Path dir, String name) {
        try {
            Path to = Path.of("target", "interop", name);
            Files.createDirectories(to);
            try (var files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    String n = f.getFileName().toString();
                    if (Files.isRegularFile(f) && !n.endsWith(".key") && !n.startsWith("out-") && !n.startsWith("err-")) {
                        Files.copy(f, to.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        } catch (IOException e) {
            // best effort: the test's own outcome matters, not the copy
        }
    }

    /** Records the ICF's java.util.logging output (org.openmcim.icf and below) while open. */
    static final class IcfLog implements AutoCloseable {
        private final Logger logger = Logger.getLogger("org.openmcim.icf");
        private final Level previous = logger.getLevel();
        final List<String> lines = new CopyOnWriteArrayList<>();
        private final Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                lines.add(r.getLevel() + " " + r.getLoggerName() + ": " + r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };

        IcfLog() {
            handler.setLevel(Level.ALL);
            logger.setLevel(Level.FINE);
            logger.addHandler(handler);
        }

        boolean contains(String fragment) {
            return lines.stream().anyMatch(l -> l.contains(fragment));
        }

        List<String> matching(String fragment) {
            List<String> out = new ArrayList<>();
            for (String l : lines) {
                if (l.contains(fragment)) {
                    out.add(l);
                }
            }
            return out;
        }

        @Override
        public void close() {
            logger.removeHandler(handler);
            logger.setLevel(previous);
        }
    }
}
