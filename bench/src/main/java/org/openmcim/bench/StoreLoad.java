package org.openmcim.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.hazelcast.map.LocalMapStats;

import org.openmcim.aka.Hex;
import org.openmcim.aka.sqn.SqnPolicy;
import org.openmcim.store.KeyCipher;
import org.openmcim.store.SqnGrant;
import org.openmcim.store.batch.BatchImporter;
import org.openmcim.store.hazelcast.ClusterSettings;
import org.openmcim.store.hazelcast.DatabaseSettings;
import org.openmcim.store.hazelcast.SqnLease;
import org.openmcim.store.hazelcast.StoreMember;

/**
 * Credential-store load tool (issue #4 benchmark; a main class rather than JMH because one import
 * of a million PCIDs is a single long operation, not a loop to sample). Prints:
 * <ol>
 * <li>import: a supplier CSV of N PCIDs through {@link BatchImporter} (parse and check the lines, AES-GCM
 * of K and OPc, one JDBC transaction, the committed rows put into the cluster; the store's log line
 * gives wall and process CPU time per phase);</li>
 * <li>memory: Hazelcast's own owned/backup entry memory cost (BINARY format) per PCID per copy;</li>
 * <li>grant latency, p50/p99/p99.9 from one client thread on member 1 after a warm-up: first the
 * first grant of each of {@code --hot} PCIDs (each commits a new SQN lease ceiling to the database),
 * then {@code --grants} grants on random PCIDs of that hot set (inside their leases while
 * grants / hot &lt; L; with {@code --lease 0} each is written through, as before leases);</li>
 * <li>grant throughput: {@code --threads} client threads, alternately on member 1 and member 2,
 * {@code --grants} grants in all on the hot set, and their latencies.</li>
 * </ol>
 * Two members in this JVM, H2 file database in a temporary directory (or --db URL --user U --password P).
 *
 * <pre>java -Xmx6g -cp bench/target/benchmarks.jar org.openmcim.bench.StoreLoad [--count 1000000] [--grants 20000]
 *      [--lease 1000] [--hot 10000] [--threads 8]</pre>
 */
public final class StoreLoad {
    private StoreLoad() {
    }

