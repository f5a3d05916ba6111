package org.openmcim.drfdpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmcim.drf.Drf;
import org.openmcim.drf.DrfSettings;
import org.openmcim.pki.DevelopmentPki;
import org.openmcim.wire.bootstrap.BootstrapCodec;
import org.openmcim.wire.bootstrap.BootstrapMessage;

/**
 * The DPF's {@code download-ttl}: what happens to a download whose report (TR 33.812 step 19) never
 * comes. A lab of its own, since the test moves the clock past the TTL of every open session.
 */
class DownloadExpiryTest {
    @TempDir
    static Path tmp;
    static DevelopmentPki pki;
    static Lab lab;

    @BeforeAll
    static void setUp() throws Exception {
        pki = DevelopmentPki.init(tmp.resolve("pki"), Instant.now().minus(Duration.ofDays(1)), new SecureRandom(), false);
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort(); // nothing listens here once closed: the device pulls
        }
        lab = new Lab(pki, null, new DrfSettings.Push(true, deadPort, "/bootstrap", Duration.ofMillis(500)), false, Duration.ofSeconds(1));
    }

    @AfterAll
    static void tearDown() {
        lab.close();
    }

    /** A registered, attached PCID and its pulled bootstrap. */
    private static BootstrapMessage attached(String[] signedOut) throws Exception {
        String pcid = "001010000077701";
        assertEquals(201, lab.register(lab.sho1Client, "sho1", pcid, null).status());
        assertEquals(Drf.AttachOutcome.PUSH_FAILED,
                lab.drf.attach(pcid, InetAddress.getLoopbackAddress(), lab.clock.instant()).get(10, TimeUnit.SECONDS));
        Lab.Answer a = lab.pull(lab.tre, pcid, lab.clock.instant());
        assertEquals(200, a.status(), String.valueOf(a.body()));
        signedOut[0] = a.body().path("bootstrap").asText();
        return new BootstrapCodec().verify(signedOut[0], List.of(pki.root("ro-root")), pcid, lab.clock.instant());
    }

    private static void assertRefused(int status, String reason, Lab.Answer a) {
        assertEquals(status, a.status(), String.valueOf(a.body()));
        assertEquals(reason, a.error(), String.valueOf(a.body()));
    }

    /**
     * A delivered MCIMobj whose report never comes: past download-ttl it is no longer handed out (410),
     * the sweep tells the SHO the download failed (so the SHO withdraws the MCIM from its HSS) and
     * closes the session EXPIRED — only once the SHO heard it, retrying while the SHO is in trouble —
     * a late report is refused, and the device starts over with a new bootstrap for the same PCID.
     */
    @Test
    void unreportedDownloadExpiresTellsTheShoAndTheDeviceStartsOver() throws Exception {
        String[] signed = new String[1];
        BootstrapMessage b = attached(signed);
        Lab.Answer got = lab.provision(lab.provisionBody(lab.tre, signed[0], b.nonce(), Lab.FIRMWARE));
        assertEquals(200, got.status(), String.valueOf(got.body()));
        String objectId = got.body().path("objectId").asText();
        String mcimImsi = lab.sho1.imsiByObject.get(objectId);
        assertTrue(lab.sho1.hss.find(mcimImsi).isPresent(), "the SHO's HSS holds the MCIM");
        Duration ttl = lab.dpf.settings().downloadTtl();
        int reportsBefore = lab.sho1.reports.size();

        lab.clock.advance(ttl.minusSeconds(1));
        assertEquals(0, lab.dpf.expireUnreported(lab.clock.instant()), "inside the TTL");
        assertEquals(200, lab.download(lab.tre, objectId).status(), "still fetchable inside the TTL");

        lab.clock.advance(Duration.ofSeconds(2));
        assertRefused(410, "session-expired", lab.download(lab.tre, objectId));
        lab.sho1.failReports = true;
        try {
            assertEquals(0, lab.dpf.expireUnreported(lab.clock.instant()), "the SHO could not be told: nothing closed");
            assertEquals(org.openmcim.dpf.DownloadSession.State.DELIVERED, lab.sessions.find(objectId).orElseThrow().state());
            assertTrue(lab.sho1.hss.find(mcimImsi).isPresent());
        } finally {
            lab.sho1.failReports = false;
        }
        assertEquals(1, lab.dpf.expireUnreported(lab.clock.instant()));
        assertEquals(reportsBefore + 1, lab.sho1.reports.size());
        var told = lab.sho1.reports.get(lab.sho1.reports.size() - 1);
        assertEquals(objectId, told.path("objectId").asText());
        assertFalse(told.path("success").asBoolean(true));
        assertTrue(told.path("detail").asText().startsWith("download-expired"), told.toString());
        assertTrue(lab.sho1.hss.find(mcimImsi).isEmpty(), "the SHO withdrew the MCIM");
        assertEquals(org.openmcim.dpf.DownloadSession.State.EXPIRED, lab.sessions.find(objectId).orElseThrow().state());
        assertEquals(0, lab.dpf.expireUnreported(lab.clock.instant()), "given up once");
        assertEquals(reportsBefore + 1, lab.sho1.reports.size());

        assertRefused(410, "session-expired", lab.report(objectId, true, "installed late"));
        assertRefused(410, "session-expired", lab.download(lab.tre, objectId));
        assertEquals(reportsBefore + 1, lab.sho1.reports.size(), "a late report is not relayed");

        // Start over: the PCID attaches again (its earlier attach report is long stale at the DRF),
        // a new bootstrap, a new download.
        assertEquals(Drf.AttachOutcome.PUSH_FAILED,
                lab.drf.attach(b.pcid(), InetAddress.getLoopbackAddress(), lab.clock.instant()).get(10, TimeUnit.SECONDS));
        Lab.Answer again = lab.pull(lab.tre, b.pcid(), lab.clock.instant());
        assertEquals(200, again.status(), String.valueOf(again.body()));
        String signedAgain = again.body().path("bootstrap").asText();
        BootstrapMessage b2 = new BootstrapCodec().verify(signedAgain, List.of(pki.root("ro-root")), b.pcid(), lab.clock.instant());
        Lab.Answer second = lab.provision(lab.provisionBody(lab.tre, signedAgain, b2.nonce(), Lab.FIRMWARE));
        assertEquals(200, second.status(), String.valueOf(second.body()));
        assertFalse(objectId.equals(second.body().path("objectId").asText()), "a new MCIMobj");
        assertEquals(200, lab.report(second.body().path("objectId").asText(), true, "installed").status());
    }

}
