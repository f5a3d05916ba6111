package org.openmcim.drfdpf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmcim.dpf.DirectoryRecords;
import org.openmcim.dpf.DownloadSession;
import org.openmcim.dpf.MemoryRecords;
import org.openmcim.dpf.NonceLedger;
import org.openmcim.dpf.Records;
import org.openmcim.dpf.SessionStore;

/**
 * The state directory's promises (issue #5 made its writes cheaper; these pin what must not change):
 * a nonce is consumed once even by two processes, a reader sees a record whole, a claim stores
 * nothing when its source is missing, and what afbdb0d's code wrote still reads.
 */
class DirectoryRecordsTest {
    @TempDir
    Path tmp;

    private final SecureRandom random = new SecureRandom();

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aClaimIsOneHardLinkToTheSourceRecordAndHappensOnce() throws IOException {
        DirectoryRecords issued = new DirectoryRecords(tmp.resolve("issued"), random);
        DirectoryRecords used = new DirectoryRecords(tmp.resolve("used"), random);
        assertTrue(issued.putIfAbsent("n1", utf8("{\"nonce\":\"n1\"}")));

        assertEquals(Records.Claim.CLAIMED, used.claim("n1", issued));
        assertEquals(Records.Claim.TAKEN, used.claim("n1", issued));
        assertArrayEquals(utf8("{\"nonce\":\"n1\"}"), used.get("n1").orElseThrow());
        // No data written: the used record is the issued record's file, forced when the DRF wrote it.
        assertTrue(Files.isSameFile(tmp.resolve("issued/n1.json"), tmp.resolve("used/n1.json")));

        assertEquals(Records.Claim.NO_SOURCE, used.claim("n2", issued));
        assertTrue(used.get("n2").isEmpty(), "a claim without a source stores nothing");
        // Forgotten at the source (the ledger's sweep removes issued first): no longer claimable.
        issued.remove("n1");
        assertEquals(Records.Claim.NO_SOURCE, used.claim("n1", issued));
        assertEquals(List.of("n1"), used.keys(), "the use itself stays until the sweep removes it");
    }

