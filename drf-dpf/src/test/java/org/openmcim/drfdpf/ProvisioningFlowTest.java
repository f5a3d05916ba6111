package org.openmcim.drfdpf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmcim.dpf.DownloadSession;
import org.openmcim.drf.Drf;
import org.openmcim.drf.DrfSettings;
import org.openmcim.pki.DevelopmentPki;
import org.openmcim.aka.AuthenticationFunctions;
import org.openmcim.store.CredentialState;
import org.openmcim.store.Subscriber;
import org.openmcim.store.SubscriberKind;
import org.openmcim.wire.bootstrap.BootstrapCodec;
import org.openmcim.wire.bootstrap.BootstrapMessage;
import org.openmcim.wire.mcim.McimCredential;
import org.openmcim.wire.mcim.McimObject;
import org.openmcim.wire.mcim.McimObjectCodec;

import com.sun.net.httpserver.HttpServer;

/**
 * TR 33.812 §5.1.3.6.2 steps 6-10 and 16-19 end to end: an SHO registers the PCID at the DRF, the
 * ICF reports it attached, the DRF pushes the signed bootstrap to the device's listener and keeps it
 * for a pull, the device proves its platform to the DPF, the DPF relays to the SHO (PVA + MCIM
 * issuer) over mutual TLS, the device opens the MCIMobj with its TRE key and reports, and the SHO
 * learns the result. Real TLS over loopback, real signatures, nothing mocked.
 */
class ProvisioningFlowTest {
    @TempDir
    static Path tmp;
    static DevelopmentPki pki;
    static HttpServer listener;
    static final List<String> pushed = new CopyOnWriteArrayList<>();
    static Lab lab;

    @BeforeAll
    static void setUp() throws Exception {
        pki = DevelopmentPki.init(tmp.resolve("pki"), Instant.now().minus(Duration.ofDays(1)), new SecureRandom(), false);
        listener = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        listener.createContext("/openmcim/bootstrap", ex -> {
            try (ex) {
                pushed.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                ex.sendResponseHeaders(204, -1);
            }
        });
        listener.start();
        lab = new Lab(pki, null, new DrfSettings.Push(true, listener.getAddress().getPort(), "/openmcim/bootstrap", Duration.ofSeconds(2)),
                false, Duration.ofSeconds(5));
    }

    @AfterAll
    static void tearDown() {
        lab.close();
        listener.stop(0);
    }

    @Test
    void initialProvisioningSteps6To10And16To19() throws Exception {
        String pcid = "001010000000011";
        // The ICF's record of the PCID, attached (steps 1-5 happened).
        lab.icfStore.insertAll(List.of(new Subscriber(pcid, SubscriberKind.PCID, AuthenticationFunctions.Algorithm.MILENAGE, new byte[16],
                new byte[16], new byte[] {(byte) 0x80, 0}, 0, CredentialState.ATTACHED, lab.clock.instant(), null, "chtif", "provisioning",
                null)));
        // Step 7's database: the SHO with the contract registers the PCID (and its TRE).
        Lab.Answer reg = lab.register(lab.sho1Client, "sho1", pcid, "tre-0001");
        assertEquals(201, reg.status(), String.valueOf(reg.body()));

        // Step 6: the ICF reports the PCID attached at an IP; step 8: the DRF pushes the bootstrap.
        Drf.AttachOutcome o = lab.drf.attach(pcid, InetAddress.getLoopbackAddress(), lab.clock.instant()).get(10, TimeUnit.SECONDS);
        assertEquals(Drf.AttachOutcome.PUSHED, o);
        String signed = pushed.get(pushed.size() - 1);
        BootstrapMessage boot = new BootstrapCodec().verify(signed, List.of(pki.root("ro-root")), pcid, lab.clock.instant());
        assertEquals("sho1", boot.sho().id());
        assertEquals("Selected Home Operator 1", boot.sho().name());
        assertEquals(lab.dpf("/dpf/v1").toString(), boot.provUrl().toString());
        assertFalse(boot.keepImsi());
        assertEquals(List.of("meter-reading"), boot.applications());

        // The same bootstrap is kept for a pull, answered because the ICF reported the PCID attached.
        Lab.Answer pulled = lab.pull(lab.tre, pcid, lab.clock.instant());
        assertEquals(200, pulled.status(), String.valueOf(pulled.body()));
        assertEquals(signed, pulled.body().path("bootstrap").asText());

        // Step 10 → 11 → (12-15 at the SHO) → 16 → 17.
        Lab.Answer got = lab.provision(lab.provisionBody(lab.tre, signed, boot.nonce(), Lab.FIRMWARE));
        assertEquals(200, got.status(), String.valueOf(got.body()));
        String objectId = got.body().path("objectId").asText();
        assertEquals("tre-0001", got.body().path("treId").asText());
        assertEquals(CredentialState.PROVISIONING, lab.icfStore.find(pcid).orElseThrow().state());

        // Step 18: the TRE opens it with its platform key; the SHO's HSS holds the same credential.
        McimObject mcim = new McimObjectCodec(new SecureRandom()).open(got.body().path("mcimObject").asText(), "tre-0001",
                lab.tre.key(), List.of(pki.root("sho1-root")), lab.clock.instant());
        McimCredential c = McimCredential.fromJson(mcim.part("mcim").content());
        Subscriber s = lab.sho1.hss.find(c.imsi()).orElseThrow();
        assertArrayEquals(s.k(), c.k());
        assertEquals(objectId, mcim.objectId());

        // The DPF relayed what step 11 requires.
        var relayed = lab.sho1.provisionRequests.get(lab.sho1.provisionRequests.size() - 1);
        assertEquals("tre-0001", relayed.path("treId").asText());
        assertEquals(boot.nonce(), relayed.path("nonce").asText());

        // Steps 19-20.
        Lab.Answer rep = lab.report(objectId, true, "installed");
        assertEquals(200, rep.status(), String.valueOf(rep.body()));
        assertEquals("succeeded", rep.body().path("state").asText());
        assertTrue(lab.sho1.reports.stream().anyMatch(r -> r.path("objectId").asText().equals(objectId) && r.path("success").asBoolean()));
        assertTrue(lab.sho1.hss.find(c.imsi()).isPresent(), "a success report keeps the subscriber");
        assertEquals(CredentialState.RETIRED, lab.icfStore.find(pcid).orElseThrow().state(), "the PCID is retired once the MCIM is installed");

        // Reported once; then the session is closed for downloads and reports.
        assertEquals("already-reported", lab.report(objectId, true, "again").error());
        assertEquals("session-closed", lab.download(lab.tre, objectId).error());

        // Replay of step 10 with the same bootstrap: 409, and nothing new at the SHO.
        int before = lab.sho1.provisionRequests.size();
        Lab.Answer replay = lab.provision(lab.provisionBody(lab.tre, signed, boot.nonce(), Lab.FIRMWARE));
        assertEquals(409, replay.status());
        assertEquals("replayed-nonce", replay.error());
        assertEquals(before, lab.sho1.provisionRequests.size());

        assertTrue(lab.count("drf.attach", "outcome", "pushed") >= 1);
        assertTrue(lab.count("dpf.request", "endpoint", "provision", "outcome", "ok") >= 1);
        assertTrue(lab.count("dpf.sho.call", "call", "report", "outcome", "ok") >= 1);
    }

