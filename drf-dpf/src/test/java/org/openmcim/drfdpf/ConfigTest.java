package org.openmcim.drfdpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmcim.config.ConfigException;
import org.openmcim.dpf.DpfConfig;
import org.openmcim.dpf.DpfServer;
import org.openmcim.dpf.StateStore;
import org.openmcim.drf.DrfConfig;
import org.openmcim.drf.DrfServer;
import org.openmcim.pki.DevelopmentPki;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The shipped config/drf.yaml and config/dpf.yaml load against a development PKI; every mistake names file and key. */
class ConfigTest {
    @TempDir
    static Path tmp;
    static Path conf;
    static String drfYaml;
    static String dpfYaml;
    /** The shipped state-dir line (both files). */
    static final String STATE = "state-dir: ../.work/ro-state";

    @BeforeAll
    static void setUp() throws Exception {
        // The same layout as the repository: config/*.yaml and .work/pki next to it.
        DevelopmentPki.init(tmp.resolve(".work/pki"), Instant.now().minus(Duration.ofDays(1)), new SecureRandom(), false);
        conf = Files.createDirectories(tmp.resolve("config"));
        Path repo = Path.of(System.getProperty("user.dir")).getParent();
        drfYaml = Files.readString(repo.resolve("config/drf.yaml"));
        dpfYaml = Files.readString(repo.resolve("config/dpf.yaml"));
    }

    private static Path write(String name, String yaml) throws Exception {
        Path p = conf.resolve(name);
        Files.writeString(p, yaml);
        return p;
    }

    @Test
    void shippedFilesLoad() throws Exception {
        DrfConfig drf = DrfConfig.load(write("drf.yaml", drfYaml));
        assertEquals("ro", drf.settings().roId());
        assertEquals(2, drf.settings().shoRoots().size());
        assertEquals(Duration.ofMinutes(15), drf.settings().lifetime());
        assertTrue(drf.settings().push().enabled());
        assertFalse(drf.settings().non3gppUnauthenticated());
        DpfConfig dpf = DpfConfig.load(write("dpf.yaml", dpfYaml));
        assertEquals(2, dpf.settings().shos().size());
        assertEquals(Duration.ofSeconds(15), dpf.shoTimeout());
        assertEquals(Duration.ofHours(1), dpf.settings().downloadTtl());
        assertEquals(StateStore.Type.DIRECTORY, drf.state().type(), "state-dir stays the default");
        assertEquals(drf.state().stateDir(), dpf.state().stateDir(), "DRF and DPF share the nonce ledger");
        // Step 6 across processes: the ICF (config/icf.yaml's drf section) posts with the PKI's icf certificate.
        var icf = drf.settings().icf().orElseThrow();
        assertEquals(java.util.Set.of("icf"), icf.names());
        assertEquals(DevelopmentPki.open(tmp.resolve(".work/pki")).root("ro-root"), icf.root());
        assertEquals(Duration.ofMinutes(2), icf.maxClockSkew());
        assertEquals(org.openmcim.pki.TlsProvider.OPENSSL, drf.tlsProvider());
        assertEquals(org.openmcim.pki.TlsProvider.OPENSSL, dpf.tlsProvider());
    }

    /** {@code tls.provider}: openssl by default, jdk when asked, and nothing else. */
    @Test
    void tlsProvider() throws Exception {
        assertTrue(dpfYaml.contains("  provider: openssl"));
        String without = dpfYaml.replace("  provider: openssl", "");
        assertEquals(org.openmcim.pki.TlsProvider.OPENSSL, DpfConfig.load(write("dpf-default.yaml", without)).tlsProvider());
        assertEquals(org.openmcim.pki.TlsProvider.JDK,
                DpfConfig.load(write("dpf-jdk.yaml", dpfYaml.replace("  provider: openssl", "  provider: jdk"))).tlsProvider());
        Path bad = write("dpf-bad.yaml", dpfYaml.replace("  provider: openssl", "  provider: boringssl"));
        String m = assertThrows(ConfigException.class, () -> DpfConfig.load(bad)).getMessage();
        assertTrue(m.startsWith(bad + ": tls.provider: expected openssl or jdk"), m);
        Path badDrf = write("drf-bad.yaml", drfYaml.replace("  provider: openssl", "  provider: JDK"));
        assertTrue(assertThrows(ConfigException.class, () -> DrfConfig.load(badDrf)).getMessage().contains("tls.provider"));
    }