    @Test
    void aClaimFromAnotherKindOfTableOrFilesystemReadsAndInserts() throws IOException {
        MemoryRecords memory = new MemoryRecords();
        memory.put("m1", utf8("m"));
        DirectoryRecords dir = new DirectoryRecords(tmp.resolve("d"), random);
        assertEquals(Records.Claim.CLAIMED, dir.claim("m1", memory));
        assertEquals(Records.Claim.TAKEN, dir.claim("m1", memory));
        assertEquals(Records.Claim.NO_SOURCE, dir.claim("m2", memory));
        assertArrayEquals(utf8("m"), dir.get("m1").orElseThrow());
        MemoryRecords target = new MemoryRecords();
        assertEquals(Records.Claim.CLAIMED, target.claim("m1", dir));
        assertEquals(Records.Claim.TAKEN, target.claim("m1", dir));
        assertArrayEquals(utf8("m"), target.get("m1").orElseThrow());

        // Two filesystems: link(2) answers EXDEV and the claim falls back to read and putIfAbsent.
        Path shm = Path.of("/dev/shm");
        Assumptions.assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm)
                && !Files.getFileStore(shm).equals(Files.getFileStore(tmp)), "no second filesystem at /dev/shm");
        Path other = Files.createTempDirectory(shm, "records-test");
        try {
            DirectoryRecords source = new DirectoryRecords(other, random);
            source.put("x1", utf8("far"));
            assertEquals(Records.Claim.CLAIMED, dir.claim("x1", source));
            assertEquals(Records.Claim.TAKEN, dir.claim("x1", source));
            assertEquals(Records.Claim.NO_SOURCE, dir.claim("x2", source));
            assertArrayEquals(utf8("far"), dir.get("x1").orElseThrow());
        } finally {
            try (Stream<Path> s = Files.list(other)) {
                for (Path p : s.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(other);
        }
    }

    /** A put replaces a record whole: readers in parallel never see a short or mixed one. */
    @Test
    void aReaderSeesTheOldOrTheNewRecordNeverHalf() throws Exception {
        DirectoryRecords writer = new DirectoryRecords(tmp.resolve("t"), random);
        DirectoryRecords reader = new DirectoryRecords(tmp.resolve("t"), random);
        byte[] a = new byte[256 * 1024];
        byte[] b = new byte[256 * 1024];
        Arrays.fill(a, (byte) 'a');
        Arrays.fill(b, (byte) 'b');
        writer.put("k", a);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger reads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<String>> readers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                readers.add(pool.submit(() -> {
                    while (!stop.get()) {
                        byte[] got = reader.get("k").orElse(null);
                        if (got == null) {
                            return "the record vanished during a replace";
                        }
                        if (!Arrays.equals(got, a) && !Arrays.equals(got, b)) {
                            return "a read of " + got.length + " bytes that is neither version";
                        }
                        reads.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (int i = 0; i < 200; i++) {
                writer.put("k", i % 2 == 0 ? b : a);
            }
            stop.set(true);
            for (Future<String> f : readers) {
                String problem = f.get(30, TimeUnit.SECONDS);
                if (problem != null) {
                    fail(problem);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(reads.get() > 0);
        assertNoTemporaryFiles(tmp.resolve("t"));
    }

    /**
     * Temporary names come from a per-instance tag and a counter: two instances whose generators were
     * seeded alike get the same tag, and must still not write into each other's temporary files.
     */
    @Test
    void instancesWithTheSameTagOnOneDirectoryDoNotClash() throws Exception {
        DirectoryRecords one = new DirectoryRecords(tmp.resolve("t"), seeded());
        DirectoryRecords two = new DirectoryRecords(tmp.resolve("t"), seeded());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Boolean>> tasks = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                String key = "k" + i;
                DirectoryRecords r = i % 2 == 0 ? one : two;
                tasks.add(() -> r.putIfAbsent(key, utf8(key)));
            }
            for (Future<Boolean> f : pool.invokeAll(tasks)) {
                assertTrue(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        for (int i = 0; i < 400; i++) {
            assertArrayEquals(utf8("k" + i), one.get("k" + i).orElseThrow(), "k" + i);
        }
        assertNoTemporaryFiles(tmp.resolve("t"));
    }

    private static SecureRandom seeded() throws Exception {
        SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
        r.setSeed(42); // before the first output: deterministic
        return r;
    }

    /**
     * The DRF and a DPF (or two DPFs) are separate processes on one state directory: two JVMs race to
     * consume the same nonces, and each nonce goes to exactly one of them.
     */
    @Test
    void aNonceIsConsumedOnceByTwoProcesses() throws Exception {
        Path state = tmp.resolve("state");
        NonceLedger drf = new NonceLedger(new DirectoryRecords(state.resolve("nonces-issued"), random),
                new DirectoryRecords(state.resolve("nonces-used"), random));
        Instant now = Instant.now();
        int n = 300;
        for (int i = 0; i < n; i++) {
            drf.record(new NonceLedger.Issued("nonce" + i, "001010000000001", null, "sho1", now, now.plusSeconds(600)));
        }
        Path go = tmp.resolve("go");
        List<Process> dpfs = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            dpfs.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), ConsumingProcess.class.getName(), state.toString(), Integer.toString(n),
                    go.toString()).redirectErrorStream(true).start());
        }
        Files.createFile(go); // both start consuming at once
        Map<String, Integer> winners = new HashMap<>();
        for (Process p : dpfs) {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out);
            for (String line : out.split("\n")) {
                if (line.startsWith("CONSUMED ")) {
                    winners.merge(line.substring("CONSUMED ".length()).trim(), 1, Integer::sum);
                } else if (!line.isBlank() && !line.startsWith("ALREADY_USED ")) {
                    fail("unexpected output of a consuming process: " + line);
                }
            }
        }
        assertEquals(n, winners.size(), "every nonce consumed by one of the two");
        winners.forEach((nonce, times) -> assertEquals(1, times, nonce + " consumed " + times + " times"));
        assertEquals(NonceLedger.Consume.ALREADY_USED, drf.consume("nonce0"));
    }

    /** One "DPF": consumes nonce0..nonce{n-1} in order as soon as the go file appears; prints each outcome. */
    public static final class ConsumingProcess {
        public static void main(String[] args) throws Exception {
            Path state = Path.of(args[0]);
            int n = Integer.parseInt(args[1]);
            Path go = Path.of(args[2]);
            SecureRandom r = new SecureRandom();
            NonceLedger ledger = new NonceLedger(new DirectoryRecords(state.resolve("nonces-issued"), r),
                    new DirectoryRecords(state.resolve("nonces-used"), r));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!Files.exists(go)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no go");
                }
                Thread.onSpinWait();
            }
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < n; i++) {
                out.append(ledger.consume("nonce" + i)).append(' ').append("nonce").append(i).append('\n');
            }
            System.out.print(out);
        }
    }

    @Test
    void badInputConsumesAndStoresNothing() throws IOException {
        Path used = tmp.resolve("used");
        NonceLedger ledger = new NonceLedger(new DirectoryRecords(tmp.resolve("issued"), random), new DirectoryRecords(used, random));
        for (String bad : Arrays.asList(null, "", "../issued/x", "a/b", "x".repeat(65), "never-issued")) {
            assertEquals(NonceLedger.Consume.UNKNOWN, ledger.consume(bad), String.valueOf(bad));
        }
        try (Stream<Path> s = Files.list(used)) {
            assertEquals(List.of(), s.toList(), "nothing in the used table, not even a temporary file");
        }
    }

    /**
     * A state directory as afbdb0d's code left it: used records of their own ({@code {"treId","at"}}),
     * a session record, and a stray temporary file with a random name. The new code reads all of it.
     */
    @Test
    void aStateDirectoryWrittenBeforeClaimsStillReads() throws IOException {
        Path state = tmp.resolve("state");
        Instant issuedAt = Instant.parse("2026-11-23T10:00:00Z");
        Files.createDirectories(state.resolve("nonces-issued"));
        Files.createDirectories(state.resolve("nonces-used"));
        Files.createDirectories(state.resolve("sessions"));
        Files.writeString(state.resolve("nonces-issued/old1.json"), "{\"nonce\":\"old1\",\"pcid\":\"001010000000001\",\"treId\":null,"
                + "\"shoId\":\"sho1\",\"issuedAt\":\"2026-11-23T10:00:00Z\",\"expiresAt\":\"2026-11-23T10:15:00Z\"}");
        Files.writeString(state.resolve("nonces-used/old1.json"), "{\"treId\":\"tre-0001\",\"at\":\"2026-11-23T10:01:00Z\"}");
        Files.writeString(state.resolve("nonces-used/.tmp-0123456789abcdef"), "{\"treId\":");
        Files.writeString(state.resolve("sessions/obj-1.json"), "{\"objectId\":\"obj-1\",\"treId\":\"tre-0001\",\"treCertificate\":\"MIIB\","
                + "\"pcid\":\"001010000000001\",\"nonce\":\"old1\",\"shoId\":\"sho1\",\"mcimObject\":\"eyJ\",\"state\":\"DELIVERED\","
                + "\"createdAt\":\"2026-11-23T10:01:01Z\",\"closedAt\":null,\"detail\":null,\"pcidRenewal\":null,\"renewedPcid\":null}");

        NonceLedger ledger = new NonceLedger(new DirectoryRecords(state.resolve("nonces-issued"), random),
                new DirectoryRecords(state.resolve("nonces-used"), random));
        assertTrue(ledger.isUsed("old1"));
        assertEquals(NonceLedger.Consume.ALREADY_USED, ledger.consume("old1"));
        assertEquals("sho1", ledger.find("old1").orElseThrow().shoId());
        SessionStore sessions = new SessionStore(new DirectoryRecords(state.resolve("sessions"), random));
        DownloadSession s = sessions.find("obj-1").orElseThrow();
        assertEquals(DownloadSession.State.DELIVERED, s.state());
        sessions.update(s.close(true, issuedAt.plusSeconds(120), "installed"));
        assertEquals(DownloadSession.State.SUCCEEDED, sessions.find("obj-1").orElseThrow().state());

        // Past the bootstrap's expiry and the margin, the sweep forgets both records; the stray file stays.
        assertEquals(1, ledger.expire(issuedAt.plus(Duration.ofHours(2)), Duration.ofHours(1)));
        assertFalse(ledger.isUsed("old1"));
        assertTrue(Files.exists(state.resolve("nonces-used/.tmp-0123456789abcdef")));
    }

    private static void assertNoTemporaryFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(), s.filter(p -> p.getFileName().toString().startsWith(".tmp-")).toList());
        }
    }
}
