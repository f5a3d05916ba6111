package org.openmcim.drfdpf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.openmcim.icf.IcfFixtures.experimentalCode;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmcim.aka.AuthenticationFunctions;
import org.openmcim.aka.Milenage;
import org.openmcim.aka.sqn.SqnArray;
import org.openmcim.aka.sqn.SqnPolicy;
import org.openmcim.aka.usim.Usim;
import org.openmcim.diameter.ApplicationId;
import org.openmcim.diameter.Avp;
import org.openmcim.diameter.DiameterMessage;
import org.openmcim.diameter.ExperimentalResultCode;
import org.openmcim.diameter.ResultCode;
import org.openmcim.drf.Drf;
import org.openmcim.drf.DrfSettings;
import org.openmcim.http.JsonHttpServer;
import org.openmcim.icf.DiameterTestClient;
import org.openmcim.icf.IcfServer;
import org.openmcim.icf.admin.AdminApi;
import org.openmcim.icf.config.IcfConfig;
import org.openmcim.pki.DevelopmentPki;
import org.openmcim.pki.TlsContexts;
import org.openmcim.store.CredentialState;
import org.openmcim.store.Subscriber;
import org.openmcim.store.SubscriberKind;
import org.openmcim.uesim.tre.Tre;
import org.openmcim.wire.mcim.McimCredential;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * PCID renewal, TR 33.812 §5.1.3.7.4.3 NOTE 2 ("an updated initial network access credential could
 * be delivered as a MCIM to the M2ME for future use in a SHO re-provisioning process"), end to end
 * on real elements over loopback: the RO renews a PCID over the ICF admin API; the RO's DPF adds
 * the renewed credential, sealed to the TRE and signed by the RO, to the device's next MCIM package;
 * the TRE installs it with the MCIM; once the device reports, the old PCID is REPLACED; after a revert
 * to the pristine state the TRE's PCID credential authenticates against the ICF (AIR answered, vector
 * accepted by a USIM on the TRE's keys) and the old PCID is refused (5420).
 */
class PcidRenewalFlowTest {
    static final byte[] VISITED = org.openmcim.aka.kdf.PlmnId.parse("00101").toOctets();
    static final String OLD = "001010000000077";
    static final byte[] K = HexFormat.of().parseHex("465b5ce8b199b49faa5f0a2ee238a6bc");
    static final byte[] OPC = HexFormat.of().parseHex("cd63cb71954a9f4e48a5994e37a02baf");

    @TempDir
    static Path tmp;
    static DevelopmentPki pki;
    static Lab lab;
    static IcfServer icf;
    static JsonHttpServer admin;

    @BeforeAll
    static void setUp() throws Exception {
        pki = DevelopmentPki.init(tmp.resolve("pki"), Instant.now().minus(Duration.ofDays(1)), new SecureRandom(), false);
        lab = new Lab(pki, null, new DrfSettings.Push(false, 0, "/openmcim/bootstrap", Duration.ofSeconds(2)), false,
                Duration.ofSeconds(5));
        Path cfgFile = tmp.resolve("icf.yaml");
        Files.writeString(cfgFile, org.openmcim.icf.IcfFixtures.icfYaml(freePort()) + org.openmcim.icf.IcfFixtures.adminYaml(freePort(), "pki"));
        IcfConfig cfg = IcfConfig.load(cfgFile);
        // The ICF serves the same store the DPF moves (the RO's store, as with store type hazelcast).
        icf = IcfServer.start(cfg, lab.icfStore, new SimpleMeterRegistry(), java.time.Clock.systemUTC(), new SecureRandom());
        admin = new AdminApi(cfg, lab.icfStore, icf.pcidRetirement(), new AdminApi.Origin("ro", "provisioning"),
                java.time.Clock.systemUTC(), new SecureRandom()).start(AdminApi.tls(cfg.admin().orElseThrow(), tmp));
    }

    @AfterAll
    static void tearDown() throws Exception {
        admin.close();
        icf.close();
        lab.close();
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void renewedPcidRidesWithTheMcimIsInstalledByTheTreAndReplacesTheOldOne() throws Exception {
        // The device, attached with its PCID (steps 1-5): the ICF's record and the TRE's pristine credential.
        lab.icfStore.insertAll(List.of(new Subscriber(OLD, SubscriberKind.PCID, AuthenticationFunctions.Algorithm.MILENAGE, K, OPC,
                new byte[] {(byte) 0x80, 0}, 0, CredentialState.ATTACHED, lab.clock.instant(), Duration.ofDays(30), "ro", "provisioning",
                null)));
        Tre tre = Tre.manufacture(tmp.resolve("tre"), "tre-0001", lab.tre, new McimCredential(OLD, K, OPC, new byte[] {(byte) 0x80, 0}, 0,
                "milenage", "provisioning", null), List.of(pki.root("sho1-root")), List.of(pki.root("ro-root")), new SecureRandom());

        // The RO renews the PCID (its lifetime is running out): a new PCID, stored, pending delivery; no keys in the answer.
        HttpClient ro = HttpClient.newBuilder().sslContext(TlsContexts.jdkClient(pki.credential("ro-admin"), List.of(pki.root("ro-root"))))
                .build();
        URI renewUri = URI.create("https://127.0.0.1:" + admin.address().getPort() + "/icf/v1/subscribers/" + OLD + "/renew");
        HttpResponse<String> renewed = ro.send(HttpRequest.newBuilder(renewUri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"lifetime\": \"P365D\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, renewed.statusCode(), renewed.body());
        String fresh = Lab.JSON.readTree(renewed.body()).path("renewal").path("imsi").asText();
        assertTrue(fresh.startsWith("001010") && fresh.length() == 15 && !fresh.equals(OLD), fresh);
        Subscriber stored = lab.icfStore.find(fresh).orElseThrow();
        assertTrue(!renewed.body().contains(HexFormat.of().formatHex(stored.k())), "the answer carries no key");
        assertEquals(fresh, lab.icfStore.pendingRenewal(OLD).orElseThrow());
        // Asked again (a retry after a lost answer): the same renewal, nothing new issued.
        HttpResponse<String> again = ro.send(HttpRequest.newBuilder(renewUri).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, again.statusCode(), again.body());
        assertEquals(fresh, Lab.JSON.readTree(again.body()).path("renewal").path("imsi").asText());

        // Steps 7-10 → 16-17: the package carries the MCIMobj and, beside it, the renewal.
        assertEquals(201, lab.register(lab.sho1Client, "sho1", OLD, "tre-0001").status());
        assertEquals(Drf.AttachOutcome.KEPT,
                lab.drf.attach(OLD, InetAddress.getLoopbackAddress(), lab.clock.instant()).get(10, TimeUnit.SECONDS));
        Lab.Answer pulled = lab.pull(lab.tre, OLD, lab.clock.instant());
        assertEquals(200, pulled.status(), String.valueOf(pulled.body()));
        String signed = pulled.body().path("bootstrap").asText();
        String nonce = new org.openmcim.wire.bootstrap.BootstrapCodec().verify(signed, List.of(pki.root("ro-root")), OLD,
                lab.clock.instant()).nonce();
        Lab.Answer got = lab.provision(lab.provisionBody(lab.tre, signed, nonce, Lab.FIRMWARE));
        assertEquals(200, got.status(), String.valueOf(got.body()));
        String objectId = got.body().path("objectId").asText();
        String renewal = got.body().path("pcidRenewal").asText(null);
        assertNotNull(renewal, "the DPF added the renewed PCID");
        assertTrue(!renewal.contains(HexFormat.of().formatHex(stored.k())), "sealed, not in clear");
        // A download again (after a lost answer) delivers the same package.
        assertEquals(renewal, lab.download(lab.tre, objectId).body().path("pcidRenewal").asText());

        // A renewal not for this object is refused and changes nothing (bound to the MCIMobj it rides with).
        Tre.InstallException wrong = assertThrows(Tre.InstallException.class, () -> tre.install(got.body().path("mcimObject").asText(),
                renewal.substring(0, renewal.length() - 8) + "AAAAAAAA", lab.clock.instant()));
        assertTrue(wrong.getMessage().startsWith("pcid-renewal"), wrong.getMessage());
        assertTrue(tre.pristine());
        assertEquals(OLD, tre.pcid().imsi());

        // Step 18: the TRE installs the MCIM and the renewed PCID together.
        tre.install(got.body().path("mcimObject").asText(), renewal, lab.clock.instant());
        assertEquals(fresh, tre.pcid().imsi());
        assertArrayEquals(stored.k(), tre.pcid().k());
        assertEquals("provisioning", tre.pcid().apn(), "the PCID's provisioning APN is kept");
        assertEquals(1, tre.slots().size());
        // Persisted together: a TRE opened again holds both.
        Tre reopened = Tre.open(tmp.resolve("tre"), lab.tre, List.of(pki.root("sho1-root")), List.of(pki.root("ro-root")),
                new SecureRandom());
        assertEquals(fresh, reopened.pcid().imsi());
        assertEquals(1, reopened.slots().size());
        // Until the device reports, the old PCID still works: nothing is taken away before the new one is in place.
        assertEquals(CredentialState.PROVISIONING, lab.icfStore.find(OLD).orElseThrow().state());

        // Steps 19-20: reported; the old PCID is replaced, the renewal no longer pending.
        assertEquals(200, lab.report(objectId, true, "installed").status());
        assertEquals(CredentialState.REPLACED, lab.icfStore.find(OLD).orElseThrow().state());
        assertTrue(lab.icfStore.pendingRenewal(OLD).isEmpty());
        assertEquals(CredentialState.ISSUED, lab.icfStore.find(fresh).orElseThrow().state());
        // The DRF's registration follows the renewal: same TRE and SHO under the new PCID, none under the old.
        var moved = lab.registry.find(fresh).orElseThrow(() -> new AssertionError("no DRF registration under the renewed PCID"));
        assertEquals("sho1", moved.shoId());
        assertEquals("tre-0001", moved.treId());
        assertTrue(lab.registry.find(OLD).isEmpty(), "the replaced PCID's registration is gone");

        // Later the device reverts to the pristine state (§5.1.3.7.4.3) and attaches with its PCID credential: the new one.
        tre.revertToPristine();
        assertTrue(tre.pristine());
        Usim usim = new Usim(Milenage.withOpc(tre.pcid().k(), tre.pcid().opc()), new SqnArray(SqnPolicy.DEFAULT));
        try (DiameterTestClient mme = new DiameterTestClient(icf.boundAddresses().get(0), "mme.localdomain", "localdomain")) {
            assertEquals(ResultCode.DIAMETER_SUCCESS, mme.exchange(mme.cer(ApplicationId.S6A)).resultCode());
            DiameterMessage aia = mme.exchange(mme.air(tre.pcid().imsi(), 1, VISITED, null));
            assertEquals(ResultCode.DIAMETER_SUCCESS, aia.resultCode());
            Avp v = aia.first(mme.d.avp("Authentication-Info")).grouped().get(0);
            Usim.Success ok = assertInstanceOf(Usim.Success.class,
                    usim.authenticate(v.child(mme.d.avp("RAND")).octetString(), v.child(mme.d.avp("AUTN")).octetString()));
            assertArrayEquals(v.child(mme.d.avp("XRES")).octetString(), ok.res());

            DiameterMessage refused = mme.exchange(mme.air(OLD, 1, VISITED, null));
            assertNotEquals(ResultCode.DIAMETER_SUCCESS, refused.resultCode());
            assertEquals(ExperimentalResultCode.DIAMETER_ERROR_UNKNOWN_EPS_SUBSCRIPTION, experimentalCode(refused));
        }
        // The ICF reports the new PCID attached (Gx): the DRF knows where it provisions (no "unregistered").
        assertEquals(Drf.AttachOutcome.KEPT,
                lab.drf.attach(fresh, InetAddress.getLoopbackAddress(), lab.clock.instant()).get(10, TimeUnit.SECONDS));
        Lab.Answer pulledAgain = lab.pull(lab.tre, fresh, lab.clock.instant());
        assertEquals(200, pulledAgain.status(), String.valueOf(pulledAgain.body()));
        // And the RO cannot renew a replaced PCID again.
        HttpResponse<String> replaced = ro.send(HttpRequest.newBuilder(renewUri).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(409, replaced.statusCode(), replaced.body());
        assertTrue(lab.count("dpf.pcid.renewal", "outcome", "added") >= 1);
    }

    /** A TRE that trusts no RO root (or a renewal signed by someone else) refuses the whole package. */
    @Test
    void treWithoutAnRoRootRefusesTheRenewalAndInstallsNothing() throws Exception {
        String pcid = "001010000000078";
        lab.icfStore.insertAll(List.of(new Subscriber(pcid, SubscriberKind.PCID, AuthenticationFunctions.Algorithm.MILENAGE, K, OPC,
                new byte[] {(byte) 0x80, 0}, 0, CredentialState.ATTACHED, lab.clock.instant(), null, "ro", "provisioning", null)));
        var fresh = new org.openmcim.store.batch.PcidIssuer(lab.icfStore, new SecureRandom(), java.time.Clock.systemUTC())
                .renew(pcid, "001010", Duration.ofDays(365), "ro", "provisioning", List.of());
        Tre tre = Tre.manufacture(tmp.resolve("tre-no-ro"), "tre-0001", lab.tre, new McimCredential(pcid, K, OPC,
                new byte[] {(byte) 0x80, 0}, 0, "milenage", "provisioning", null), List.of(pki.root("sho1-root")), new SecureRandom());
        assertEquals(201, lab.register(lab.sho1Client, "sho1", pcid, "tre-0001").status());
        lab.drf.attach(pcid, InetAddress.getLoopbackAddress(), lab.clock.instant()).get(10, TimeUnit.SECONDS);
        Lab.Answer pulled = lab.pull(lab.tre, pcid, lab.clock.instant());
        String signed = pulled.body().path("bootstrap").asText();
        String nonce = new org.openmcim.wire.bootstrap.BootstrapCodec().verify(signed, List.of(pki.root("ro-root")), pcid,
                lab.clock.instant()).nonce();
        Lab.Answer got = lab.provision(lab.provisionBody(lab.tre, signed, nonce, Lab.FIRMWARE));
        assertEquals(200, got.status(), String.valueOf(got.body()));
        Tre.InstallException e = assertThrows(Tre.InstallException.class, () -> tre.install(got.body().path("mcimObject").asText(),
                got.body().path("pcidRenewal").asText(), lab.clock.instant()));
        assertTrue(e.getMessage().startsWith("untrusted-signer"), e.getMessage());
        assertTrue(tre.pristine());
        assertEquals(pcid, tre.pcid().imsi());
        // The device reports the failure: the old PCID stays, the renewal stays pending for the next package.
        assertEquals(200, lab.report(got.body().path("objectId").asText(), false, e.getMessage()).status());
        assertEquals(fresh.imsi(), lab.icfStore.pendingRenewal(pcid).orElseThrow());
        assertNotEquals(CredentialState.REPLACED, lab.icfStore.find(pcid).orElseThrow().state());
    }
}