    /** {@code tls.groups}: absent as shipped (the stack's default), known names only, openssl only. */
    @Test
    void tlsGroups() throws Exception {
        assertEquals(List.of(), DpfConfig.load(write("dpf-groups-none.yaml", dpfYaml)).tlsGroups());
        assertEquals(List.of(), DrfConfig.load(write("drf-groups-none.yaml", drfYaml)).tlsGroups());
        String groups = "  provider: openssl\n  groups: [x25519mlkem768, X25519]";
        assertEquals(List.of("X25519MLKEM768", "X25519"),
                DpfConfig.load(write("dpf-groups.yaml", dpfYaml.replace("  provider: openssl", groups))).tlsGroups(),
                "names as BoringSSL spells them, in the configured order");
        assertEquals(List.of("X25519MLKEM768", "X25519"),
                DrfConfig.load(write("drf-groups.yaml", drfYaml.replace("  provider: openssl", groups))).tlsGroups());
        Map<String, String> says = Map.of(
                "  provider: openssl\n  groups: [X448]", "tls.groups: unknown TLS group \"X448\"; known: X25519, P-256",
                "  provider: openssl\n  groups: [X25519, x25519]", "tls.groups: \"X25519\" named twice",
                "  provider: jdk\n  groups: [X25519]", "tls.groups: needs provider: openssl");
        for (var e : says.entrySet()) {
            Path bad = write("dpf-bad-groups.yaml", dpfYaml.replace("  provider: openssl", e.getKey()));
            String m = assertThrows(ConfigException.class, () -> DpfConfig.load(bad), e.getKey()).getMessage();
            assertTrue(m.startsWith(bad + ": " + e.getValue()), m + " should say " + e.getValue());
        }
    }

    @Test
    void icfSectionMistakesNameTheKey() throws Exception {
        Map<String, String> cases = Map.of(
                "names: [icf]", "names: [sho1]", // also an SHO id
                "root: ../.work/pki/ro-root.crt", "root: ../.work/pki/missing-root.crt",
                "max-clock-skew: 2m", "max-clock-skew: 2h",
                "names: [icf] ", "nmaes: [icf] ");
        Map<String, String> says = Map.of(
                "names: [sho1]", "icf.names: sho1 is also an SHO id in shos",
                "root: ../.work/pki/missing-root.crt", "icf.root: cannot read",
                "max-clock-skew: 2h", "icf.max-clock-skew: must be 0s..1h",
                "nmaes: [icf] ", "icf.nmaes: unknown key");
        for (var e : cases.entrySet()) {
            assertTrue(drfYaml.contains(e.getKey()), e.getKey());
            Path p = write("bad-icf.yaml", drfYaml.replace(e.getKey(), e.getValue()));
            ConfigException x = assertThrows(ConfigException.class, () -> DrfConfig.load(p), e.getValue());
            assertTrue(x.getMessage().startsWith(p + ": "), x.getMessage());
            assertTrue(x.getMessage().contains(says.get(e.getValue())), x.getMessage() + " should say " + says.get(e.getValue()));
        }
        Path empty = write("bad-icf2.yaml", drfYaml.replace("names: [icf]", "names: []"));
        assertTrue(assertThrows(ConfigException.class, () -> DrfConfig.load(empty)).getMessage().contains("icf.names: at least one"));
        // Optional: without it the DRF refuses attach events from the network.
        Path none = write("no-icf.yaml", drfYaml.replaceAll("(?m)^icf:.*\n(^  .*\n)*", ""));
        assertTrue(DrfConfig.load(none).settings().icf().isEmpty());
    }

    /** {@code pcid-renewal:} (TR §5.1.3.7.4.3 NOTE 2): shipped with the RO signer; optional; the signer must be the RO's. */
    @Test
    void pcidRenewalSection() throws Exception {
        DpfConfig shipped = DpfConfig.load(write("dpf-renewal.yaml", dpfYaml));
        assertEquals("ro", shipped.settings().renewal().ro());
        String without = dpfYaml.replaceAll("(?m)^pcid-renewal:.*\n(^  .*\n)*", "");
        assertEquals(null, DpfConfig.load(write("dpf-no-renewal.yaml", without)).settings().renewal(), "optional");
        Path shoSigner = write("dpf-sho-signer.yaml", dpfYaml.replace("../.work/pki/ro-bootstrap.crt", "../.work/pki/sho1.crt")
                .replace("../.work/pki/ro-bootstrap.key", "../.work/pki/sho1.key"));
        String m = assertThrows(ConfigException.class, () -> DpfConfig.load(shoSigner)).getMessage();
        assertTrue(m.contains("pcid-renewal.signer") && m.contains("ro-roots"), m);
    }

