package org.openmcim.drfdpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmcim.aka.AuthenticationFunctions;
import org.openmcim.dpf.DpfCommand;
import org.openmcim.dpf.DpfConfig;
import org.openmcim.drf.DrfCommand;
import org.openmcim.drf.DrfConfig;
import org.openmcim.pki.CertificateAuthority;
import org.openmcim.pki.Credential;
import org.openmcim.pki.DevelopmentPki;
import org.openmcim.pki.TlsContexts;
import org.openmcim.store.CredentialState;
import org.openmcim.store.Subscriber;
import org.openmcim.store.SubscriberKind;
import org.openmcim.store.cli.StoreRuntime;
import org.openmcim.store.config.StoreConfig;
import org.openmcim.store.hazelcast.StoreMember;
import org.openmcim.wire.bootstrap.BootstrapCodec;
import org.openmcim.wire.bootstrap.BootstrapMessage;
import org.openmcim.wire.device.DeviceProof;
import org.openmcim.wire.mcim.McimObjectCodec;
import org.openmcim.wire.platform.PlatformAttestation;
import org.openmcim.wire.platform.PlatformAttestationCodec;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * {@code store: {type: hazelcast}} in drf.yaml and dpf.yaml, through the commands' own launch path,
 * on a real three-member store cluster on loopback (the ICF's member, the DRF's, the DPF's; H2 file
 * database, backup count 1). The DPF is stopped between step 17 and step 19 — its member leaves the
 * cluster — and a new DPF process (new member, same configuration) serves the device's download of
 * the same MCIMobj from the session kept in the cluster; the nonce stays used; the DPF moves the
 * ICF's PCID record to PROVISIONING and RETIRED through its member. Nothing is written to a state
 * directory.
 */
class HazelcastStateTest {
    /** Shorter joins and waits so the test runs in seconds (Hazelcast cluster properties); nothing stubbed. */
    static final Map<String, String> FAST = Map.of(
            "hazelcast.wait.seconds.before.join", "0",
            "hazelcast.partition.count", "23",
            "hazelcast.max.no.heartbeat.seconds", "10",
            "hazelcast.heartbeat.interval.seconds", "1",
            "hazelcast.graceful.shutdown.max.wait", "20",
            "hazelcast.logging.type", "none");

    @TempDir
    Path tmp;

