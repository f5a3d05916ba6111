package org.openmcim.store.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmcim.aka.sqn.SqnPolicy;
import org.openmcim.config.ConfigException;
import org.openmcim.config.ConfigNode;
import org.openmcim.store.hazelcast.SqnBlocks;
import org.openmcim.store.hazelcast.SqnLease;

class StoreConfigTest {
    @TempDir
    Path dir;

    private Path write(String yaml) throws Exception {
        Path p = dir.resolve("store.yaml");
        Files.writeString(p, yaml);
        return p;
    }

    @Test
    void repositoryConfigLoadsWithItsValues() {
        StoreConfig c = StoreConfig.load(Path.of("../config/store.yaml"));
        assertEquals("openmcim-store", c.cluster().name());
        assertEquals(List.of("127.0.0.1:5701"), c.cluster().members());
        assertEquals(StoreConfig.DEFAULT_DB_URL, c.database().url());
        assertEquals("OPENMCIM_STORE_KEK", c.kek().env());
        assertEquals(5, c.sqnPolicy().indBits());
        assertEquals(1000, c.sqnLease(), "the shipped SQN lease");
        assertEquals(0, c.sqnBlock(), "SQN blocks off as shipped: today's behaviour");
        assertEquals(java.time.Duration.ofSeconds(10), c.sqnBlocks().validity(), "the shipped block validity");
    }

    /** sqn.block-validity: 10 s by default, 1 s..10 min, a duration; the message says what it bounds. */
    @Test
    void sqnBlockValidityIsReadDefaultedAndBounded() throws Exception {
        assertEquals(java.time.Duration.ofSeconds(10), StoreConfig.load(write("kek:\n  env: X\n")).sqnBlocks().validity());
        assertEquals(java.time.Duration.ofSeconds(10), StoreConfig.load(write("kek:\n  env: X\nsqn:\n  block: 64\n")).sqnBlocks().validity());
        StoreConfig one = StoreConfig.load(write("kek:\n  env: X\nsqn:\n  block: 64\n  block-validity: 60s\n"));
        assertEquals(new org.openmcim.store.hazelcast.SqnBlocks.Settings(64, java.time.Duration.ofMinutes(1)), one.sqnBlocks());
        assertEquals(java.time.Duration.ofMinutes(10),
                StoreConfig.load(write("kek:\n  env: X\nsqn:\n  block-validity: 10m\n")).sqnBlocks().validity());
        for (String bad : List.of("999ms", "11m", "0s")) {
            Path p = write("kek:\n  env: X\nsqn:\n  block: 64\n  block-validity: " + bad + "\n");
            String m = assertThrows(ConfigException.class, () -> StoreConfig.load(p)).getMessage();
            assertTrue(m.startsWith(p + ": sqn.block-validity: must be 1s..10m"), m);
        }
        Path notDuration = write("kek:\n  env: X\nsqn:\n  block-validity: soon\n");
        String m = assertThrows(ConfigException.class, () -> StoreConfig.load(notDuration)).getMessage();
        assertTrue(m.contains("sqn.block-validity"), m);
    }

    /** sqn.block (member-local SQN blocks): 0 by default (off), bounded, the message says why. */
    @Test
    void sqnBlockIsReadDefaultedAndBounded() throws Exception {
        assertEquals(0, StoreConfig.load(write("kek:\n  env: X\n")).sqnBlock(), "default without sqn:");
        assertEquals(0, StoreConfig.load(write("kek:\n  env: X\nsqn:\n  lease: 10\n")).sqnBlock());
        assertEquals(64, StoreConfig.load(write("kek:\n  env: X\nsqn:\n  block: 64\n")).sqnBlock());
        assertEquals(SqnBlocks.MAX, StoreConfig.load(write("kek:\n  env: X\nsqn:\n  block: 100000\n")).sqnBlock());
        for (String bad : List.of("-1", "100001")) {
            Path p = write("kek:\n  env: X\nsqn:\n  block: " + bad + "\n");
            String m = assertThrows(ConfigException.class, () -> StoreConfig.load(p)).getMessage();
            assertTrue(m.startsWith(p + ": sqn.block: must be 0..100000 SEQ values"), m);
            assertTrue(m.endsWith("got " + bad), m);
        }
    }