    /** {@code store:} chooses where registry, ledger and sessions live; each mistake names the file and the key. */
    @Test
    void storeSection() throws Exception {
        String kek = "0123456789abcdef".repeat(4);
        Files.writeString(conf.resolve("kek.hex"), kek);
        Files.writeString(conf.resolve("store-ro.yaml"), """
                cluster: {name: ro-test, port: 5711, members: ["127.0.0.1:5711"]}
                kek: {file: kek.hex}
                """);
        // The shipped files without their store section (type directory, written out), to add each variant to.
        String drfBare = drfYaml.replaceAll("(?ms)^store:.*?(?=^state-dir:)", "");
        String dpfBare = dpfYaml.replaceAll("(?ms)^store:.*?(?=^state-dir:)", "");
        assertFalse(drfBare.contains("store:") || dpfBare.contains("store:"));
        String hz = "store:\n  type: hazelcast\n  config: store-ro.yaml\n";
        String dir = "store:\n  type: directory\n";

        // Explicit directory: the same as no section.
        DrfConfig d = DrfConfig.load(write("drf-dir.yaml", drfBare.replace(STATE, dir + STATE)));
        assertEquals(StateStore.Type.DIRECTORY, d.state().type());
        assertEquals(conf.resolve("../.work/ro-state"), d.state().stateDir());

        // Hazelcast: the store file is read and validated at start-up, state-dir goes.
        DpfConfig f = DpfConfig.load(write("dpf-hz.yaml", dpfBare.replace(STATE, hz)));
        assertEquals(StateStore.Type.HAZELCAST, f.state().type());
        assertEquals("ro-test", f.state().cluster().cluster().name());
        assertEquals(5711, f.state().cluster().cluster().port());
        assertEquals(conf.resolve("store-ro.yaml"), f.state().clusterFile());

        Map<String, String> mistakes = new java.util.LinkedHashMap<>();
        mistakes.put(drfBare.replace(STATE, "store:\n  type: redis\n" + STATE), "store.type: must be one of directory, hazelcast");
        mistakes.put(drfBare.replace(STATE, "store:\n  type: hazelcast\n"), "store.config: required for type hazelcast");
        mistakes.put(drfBare.replace(STATE, dir + "  config: store-ro.yaml\n" + STATE), "store.config: only for type hazelcast");
        mistakes.put(drfBare.replace(STATE, hz + STATE), "state-dir: not used with store.type hazelcast");
        mistakes.put(drfBare.replace(STATE, ""), "state-dir: required with store type directory");
        mistakes.put(drfBare.replace(STATE, hz.replace("config:", "confg:")), "store.confg: unknown key");
        mistakes.put(drfBare.replace(STATE, hz.replace("store-ro.yaml", "missing.yaml")), "missing.yaml: no such file");
        for (var e : mistakes.entrySet()) {
            Path p = write("bad-store.yaml", e.getKey());
            ConfigException x = assertThrows(ConfigException.class, () -> DrfConfig.load(p), e.getValue());
            assertTrue(x.getMessage().startsWith(p + ": "), x.getMessage());
            assertTrue(x.getMessage().contains(e.getValue()), x.getMessage() + " should say " + e.getValue());
        }
        // A mistake inside the store file names both files and the store file's key.
        Files.writeString(conf.resolve("store-bad.yaml"), "cluster: {port: 70000}\nkek: {file: kek.hex}\n");
        Path p = write("bad-dpf-store.yaml", dpfBare.replace(STATE, hz.replace("store-ro.yaml", "store-bad.yaml")));
        String m = assertThrows(ConfigException.class, () -> DpfConfig.load(p)).getMessage();
        assertTrue(m.startsWith(p + ": store.config: "), m);
        assertTrue(m.contains("store-bad.yaml") && m.contains("cluster.port: must be 1..65535"), m);
        // The directory-only server start refuses a Hazelcast configuration instead of writing files.
        assertThrows(IllegalArgumentException.class, () -> DpfServer.start(f, Clock.systemUTC(), new SecureRandom(),
                new SimpleMeterRegistry()));
    }