    /** A failed installation is reported, the SHO withdraws the MCIM, and the device retries with a new bootstrap and session. */
    @Test
    void failedDeviceRetriesWithANewSession() throws Exception {
        String pcid = "001010000000012";
        assertEquals(201, lab.register(lab.sho1Client, "sho1", pcid, null).status());
        lab.drf.attach(pcid, InetAddress.getLoopbackAddress(), lab.clock.instant()).get(10, TimeUnit.SECONDS);
        String signed = lab.pull(lab.tre, pcid, lab.clock.instant()).body().path("bootstrap").asText();
        String nonce = new BootstrapCodec().verify(signed, List.of(pki.root("ro-root")), pcid, lab.clock.instant()).nonce();
        Lab.Answer first = lab.provision(lab.provisionBody(lab.tre, signed, nonce, Lab.FIRMWARE));
        assertEquals(200, first.status(), String.valueOf(first.body()));
        String firstObject = first.body().path("objectId").asText();
        String firstImsi = lab.sho1.imsiByObject.get(firstObject);
        assertEquals("failed", lab.report(firstObject, false, "TRE slot full").body().path("state").asText());
        assertTrue(lab.sho1.hss.find(firstImsi).isEmpty(), "the SHO withdrew the failed MCIM (step 20)");

        // The kept bootstrap's nonce is used: the DRF hands out a fresh one.
        String again = lab.pull(lab.tre, pcid, lab.clock.instant()).body().path("bootstrap").asText();
        String nonce2 = new BootstrapCodec().verify(again, List.of(pki.root("ro-root")), pcid, lab.clock.instant()).nonce();
        assertFalse(nonce.equals(nonce2));
        Lab.Answer second = lab.provision(lab.provisionBody(lab.tre, again, nonce2, Lab.FIRMWARE));
        assertEquals(200, second.status(), String.valueOf(second.body()));
        assertFalse(firstObject.equals(second.body().path("objectId").asText()), "a new MCIMobj, a new session");
        assertEquals(DownloadSession.State.FAILED, lab.sessions.find(firstObject).orElseThrow().state());
        assertEquals(DownloadSession.State.DELIVERED, lab.sessions.find(second.body().path("objectId").asText()).orElseThrow().state());
    }

    /** Operator change (§5.1.3.7.4.2 step 17): the new SHO re-registers the PCID; the next bootstrap names it. */
    @Test
    void newShoReRegistersAtOperatorChange() throws Exception {
        String pcid = "001010000000013";
        assertEquals(201, lab.register(lab.sho1Client, "sho1", pcid, null).status());
        Lab.Answer over = lab.register(lab.sho2Client, "sho2", pcid, null);
        assertEquals(200, over.status(), String.valueOf(over.body()));
        assertEquals("sho1", over.body().path("previousShoId").asText());
        lab.drf.attach(pcid, InetAddress.getLoopbackAddress(), lab.clock.instant()).get(10, TimeUnit.SECONDS);
        String signed = pushed.get(pushed.size() - 1);
        BootstrapMessage boot = new BootstrapCodec().verify(signed, List.of(pki.root("ro-root")), pcid, lab.clock.instant());
        assertEquals("sho2", boot.sho().id());
        Lab.Answer got = lab.provision(lab.provisionBody(lab.tre, signed, boot.nonce(), Lab.FIRMWARE));
        assertEquals(200, got.status(), String.valueOf(got.body()));
        assertEquals("sho2", got.body().path("sho").asText());
        new McimObjectCodec(new SecureRandom()).open(got.body().path("mcimObject").asText(), "tre-0001", lab.tre.key(),
                List.of(pki.root("sho2-root")), lab.clock.instant());
    }
}