    @Test
    void dpfRestartMidDownloadWithSessionsInTheCluster() throws Exception {
        DevelopmentPki pki = DevelopmentPki.init(tmp.resolve(".work/pki"), Instant.now().minus(Duration.ofDays(1)), new SecureRandom(), false);
        Path conf = Files.createDirectories(tmp.resolve("config"));
        Path repo = Path.of(System.getProperty("user.dir")).getParent();
        int[] ports = freePorts(6);
        List<String> members = List.of("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1], "127.0.0.1:" + ports[2]);
        Files.writeString(conf.resolve("kek.hex"), "00112233445566778899aabbccddeeff".repeat(2));
        String[] names = {"icf", "drf", "dpf"};
        for (int i = 0; i < 3; i++) {
            Files.writeString(conf.resolve("store-" + names[i] + ".yaml"), """
                    cluster: {name: ro-%d, bind: 127.0.0.1, port: %d, members: [%s], backup-count: 1}
                    database: {url: "jdbc:h2:file:%s", pool-size: 2}
                    kek: {file: kek.hex}
                    """.formatted(ports[0], ports[i], String.join(", ", members), tmp.resolve("db/store").toAbsolutePath()));
        }
        StoreRuntime runtime = new StoreRuntime(System::getenv, Clock.systemUTC(), new SecureRandom(), FAST);
        String pcid = "001010000000077";
        Credential tre = CertificateAuthority.of(pki.credential("supplier-root"), new SecureRandom())
                .issue("tre-0077", CertificateAuthority.Usage.SIGNING, List.of(), List.of(), Instant.now(), Duration.ofDays(30));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        List<AutoCloseable> open = new ArrayList<>();
        try (TestSho sho1 = new TestSho("sho1", pki, pki.root("supplier-root"), Map.of("firmware", Lab.FIRMWARE), Clock.systemUTC())) {
            // The ICF's member, holding the PCID as the ICF left it after the attach (steps 1-5).
            StoreMember icf = runtime.join(StoreConfig.load(conf.resolve("store-icf.yaml")), conf.resolve("store-icf.yaml"));
            open.add(icf);
            icf.store().insertAll(List.of(new Subscriber(pcid, SubscriberKind.PCID, AuthenticationFunctions.Algorithm.MILENAGE, new byte[16],
                    new byte[16], new byte[] {(byte) 0x80, 0}, 0, CredentialState.ATTACHED, Instant.now(), null, "chtif", "provisioning", null)));

            String store = "store:\n  type: hazelcast\n  config: store-%s.yaml\n";
            String drfYaml = Files.readString(repo.resolve("config/drf.yaml"))
                    .replaceAll("(?ms)^store:.*?^state-dir:[^\n]*\n", store.formatted("drf"))
                    .replace("127.0.0.1:8441", "127.0.0.1:" + ports[3]).replace("127.0.0.1:8442", "127.0.0.1:" + ports[4])
                    .replace("non-3gpp-unauthenticated: false", "non-3gpp-unauthenticated: true").replace("metrics: 127.0.0.1:9465", "");
            String dpfYaml = Files.readString(repo.resolve("config/dpf.yaml"))
                    .replaceAll("(?ms)^store:.*?^state-dir:[^\n]*\n", store.formatted("dpf"))
                    .replace("127.0.0.1:8443", "127.0.0.1:" + ports[5]).replace("https://localhost:9443", sho1.url().toString())
                    .replace("metrics: 127.0.0.1:9466", "");
            Files.writeString(conf.resolve("drf.yaml"), drfYaml);
            Files.writeString(conf.resolve("dpf.yaml"), dpfYaml);
            DrfConfig drfConfig = DrfConfig.load(conf.resolve("drf.yaml"));
            DpfConfig dpfConfig = DpfConfig.load(conf.resolve("dpf.yaml"));

            org.openmcim.dpf.StateStore.Serving<org.openmcim.drf.DrfServer> drf = DrfCommand.launch(drfConfig, runtime, meters);
            open.add(0, drf);
            org.openmcim.dpf.StateStore.Serving<org.openmcim.dpf.DpfServer> dpf = DpfCommand.launch(dpfConfig, runtime, meters);
            open.add(0, dpf);
            assertEquals(3, icf.hazelcast().getCluster().getMembers().size(), "ICF, DRF and DPF members in one cluster");

            URI dpfBase = URI.create("https://localhost:" + ports[5] + "/dpf/v1");
            HttpClient asSho = HttpClient.newBuilder().sslContext(TlsContexts.jdkClient(pki.credential("sho1"), List.of(pki.root("ro-root"))))
                    .version(HttpClient.Version.HTTP_1_1).build();
            HttpClient device = HttpClient.newBuilder().sslContext(TlsContexts.jdkClient(null, List.of(pki.root("ro-root"))))
                    .version(HttpClient.Version.HTTP_1_1).build();
            Map<String, Object> reg = new LinkedHashMap<>();
            reg.put("pcid", pcid);
            reg.put("treId", "tre-0077");
            reg.put("shoId", "sho1");
            reg.put("shoUrl", sho1.url().toString());
            reg.put("dpfUrl", dpfBase.toString());
            assertEquals(201, Lab.post(asSho, URI.create("https://localhost:" + ports[4] + "/drf/v1/registrations"), reg).status());

            String pull = new DeviceProof().sign(DeviceProof.BOOTSTRAP, pcid, null, Instant.now(), tre);
            Lab.Answer pulled = Lab.post(device, URI.create("https://localhost:" + ports[3] + "/drf/v1/bootstrap"), Map.of("request", pull));
            assertEquals(200, pulled.status(), String.valueOf(pulled.body()));
            String signed = pulled.body().path("bootstrap").asText();
            BootstrapMessage boot = new BootstrapCodec().verify(signed, List.of(pki.root("ro-root")), pcid, Instant.now());
            Map<String, Object> provision = provisionBody(tre, signed, boot.nonce());
            Lab.Answer got = Lab.post(device, URI.create(dpfBase + "/provision"), provision);
            assertEquals(200, got.status(), String.valueOf(got.body()));
            String objectId = got.body().path("objectId").asText();
            String object = got.body().path("mcimObject").asText();
            assertEquals(CredentialState.PROVISIONING, icf.store().find(pcid).orElseThrow().state(),
                    "the DPF reached the ICF's PCID record through its member");
            assertTrue(icf.hazelcast().getMap("openmcim-sessions").containsKey(objectId), "the session is in the cluster");

            // The answer is lost and the DPF process goes away: its member leaves, the partitions move.
            open.remove(dpf);
            dpf.close();
            // The other members learn of the departure a moment later (membership is propagated asynchronously).
            for (long until = System.nanoTime() + 10_000_000_000L; icf.hazelcast().getCluster().getMembers().size() > 2
                    && System.nanoTime() < until; ) {
                Thread.sleep(50);
            }
            assertEquals(2, icf.hazelcast().getCluster().getMembers().size(), "the DPF's member left");
            dpf = DpfCommand.launch(dpfConfig, runtime, meters);
            open.add(0, dpf);

            String proof = new DeviceProof().sign(DeviceProof.DOWNLOAD, null, objectId, Instant.now(), tre);
            Lab.Answer again = Lab.get(device, URI.create(dpfBase + "/download?objectId=" + objectId + "&proof="
                    + Base64.getUrlEncoder().withoutPadding().encodeToString(proof.getBytes(StandardCharsets.UTF_8))));
            assertEquals(200, again.status(), String.valueOf(again.body()));
            assertEquals(object, again.body().path("mcimObject").asText(), "the same MCIMobj, not a new one");
            new McimObjectCodec(new SecureRandom()).open(object, "tre-0077", tre.key(), List.of(pki.root("sho1-root")), Instant.now());
            assertEquals(1, sho1.provisionRequests.size(), "the SHO was not asked twice");

            Lab.Answer replay = Lab.post(device, URI.create(dpfBase + "/provision"), provision);
            assertEquals(409, replay.status(), String.valueOf(replay.body()));
            assertEquals("replayed-nonce", replay.error());

            Lab.Answer rep = Lab.post(device, URI.create(dpfBase + "/report"), Map.of("objectId", objectId, "success", true, "detail", "ok",
                    "proof", new DeviceProof().sign(DeviceProof.REPORT, null, objectId, Instant.now(), tre)));
            assertEquals(200, rep.status(), String.valueOf(rep.body()));
            assertEquals("succeeded", rep.body().path("state").asText());
            assertEquals(CredentialState.RETIRED, icf.store().find(pcid).orElseThrow().state());

            // §5.1.3.7.4.3 steps 1-2: the SHO orders a revert to the pristine state; the RO's DRF
            // re-issues the PCID in the ICF's store through its own member, so it authenticates again.
            Map<String, Object> revert = new LinkedHashMap<>(reg);
            revert.put("operation", "revert-to-pristine");
            assertEquals(200, Lab.post(asSho, URI.create("https://localhost:" + ports[4] + "/drf/v1/registrations"), revert).status(),
                    "the PCID's registration replaced");
            assertEquals(CredentialState.ISSUED, icf.store().find(pcid).orElseThrow().state(), "the DRF re-issued the retired PCID");
            assertFalse(Files.exists(tmp.resolve(".work/ro-state")), "nothing in a state directory");
        } finally {
            for (AutoCloseable c : open) {
                c.close();
            }
        }
    }

    private static Map<String, Object> provisionBody(Credential tre, String signedBootstrap, String nonce) throws Exception {
        PlatformAttestation a = new PlatformAttestation("tre-0077", "meter-v1", nonce, Instant.now(),
                List.of(new PlatformAttestation.Measurement("firmware", Lab.FIRMWARE)));
        return Map.of("nonce", nonce, "bootstrap", signedBootstrap, "platformAttestation", new PlatformAttestationCodec().sign(a, tre),
                "treCertificate", Base64.getEncoder().encodeToString(tre.certificate().getEncoded()));
    }

    static int[] freePorts(int n) throws Exception {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
    }
}
