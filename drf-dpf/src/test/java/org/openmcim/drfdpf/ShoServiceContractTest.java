package org.openmcim.drfdpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
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
import java.util.Set;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openmcim.dpf.DpfConfig;
import org.openmcim.dpf.DpfServer;
import org.openmcim.drf.DrfConfig;
import org.openmcim.drf.DrfServer;
import org.openmcim.pki.CertificateAuthority;
import org.openmcim.pki.Credential;
import org.openmcim.pki.DevelopmentPki;
import org.openmcim.pki.TlsContexts;
import org.openmcim.pki.TlsProvider;
import org.openmcim.pva.PlatformValidation;
import org.openmcim.pva.PvaService;
import org.openmcim.sho.DrfClient;
import org.openmcim.sho.McimIssuer;
import org.openmcim.sho.PvaClient;
import org.openmcim.sho.ShoService;
import org.openmcim.store.InMemoryCredentialStore;
import org.openmcim.wire.bootstrap.BootstrapCodec;
import org.openmcim.wire.device.DeviceProof;
import org.openmcim.wire.mcim.McimCredential;
import org.openmcim.wire.mcim.McimObject;
import org.openmcim.wire.mcim.McimObjectCodec;
import org.openmcim.wire.platform.PlatformAttestation;
import org.openmcim.wire.platform.PlatformAttestationCodec;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The DPF against the real SHO service and the real PVA service (sho-adapter), not the test SHO: the
 * request the DPF sends is the one {@code ShoService} reads, and the SHO's refusal of a platform the
 * PVA rejects reaches the device as 403 platform-rejected. DRF and DPF from the shipped
 * configuration files, all over TLS 1.3 on loopback.
 */
class ShoServiceContractTest {
    @TempDir
    Path tmp;

