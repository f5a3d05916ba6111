package org.openmcim.sho;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmcim.config.ConfigException;
import org.openmcim.config.ConfigNode;
import org.openmcim.icf.config.IcfConfig;
import org.openmcim.pki.DevelopmentPki;
import org.openmcim.pva.PvaCommand;
import org.openmcim.pva.PvaConfig;

import picocli.CommandLine;

/** The shipped configuration files parse, the commands accept them against a real PKI, and errors name file and key. */
class ShoPvaConfigTest {
    static final Path CONFIG = Path.of("..", "config");

    @Test
    void shippedFilesParse() {
        ShoConfig s1 = ShoConfig.load(CONFIG.resolve("sho1.yaml"));
        ShoConfig s2 = ShoConfig.load(CONFIG.resolve("sho2.yaml"));
        assertEquals("sho1", s1.shoId());
        assertEquals("sho2", s2.shoId());
        assertEquals(Duration.ofHours(24), s1.discardGrace());
        assertEquals(1, s1.applicationParts().size());
        assertTrue(s1.drfUrl().isPresent());
        PvaConfig pva = PvaConfig.load(CONFIG.resolve("pva.yaml"));
        assertEquals(1, pva.references().size());
        for (ShoConfig s : new ShoConfig[] {s1, s2}) {
            IcfConfig hss = IcfConfig.load(CONFIG.resolve(s.hss().orElseThrow()));
            assertEquals(IcfConfig.Mode.HOME, hss.mode());
            assertTrue(hss.imsiRanges().stream().anyMatch(s.imsiPrefix()::startsWith));
        }
    }

    @Test
    void commandsCheckTheFilesAgainstARealPki(@TempDir Path tmp) throws Exception {
        DevelopmentPki.init(tmp.resolve(".work/pki"), Instant.now(), new SecureRandom(), false);
        Files.createDirectories(tmp.resolve("config/parts"));
        Path conf = tmp.resolve("config");
        for (String f : new String[] {"sho1.yaml", "sho2.yaml", "pva.yaml", "sho1-hss.yaml", "sho2-hss.yaml", "parts/meter-reading.json"}) {
            Files.copy(CONFIG.resolve(f), conf.resolve(f));
        }
        for (String f : new String[] {"sho1.yaml", "sho2.yaml"}) {
            StringWriter out = new StringWriter();
            int rc = new CommandLine(new ShoCommand()).setOut(new PrintWriter(out)).execute("--config", conf.resolve(f).toString(), "--check");
            assertEquals(0, rc, out.toString());
            assertTrue(out.toString().contains("configuration OK"));
        }
        StringWriter out = new StringWriter();
        assertEquals(0, new CommandLine(new PvaCommand()).setOut(new PrintWriter(out)).execute("--config", conf.resolve("pva.yaml").toString(),
                "--check"), out.toString());
        // Without the PKI, the check names the missing file.
        Files.delete(tmp.resolve(".work/pki/sho1.key"));
        StringWriter err = new StringWriter();
        assertEquals(1, new CommandLine(new ShoCommand()).setErr(new PrintWriter(err)).setOut(new PrintWriter(new StringWriter()))
                .execute("--config", conf.resolve("sho1.yaml").toString(), "--check"));
        assertTrue(err.toString().contains("sho1.key"), err.toString());
    }

    static final String MINIMAL = """
            sho-id: sho9
            listen: 127.0.0.1:1
            device-listen: 127.0.0.1:2
            tls: {certificate: a.crt, key: a.key}
            ro-roots: [ro.crt]
            supplier-roots: [s.crt]
            admin: {roots: [r.crt], names: [admin]}
            pva: {url: "https://localhost:9543", roots: [p.crt]}
            imsi-prefix: "99979"
            """;

    static ShoConfig sho(String yaml) {
        return ShoConfig.from(ConfigNode.parse("sho9.yaml", new StringReader(yaml)), Path.of("."));
    }

    @Test
    void errorsNameFileAndKey() {
        assertEquals("sho9", sho(MINIMAL).shoId());
        assertMessage(() -> sho(MINIMAL + "discard-grase: 1h\n"), "sho9.yaml", "discard-grase");
        assertMessage(() -> sho(MINIMAL.replace("\"99979\"", "\"99x\"")), "sho9.yaml", "imsi-prefix");
        assertMessage(() -> sho(MINIMAL.replace("https://localhost:9543", "http://localhost:9543")), "sho9.yaml", "pva.url");
        assertMessage(() -> sho(MINIMAL.replace("127.0.0.1:2", "127.0.0.1:1")), "sho9.yaml", "device-listen");
        assertMessage(() -> sho(MINIMAL.replace("names: [admin]", "names: []")), "sho9.yaml", "admin.names");
        assertEquals(org.openmcim.pki.TlsProvider.OPENSSL, sho(MINIMAL).tlsProvider(), "the default");
        assertEquals(org.openmcim.pki.TlsProvider.JDK, sho(MINIMAL.replace("key: a.key}", "key: a.key, provider: jdk}")).tlsProvider());
        assertMessage(() -> sho(MINIMAL.replace("key: a.key}", "key: a.key, provider: gnutls}")), "sho9.yaml", "tls.provider");
        assertMessage(() -> sho(MINIMAL + "application-parts: [{id: mcim, file: x}]\n"), "sho9.yaml", "application-parts[0].id");
        // tls.groups: the SHO's listeners and its PVA/DRF clients, openssl only (PkiFiles.groups, as the DRF/DPF's).
        assertEquals(java.util.List.of(), sho(MINIMAL).tlsGroups(), "absent: the stack's default");
        assertEquals(java.util.List.of("X25519MLKEM768"),
                sho(MINIMAL.replace("key: a.key}", "key: a.key, groups: [x25519mlkem768]}")).tlsGroups());
        assertMessage(() -> sho(MINIMAL.replace("key: a.key}", "key: a.key, groups: [X448]}")), "sho9.yaml", "tls.groups");
        assertMessage(() -> sho(MINIMAL.replace("key: a.key}", "key: a.key, provider: jdk, groups: [X25519]}")), "sho9.yaml", "tls.groups");
        String pvaYaml = """
                listen: 127.0.0.1:1
                tls: {certificate: a.crt, key: a.key, groups: [P-256, X25519]}
                sho-roots: [s.crt]
                supplier-roots: [x.crt]
                admin: {roots: [r.crt], names: [admin]}
                """;
        assertEquals(java.util.List.of("P-256", "X25519"), PvaConfig.from(ConfigNode.parse("pva9.yaml", new StringReader(pvaYaml)), Path.of("."))
                .tlsGroups());
        assertMessage(() -> PvaConfig.from(ConfigNode.parse("pva9.yaml", new StringReader(pvaYaml.replace("P-256, X25519", "P-256, p-256"))),
                Path.of(".")), "pva9.yaml", "tls.groups");
        assertMessage(() -> PvaConfig.from(ConfigNode.parse("pva9.yaml", new StringReader("""
                listen: 127.0.0.1:1
                tls: {certificate: a.crt, key: a.key}
                sho-roots: [s.crt]
                supplier-roots: [x.crt]
                admin: {roots: [r.crt], names: [admin]}
                references: [{model: m, components: {boot: nothex}}]
                """)), Path.of(".")), "pva9.yaml", "references[0].components.boot");
    }

    static void assertMessage(org.junit.jupiter.api.function.Executable e, String file, String key) {
        ConfigException x = assertThrows(ConfigException.class, e);
        assertTrue(x.getMessage().contains(file) && x.getMessage().contains(key), x.getMessage());
    }
}