    /** sqn.lease (SQN leases, TS 33.102 C.2.2 bounds the gap a restart may leave). */
    @Test
    void sqnLeaseIsReadDefaultedAndBounded() throws Exception {
        assertEquals(SqnLease.DEFAULT, StoreConfig.load(write("kek:\n  env: X\n")).sqnLease(), "default without sqn:");
        assertEquals(SqnLease.DEFAULT, StoreConfig.load(write("kek:\n  env: X\nsqn:\n  ind-bits: 4\n")).sqnLease());
        assertEquals(0, StoreConfig.load(write("kek:\n  env: X\nsqn:\n  lease: 0\n")).sqnLease(), "0: write every grant");
        assertEquals(SqnLease.MAX, StoreConfig.load(write("kek:\n  env: X\nsqn:\n  lease: 1000000\n")).sqnLease());
        for (String bad : List.of("-1", "1000001")) {
            Path p = write("kek:\n  env: X\nsqn:\n  lease: " + bad + "\n");
            String m = assertThrows(ConfigException.class, () -> StoreConfig.load(p)).getMessage();
            assertTrue(m.startsWith(p + ": sqn.lease: must be 0..1000000 SEQ values"), m);
            assertTrue(m.endsWith("got " + bad), m);
        }
        Path t = write("kek:\n  env: X\nsqn:\n  lease: many\n");
        assertEquals(t + ": sqn.lease: expected an integer, got \"many\"",
                assertThrows(ConfigException.class, () -> StoreConfig.load(t)).getMessage());
    }

    /** The ICF and the SHO's HSS check L against their own Δ: a restart must not leave a jump the USIM refuses. */
    @Test
    void sqnLeaseMustStayWithinHalfOfDelta() throws Exception {
        StoreConfig c = StoreConfig.load(write("kek:\n  env: X\nsqn:\n  lease: 5000\n"));
        c.checkLeaseAgainst(SqnPolicy.DEFAULT, "store.yaml: sqn.lease", "icf.yaml: sqn.delta");
        c.checkLeaseAgainst(new SqnPolicy(5, 10_000, Long.MAX_VALUE), "store.yaml: sqn.lease", "icf.yaml: sqn.delta");
        String m = assertThrows(ConfigException.class, () -> c.checkLeaseAgainst(new SqnPolicy(5, 9_999, Long.MAX_VALUE),
                "store.yaml: sqn.lease", "icf.yaml: sqn.delta")).getMessage();
        assertTrue(m.startsWith("store.yaml: sqn.lease: 5000 SEQ values is more than half of Δ = 9999 (icf.yaml: sqn.delta)"), m);
    }

    /** With blocks, a full restart may also skip one unused block per member: L + members × B ≤ Δ / 2. */
    @Test
    void leasePlusOneBlockPerMemberMustStayWithinHalfOfDelta() throws Exception {
        StoreConfig c = StoreConfig.load(write("kek:\n  env: X\ncluster:\n  members: [127.0.0.1:5701, 127.0.0.1:5702]\n"
                + "sqn:\n  lease: 4000\n  block: 500\n"));
        c.checkLeaseAgainst(new SqnPolicy(5, 10_000, Long.MAX_VALUE), "store.yaml: sqn.lease", "icf.yaml: sqn.delta");
        String m = assertThrows(ConfigException.class, () -> c.checkLeaseAgainst(new SqnPolicy(5, 9_999, Long.MAX_VALUE),
                "store.yaml: sqn.lease", "icf.yaml: sqn.delta")).getMessage();
        assertTrue(m.startsWith("store.yaml: sqn.lease: 4000 + 2 members × sqn.block 500 = 5000 SEQ values is more than"
                + " half of Δ = 9999 (icf.yaml: sqn.delta)"), m);
    }