    /**
     * On each TLS stack for every listener and every client of the operator hops (DPF→SHO and SHO→PVA
     * run {@code HttpsClient} on the configured {@code tls.provider}), as {@code MutualTlsTest} does for
     * the handshakes alone.
     */
    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void dpfProvisionsThroughTheShoAndPvaServices(TlsProvider tls) throws Exception {
        assumeTrue(tls != TlsProvider.OPENSSL || TlsProvider.openSslAvailable(), "BoringSSL does not load here");
        DevelopmentPki pki = DevelopmentPki.init(tmp.resolve(".work/pki"), Instant.now().minus(Duration.ofDays(1)), new SecureRandom(), false);
        Clock clock = Clock.systemUTC();
        SecureRandom random = new SecureRandom();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        PlatformValidation validation = new PlatformValidation(List.of(pki.root("supplier-root")), Duration.ofMinutes(10));
        validation.registerReference("meter-v1", Map.of("firmware", Lab.FIRMWARE));
        Credential sho1 = pki.credential("sho1");
        InMemoryCredentialStore hss = new InMemoryCredentialStore();
        List<AutoCloseable> open = new ArrayList<>();
        try {
            PvaService pva = PvaService.start(new PvaService.Settings(new InetSocketAddress("127.0.0.1", 0), pki.credential("pva"),
                    List.of(pki.root("sho1-root")), List.of(pki.root("pva-root")), Set.of("pva"), tls), validation, meters, clock);
            open.add(pva);
            ShoService sho = ShoService.start(new ShoService.Settings("sho1", new InetSocketAddress("127.0.0.1", 0),
                    new InetSocketAddress("127.0.0.1", 0), sho1, List.of(pki.root("ro-root")), List.of(pki.root("sho1-root")), Set.of("sho1"),
                    List.of(pki.root("supplier-root")), Duration.ofHours(24), List.of(), Set.of("dpf"), Set.of("drf"), tls),
                    new McimIssuer(hss, "99970", "sho1", sho1, "internet", random, clock),
                    new PvaClient(URI.create("https://localhost:" + pva.address().getPort()), sho1, List.of(pki.root("pva-root")), clock, tls),
                    (DrfClient) null, meters, clock, random);
            open.add(0, sho);
            String shoUrl = "https://localhost:" + sho.address().getPort();

            Path conf = Files.createDirectories(tmp.resolve("config"));
            Path repo = Path.of(System.getProperty("user.dir")).getParent();
            int[] ports = freePorts(3);
            Files.writeString(conf.resolve("drf.yaml"), Files.readString(repo.resolve("config/drf.yaml"))
                    .replace("127.0.0.1:8441", "127.0.0.1:" + ports[0]).replace("127.0.0.1:8442", "127.0.0.1:" + ports[1])
                    .replace("non-3gpp-unauthenticated: false", "non-3gpp-unauthenticated: true").replace("metrics: 127.0.0.1:9465", "")
                    .replace("provider: openssl", "provider: " + tls.configName()));
            Files.writeString(conf.resolve("dpf.yaml"), Files.readString(repo.resolve("config/dpf.yaml"))
                    .replace("127.0.0.1:8443", "127.0.0.1:" + ports[2]).replace("https://localhost:9443", shoUrl)
                    .replace("metrics: 127.0.0.1:9466", "").replace("provider: openssl", "provider: " + tls.configName()));
            DrfServer drf = DrfServer.start(DrfConfig.load(conf.resolve("drf.yaml")), clock, random, meters);
            open.add(0, drf);
            DpfServer dpf = DpfServer.start(DpfConfig.load(conf.resolve("dpf.yaml")), clock, random, meters);
            open.add(0, dpf);

            HttpClient asDrfClient = HttpClient.newBuilder().sslContext(TlsContexts.jdkClient(sho1, List.of(pki.root("ro-root"))))
                    .version(HttpClient.Version.HTTP_1_1).build();
            HttpClient asAdmin = HttpClient.newBuilder().sslContext(TlsContexts.jdkClient(sho1, List.of(pki.root("sho1-root"))))
                    .version(HttpClient.Version.HTTP_1_1).build();
            HttpClient device = HttpClient.newBuilder().sslContext(TlsContexts.jdkClient(null, List.of(pki.root("ro-root"))))
                    .version(HttpClient.Version.HTTP_1_1).build();
            CertificateAuthority supplier = CertificateAuthority.of(pki.credential("supplier-root"), random);
            URI dpfBase = URI.create("https://localhost:" + ports[2] + "/dpf/v1");

            // Two TREs with contracts at the SHO and registrations at the DRF; the second one's firmware differs.
            List<Credential> tres = new ArrayList<>();
            for (int i = 1; i <= 2; i++) {
                String treId = "tre-000" + i;
                tres.add(supplier.issue(treId, CertificateAuthority.Usage.SIGNING, List.of(), List.of(), clock.instant(), Duration.ofDays(30)));
                assertEquals(201, Lab.post(asAdmin, URI.create(shoUrl + "/sho/v1/contracts"), Map.of("treId", treId, "pcid", "00101000000000" + i)).status());
                Map<String, Object> reg = new LinkedHashMap<>();
                reg.put("pcid", "00101000000000" + i);
                reg.put("treId", treId);
                reg.put("shoId", "sho1");
                reg.put("shoUrl", shoUrl);
                reg.put("dpfUrl", dpfBase.toString());
                assertEquals(201, Lab.post(asDrfClient, URI.create("https://localhost:" + ports[1] + "/drf/v1/registrations"), reg).status());
            }

            Lab.Answer ok = provision(device, ports[0], dpfBase, "001010000000001", "tre-0001", tres.get(0), Lab.FIRMWARE, pki);
            assertEquals(200, ok.status(), String.valueOf(ok.body()));
            String objectId = ok.body().path("objectId").asText();
            McimObject m = new McimObjectCodec(random).open(ok.body().path("mcimObject").asText(), "tre-0001", tres.get(0).key(),
                    List.of(pki.root("sho1-root")), clock.instant());
            McimCredential c = McimCredential.fromJson(m.part("mcim").content());
            assertTrue(hss.find(c.imsi()).isPresent(), "the SHO service wrote the MCIM to its HSS store");
            Lab.Answer rep = Lab.post(device, URI.create(dpfBase + "/report"), Map.of("objectId", objectId, "success", true, "detail", "ok",
                    "proof", new org.openmcim.wire.device.DeviceProof().sign(org.openmcim.wire.device.DeviceProof.REPORT, null, objectId,
                            clock.instant(), tres.get(0))));
            assertEquals(200, rep.status(), String.valueOf(rep.body()));
            assertEquals("succeeded", rep.body().path("state").asText());

            // The PVA finds the firmware differs from the reference: the SHO answers 403 platform-invalid,
            // the device gets 403 platform-rejected with the PVA's reason, and nothing is issued.
            long before = hss.size();
            Lab.Answer bad = provision(device, ports[0], dpfBase, "001010000000002", "tre-0002", tres.get(1), "00".repeat(32), pki);
            assertEquals(403, bad.status(), String.valueOf(bad.body()));
            assertEquals("platform-rejected", bad.error());
            assertTrue(bad.body().path("message").asText().contains("measurement-mismatch"), bad.body().toString());
            assertEquals(before, hss.size());
        } finally {
            for (AutoCloseable c : open) {
                c.close();
            }
        }
    }

    /** Steps 8-10 and 16-17 as a device: signed pull from the DRF, then the provisioning request. */
    private static Lab.Answer provision(HttpClient device, int drfPort, URI dpfBase, String pcid, String treId, Credential tre, String firmware,
                                        DevelopmentPki pki) throws Exception {
        String pull = new DeviceProof().sign(DeviceProof.BOOTSTRAP, pcid, null, Instant.now(), tre);
        Lab.Answer pulled = Lab.post(device, URI.create("https://localhost:" + drfPort + "/drf/v1/bootstrap"), Map.of("request", pull));
        assertEquals(200, pulled.status(), String.valueOf(pulled.body()));
        String signed = pulled.body().path("bootstrap").asText();
        String nonce = new BootstrapCodec().verify(signed, List.of(pki.root("ro-root")), pcid, Instant.now()).nonce();
        PlatformAttestation a = new PlatformAttestation(treId, "meter-v1", nonce, Instant.now(),
                List.of(new PlatformAttestation.Measurement("firmware", firmware)));
        return Lab.post(device, URI.create(dpfBase + "/provision"), Map.of("nonce", nonce, "bootstrap", signed, "platformAttestation",
                new PlatformAttestationCodec().sign(a, tre), "treCertificate", Base64.getEncoder().encodeToString(tre.certificate().getEncoded())));
    }

    private static int[] freePorts(int n) throws Exception {
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
