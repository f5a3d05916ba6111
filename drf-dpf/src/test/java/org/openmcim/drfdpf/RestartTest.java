package org.openmcim.drfdpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmcim.drf.DrfSettings;
import org.openmcim.pki.DevelopmentPki;
import org.openmcim.wire.bootstrap.BootstrapCodec;
import org.openmcim.wire.bootstrap.BootstrapMessage;
import org.openmcim.wire.mcim.McimObjectCodec;

/**
 * State in directories (DRF and DPF as separate readers of one ledger directory), unauthenticated
 * non-3GPP access (§5.1.3.6.3: no attach event, the device goes straight to the DRF), and a DPF
 * restart between step 17 and step 19: the device fetches the same MCIMobj again and reports; a replay
 * after the restart is still refused.
 */
class RestartTest {
    @TempDir
    Path tmp;

    @Test
    void dpfRestartBetweenDownloadAndReport() throws Exception {
        DevelopmentPki pki = DevelopmentPki.init(tmp.resolve("pki"), Instant.now().minus(Duration.ofDays(1)), new SecureRandom(), false);
        try (Lab lab = new Lab(pki, tmp.resolve("state"), new DrfSettings.Push(false, 1, "/", Duration.ofSeconds(1)), true,
                Duration.ofSeconds(5))) {
            String pcid = Lab.PCID;
            assertEquals(201, lab.register(lab.sho1Client, "sho1", pcid, "tre-0001").status());
            // Non-3GPP, unauthenticated: no ICF attach event, the DRF answers the signed pull anyway.
            Lab.Answer pulled = lab.pull(lab.tre, pcid, lab.clock.instant());
            assertEquals(200, pulled.status(), String.valueOf(pulled.body()));
            assertEquals("non-3gpp", pulled.body().path("path").asText());
            String signed = pulled.body().path("bootstrap").asText();
            BootstrapMessage b = new BootstrapCodec().verify(signed, List.of(pki.root("ro-root")), pcid, lab.clock.instant());

            Lab.Answer got = lab.provision(lab.provisionBody(lab.tre, signed, b.nonce(), Lab.FIRMWARE));
            assertEquals(200, got.status(), String.valueOf(got.body()));
            String objectId = got.body().path("objectId").asText();
            String object = got.body().path("mcimObject").asText();

            // The answer is lost and the DPF restarts: new process objects over the same directories.
            lab.stopDpf();
            lab.startDpf();

            Lab.Answer again = lab.download(lab.tre, objectId);
            assertEquals(200, again.status(), String.valueOf(again.body()));
            assertEquals(object, again.body().path("mcimObject").asText(), "the same MCIMobj, not a new one");
            new McimObjectCodec(new SecureRandom()).open(object, "tre-0001", lab.tre.key(), List.of(pki.root("sho1-root")),
                    lab.clock.instant());
            assertEquals(1, lab.sho1.provisionRequests.size(), "the SHO was not asked twice");

            Lab.Answer replay = lab.provision(lab.provisionBody(lab.tre, signed, b.nonce(), Lab.FIRMWARE));
            assertEquals(409, replay.status());
            assertEquals("replayed-nonce", replay.error());

            assertEquals("succeeded", lab.report(objectId, true, "installed").body().path("state").asText());
            // After another restart the closed session stays closed.
            lab.stopDpf();
            lab.startDpf();
            assertEquals("session-closed", lab.download(lab.tre, objectId).error());
            assertEquals("already-reported", lab.report(objectId, false, "late").error());
            assertTrue(lab.sho1.hss.find(lab.sho1.imsiByObject.get(objectId)).isPresent());
        }
    }

    /** The SHO cannot be reached: 502 sho-unreachable; the nonce is spent, the device pulls a fresh bootstrap. */
    @Test
    void unreachableSho() throws Exception {
        DevelopmentPki pki = DevelopmentPki.init(tmp.resolve("pki"), Instant.now().minus(Duration.ofDays(1)), new SecureRandom(), false);
        try (Lab lab = new Lab(pki, null, new DrfSettings.Push(false, 1, "/", Duration.ofSeconds(1)), true, Duration.ofSeconds(5))) {
            assertEquals(201, lab.register(lab.sho2Client, "sho2", Lab.PCID, null).status());
            lab.sho2.close(); // the DPF's configured URL for sho2 now answers nothing
            String signed = lab.pull(lab.tre, Lab.PCID, lab.clock.instant()).body().path("bootstrap").asText();
            BootstrapMessage b = new BootstrapCodec().verify(signed, List.of(pki.root("ro-root")), Lab.PCID, lab.clock.instant());
            Lab.Answer a = lab.provision(lab.provisionBody(lab.tre, signed, b.nonce(), Lab.FIRMWARE));
            assertEquals(502, a.status(), String.valueOf(a.body()));
            assertEquals("sho-unreachable", a.error());
            String fresh = lab.pull(lab.tre, Lab.PCID, lab.clock.instant()).body().path("bootstrap").asText();
            assertTrue(!fresh.equals(signed), "a new bootstrap with a new nonce");
        }
    }
}