    @Test
    void unknownKeyIsNamedWithFileAndTheKnownKeys() throws Exception {
        // SnakeYAML's SafeConstructor (through ConfigNode) keeps no positions, so no line number
        // any more; the key path names the place exactly.
        Path p = write("cluster:\n  name: a\n  prot: 5701\nkek:\n  env: X\n");
        ConfigException e = assertThrows(ConfigException.class, () -> StoreConfig.load(p));
        assertEquals(p + ": cluster.prot: unknown key (known here: backup-count, bind, members, name, port)", e.getMessage());
    }

    @Test
    void camelCaseKeysOfTheOldFormatAreRejectedByName() throws Exception {
        Path p = write("cluster:\n  backupCount: 2\nkek:\n  env: X\n");
        String m = assertThrows(ConfigException.class, () -> StoreConfig.load(p)).getMessage();
        assertTrue(m.startsWith(p + ": cluster.backupCount: unknown key (known here: backup-count, "), m);
        Path q = write("database:\n  poolSize: 2\nkek:\n  env: X\n");
        m = assertThrows(ConfigException.class, () -> StoreConfig.load(q)).getMessage();
        assertTrue(m.startsWith(q + ": database.poolSize: unknown key (known here: password-env, pool-size, "), m);
        Path r = write("kek:\n  env: X\nsqn:\n  indBits: 4\n");
        m = assertThrows(ConfigException.class, () -> StoreConfig.load(r)).getMessage();
        assertEquals(r + ": sqn.indBits: unknown key (known here: block, block-validity, ind-bits, lease)", m);
        Path t = write("kek:\n  env: X\nclusters: {}\n");
        m = assertThrows(ConfigException.class, () -> StoreConfig.load(t)).getMessage();
        assertEquals(t + ": clusters: unknown key (known here: cluster, database, issuer, kek, profile, sqn)", m);
    }

    @Test
    void kebabCaseKeysAreRead() throws Exception {
        StoreConfig c = StoreConfig.load(write("cluster:\n  port: 5702\n  backup-count: 2\n"
                + "database:\n  password-env: DB_PW\n  pool-size: 7\nkek:\n  file: k.hex\nsqn:\n  ind-bits: 0\n"));
        assertEquals(2, c.cluster().backupCount());
        assertEquals(List.of("127.0.0.1:5702"), c.cluster().members(), "members default to bind:port");
        assertEquals("DB_PW", c.database().passwordEnv());
        assertEquals(7, c.database().poolSize());
        assertEquals(0, c.sqnPolicy().indBits());
        assertEquals("pw", c.databaseSettings(Map.of("DB_PW", "pw")::get).password());
        String m = assertThrows(ConfigException.class, () -> c.databaseSettings(Map.<String, String>of()::get)).getMessage();
        assertEquals("database.password-env: environment variable DB_PW is not set", m);
    }

    @Test
    void wrongTypesAndEmptyFilesAreNamed() throws Exception {
        Path p = write("cluster:\n  port: five\nkek:\n  env: X\n");
        assertEquals(p + ": cluster.port: expected an integer, got \"five\"",
                assertThrows(ConfigException.class, () -> StoreConfig.load(p)).getMessage());
        Path q = write("cluster:\n  members: [\"127.0.0.1:5701\", [x]]\nkek:\n  env: X\n");
        assertEquals(q + ": cluster.members[1]: expected a value",
                assertThrows(ConfigException.class, () -> StoreConfig.load(q)).getMessage());
        Path e = write("# only a comment\n");
        assertEquals(e + ": empty file", assertThrows(ConfigException.class, () -> StoreConfig.load(e)).getMessage());
    }

