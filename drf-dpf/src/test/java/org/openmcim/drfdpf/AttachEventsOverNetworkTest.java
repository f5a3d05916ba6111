package org.openmcim.drfdpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmcim.aka.AuthenticationFunctions.Algorithm;
import org.openmcim.diameter.ApplicationId;
import org.openmcim.diameter.DiameterMessage;
import org.openmcim.diameter.ResultCode;
import org.openmcim.drf.DrfConfig;
import org.openmcim.drf.DrfServer;
import org.openmcim.icf.DiameterTestClient;
import org.openmcim.icf.IcfServer;
import org.openmcim.icf.config.IcfConfig;
import org.openmcim.icf.drf.DrfAttachEvents;
import org.openmcim.pki.CertificateAuthority;
import org.openmcim.pki.Credential;
import org.openmcim.pki.DevelopmentPki;
import org.openmcim.pki.TlsContexts;
import org.openmcim.store.CredentialState;
import org.openmcim.store.InMemoryCredentialStore;
import org.openmcim.store.Subscriber;
import org.openmcim.store.SubscriberKind;
import org.openmcim.wire.bootstrap.BootstrapCodec;
import org.openmcim.wire.bootstrap.BootstrapMessage;
import org.openmcim.wire.device.DeviceProof;

import com.sun.net.httpserver.HttpServer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * TR 33.812 §5.1.3.6.2 step 6 with the ICF and the DRF as separate services in one JVM, over the
 * network path they use as separate processes: a PGW (the Diameter test client) sends Gx CCR-Initial to
 * a real {@link IcfServer}; its {@link DrfAttachEvents} posts "PCID attached at IP" over mutual TLS 1.3
 * (the development PKI's icf certificate) to a real {@link DrfServer}'s operator listener, which signs a
 * bootstrap and pushes it (step 8) to a device listener at that IP. Both are configured from YAML the
 * way {@code bin/openmcim icf} and {@code bin/openmcim drf} read it; every port is ephemeral.
 */
class AttachEventsOverNetworkTest {
    static final String[] PCIDS = {"001010000000101", "001010000000102", "001010000000103", "001010000000104", "001010000000105"};
    @TempDir
    static Path tmp;
    static DevelopmentPki pki;
    static Path conf;
    static Credential tre;

    final SimpleMeterRegistry icfMeters = new SimpleMeterRegistry();
    final SimpleMeterRegistry drfMeters = new SimpleMeterRegistry();
    final List<String> pushed = new CopyOnWriteArrayList<>();
    HttpServer device;
    DrfServer drf;
    DrfAttachEvents events;
    IcfServer icf;
    static int files;

    @BeforeAll
    static void pki() throws Exception {
        pki = DevelopmentPki.init(tmp.resolve("pki"), Instant.now().minus(Duration.ofDays(1)), new SecureRandom(), false);
        conf = Files.createDirectories(tmp.resolve("config"));
        tre = CertificateAuthority.of(pki.credential("supplier-root"), new SecureRandom())
                .issue("tre-0001", CertificateAuthority.Usage.SIGNING, List.of(), List.of(), Instant.now(), Duration.ofDays(30));
    }

    @AfterEach
    void stop() {
        // As the icf command stops: Diameter first, then the sender, then the DRF.
        if (icf != null) {
            icf.close();
        }
        if (events != null) {
            events.close();
        }
        if (drf != null) {
            drf.close();
        }
        if (device != null) {
            device.stop(0);
        }
    }

    // ---- the two services, from YAML ----

    /** The device's push listener (step 8): plain HTTP, the bootstrap is signed by the RO. */
    int deviceListener() throws IOException {
        device = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        device.createContext("/openmcim/bootstrap", x -> {
            pushed.add(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            x.sendResponseHeaders(204, -1);
            x.close();
        });
        device.start();
        return device.getAddress().getPort();
    }

    static Path write(String prefix, String yaml) throws IOException {
        Path p = conf.resolve(prefix + "-" + (++files) + ".yaml");
        Files.writeString(p, yaml);
        return p;
    }

    /** config/drf.yaml's shape, PCIDS registered statically to sho1 (so no registration races the first event). */
    DrfConfig drfConfig(int pushPort) throws IOException {
        StringBuilder regs = new StringBuilder();
        for (String p : PCIDS) {
            regs.append("  - {pcid: \"").append(p).append("\", sho-id: sho1, sho-url: \"https://localhost:8543\"}\n");
        }
        Path f = write("drf", """
                ro-id: ro
                device-listen: 127.0.0.1:1
                operator-listen: 127.0.0.1:2
                tls: {certificate: ../pki/drf.crt, key: ../pki/drf.key}
                bootstrap-signer: {certificate: ../pki/ro-bootstrap.crt, key: ../pki/ro-bootstrap.key}
                supplier-roots: [../pki/supplier-root.crt]
                shos:
                  - {id: sho1, name: Selected Home Operator 1, root: ../pki/sho1-root.crt}
                icf: {root: ../pki/ro-root.crt, names: [icf], max-clock-skew: 30s}
                bootstrap: {default-dpf-url: "https://localhost:8443/dpf/v1"}
                push: {enabled: true, port: %d, path: /openmcim/bootstrap, timeout: 2s}
                attach-validity: 1h
                state-dir: state-%d
                registrations:
                %s""".formatted(pushPort, files, regs));
        return DrfConfig.load(f);
    }

    /** The configuration with its listeners on the given ports (0: ephemeral). */
    static DrfConfig onPorts(DrfConfig c, int devicePort, int operatorPort) {
        return new DrfConfig(new InetSocketAddress("127.0.0.1", devicePort), new InetSocketAddress("127.0.0.1", operatorPort), c.tls(),
                c.signer(), c.settings(), c.state(), c.registrations(), c.limits(), Optional.empty(), c.tlsProvider(), c.icfAdmin());
    }

    void startDrf(int operatorPort) throws Exception {
        drf = DrfServer.start(onPorts(drfConfig(device == null ? deviceListener() : device.getAddress().getPort()), 0, operatorPort),
                Clock.systemUTC(), new SecureRandom(), drfMeters);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** An ICF answering Gx as pcrf.localdomain, posting to the DRF at {@code drfPort}; the PCIDs are in its store, attached. */
    void startIcf(int drfPort, Duration timeout, Credential identity) throws Exception {
        Path f = write("icf", """
                mode: icf
                identities:
                  - {host: pcrf.localdomain, realm: localdomain, listen: "127.0.0.1:%d", applications: [gx]}
                peers:
                  - {host: pgw.localdomain, realm: localdomain}
                imsi-ranges: ["00101"]
                subscription-profile:
                  apn: provisioning
                  pdn-type: ipv4
                  qci: 9
                  arp: {priority: 8, preemption-capability: false, preemption-vulnerability: true}
                  ambr: {uplink: 1000000, downlink: 1000000}
                limits: {max-in-flight: 100, worker-threads: 2, max-vectors-per-request: 5}
                drf:
                  url: https://127.0.0.1:%d
                  tls: {certificate: ../pki/icf.crt, key: ../pki/icf.key}
                  roots: [../pki/ro-root.crt]
                  queue: 100
                  retry: {initial: 50ms, max: 300ms}
                  timeout: %dms
                """.formatted(freePort(), drfPort, timeout.toMillis()));
        IcfConfig cfg = IcfConfig.load(f);
        // What IcfCommand does: the drf section's files relative to the configuration file.
        events = identity == null ? DrfAttachEvents.start(cfg.drf().orElseThrow(), f.getParent(), icfMeters, Clock.systemUTC())
                : DrfAttachEvents.start(DrfAttachEvents.Settings.of(cfg.drf().orElseThrow()),
                        TlsContexts.jdkClient(identity, List.of(pki.root("ro-root"))), icfMeters, Clock.systemUTC());
        InMemoryCredentialStore store = new InMemoryCredentialStore();
        Instant now = Instant.now();
        for (String p : PCIDS) {
            store.insertAll(List.of(new Subscriber(p, SubscriberKind.PCID, Algorithm.MILENAGE, new byte[16], new byte[16],
                    new byte[] {(byte) 0x80, 0}, 0, CredentialState.ISSUED, now.minus(Duration.ofDays(1)), Duration.ofDays(365), "chtif-test",
                    "provisioning", null)));
            store.transition(p, CredentialState.ATTACHED, now); // as the ULR left it
        }
        icf = IcfServer.start(cfg, store, icfMeters, Clock.systemUTC(), new SecureRandom(), events);
    }

    DiameterTestClient pgw() throws IOException {
        DiameterTestClient c = new DiameterTestClient(icf.boundAddresses().get(0), "pgw.localdomain", "localdomain");
        assertEquals(ResultCode.DIAMETER_SUCCESS, c.exchange(c.cer(ApplicationId.GX)).resultCode());
        return c;
    }

    static final byte[] LOOPBACK = {127, 0, 0, 1};

    // ---- helpers ----

    static double count(MeterRegistry m, String name, String... tags) {
        return m.find(name).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
    }

    static void await(BooleanSupplier done, String what) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    HttpClient client(Credential identity) {
        return HttpClient.newBuilder().sslContext(TlsContexts.jdkClient(identity, List.of(pki.root("ro-root"))))
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    URI operator() {
        return URI.create("https://localhost:" + drf.operatorAddress().getPort() + "/drf/v1/attach-events");
    }

    Lab.Answer pull(String pcid) throws Exception {
        String req = new DeviceProof().sign(DeviceProof.BOOTSTRAP, pcid, null, Instant.now(), tre);
        return Lab.post(client(null), URI.create("https://localhost:" + drf.deviceAddress().getPort() + "/drf/v1/bootstrap"),
                Map.of("request", req));
    }

    static String attached(String pcid, String ip, String apn, Instant at) {
        return "{\"event\":\"attached\",\"pcid\":\"" + pcid + "\",\"ip\":\"" + ip + "\",\"apn\":\"" + apn + "\",\"at\":\"" + at + "\"}";
    }

    static void assertRefused(int status, String reason, Lab.Answer a) {
        assertEquals(status, a.status(), String.valueOf(a.body()));
        assertEquals(reason, a.error(), String.valueOf(a.body()));
        assertTrue(a.body().hasNonNull("message"));
    }

    // ---- the tests ----

    /** CCR-I → the DRF pushes a bootstrap to the UE address and keeps it for a pull; CCR-T → the DRF forgets the address. */
    @Test
    void attachAndSessionEndCrossTheNetwork() throws Exception {
        startDrf(0);
        startIcf(drf.operatorAddress().getPort(), Duration.ofSeconds(5), null);
        String pcid = PCIDS[0];
        try (DiameterTestClient pgw = pgw()) {
            String sid = "pgw.localdomain;1;1;app_gx";
            assertEquals(ResultCode.DIAMETER_SUCCESS, pgw.exchange(pgw.ccrInitial(sid, pcid, LOOPBACK, "provisioning")).resultCode());
            await(() -> pushed.size() == 1, "the bootstrap pushed to the device at 127.0.0.1");
            BootstrapMessage b = new BootstrapCodec().verify(pushed.get(0), List.of(pki.root("ro-root")), pcid, Instant.now());
            assertEquals("sho1", b.sho().id());
            // The device may hear the push before the ICF has read the DRF's 202, or the DRF counted it.
            await(() -> count(icfMeters, "icf.drf.delivered", "event", "attached") == 1, "the ICF seeing the 202");
            await(() -> count(drfMeters, "drf.attach", "outcome", "pushed") == 1, "the DRF counting the push");
            assertEquals(1, drfMeters.get("drf.request").tags("endpoint", "attach-events", "outcome", "ok").timer().count());

            Lab.Answer a = pull(pcid);
            assertEquals(200, a.status(), String.valueOf(a.body()));
            assertEquals("attach", a.body().path("path").asText());
            assertEquals(pushed.get(0), a.body().path("bootstrap").asText(), "the pushed bootstrap is the one kept");

            DiameterMessage cca = pgw.exchange(pgw.gxRequest(sid, 3, 1).build());
            assertEquals(ResultCode.DIAMETER_SUCCESS, cca.resultCode());
            await(() -> count(drfMeters, "drf.session-ended", "outcome", "forgotten") == 1, "the DRF forgetting the address");
            await(() -> count(icfMeters, "icf.drf.delivered", "event", "session-ended") == 1, "the ICF seeing the 202");
            assertRefused(403, "not-attached", pull(pcid));
        }
        assertEquals(0, count(icfMeters, "icf.drf.dropped"));
    }

    /**
     * The DRF hangs, then is gone, then comes up: the PGW gets its CCAs at once all along, and the
     * events queued meanwhile reach the DRF once it listens.
     */
    @Test
    void drfDownThenUpAndTheCcaNeverWaits() throws Exception {
        deviceListener();
        int port;
        Duration timeout = Duration.ofSeconds(3);
        try (ServerSocket hung = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // Accepts TCP (the kernel's backlog) but never answers TLS: each attempt lasts the whole timeout.
            port = hung.getLocalPort();
            startIcf(port, timeout, null);
            try (DiameterTestClient pgw = pgw()) {
                for (int i = 1; i <= 2; i++) {
                    long t0 = System.nanoTime();
                    DiameterMessage cca = pgw.exchange(pgw.ccrInitial("pgw.localdomain;2;" + i, PCIDS[i], LOOPBACK, "provisioning"));
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    assertEquals(ResultCode.DIAMETER_SUCCESS, cca.resultCode());
                    assertTrue(ms < timeout.toMillis() / 2, "the CCA took " + ms + " ms while the DRF hangs");
                }
            }
            await(() -> icfMeters.get("icf.drf.retries").counter().count() >= 1, "a timed-out attempt");
        }
        assertEquals(0, count(icfMeters, "icf.drf.delivered"));
        Thread.sleep(400); // refused connections now: more retries, nothing lost
        startDrf(port);
        await(() -> count(icfMeters, "icf.drf.delivered", "event", "attached") == 2, "both events delivered after the DRF came up");
        await(() -> pushed.size() == 2, "both bootstraps pushed");
        assertEquals(0, count(icfMeters, "icf.drf.dropped"));
        await(() -> count(drfMeters, "drf.attach", "outcome", "pushed") == 2, "the DRF counting both pushes");
        assertEquals(200, pull(PCIDS[1]).status());
        assertEquals(200, pull(PCIDS[2]).status());
    }

    /** Only the ICF's certificate may post; other operators' certificates are refused with a reason, foreign ones at TLS. */
    @Test
    void onlyTheIcfMayPost() throws Exception {
        startDrf(0);
        String body = attached(PCIDS[3], "127.0.0.1", "provisioning", Instant.now());
        assertRefused(403, "unknown-icf", Lab.post(client(pki.credential("sho1")), operator(), body, "application/json"));
        // Under ro-root like the ICF, but the DPF.
        assertRefused(403, "unknown-icf", Lab.post(client(pki.credential("dpf")), operator(), body, "application/json"));
        CertificateAuthority rogue = CertificateAuthority.newRoot("rogue", Instant.now().minusSeconds(60), Duration.ofDays(1), new SecureRandom());
        Credential fakeIcf = rogue.issue("icf", CertificateAuthority.Usage.TLS, List.of("localhost"), List.of("127.0.0.1"), Instant.now(),
                Duration.ofDays(1));
        assertThrows(IOException.class, () -> Lab.post(client(fakeIcf), operator(), body, "application/json"));
        assertThrows(IOException.class, () -> Lab.post(client(null), operator(), body, "application/json"));
        assertEquals(0, count(drfMeters, "drf.attach"), "nothing acted upon");
        assertRefused(403, "not-attached", pull(PCIDS[3]));
        // The SHOs still register on the same listener.
        Lab.Answer reg = Lab.post(client(pki.credential("sho1")),
                URI.create("https://localhost:" + drf.operatorAddress().getPort() + "/drf/v1/registrations"),
                Map.of("pcid", "001010000000199", "shoId", "sho1", "shoUrl", "https://localhost:8543"));
        assertEquals(201, reg.status(), String.valueOf(reg.body()));
    }

    /** An ICF whose certificate the DRF does not accept keeps its events (a configuration to fix) and never delays a CCA. */
    @Test
    void refusedIcfKeepsRetrying() throws Exception {
        startDrf(0);
        startIcf(drf.operatorAddress().getPort(), Duration.ofSeconds(5), pki.credential("dpf"));
        try (DiameterTestClient pgw = pgw()) {
            assertEquals(ResultCode.DIAMETER_SUCCESS,
                    pgw.exchange(pgw.ccrInitial("pgw.localdomain;4;1", PCIDS[4], LOOPBACK, "provisioning")).resultCode());
        }
        await(() -> icfMeters.get("icf.drf.retries").counter().count() >= 2, "retries");
        assertTrue(drfMeters.get("drf.request").tags("endpoint", "attach-events", "outcome", "unknown-icf").timer().count() >= 2);
        assertEquals(0, count(icfMeters, "icf.drf.delivered"));
        assertEquals(0, count(icfMeters, "icf.drf.dropped"));
        icf.close();
        icf = null;
        events.close();
        assertEquals(1, count(icfMeters, "icf.drf.dropped", "reason", "shutdown"), "counted when the ICF stops, not lost silently");
    }

    /** Bad bodies: 4xx with a machine-readable reason, and nothing kept; a good one re-sent is taken once. */
    @Test
    void malformedEventsAreRefusedAndNothingIsKept() throws Exception {
        startDrf(0);
        HttpClient icfClient = client(pki.credential("icf"));
        String pcid = PCIDS[3];
        Instant now = Instant.now();
        assertRefused(400, "malformed-json", Lab.post(icfClient, operator(), "{not json", "application/json"));
        assertRefused(400, "malformed-json", Lab.post(icfClient, operator(), "[1]", "application/json"));
        assertRefused(415, "unsupported-media-type", Lab.post(icfClient, operator(), attached(pcid, "127.0.0.1", "provisioning", now),
                "text/plain"));
        for (String bad : List.of(
                attached("12345", "127.0.0.1", "provisioning", now),
                attached("00101000000010x", "127.0.0.1", "provisioning", now),
                attached(pcid, "localhost", "provisioning", now),
                attached(pcid, "127.0.0.256", "provisioning", now),
                attached(pcid, "0.0.0.0", "provisioning", now),
                attached(pcid, "127.0.0.1", "pro visioning", now),
                attached(pcid, "127.0.0.1", "provisioning", now).replace("\"at\":\"" + now + "\"", "\"at\":\"yesterday\""),
                attached(pcid, "127.0.0.1", "provisioning", now).replace("}", ",\"imei\":\"1\"}"),
                "{\"event\":\"detached\",\"pcid\":\"" + pcid + "\",\"at\":\"" + now + "\"}",
                "{\"pcid\":\"" + pcid + "\",\"at\":\"" + now + "\"}",
                "{\"event\":\"session-ended\",\"pcid\":\"" + pcid + "\",\"at\":5}")) {
            assertRefused(400, "malformed-event", Lab.post(icfClient, operator(), bad, "application/json"));
        }
        assertRefused(400, "clock-skew", Lab.post(icfClient, operator(), attached(pcid, "127.0.0.1", "provisioning",
                now.plus(Duration.ofHours(1))), "application/json"));
        assertRefused(409, "stale-event", Lab.post(icfClient, operator(), attached(pcid, "127.0.0.1", "provisioning",
                now.minus(Duration.ofHours(2))), "application/json"));
        assertRefused(405, "method-not-allowed", Lab.get(icfClient, operator()));
        String big = attached(pcid, "127.0.0.1", "provisioning", now).replace("}", ",\"x\":\"" + "a".repeat(20_000) + "\"}");
        Lab.Answer tooBig;
        try {
            tooBig = Lab.post(icfClient, operator(), big, "application/json");
            assertRefused(413, "too-large", tooBig);
        } catch (IOException e) {
            // The server may answer 413 and close before the JDK client finished uploading; either way nothing is kept.
        }
        assertEquals(0, count(drfMeters, "drf.attach"), "nothing acted upon");
        assertEquals(0, count(drfMeters, "drf.bootstrap.issued"));
        assertRefused(403, "not-attached", pull(pcid));

        String good = attached(pcid, "127.0.0.1", "provisioning", now);
        Lab.Answer first = Lab.post(icfClient, operator(), good, "application/json");
        assertEquals(202, first.status(), String.valueOf(first.body()));
        assertEquals("attached", first.body().path("event").asText());
        assertEquals(pcid, first.body().path("pcid").asText());
        await(() -> count(drfMeters, "drf.attach", "outcome", "pushed") == 1, "the push");
        // At-least-once delivery: the same event again changes nothing.
        assertEquals(202, Lab.post(icfClient, operator(), good, "application/json").status());
        await(() -> count(drfMeters, "drf.attach", "outcome", "duplicate") == 1, "the duplicate recognised");
        assertEquals(1, count(drfMeters, "drf.bootstrap.issued"), "one bootstrap for one attach");
        assertEquals(1, pushed.size(), "pushed once");
        assertEquals(200, pull(pcid).status());
    }
}
