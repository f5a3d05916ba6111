package org.openmcim.icf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openmcim.config.ConfigException;
import org.openmcim.config.ConfigNode;
import org.openmcim.icf.config.IcfConfig;
import org.openmcim.icf.drf.DrfAttachEvents;

/** The ICF's {@code drf} section (where step 6's attach events go): validated at start-up, every mistake named. */
class DrfSectionConfigTest {
    static final String DRF = """
            drf:
              url: https://127.0.0.1:8442
              tls: {certificate: pki/icf.crt, key: pki/icf.key}
              roots: [pki/ro-root.crt]
            """;

    static IcfConfig parse(String yaml) {
        return IcfConfig.from(ConfigNode.parse("icf-test.yaml", new StringReader(yaml)));
    }

    static String base() {
        return GxServerTest.yaml(3868, 3869);
    }

    @Test
    void defaultsAndValues() {
        IcfConfig.Drf d = parse(base() + DRF).drf().orElseThrow();
        assertEquals(URI.create("https://127.0.0.1:8442"), d.url());
        assertEquals(Path.of("pki/icf.crt"), d.certificate());
        assertEquals(List.of(Path.of("pki/ro-root.crt")), d.roots());
        assertEquals(10_000, d.queue());
        assertEquals(Duration.ofMillis(200), d.retryInitial());
        assertEquals(Duration.ofSeconds(30), d.retryMax());
        assertEquals(Duration.ofHours(1), d.maxAge());
        assertEquals(Duration.ofSeconds(5), d.timeout());
        IcfConfig.Drf e = parse(base() + DRF + "  queue: 5\n  retry: {initial: 50ms, max: 1s}\n  max-age: 10m\n  timeout: 2s\n")
                .drf().orElseThrow();
        assertEquals(5, e.queue());
        assertEquals(Duration.ofMillis(50), e.retryInitial());
        assertEquals(Duration.ofSeconds(1), e.retryMax());
        assertEquals(Duration.ofMinutes(10), e.maxAge());
        assertTrue(parse(base()).drf().isEmpty(), "optional: without it, attach events go nowhere (or to a DRF in process)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "plain http       | url: https://127.0.0.1:8442 | url: http://127.0.0.1:8442            | drf.url: expected https://HOST:PORT",
            "a path           | url: https://127.0.0.1:8442 | url: https://127.0.0.1:8442/drf/v1    | drf.url: give only https://HOST:PORT",
            "a query          | url: https://127.0.0.1:8442 | url: https://127.0.0.1:8442/?x=1      | drf.url: give only",
            "user info        | url: https://127.0.0.1:8442 | url: https://me@127.0.0.1:8442        | drf.url: give only",
            "not a URL        | url: https://127.0.0.1:8442 | url: https://exa mple:1               | drf.url:",
            "no key           | 'key: pki/icf.key'          | 'kee: pki/icf.key'                     | drf.tls.key: required",
            "no roots         | 'roots: [pki/ro-root.crt]'  | 'roots: []'                            | drf.roots: at least one",
            "queue zero       | 'roots: [pki/ro-root.crt]'  | 'roots: [pki/ro-root.crt]\\n  queue: 0' | drf.queue: must be 1..1000000",
            "retry backwards  | 'roots: [pki/ro-root.crt]'  | 'roots: [pki/ro-root.crt]\\n  retry: {initial: 2s, max: 1s}' | drf.retry.max: must lie between",
            "retry zero       | 'roots: [pki/ro-root.crt]'  | 'roots: [pki/ro-root.crt]\\n  retry: {initial: 0ms}' | drf.retry.initial: must be positive",
            "retry misspelt   | 'roots: [pki/ro-root.crt]'  | 'roots: [pki/ro-root.crt]\\n  retry: {initail: 1s}' | drf.retry.initail: unknown key",
            "max-age zero     | 'roots: [pki/ro-root.crt]'  | 'roots: [pki/ro-root.crt]\\n  max-age: 0s' | drf.max-age: must be positive",
            "timeout too long | 'roots: [pki/ro-root.crt]'  | 'roots: [pki/ro-root.crt]\\n  timeout: 1h' | drf.timeout: must be positive and at most 5m",
            "misspelt key     | 'roots: [pki/ro-root.crt]'  | 'roots: [pki/ro-root.crt]\\n  max_age: 1h' | drf.max_age: unknown key"})
    void mistakesNameTheKey(String name, String from, String to, String says) {
        String yaml = base() + DRF.replace(from.strip(), to.strip().replace("\\n", "\n"));
        ConfigException e = assertThrows(ConfigException.class, () -> parse(yaml));
        assertTrue(e.getMessage().startsWith("icf-test.yaml: "), e.getMessage());
        assertTrue(e.getMessage().contains(says.strip()), e.getMessage());
    }

    /** Step 6 comes from Gx CCR-Initial, in the RO's ICF only. */
    @Test
    void onlyAnIcfThatServesGxReports() {
        String noGx = base().replace("applications: [gx]", "applications: [swx]");
        assertTrue(assertThrows(ConfigException.class, () -> parse(noGx + DRF)).getMessage()
                .contains("drf: no identity serves gx"));
        String home = base().replace("mode: icf", "mode: home");
        assertTrue(assertThrows(ConfigException.class, () -> parse(home + DRF)).getMessage()
                .contains("drf: only the RO's ICF (mode: icf)"));
    }

    /** The files are read at start, not when parsing (so --check needs no PKI); then a missing one is named. */
    @Test
    void missingCertificateFilesAreNamedAtStart(@TempDir Path dir) {
        IcfConfig.Drf d = parse(base() + DRF).drf().orElseThrow();
        ConfigException e = assertThrows(ConfigException.class, () -> DrfAttachEvents.tls(d, dir));
        assertTrue(e.getMessage().startsWith("drf.tls: cannot read " + dir.resolve("pki/icf.crt")), e.getMessage());
    }
}
