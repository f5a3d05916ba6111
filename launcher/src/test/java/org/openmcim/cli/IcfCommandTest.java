package org.openmcim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code openmcim icf}: configuration checked before anything listens, errors name file and key. */
class IcfCommandTest {
    static Path repo() {
        Path p = Path.of("").toAbsolutePath();
        while (!p.resolve("config").toFile().isDirectory()) {
            p = p.getParent();
        }
        return p;
    }

    @Test
    void shippedConfigsPassTheCheck() {
        for (String f : new String[] {"config/icf.yaml", "config/lab/icf.yaml"}) {
            AkaCommandTest.Run r = AkaCommandTest.run("icf", "--config", repo().resolve(f).toString(), "--check");
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("configuration OK"), r.out());
        }
    }

    @Test
    void badConfigExitsTwoNamingTheKey(@TempDir Path dir) throws Exception {
        String yaml = Files.readString(repo().resolve("config/icf.yaml")).replace("listen: 127.0.0.1:3868", "listen: 3868");
        Path f = dir.resolve("icf.yaml");
        Files.writeString(f, yaml);
        AkaCommandTest.Run r = AkaCommandTest.run("icf", "--config", f.toString(), "--check");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("identities[0].listen: expected HOST:PORT, got \"3868\""), r.err());
    }

    @Test
    void importWithBadLinesImportsNothingAndSaysWhere(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("batch.csv"), """
                imsi,k,opc
                001010000000001,465b5ce8b199b49faa5f0a2ee238a6bc,cd63cb71954a9f4e48a5994e37a02baf
                00101000000000x,465b5ce8b199b49faa5f0a2ee238a6bc,cd63cb71954a9f4e48a5994e37a02baf
                """);
        String yaml = Files.readString(repo().resolve("config/icf.yaml")).replace("import: []", "import: [batch.csv]");
        Path f = dir.resolve("icf.yaml");
        Files.writeString(f, yaml);
        AkaCommandTest.Run r = AkaCommandTest.run("icf", "--config", f.toString(), "--check");
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("batch.csv:3:"), r.err());
        assertTrue(r.err().contains("nothing imported"), r.err());
    }

    @Test
    void goodImportIsCounted(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("batch.csv"), """
                imsi,k,opc
                001010000000001,465b5ce8b199b49faa5f0a2ee238a6bc,cd63cb71954a9f4e48a5994e37a02baf
                001010000000002,0396eb317b6d1c36f19c1c84cd6ffd16,53c15671c60a4b731c55b4a441c0bde2
                """);
        String yaml = Files.readString(repo().resolve("config/icf.yaml")).replace("import: []", "import: [batch.csv]");
        Path f = dir.resolve("icf.yaml");
        Files.writeString(f, yaml);
        AkaCommandTest.Run r = AkaCommandTest.run("icf", "--config", f.toString(), "--check");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("imported 2 subscriber(s)"), r.out());
    }

    /**
     * An ICF on the Hazelcast store checks the store's SQN lease against its own Δ before it
     * starts: a full restart skips up to L SEQ values, and a USIM refuses jumps beyond Δ
     * (TS 33.102 C.2.2). The shipped store.yaml (L = 1000) passes with the shipped Δ (2^28).
     */
    @Test
    void sqnLeaseIsCheckedAgainstTheIcfsDelta(@TempDir Path dir) throws Exception {
        Files.copy(repo().resolve("config/store.yaml"), dir.resolve("store.yaml"));
        String hz = Files.readString(repo().resolve("config/icf.yaml"))
                .replace("  type: memory                    # memory", "  type: hazelcast\n  config: store.yaml\n  # memory");
        Path ok = dir.resolve("icf.yaml");
        Files.writeString(ok, hz);
        AkaCommandTest.Run r = AkaCommandTest.run("icf", "--config", ok.toString(), "--check");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("configuration OK") && r.out().contains("store.yaml"), r.out());

        Path small = dir.resolve("icf-small-delta.yaml");
        Files.writeString(small, hz.replace("delta: 268435456", "delta: 1999"));
        r = AkaCommandTest.run("icf", "--config", small.toString(), "--check");
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("store.yaml: sqn.lease: 1000 SEQ values is more than half of Δ = 1999 ("
                + small + ": sqn.delta)"), r.err());
    }

    /**
     * A start-up that fails after the store member joined — the metrics port taken, or the Diameter
     * port taken after metrics started — closes the member and everything else again, and the command
     * returns its error instead of leaving a Hazelcast member whose threads keep the JVM alive.
     */
    @Test
    void aFailedStartLeavesNoStoreMemberOrListenerBehind(@TempDir Path dir) throws Exception {
        for (String taken : new String[] {"metrics", "diameter"}) {
            int[] ports = freePorts(3);
            int clusterPort = ports[0];
            int diameterPort = ports[1];
            int metricsPort = ports[2];
            Path d = Files.createDirectories(dir.resolve(taken));
            Files.writeString(d.resolve("kek.hex"), "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n");
            String store = Files.readString(repo().resolve("config/store.yaml"))
                    .replace("port: 5701", "port: " + clusterPort).replace("- 127.0.0.1:5701", "- 127.0.0.1:" + clusterPort)
                    .replace("jdbc:h2:file:./.work/store/credentials", "jdbc:h2:file:" + d.resolve("db/credentials"))
                    .replace("  env: OPENMCIM_STORE_KEK", "  file: kek.hex");
            Files.writeString(d.resolve("store.yaml"), store);
            String icf = Files.readString(repo().resolve("config/icf.yaml"))
                    .replace("  type: memory                    # memory", "  type: hazelcast\n  config: store.yaml\n  # memory")
                    .replace("listen: 127.0.0.1:3868", "listen: 127.0.0.1:" + diameterPort)
                    .replace("metrics: 127.0.0.1:9464", "metrics: 127.0.0.1:" + metricsPort);
            icf = icf.substring(0, icf.indexOf("\ndrf:")) + "\n"; // no DRF, CHTIF or admin API: no PKI needed
            Path f = d.resolve("icf.yaml");
            Files.writeString(f, icf);
            int takenPort = taken.equals("metrics") ? metricsPort : diameterPort;
            try (java.net.ServerSocket occupied = new java.net.ServerSocket(takenPort, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
                AkaCommandTest.Run r = AkaCommandTest.run("icf", "--config", f.toString());
                assertTrue(r.exit() != 0, taken + ": " + r.out() + r.err());
                assertTrue(r.err().toLowerCase(java.util.Locale.ROOT).contains("already in use"), taken + ": " + r.err());
            }
            assertTrue(com.hazelcast.core.Hazelcast.getAllHazelcastInstances().isEmpty(), taken + ": the store member was shut down");
            for (int port : ports) {
                try (java.net.ServerSocket again = new java.net.ServerSocket(port, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
                    assertEquals(port, again.getLocalPort(), taken + ": port " + port + " is free again");
                }
            }
        }
    }

    private static int[] freePorts(int n) throws java.io.IOException {
        java.net.ServerSocket[] s = new java.net.ServerSocket[n];
        try {
            int[] out = new int[n];
            for (int i = 0; i < n; i++) {
                s[i] = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"));
                out[i] = s[i].getLocalPort();
            }
            return out;
        } finally {
            for (java.net.ServerSocket x : s) {
                if (x != null) {
                    x.close();
                }
            }
        }
    }
}
