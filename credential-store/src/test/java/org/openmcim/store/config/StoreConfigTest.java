package org.openmcim.store.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    }

    @Test
    void unknownKeyIsNamedWithFileAndLine() throws Exception {
        Path p = write("cluster:\n  name: a\n  prot: 5701\nkek:\n  env: X\n");
        StoreConfig.ConfigException e = assertThrows(StoreConfig.ConfigException.class, () -> StoreConfig.load(p));
        assertTrue(e.getMessage().startsWith(p + ": cluster.prot: "), e.getMessage());
        assertTrue(e.getMessage().contains("unknown key (known here: backupCount, bind, members, name, port)"), e.getMessage());
    }

    @Test
    void everyBadValueIsNamed() throws Exception {
        Path p = write("cluster:\n  port: 70000\n  members: [nohost]\n  backupCount: 0\n"
                + "database:\n  url: jdbc:mysql://x\nkek:\n  env: A\n  file: b\nsqn:\n  indBits: 11\n");
        String m = assertThrows(StoreConfig.ConfigException.class, () -> StoreConfig.load(p)).getMessage();
        for (String key : List.of("cluster.port", "cluster.members[0]", "cluster.backupCount", "database.url", "kek:",
                "sqn.indBits")) {
            assertTrue(m.contains(p + ": " + key), key + " missing in: " + m);
        }
    }

    @Test
    void kekFromEnvOrFileNeverEchoed() throws Exception {
        StoreConfig c = StoreConfig.load(write("kek:\n  env: THE_KEK\n"));
        String hex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
        assertEquals(32, c.loadKek(dir, Map.of("THE_KEK", hex)::get).length);
        String missing = assertThrows(StoreConfig.ConfigException.class, () -> c.loadKek(dir, Map.<String, String>of()::get))
                .getMessage();
        assertTrue(missing.contains("kek.env: THE_KEK"), missing);
        String bad = hex.substring(0, 60) + "zz";
        String m = assertThrows(StoreConfig.ConfigException.class, () -> c.loadKek(dir, Map.of("THE_KEK", bad)::get))
                .getMessage();
        assertFalse(m.contains(bad.substring(0, 20)), "value not echoed: " + m);
        Files.writeString(dir.resolve("kek.hex"), hex + "\n");
        StoreConfig f = StoreConfig.load(write("kek:\n  file: kek.hex\n"));
        assertEquals(32, f.loadKek(dir, Map.<String, String>of()::get).length);
    }
}
