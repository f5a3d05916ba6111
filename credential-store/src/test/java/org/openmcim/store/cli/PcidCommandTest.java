package org.openmcim.store.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmcim.store.config.StoreConfig;
import org.openmcim.store.hazelcast.StoreMember;

import picocli.CommandLine;

/** The CLI end to end: a real one-member cluster per command, a real H2 file, a KEK from the environment. */
class PcidCommandTest {
    private static final String KEK = "8f3a1b2c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8";
    @TempDir
    Path dir;

    private final StoreRuntime runtime = new StoreRuntime(Map.of("KEK_VAR", KEK)::get,
            Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC), new SecureRandom(),
            Map.of("hazelcast.wait.seconds.before.join", "0", "hazelcast.partition.count", "23"));

    private Path config(String name) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path p = dir.resolve(name + ".yaml");
        Files.writeString(p, "cluster:\n  name: cli-" + name + "\n  port: " + port + "\n  members: [\"127.0.0.1:" + port
                + "\"]\ndatabase:\n  url: jdbc:h2:file:" + dir.resolve(name + "-db").toAbsolutePath()
                + "\nkek:\n  env: KEK_VAR\n");
        return p;
    }

    private int run(StringWriter out, StringWriter err, String... args) {
        CommandLine cl = new CommandLine(new PcidCommand(), new CommandLine.IFactory() {
            @Override
            @SuppressWarnings("unchecked")
            public <K> K create(Class<K> cls) throws Exception {
                if (cls == PcidIssueCommand.class) {
                    return (K) new PcidIssueCommand(runtime);
                }
                if (cls == PcidImportCommand.class) {
                    return (K) new PcidImportCommand(runtime);
                }
                return CommandLine.defaultFactory().create(cls);
            }
        });
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    private long countIn(Path config) {
        StoreConfig c = StoreConfig.load(config);
        try (StoreMember m = runtime.join(c, config)) {
            return m.store().size();
        }
    }

    @Test
    void issueThenImportElsewhereThenRefuseTheSameFileAgain() throws Exception {
        Path chtif = config("chtif");
        Path batch = dir.resolve("batch.csv");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(0, run(out, err, "issue", "--config", chtif.toString(), "--count", "40", "--range", "00101", "310260",
                "--out", batch.toString()), err.toString());
        assertTrue(out.toString().startsWith("issued 40 PCIDs"), out.toString());
        List<String> lines = Files.readAllLines(batch);
        assertEquals("imsi,k,opc,amf,sqn,algorithm,lifetime", lines.get(0));
        assertEquals(41, lines.size());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(batch)));
        String aKey = lines.get(1).split(",")[1];
        assertFalse(out.toString().contains(aKey) || err.toString().contains(aKey), "no key printed");
        assertEquals(40, countIn(chtif), "persisted: a new member on the same database sees all 40");

        assertEquals(2, run(out, err, "issue", "--config", chtif.toString(), "--count", "1", "--range", "00101",
                "--out", batch.toString()), "never overwrites a batch file");

        Path ro = config("ro");
        StringWriter out2 = new StringWriter();
        assertEquals(0, run(out2, err, "import", "--config", ro.toString(), batch.toString()), err.toString());
        assertEquals("imported 40 PCIDs from " + batch, out2.toString().strip());
        StringWriter err3 = new StringWriter();
        assertEquals(1, run(new StringWriter(), err3, "import", "--config", ro.toString(), batch.toString()));
        assertTrue(err3.toString().contains("line 2: IMSI "), err3.toString());
        assertTrue(err3.toString().contains("40 problem(s); nothing imported"), err3.toString());
        assertEquals(40, countIn(ro));
    }

    @Test
    void badConfigIsReportedWithFileAndKey() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "cluster:\n  port: 0\nkek:\n  env: KEK_VAR\n");
        StringWriter err = new StringWriter();
        assertEquals(2, run(new StringWriter(), err, "import", "--config", bad.toString(), "x.csv"));
        assertTrue(err.toString().contains(bad + ": cluster.port: must be 1..65535"), err.toString());
    }
}
