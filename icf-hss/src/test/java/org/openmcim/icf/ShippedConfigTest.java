package org.openmcim.icf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.openmcim.icf.config.IcfConfig;

/** The configurations the product ships are valid and say what the issue promises. */
class ShippedConfigTest {
    static Path repo() {
        Path p = Path.of("").toAbsolutePath();
        while (!p.resolve("config").toFile().isDirectory()) {
            p = p.getParent();
        }
        return p;
    }

    @Test
    void standalone() {
        IcfConfig c = IcfConfig.load(repo().resolve("config/icf.yaml"));
        assertEquals("127.0.0.1", c.identities().get(0).listen().getHostString());
        assertEquals(3868, c.identities().get(0).listen().getPort());
        assertTrue(c.isAllowedPeer("mme.localdomain", "localdomain"));
        assertDrfIsTheShippedOne(c, "../.work/pki/");
        assertAdminIsTheShippedOne(c, "../.work/pki/");
        assertTrue(c.chtif().isEmpty(), "no CHTIF unless one is configured");
    }

    /** The commented chtif example, uncommented, is a valid section. */
    @Test
    void standaloneChtifExample() throws Exception {
        String yaml = java.nio.file.Files.readString(repo().resolve("config/icf.yaml"));
        int at = yaml.indexOf("# chtif:");
        assertTrue(at > 0);
        StringBuilder uncommented = new StringBuilder(yaml.substring(0, at));
        for (String line : yaml.substring(at).split("\n")) {
            uncommented.append(line.startsWith("# ") ? line.substring(2) : line).append('\n');
        }
        IcfConfig c = IcfConfig.from(org.openmcim.config.ConfigNode.parse("icf.yaml", new java.io.StringReader(uncommented.toString())));
        IcfConfig.Chtif h = c.chtif().orElseThrow();
        assertEquals(java.net.URI.create("https://127.0.0.1:8446"), h.url());
        assertEquals(Path.of("../.work/pki/icf.crt"), h.certificate());
        assertEquals(java.util.List.of("0010199"), h.imsiRanges());
    }

    /** Both ICFs serve the admin API on 127.0.0.1:8445 with the icf certificate, for ro-admin under ro-root. */
    static void assertAdminIsTheShippedOne(IcfConfig c, String pki) {
        IcfConfig.Admin a = c.admin().orElseThrow();
        assertEquals("127.0.0.1", a.listen().getHostString());
        assertEquals(8445, a.listen().getPort());
        assertEquals(Path.of(pki + "icf.crt"), a.certificate());
        assertEquals(java.util.List.of(Path.of(pki + "ro-root.crt")), a.roots());
        assertEquals(java.util.Set.of("ro-admin"), a.names());
    }

    /** Both ICFs post attach events (TR 33.812 step 6) to config/drf.yaml's operator listener with the PKI's icf certificate. */
    static void assertDrfIsTheShippedOne(IcfConfig c, String pki) {
        IcfConfig.Drf d = c.drf().orElseThrow();
        assertEquals(java.net.URI.create("https://127.0.0.1:8442"), d.url());
        assertEquals(Path.of(pki + "icf.crt"), d.certificate());
        assertEquals(Path.of(pki + "icf.key"), d.key());
        assertEquals(java.util.List.of(Path.of(pki + "ro-root.crt")), d.roots());
        assertEquals(java.time.Duration.ofHours(1), d.maxAge());
    }

    @Test
    void nextEpcLab() {
        IcfConfig c = IcfConfig.load(repo().resolve("config/lab/icf.yaml"));
        assertEquals("hss.localdomain", c.identities().get(0).host());
        assertEquals("127.0.0.4", c.identities().get(0).listen().getHostString());
        assertEquals("pcrf.localdomain", c.identities().get(1).host());
        assertEquals("127.0.0.5", c.identities().get(1).listen().getHostString());
        assertTrue(c.isAllowedPeer("pgw.localdomain", "localdomain"));
        assertDrfIsTheShippedOne(c, "../../.work/pki/");
        assertAdminIsTheShippedOne(c, "../../.work/pki/");
    }
}
