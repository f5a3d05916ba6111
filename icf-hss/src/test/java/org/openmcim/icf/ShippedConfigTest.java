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
    }
}