    @Test
    void mistakesNameFileAndKey() throws Exception {
        Map<String, String> drfCases = Map.of(
                "lifetime: 15m", "lifetime: 2d",
                "default-dpf-url: https://", "default-dpf-url: http://",
                "non-3gpp-unauthenticated: false", "non-3gpp-unauthenticated: false\nnon-3gpp-unauthenticatd: true",
                "../.work/pki/sho2-root.crt", "../.work/pki/missing-root.crt",
                "operator-listen: 127.0.0.1:8442", "operator-listen: 127.0.0.1:8441");
        Map<String, String> drfKeys = Map.of(
                "lifetime: 2d", "bootstrap.lifetime", "default-dpf-url: http://", "bootstrap.default-dpf-url",
                "non-3gpp-unauthenticatd: true", "non-3gpp-unauthenticatd: unknown key", "../.work/pki/missing-root.crt", "shos[1].root",
                "operator-listen: 127.0.0.1:8441", "operator-listen");
        for (var e : drfCases.entrySet()) {
            assertTrue(drfYaml.contains(e.getKey()), e.getKey());
            Path p = write("bad-drf.yaml", drfYaml.replace(e.getKey(), e.getValue()));
            ConfigException x = assertThrows(ConfigException.class, () -> DrfConfig.load(p), e.getValue());
            assertTrue(x.getMessage().startsWith(p.toString() + ": "), x.getMessage());
            String key = drfKeys.get(e.getValue().contains("\n") ? "non-3gpp-unauthenticatd: true" : e.getValue());
            assertTrue(x.getMessage().contains(key), x.getMessage() + " should name " + key);
        }
        Path p = write("bad-dpf.yaml", dpfYaml.replace("sho-timeout: 15s", "sho-timeout: 0s"));
        assertTrue(assertThrows(ConfigException.class, () -> DpfConfig.load(p)).getMessage().contains("sho-timeout"));
        for (String ttl : List.of("30s", "8d", "10s")) {
            Path t = write("bad-dpf-ttl.yaml", dpfYaml.replace("download-ttl: 1h", "download-ttl: " + ttl));
            String m = assertThrows(ConfigException.class, () -> DpfConfig.load(t), ttl).getMessage();
            assertTrue(m.contains("download-ttl: must be between 1m and 7d"), m);
        }
        Path q = write("bad-dpf2.yaml", dpfYaml.replace("../.work/pki/dpf.key", "../.work/pki/nope.key"));
        assertTrue(assertThrows(ConfigException.class, () -> DpfConfig.load(q)).getMessage().contains(": tls: cannot read"));
    }

    @Test
    void serversStartFromTheirConfiguration() throws Exception {
        int[] ports = new int[3];
        for (int i = 0; i < ports.length; i++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                ports[i] = s.getLocalPort();
            }
        }
        String drf = drfYaml.replace("127.0.0.1:8441", "127.0.0.1:" + ports[0]).replace("127.0.0.1:8442", "127.0.0.1:" + ports[1])
                .replace("metrics: 127.0.0.1:9465", "");
        String dpf = dpfYaml.replace("127.0.0.1:8443", "127.0.0.1:" + ports[2]).replace("metrics: 127.0.0.1:9466", "");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (DrfServer d = DrfServer.start(DrfConfig.load(write("run-drf.yaml", drf)), Clock.systemUTC(), new SecureRandom(), meters);
             DpfServer f = DpfServer.start(DpfConfig.load(write("run-dpf.yaml", dpf)), Clock.systemUTC(), new SecureRandom(), meters)) {
            assertEquals(ports[0], d.deviceAddress().getPort());
            assertEquals(ports[2], f.address().getPort());
            // An attach for a PCID nobody registered: logged and counted, nothing else.
            assertEquals(org.openmcim.drf.Drf.AttachOutcome.UNREGISTERED,
                    d.drf().attach("001010000000555", InetAddress.getLoopbackAddress(), Instant.now()).get());
            assertTrue(Files.isDirectory(tmp.resolve(".work/ro-state/nonces-issued")));
        }
    }
}
