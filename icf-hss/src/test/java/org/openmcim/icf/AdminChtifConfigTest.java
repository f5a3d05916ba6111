package org.openmcim.icf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openmcim.config.ConfigException;
import org.openmcim.config.ConfigNode;
import org.openmcim.icf.admin.AdminApi;
import org.openmcim.icf.chtif.ChtifClient;
import org.openmcim.icf.config.IcfConfig;

/** The ICF's {@code admin} and {@code chtif} sections: validated at start-up, every mistake named by file and key. */
class AdminChtifConfigTest {
    static final String ADMIN = """
            admin:
              listen: 127.0.0.1:8445
              tls: {certificate: pki/icf.crt, key: pki/icf.key}
              roots: [pki/ro-root.crt]
              names: [ro-admin]
            """;
    static final String CHTIF = """
            chtif:
              url: https://chtif.ro.localdomain:8446
              imsi-ranges: ["0010199"]
              tls: {certificate: pki/icf.crt, key: pki/icf.key}
              roots: [pki/ro-root.crt]
            """;

    static IcfConfig parse(String yaml) {
        return IcfConfig.from(ConfigNode.parse("icf-test.yaml", new StringReader(yaml)));
    }

    static String base() {
        return IcfServerTest.yaml(3868);
    }

    @Test
    void defaultsAndValues() {
        IcfConfig c = parse(base() + ADMIN + CHTIF);
        IcfConfig.Admin a = c.admin().orElseThrow();
        assertEquals(8445, a.listen().getPort());
        assertEquals(Set.of("ro-admin"), a.names());
        assertEquals(16 << 20, a.maxBody());
        assertEquals(100_000, a.maxIssue());
        IcfConfig.Chtif h = c.chtif().orElseThrow();
        assertEquals(URI.create("https://chtif.ro.localdomain:8446"), h.url());
        assertEquals(List.of("0010199"), h.imsiRanges());
        assertEquals(Path.of("pki/icf.crt"), h.certificate());
        assertEquals(Duration.ofSeconds(2), h.timeout());
        assertEquals(16, h.maxFetches());
        assertEquals("chtif.ro.localdomain", h.issuer(), "the host names the issuer unless configured");
        IcfConfig d = parse(base() + ADMIN + "  max-body: 2048\n  max-issue: 10\n" + CHTIF
                + "  timeout: 500ms\n  max-fetches: 4\n  issuer: chtif-7\n");
        assertEquals(2048, d.admin().orElseThrow().maxBody());
        assertEquals(10, d.admin().orElseThrow().maxIssue());
        assertEquals(Duration.ofMillis(500), d.chtif().orElseThrow().timeout());
        assertEquals(4, d.chtif().orElseThrow().maxFetches());
        assertEquals("chtif-7", d.chtif().orElseThrow().issuer());
        IcfConfig none = parse(base());
        assertTrue(none.admin().isEmpty() && none.chtif().isEmpty(), "both optional");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "admin: no names       | 'names: [ro-admin]'                  | 'names: []'                      | admin.names: at least one",
            "admin: no port        | listen: 127.0.0.1:8445               | listen: 127.0.0.1                | admin.listen: expected HOST:PORT",
            "admin: no roots       | 'roots: [pki/ro-root.crt]\\n  names' | 'roots: []\\n  names'            | admin.roots: at least one",
            "admin: tiny body      | 'names: [ro-admin]'                  | 'names: [ro-admin]\\n  max-body: 10'   | admin.max-body:",
            "admin: issue zero     | 'names: [ro-admin]'                  | 'names: [ro-admin]\\n  max-issue: 0'   | admin.max-issue:",
            "admin: misspelt       | 'names: [ro-admin]'                  | 'names: [ro-admin]\\n  maxBody: 10'    | admin.maxBody: unknown key",
            "chtif: plain http     | url: https://chtif.ro.localdomain:8446 | url: http://chtif.ro.localdomain:8446 | chtif.url: expected https://HOST:PORT",
            "chtif: a path         | url: https://chtif.ro.localdomain:8446 | url: https://chtif.ro.localdomain:8446/chtif/v1 | chtif.url: give only https://HOST:PORT",
            "chtif: range unserved | 'imsi-ranges: [\"0010199\"]'          | 'imsi-ranges: [\"31026\"]'         | chtif.imsi-ranges: 31026 is not inside a locally served range",
            "chtif: range wider    | 'imsi-ranges: [\"0010199\"]'          | 'imsi-ranges: [\"0010\"]'          | chtif.imsi-ranges: \"0010\" is not an IMSI prefix",
            "chtif: no ranges      | 'imsi-ranges: [\"0010199\"]'          | 'imsi-ranges: []'                | chtif.imsi-ranges: at least one",
            "chtif: no key         | 'key: pki/icf.key}\\n  roots'         | 'kee: pki/icf.key}\\n  roots'     | chtif.tls.key: required",
            "chtif: timeout short  | 'roots: [pki/ro-root.crt]\\n'         | 'roots: [pki/ro-root.crt]\\n  timeout: 50ms\\n' | chtif.timeout: must be 100ms..30s",
            "chtif: timeout long   | 'roots: [pki/ro-root.crt]\\n'         | 'roots: [pki/ro-root.crt]\\n  timeout: 1m\\n'   | chtif.timeout: must be 100ms..30s",
            "chtif: fetches zero   | 'roots: [pki/ro-root.crt]\\n'         | 'roots: [pki/ro-root.crt]\\n  max-fetches: 0\\n' | chtif.max-fetches:",
            "chtif: issuer         | 'roots: [pki/ro-root.crt]\\n'         | 'roots: [pki/ro-root.crt]\\n  issuer: a b\\n'   | chtif.issuer: must be",
            "chtif: misspelt       | 'roots: [pki/ro-root.crt]\\n'         | 'roots: [pki/ro-root.crt]\\n  time-out: 1s\\n'  | chtif.time-out: unknown key"})
    void mistakesNameTheKey(String name, String from, String to, String says) {
        boolean admin = name.startsWith("admin:");
        String section = admin ? ADMIN : CHTIF;
        String edited = section.replace(unescape(from), unescape(to));
        assertTrue(!edited.equals(section), name + ": the replacement applies");
        String changed = admin ? edited + CHTIF : ADMIN + edited;
        ConfigException e = assertThrows(ConfigException.class, () -> parse(base() + changed));
        assertTrue(e.getMessage().startsWith("icf-test.yaml: "), e.getMessage());
        assertTrue(e.getMessage().contains(says.strip()), e.getMessage());
    }

    static String unescape(String s) {
        return s.strip().replace("\\n", "\n");
    }

    /** An SHO's HSS (mode: home) issues no PCIDs and has no CHTIF. */
    @Test
    void onlyTheRosIcf() {
        String home = base().replace("mode: icf", "mode: home");
        assertTrue(assertThrows(ConfigException.class, () -> parse(home + ADMIN)).getMessage()
                .contains("admin: the admin API issues and imports PCIDs"));
        assertTrue(assertThrows(ConfigException.class, () -> parse(home + CHTIF)).getMessage()
                .contains("chtif: only the RO's ICF (mode: icf)"));
    }

    /** The certificate files are read at start (so --check needs no PKI); then a missing one is named. */
    @Test
    void missingCertificateFilesAreNamedAtStart(@TempDir Path dir) {
        IcfConfig c = parse(base() + ADMIN + CHTIF);
        ConfigException a = assertThrows(ConfigException.class, () -> AdminApi.tls(c.admin().orElseThrow(), dir));
        assertTrue(a.getMessage().startsWith("admin.tls: cannot read " + dir.resolve("pki/icf.crt")), a.getMessage());
        ConfigException h = assertThrows(ConfigException.class, () -> ChtifClient.tls(c.chtif().orElseThrow(), dir));
        assertTrue(h.getMessage().startsWith("chtif.tls: cannot read " + dir.resolve("pki/icf.crt")), h.getMessage());
    }
}