    public static void main(String[] args) throws Exception {
        int count = 1_000_000;
        int grants = 20_000;
        String dbUrl = null;
        String dbUser = "sa";
        String dbPassword = "";
        int lease = SqnLease.DEFAULT;
        int hot = 10_000;
        int threads = 8;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--count" -> count = Integer.parseInt(args[++i]);
                case "--grants" -> grants = Integer.parseInt(args[++i]);
                case "--db" -> dbUrl = args[++i];
                case "--user" -> dbUser = args[++i];
                case "--password" -> dbPassword = args[++i];
                case "--lease" -> lease = SqnLease.check(Integer.parseInt(args[++i]));
                case "--hot" -> hot = Integer.parseInt(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Path dir = WorkDirectory.create("storeload");
        if (dbUrl == null) {
            dbUrl = "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath();
        }
        SecureRandom random = new SecureRandom();
        byte[] kek = new byte[32];
        random.nextBytes(kek);
        KeyCipher cipher = new KeyCipher(kek, random);
        int p1 = freePort();
        int p2 = freePort();
        List<String> members = List.of("127.0.0.1:" + p1, "127.0.0.1:" + p2);
        Map<String, String> props = Map.of("hazelcast.wait.seconds.before.join", "0");
        DatabaseSettings db = new DatabaseSettings(dbUrl, dbUser, dbPassword, 4, "subscriber_load");

        Path csv = dir.resolve("batch.csv");
        long t = System.nanoTime();
        List<String> imsis = writeBatch(csv, count, random);
        System.out.printf("generated %,d-line supplier CSV in %.1f s (not part of the import figure)%n", count,
                (System.nanoTime() - t) / 1e9);

        try (StoreMember m1 = StoreMember.start(new ClusterSettings("load", "127.0.0.1", p1, members, 1, props), db, cipher, lease);
             StoreMember m2 = StoreMember.start(new ClusterSettings("load", "127.0.0.1", p2, members, 1, props), db, cipher,
                     lease)) {
            BatchImporter importer = new BatchImporter(m1.store(), Clock.systemUTC(),
                    BatchImporter.Defaults.of("chtif-load", "provisioning"));
            // Process CPU time beside the wall time: on the shared 2-core machine the wall time
            // mostly says how much of the cores the others left us; the CPU time is the work done.
            com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            t = System.nanoTime();
            BatchImporter.Report r;
            try (BufferedReader in = Files.newBufferedReader(csv, StandardCharsets.US_ASCII)) {
                r = importer.importCsv(in);
            }
            double importS = (System.nanoTime() - t) / 1e9;
            double importCpuS = (os.getProcessCpuTime() - cpu0) / 1e9;
            if (!r.ok()) {
                throw new IllegalStateException("import failed: " + r.errors().subList(0, Math.min(5, r.errors().size())));
            }
            System.out.printf("import: %,d PCIDs in %.1f s (%,.0f PCIDs/s), process CPU %.1f s (%.0f %% of the 2 cores); "
                    + "store size %,d%n", r.imported(), importS, r.imported() / importS, importCpuS,
                    100 * importCpuS / (importS * Runtime.getRuntime().availableProcessors()), m2.store().size());

            long owned = 0;
            long backup = 0;
            long ownedEntries = 0;
            long backupEntries = 0;
            for (StoreMember m : List.of(m1, m2)) {
                LocalMapStats s = m.hazelcast().getMap(StoreMember.MAP_NAME).getLocalMapStats();
                owned += s.getOwnedEntryMemoryCost();
                backup += s.getBackupEntryMemoryCost();
                ownedEntries += s.getOwnedEntryCount();
                backupEntries += s.getBackupEntryCount();
            }
            System.out.printf("memory: owned %,d B for %,d entries = %.0f B/PCID; backup %,d B for %,d entries = %.0f B/PCID%n",
                    owned, ownedEntries, (double) owned / ownedEntries, backup, backupEntries,
                    (double) backup / backupEntries);

            SqnPolicy policy = SqnPolicy.DEFAULT;
            Instant now = Instant.now();
            // The hot set: the first `hot` PCIDs; the warm-up uses the others.
            int hotSize = Math.min(hot, imsis.size() / 2);
            List<String> hotSet = imsis.subList(0, hotSize);
            List<String> cold = imsis.subList(hotSize, imsis.size());
            for (int i = 0; i < grants / 4; i++) { // warm-up (JIT, connections), outside the hot set
                grant(m1, cold.get(random.nextInt(cold.size())), policy, i, now);
            }
            // 1. The first grant of each hot PCID: its row has no lease yet (SQN_HE = ceiling), so
            //    each one commits a ceiling to the database before it answers.
            long[] first = new long[hotSize];
            for (int i = 0; i < hotSize; i++) {
                long s = System.nanoTime();
                grant(m1, hotSet.get(i), policy, i, now);
                first[i] = System.nanoTime() - s;
            }
            print("grantVectors, first grant per PCID (new lease: EP + database commit), 1 thread", first);
            // 2. Grants on random hot PCIDs: inside their leases while grants / hot < L.
            long[] ns = new long[grants];
            for (int i = 0; i < grants; i++) {
                String imsi = hotSet.get(random.nextInt(hotSize));
                long s = System.nanoTime();
                grant(m1, imsi, policy, i, now);
                ns[i] = System.nanoTime() - s;
            }
            print("grantVectors, random hot PCIDs (" + (lease == 0 ? "lease 0: every grant written through"
                    : "inside the lease unless a PCID got more than " + lease) + "), 1 thread", ns);
            // 3. Throughput: `threads` client threads, alternately on member 1 and member 2.
            StoreMember[] both = {m1, m2};
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
            try {
                int per = grants / threads;
                List<java.util.concurrent.Future<long[]>> futures = new ArrayList<>();
                long t0 = System.nanoTime();
                for (int th = 0; th < threads; th++) {
                    StoreMember m = both[th % 2];
                    long seed = random.nextLong();
                    futures.add(pool.submit(() -> {
                        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
                        long[] lat = new long[per];
                        for (int i = 0; i < per; i++) {
                            long s = System.nanoTime();
                            grant(m, hotSet.get(rnd.nextInt(hotSize)), policy, i, now);
                            lat[i] = System.nanoTime() - s;
                        }
                        return lat;
                    }));
                }
                long[] all = new long[per * threads];
                for (int th = 0; th < threads; th++) {
                    System.arraycopy(futures.get(th).get(), 0, all, th * per, per);
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                print(String.format("grantVectors, %d threads on both members: %,.0f grants/s;", threads, all.length / seconds), all);
            } finally {
                pool.shutdownNow();
            }
            long maxSeq = 0;
            for (String imsi : hotSet) {
                maxSeq = Math.max(maxSeq, policy.seq(m1.store().find(imsi).orElseThrow().sqnHe()));
            }
            System.out.printf("largest SEQ reached in the hot set: %,d (SQN lease L = %,d)%n", maxSeq, lease);
        }
    }

    private static void grant(StoreMember m, String imsi, SqnPolicy policy, int i, Instant now) {
        SqnGrant g = m.store().grantVectors(imsi, policy, i & 31, 1, now);
        if (!(g instanceof SqnGrant.Granted)) {
            throw new IllegalStateException("grant failed: " + g);
        }
    }

    private static void print(String what, long[] ns) {
        Arrays.sort(ns);
        System.out.printf("%s p50 %.0f µs, p99 %.0f µs, p99.9 %.0f µs over %,d calls%n", what, ns[ns.length / 2] / 1e3,
                ns[(int) (ns.length * 0.99)] / 1e3, ns[(int) (ns.length * 0.999)] / 1e3, ns.length);
    }

    private static List<String> writeBatch(Path csv, int count, SecureRandom random) throws IOException {
        List<String> imsis = new ArrayList<>(count);
        byte[] k = new byte[16];
        byte[] opc = new byte[16];
        try (Writer w = Files.newBufferedWriter(csv, StandardCharsets.US_ASCII)) {
            w.write("imsi,k,opc,amf,sqn,algorithm,lifetime\n");
            for (int i = 0; i < count; i++) {
                String imsi = String.format("00101%010d", i);
                random.nextBytes(k);
                random.nextBytes(opc);
                w.write(imsi + "," + Hex.encode(k) + "," + Hex.encode(opc) + ",8000,000000000000,MILENAGE,"
                        + Duration.ofDays(365) + "\n");
                imsis.add(imsi);
            }
        }
        return imsis;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
