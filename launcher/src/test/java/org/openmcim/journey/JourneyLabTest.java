package org.openmcim.journey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openmcim.pki.TlsContexts;
import org.openmcim.store.CredentialState;
import org.openmcim.uesim.Enb;
import org.openmcim.uesim.m2me.M2me;
import org.openmcim.uesim.transport.TransportKind;
import org.openmcim.uesim.tre.LifecycleState;
import org.openmcim.uesim.tre.McimSlot;
import org.openmcim.uesim.tre.Tre;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The whole journey of shared/DESIGN.md on real elements (issue #8's end-to-end tests): the shipped
 * configuration files, Debian's NextEPC MME/SGW/PGW through lab/lab.sh, the ICF relaying to two SHO
 * HSSes, DRF, DPF, PVA, real TLS everywhere, simulated devices with software USIMs and TREs. Each
 * test asserts the state the elements are left in, not only the device's view. Skipped only where
 * the lab cannot run (not root).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JourneyLabTest {
    static final Clock CLOCK = Clock.systemUTC();
    static final SecureRandom RANDOM = new SecureRandom();
    static final ObjectMapper JSON = new ObjectMapper();
    static Path repo;
    static DemoNetwork net;
    static Enb enb;
    static final AtomicLong S1AP_IDS = new AtomicLong(5000);
    static final List<String> LINES = new CopyOnWriteArrayList<>();
    /** PCIDs of this run: from the clock, so reruns against a long-lived store never collide. */
    static final long BASE = (System.currentTimeMillis() / 1000) % 100_000 * 100 + 50;
    static final AtomicLong NEXT = new AtomicLong();
    static JourneyCapture capture;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "the lab needs root");
        repo = Path.of("").toAbsolutePath();
        while (repo != null && !Files.exists(repo.resolve("lab/lab.sh"))) {
            repo = repo.getParent();
        }
        assumeTrue(repo != null, "no lab/lab.sh above the working directory");
        // Every interface on tape from before the first CER to the last detach (issue #8).
        capture = new JourneyCapture(Path.of("target", "journey-capture").toAbsolutePath(), repo);
        net = DemoNetwork.start(repo, CLOCK, RANDOM, LINES::add);
        enb = Enb.connect(new Enb.Config(DeviceJourney.PLMN, 0x3A, DeviceJourney.TAC, new byte[] {127, 0, 1, 3}), TransportKind.TCP_FRAMED,
                DemoNetwork.MME, Duration.ofSeconds(10), line -> { });
    }

    @AfterAll
    static void stop() {
        if (capture != null) {
            capture.close();
        }
        if (enb != null) {
            enb.close();
        }
        if (net != null) {
            net.close();
        }
    }

    static DeviceJourney device(int n) {
        long id = NEXT.incrementAndGet();
        return new DeviceJourney(n, String.format("00101%010d", BASE + id), net, enb, S1AP_IDS, CLOCK, RANDOM,
                repo.resolve(".work/test-journey/device-" + BASE + "-" + id), LINES::add);
    }

    static JsonNode registration(String sho, String pcid) throws Exception {
        HttpClient c = HttpClient.newBuilder().sslContext(TlsContexts.jdkClient(net.pki.credential(sho), List.of(net.pki.root("ro-root"))))
                .version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create("https://localhost:" + net.drf.operatorAddress().getPort()
                + "/drf/v1/registrations?pcid=" + pcid)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    /** Several devices at once through every step; then what each element holds afterwards. */
    @Test
    @Order(1)
    void wholeJourneyForSeveralDevices() throws Exception {
        List<DeviceJourney> devices = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            devices.add(device(i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<DeviceJourney.Outcome>> runs = new ArrayList<>();
        for (DeviceJourney d : devices) {
            runs.add(pool.submit(d::run));
            Thread.sleep(300);
        }
        for (Future<DeviceJourney.Outcome> f : runs) {
            DeviceJourney.Outcome o = f.get(180, TimeUnit.SECONDS);
            assertTrue(o.finished(), () -> o + "\n" + String.join("\n", LINES));
            assertTrue(o.mcim1().startsWith("99970"), o.mcim1());
            assertTrue(o.mcim2().startsWith("99971"), o.mcim2());
        }
        pool.shutdown();
        for (DeviceJourney d : devices) {
            // The RO: the PCID retired (TR step 20), the DRF records SHO2 as the device's SHO (§5.1.3.7.4.2 step 17).
            assertEquals(CredentialState.RETIRED, net.icfStore.find(d.pcid()).orElseThrow().state());
            JsonNode reg = registration("sho2", d.pcid());
            assertEquals("sho2", reg.path("shoId").asText());
            assertEquals("initial", reg.path("operation").asText());
            // The TRE: SHO2's MCIM in use, SHO1's retired; and so after a restart from its sealed store.
            Map<String, LifecycleState> bySho = new HashMap<>();
            for (McimSlot s : d.tre().slots()) {
                bySho.put(s.sho(), s.state());
            }
            assertEquals(Map.of("sho1", LifecycleState.RETIRED, "sho2", LifecycleState.ACTIVATED), bySho);
            Tre reopened = Tre.open(d.dir(), d.platform(), List.of(net.pki.root("sho1-root"), net.pki.root("sho2-root")), RANDOM);
            assertEquals(d.tre().slots().toString(), reopened.slots().toString());
            // The SHOs' HSSes: SHO2 serves the new MCIM; SHO1 keeps the old one through its grace period (IoT seed step 15 NOTE).
            String sho2Imsi = d.tre().active().orElseThrow().imsi();
            assertTrue(net.sho2.store().find(sho2Imsi).isPresent());
            String sho1Imsi = d.tre().slots().stream().filter(s -> s.sho().equals("sho1")).findFirst().orElseThrow().imsi();
            assertTrue(net.sho1.store().find(sho1Imsi).isPresent(), "kept until discard-grace has passed");
            assertEquals("mme.localdomain", net.sho2.store().servingNode(sho2Imsi).orElseThrow().host(),
                    "the relayed ULR recorded the visited MME at the home HSS");
        }
    }

    /** Steps 12-14 negative: the PVA finds the firmware altered; no MCIM anywhere, and the PCID still attaches. */
    @Test
    @Order(2)
    void platformThatFailsValidationGetsNoMcimAndKeepsItsPcid() throws Exception {
        DeviceJourney d = device(20);
        Map<String, String> tampered = new HashMap<>(DeviceJourney.MEASUREMENTS);
        tampered.put("firmware", "00" + tampered.get("firmware").substring(2));
        d.manufacture(tampered);
        d.contract();
        Enb.Attachment a = d.attachWithPcid();
        long sho1Subscribers = net.sho1.store().size();
        M2me.Bootstrap boot = d.bootstrap();
        M2me.ProvisioningException e = assertThrows(M2me.ProvisioningException.class, () -> d.m2me().provision(boot));
        assertEquals(403, e.status());
        assertEquals("platform-rejected", e.reason());
        assertTrue(e.getMessage().contains("measurement-mismatch"), e.getMessage());
        assertTrue(d.tre().pristine(), "nothing installed");
        assertEquals(sho1Subscribers, net.sho1.store().size(), "SHO1's HSS got no subscriber");
        d.detach(a, "PCID");
        // The PCID is still the device's way in: it attaches again (the DPF left it PROVISIONING, not RETIRED).
        assertEquals(CredentialState.PROVISIONING, net.icfStore.find(d.pcid()).orElseThrow().state());
        byte[][] keys = d.pcidKeys();
        d.detach(d.attach(d.pcid(), keys[0], keys[1], "provisioning"), "PCID");
    }

    /**
     * Step 17 interrupted: the DPF delivered the MCIMobj but the answer was lost and the DPF crashed.
     * After its restart the device fetches the same object again with a signed request, installs it
     * once, and reports; nothing was half-installed in between.
     */
    @Test
    @Order(3)
    void downloadInterruptedByADpfRestartResumes() throws Exception {
        DeviceJourney d = device(30);
        d.manufacture(DeviceJourney.MEASUREMENTS);
        d.contract();
        Enb.Attachment a = d.attachWithPcid();
        M2me.Download delivered = d.m2me().provision(d.bootstrap());
        net.restartDpf(CLOCK, RANDOM);
        assertTrue(d.tre().pristine(), "the lost answer installed nothing");
        M2me.Download again = d.m2me().fetchAgain(delivered.dpf(), delivered.objectId());
        assertEquals(delivered.mcimObject(), again.mcimObject(), "the same MCIMobj, not a second one");
        McimSlot slot = d.installAndReport(again);
        assertEquals(LifecycleState.ACTIVATED, d.tre().active().orElseThrow().state());
        assertEquals(slot.id(), delivered.objectId());
        M2me.ProvisioningException closed = assertThrows(M2me.ProvisioningException.class,
                () -> d.m2me().fetchAgain(delivered.dpf(), delivered.objectId()));
        assertEquals("session-closed", closed.reason());
        d.detach(a, "PCID");
        d.detach(d.attachWithActiveMcim(), "MCIM");
    }

    /**
     * IoT seed step 15 NOTE: the new operator's MCIM cannot attach (here SHO2 lost the subscriber);
     * after the configured time the TRE falls back to SHO1's MCIM, which SHO1 still serves within its
     * grace period, and the device attaches again.
     */
    @Test
    @Order(4)
    void newMcimThatCannotAttachFallsBackToThePreviousOne() throws Exception {
        DeviceJourney d = device(40);
        d.manufacture(DeviceJourney.MEASUREMENTS);
        d.contract();
        Enb.Attachment pcid = d.attachWithPcid();
        McimSlot sho1 = d.provision();
        d.detach(pcid, "PCID");
        Enb.Attachment onSho1 = d.attachWithActiveMcim();
        McimSlot sho2 = d.changeOperator("sho2");
        assertTrue(net.sho2.store().delete(sho2.imsi()), "SHO2's HSS loses the new subscriber");

        Exception refused = assertThrows(Exception.class, () -> d.switchTo(sho2, onSho1));
        assertTrue(refused.getMessage().contains(sho2.imsi()), refused.getMessage());
        assertEquals(sho2.id(), d.tre().active().orElseThrow().id(), "activated with a way back, not yet reverted");
        assertFalse(d.tre().fallbackIfDue(CLOCK.instant()), "not before the deadline");
        assertTrue(d.tre().fallbackIfDue(CLOCK.instant().plus(Duration.ofMinutes(6))));
        assertEquals(sho1.id(), d.tre().active().orElseThrow().id());
        assertEquals(LifecycleState.BLOCKED, d.tre().slots().stream().filter(s -> s.id().equals(sho2.id())).findFirst().orElseThrow().state());
        d.detach(d.attachWithActiveMcim(), "SHO1 MCIM after fallback");
    }

    /**
     * TR 33.812 §5.1.3.6.3: a device that reaches the RO over unauthenticated non-3GPP access (no
     * ICF, no attach event). The shipped DRF refuses it (policy off); a DRF configured with
     * {@code non-3gpp-unauthenticated: true} on the same state answers, the DPF and SHO1 provision
     * it, and the device's first 3GPP attach is already with its MCIM.
     */
    @Test
    @Order(5)
    void nonThreeGppUnauthenticatedPath() throws Exception {
        DeviceJourney d = device(50);
        Path work = repo.resolve(".work/test-journey");
        Files.createDirectories(work);
        String yaml = Files.readString(net.config("drf.yaml"))
                .replace("non-3gpp-unauthenticated: false", "non-3gpp-unauthenticated: true")
                .replace("127.0.0.1:8441", "127.0.0.1:8451").replace("127.0.0.1:8442", "127.0.0.1:8452")
                .replace("../.work/", repo.resolve(".work").toString() + "/");
        assertTrue(yaml.contains("non-3gpp-unauthenticated: true"), "the shipped drf.yaml names the policy");
        Path file = work.resolve("drf-non3gpp.yaml");
        Files.writeString(file, yaml);
        try (org.openmcim.drf.DrfServer open = org.openmcim.drf.DrfServer.start(org.openmcim.drf.DrfConfig.load(file), CLOCK, RANDOM,
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry())) {
            d.manufacture(DeviceJourney.MEASUREMENTS);
            d.contract();
            M2me.ProvisioningException refused = assertThrows(M2me.ProvisioningException.class, d::bootstrap);
            assertEquals("not-attached", refused.reason(), "the shipped DRF answers only PCIDs the ICF saw attached");

            DeviceJourney w = device(51);
            w.manufacture(DeviceJourney.MEASUREMENTS, URI.create("https://localhost:" + open.deviceAddress().getPort()));
            w.contract();
            M2me.Bootstrap boot = w.bootstrap();
            assertEquals("non-3gpp", boot.path());
            McimSlot slot = w.installAndReport(w.m2me().provision(boot));
            assertEquals("sho1", slot.sho());
            assertEquals(CredentialState.ISSUED, net.icfStore.find(w.pcid()).orElseThrow().state(),
                    "the PCID never attached: the ICF's record is untouched");
            w.detach(w.attachWithActiveMcim(), "MCIM");
        }
    }

    /**
     * Operator change by reverting to the pristine state (TR §5.1.3.7.4.3): a device provisioned by
     * SHO1 and attached with its MCIM is re-provisioned for SHO2 from scratch — the RO re-issues the
     * PCID, the TRE drops SHO1's MCIM, the PCID attaches again and SHO2's MCIM is installed.
     */
    @Test
    @Order(7)
    void revertToPristineThenProvisionForTheNewSho() throws Exception {
        DeviceJourney d = device(70);
        d.manufacture(DeviceJourney.MEASUREMENTS);
        d.contract();
        Enb.Attachment pcid = d.attachWithPcid();
        McimSlot sho1 = d.provision();
        d.detach(pcid, "PCID");
        assertEquals(CredentialState.RETIRED, net.icfStore.find(d.pcid()).orElseThrow().state());
        Enb.Attachment onSho1 = d.attachWithActiveMcim();

        Enb.Attachment onSho2 = d.revertToPristine("sho2", onSho1);
        McimSlot now = d.tre().active().orElseThrow();
        assertEquals("sho2", now.sho());
        assertTrue(now.imsi().startsWith("99971"), now.imsi());
        assertEquals(1, d.tre().slots().size(), "SHO1's MCIM is gone from the TRE: " + d.tre().slots());
        assertFalse(d.tre().slots().stream().anyMatch(s -> s.id().equals(sho1.id())));
        assertEquals(CredentialState.RETIRED, net.icfStore.find(d.pcid()).orElseThrow().state(), "retired again after the new MCIM");
        assertEquals("sho2", registration("sho2", d.pcid()).path("shoId").asText());
        d.detach(onSho2, "SHO2 MCIM");
    }

    /**
     * The PCID on WLAN access first (TS 33.402 EAP-AKA'): a 3GPP AAA server asks the journey's ICF
     * over SWx (MAR/SAR); the device's USIM accepts the challenge, RES equals XRES, and CK'/IK' are
     * the KDF of the USIM's CK/IK for the access network; the ICF records the AAA server. The same
     * USIM then attaches over LTE: the IND of each serving node keeps both SQN streams fresh.
     */
    @Test
    @Order(8)
    void eapAkaPrimeViaSwxThenLte() throws Exception {
        DeviceJourney d = device(60);
        d.manufacture(DeviceJourney.MEASUREMENTS);
        String nai = "6" + d.pcid() + "@nai.epc.mnc001.mcc001.3gppnetwork.org"; // TS 23.003 §19.3.2: '6' = EAP-AKA'
        try (org.openmcim.icf.DiameterTestClient aaa = new org.openmcim.icf.DiameterTestClient(
                new java.net.InetSocketAddress("127.0.0.4", 3868), "aaa.localdomain", "localdomain")) {
            org.openmcim.diameter.DiameterMessage cea = aaa.exchange(aaa.cer(org.openmcim.diameter.ApplicationId.SWX));
            assertEquals(org.openmcim.diameter.ResultCode.DIAMETER_SUCCESS, cea.resultCode(), "CER from the AAA server");
            org.openmcim.diameter.DiameterMessage maa = aaa.exchange(aaa.mar(nai, "EAP-AKA'", 1, "WLAN", null).build());
            assertEquals(org.openmcim.diameter.ResultCode.DIAMETER_SUCCESS, maa.resultCode());
            org.openmcim.diameter.Avp item = maa.first(aaa.d.avp("SIP-Auth-Data-Item"));
            byte[] challenge = item.child(aaa.d.avp("SIP-Authenticate")).octetString();
            byte[] rand = java.util.Arrays.copyOf(challenge, 16);
            byte[] autn = java.util.Arrays.copyOfRange(challenge, 16, 32);
            org.openmcim.aka.usim.Usim.Result r = d.pcidUsim().authenticate(rand, autn);
            assertTrue(r instanceof org.openmcim.aka.usim.Usim.Success, () -> "USIM: " + r);
            org.openmcim.aka.usim.Usim.Success ok = (org.openmcim.aka.usim.Usim.Success) r;
            org.junit.jupiter.api.Assertions.assertArrayEquals(ok.res(), item.child(aaa.d.avp("SIP-Authorization")).octetString());
            var keys = new org.openmcim.aka.kdf.Kdf().ckIkPrime(ok.ck(), ok.ik(), "WLAN", ok.sqnXorAk());
            org.junit.jupiter.api.Assertions.assertArrayEquals(keys.ckPrime(), item.child(aaa.d.avp("Confidentiality-Key")).octetString());
            org.junit.jupiter.api.Assertions.assertArrayEquals(keys.ikPrime(), item.child(aaa.d.avp("Integrity-Key")).octetString());
            assertEquals(org.openmcim.diameter.ResultCode.DIAMETER_SUCCESS, aaa.exchange(aaa.sar(nai, 1)).resultCode(), "SAR REGISTRATION");
            assertEquals("aaa.localdomain", net.icfStore.aaaServer(d.pcid()).orElseThrow().host());
        }
        d.detach(d.attachWithPcid(), "PCID after EAP-AKA'");
        assertEquals(CredentialState.ATTACHED, net.icfStore.find(d.pcid()).orElseThrow().state());
    }

    /**
     * Everything the tests above sent and received, dissected by tshark: S1AP/NAS, Diameter (S6a,
     * Gx, the relay legs), GTP-C of NextEPC, TLS of the provisioning interfaces; no malformed packet,
     * no expert error, and every interface present.
     */
    @Test
    @Order(100)
    void everyInterfaceDissectsCleanly() throws Exception {
        assumeTrue(JourneyCapture.available(), "dumpcap and tshark (Debian package tshark) are needed");
        Map<String, Integer> seen = capture.protocols();
        for (String p : List.of("s1ap", "nas-eps", "diameter", "gtpv2", "tls")) {
            assertTrue(seen.getOrDefault(p, 0) > 0, () -> "no " + p + " in " + capture.file() + ": " + seen);
        }
        List<String> problems = capture.problems();
        assertTrue(problems.isEmpty(), () -> problems.size() + " problem(s) in " + capture.file() + ":\n" + String.join("\n", problems));
    }
}