    @Test
    void aStoreSectionOfAnotherFileIsParsedWithItsPath() {
        ConfigNode icf = ConfigNode.parse("icf.yaml", new StringReader("store:\n  type: hazelcast\n"
                + "  cluster:\n    port: 0\n    backup-count: 0\n  kek:\n    env: K\n  sqn:\n    ind-bits: 11\n"));
        ConfigNode section = icf.child("store");
        section.string("type"); // the embedding service's own key, read by it first
        String m = assertThrows(ConfigException.class, () -> StoreConfig.from(section)).getMessage();
        assertTrue(m.startsWith("icf.yaml: store.cluster.port: must be 1..65535, got 0; icf.yaml: "), m);
        for (String key : List.of("store.cluster.port: must be 1..65535, got 0",
                "store.cluster.backup-count: must be 1..6", "store.sqn.ind-bits: must be 0..10")) {
            assertTrue(m.contains("icf.yaml: " + key), key + " missing in: " + m);
        }

        ConfigNode ok = ConfigNode.parse("icf.yaml", new StringReader("store:\n  type: hazelcast\n"
                + "  cluster:\n    name: icf-store\n  kek:\n    env: K\n  wrong: 1\n"));
        ConfigNode s2 = ok.child("store");
        s2.string("type");
        assertEquals("icf.yaml: store.wrong: unknown key (known here: cluster, database, issuer, kek, profile, sqn)",
                assertThrows(ConfigException.class, () -> StoreConfig.from(s2)).getMessage());

        ConfigNode good = ConfigNode.parse("icf.yaml", new StringReader("store:\n  type: hazelcast\n"
                + "  cluster:\n    name: icf-store\n  kek:\n    env: K\n"));
        ConfigNode s3 = good.child("store");
        s3.string("type");
        StoreConfig c = StoreConfig.from(s3);
        assertEquals("icf-store", c.cluster().name());
        assertEquals("K", c.kek().env());
    }

    @Test
    void everyBadValueIsNamed() throws Exception {
        Path p = write("cluster:\n  port: 70000\n  members: [nohost]\n  backup-count: 0\n"
                + "database:\n  url: jdbc:mysql://x\n  pool-size: 65\n  table: Bad\nkek:\n  env: A\n  file: b\n"
                + "sqn:\n  ind-bits: 11\n  lease: -5\nissuer: \"a b\"\n");
        String m = assertThrows(ConfigException.class, () -> StoreConfig.load(p)).getMessage();
        for (String key : List.of("cluster.port", "cluster.members[0]", "cluster.backup-count", "database.url",
                "database.pool-size", "database.table", "kek:", "sqn.ind-bits", "sqn.lease", "issuer")) {
            assertTrue(m.contains(p + ": " + key), key + " missing in: " + m);
        }
    }

    @Test
    void kekFromEnvOrFileNeverEchoed() throws Exception {
        StoreConfig c = StoreConfig.load(write("kek:\n  env: THE_KEK\n"));
        String hex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
        assertEquals(32, c.loadKek(dir, Map.of("THE_KEK", hex)::get).length);
        String missing = assertThrows(ConfigException.class, () -> c.loadKek(dir, Map.<String, String>of()::get))
                .getMessage();
        assertTrue(missing.contains("kek.env: THE_KEK"), missing);
        String bad = hex.substring(0, 60) + "zz";
        String m = assertThrows(ConfigException.class, () -> c.loadKek(dir, Map.of("THE_KEK", bad)::get))
                .getMessage();
        assertFalse(m.contains(bad.substring(0, 20)), "value not echoed: " + m);
        Files.writeString(dir.resolve("kek.hex"), hex + "\n");
        StoreConfig f = StoreConfig.load(write("kek:\n  file: kek.hex\n"));
        assertEquals(32, f.loadKek(dir, Map.<String, String>of()::get).length);
    }
}
