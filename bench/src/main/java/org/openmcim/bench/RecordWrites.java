package org.openmcim.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.openmcim.dpf.DirectoryRecords;

/**
 * The state directory's write path alone (issue #5: the DRF's and DPF's durable writes were ~9 % of a
 * resumed provisioning session's CPU): what each primitive of a {@link DirectoryRecords} write costs
 * in wall time and in the calling thread's CPU (user + kernel, which is what the provisioning benchmark's
 * process CPU counts; the journal thread's share of a commit is not in it), and what the table
 * operations a session makes cost through the real class.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar org.openmcim.bench.RecordWrites [--dir DIR] [--ops N] [--rounds R]
 * </pre>
 *
 * The default directory is under {@code java.io.tmpdir}, where bench-prov keeps its state directory.
 * Records are the size of a session's (≈ 4 KiB, the MCIMobj dominates) or of a nonce's (≈ 200 B).
 * Rounds alternate the variants so that a burst of another process's I/O hits them alike; the
 * figure printed is the median of the rounds.
 */
public final class RecordWrites {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private interface Op {
        void run(int i) throws IOException;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>(Map.of("--dir", "", "--ops", "300", "--rounds", "5"));
        for (int i = 0; i < args.length; i += 2) {
            if (!o.containsKey(args[i]) || i + 1 >= args.length) {
                System.err.println("usage: RecordWrites [--dir DIR] [--ops N] [--rounds R]");
                System.exit(2);
            }
            o.put(args[i], args[i + 1]);
        }
        Path base = o.get("--dir").isEmpty() ? WorkDirectory.create("record-writes") : Files.createDirectories(Path.of(o.get("--dir")));
        int ops = Integer.parseInt(o.get("--ops"));
        int rounds = Integer.parseInt(o.get("--rounds"));
        SecureRandom random = new SecureRandom();
        byte[] session = new byte[4096];
        Arrays.fill(session, (byte) 'x');
        byte[] nonce = ("{\"nonce\":\"" + "n".repeat(22) + "\",\"pcid\":\"001010000000001\",\"treId\":\"tre-0001\",\"shoId\":\"sho1\","
                + "\"issuedAt\":\"2026-11-23T22:00:00Z\",\"expiresAt\":\"2026-11-23T22:15:00Z\"}").getBytes(StandardCharsets.UTF_8);
        AtomicLong counter = new AtomicLong();
        Path raw = Files.createDirectories(base.resolve("raw"));

        Map<String, Op> variants = new LinkedHashMap<>();
        // The primitives, one at a time, on a 4 KiB record.
        variants.put("temp name: SecureRandom 8 bytes (afbdb0d)", i -> {
            byte[] r = new byte[8];
            random.nextBytes(r);
            HexFormat.of().formatHex(r);
        });
        variants.put("create+write+close, no sync", i -> write(raw.resolve("w" + counter.incrementAndGet()), session, null));
        variants.put("create+write+fsync (force(true), afbdb0d)", i -> write(raw.resolve("w" + counter.incrementAndGet()), session, true));
        variants.put("create+write+fdatasync (force(false))", i -> write(raw.resolve("w" + counter.incrementAndGet()), session, false));
        variants.put("link (no data)", i -> {
            Path p = raw.resolve("l" + counter.incrementAndGet());
            Files.createLink(p, raw.resolve("link-source"));
        });
        variants.put("unlink", i -> Files.deleteIfExists(raw.resolve("w" + counter.incrementAndGet())));
        // The table operations of a session through the real class (this build's DirectoryRecords).
        DirectoryRecords issued = new DirectoryRecords(base.resolve("nonces-issued"), random);
        DirectoryRecords used = new DirectoryRecords(base.resolve("nonces-used"), random);
        DirectoryRecords sessions = new DirectoryRecords(base.resolve("sessions"), random);
        variants.put("DirectoryRecords.putIfAbsent 200 B (issue)", i -> issued.putIfAbsent(key("n", counter.incrementAndGet()), nonce));
        variants.put("DirectoryRecords.putIfAbsent 4 KiB (session)", i -> sessions.putIfAbsent(key("s", counter.incrementAndGet()), session));
        variants.put("DirectoryRecords.put 4 KiB (close)", i -> sessions.put(key("s", counter.incrementAndGet()), session));
        variants.put("nonce use: putIfAbsent 60 B (afbdb0d consume)", i -> used.putIfAbsent(key("u", counter.incrementAndGet()),
                "{\"treId\":\"tre-0001\",\"at\":\"2026-11-23T22:00:00Z\"}".getBytes(StandardCharsets.UTF_8)));
        List<String> claimable = new ArrayList<>();
        variants.put("nonce use: claim from issued (this build)", i -> {
            String k = key("c", counter.incrementAndGet());
            issued.putIfAbsent(k, nonce);
            claimable.add(k);
        });

        // Each variant is timed over ops calls, rounds times, interleaved.
        Map<String, List<long[]>> figures = new LinkedHashMap<>();
        variants.keySet().forEach(k -> figures.put(k, new ArrayList<>()));
        write(raw.resolve("link-source"), session, true);
        for (int r = 0; r < rounds + 1; r++) { // the first round warms the JIT and is dropped
            for (Map.Entry<String, Op> v : variants.entrySet()) {
                long[] f;
                if (v.getKey().startsWith("nonce use: claim")) {
                    // The claim's source records are written outside the timing: the claim alone is timed.
                    claimable.clear();
                    for (int i = 0; i < ops; i++) {
                        v.getValue().run(i);
                    }
                    List<String> keys = List.copyOf(claimable);
                    f = time(ops, i -> used.claim(keys.get(i), issued));
                } else if (v.getKey().equals("unlink")) {
                    long first = counter.get() + 1;
                    for (int i = 0; i < ops; i++) {
                        write(raw.resolve("w" + counter.incrementAndGet()), session, null);
                    }
                    counter.set(first - 1);
                    f = time(ops, v.getValue());
                } else {
                    f = time(ops, v.getValue());
                }
                if (r > 0) {
                    figures.get(v.getKey()).add(f);
                }
            }
        }
        System.out.printf("record writes in %s (%s), %d ops x %d rounds; median of rounds, µs per op%n", base,
                Files.getFileStore(base).type(), ops, rounds);
        System.out.printf("  %-48s %10s %10s%n", "", "wall", "thread CPU");
        for (Map.Entry<String, List<long[]>> e : figures.entrySet()) {
            System.out.printf("  %-48s %10.1f %10.1f%n", e.getKey(), median(e.getValue(), 0) / 1e3 / ops, median(e.getValue(), 1) / 1e3 / ops);
        }
        deleteTree(base);
    }

    private static String key(String prefix, long n) {
        return prefix + n;
    }

    private static void write(Path p, byte[] value, Boolean metadata) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(value));
            if (metadata != null) {
                ch.force(metadata);
            }
        }
    }

    private static long[] time(int ops, Op op) throws IOException {
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        for (int i = 0; i < ops; i++) {
            op.run(i);
        }
        return new long[] {System.nanoTime() - t0, THREADS.getCurrentThreadCpuTime() - cpu0};
    }

    private static double median(List<long[]> xs, int field) {
        long[] v = xs.stream().mapToLong(x -> x[field]).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2.0;
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted((a, b) -> b.compareTo(a)).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
