package org.openmcim.bench;

import java.io.IOException;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.openmcim.config.ConfigNode;
import org.openmcim.dpf.DpfCommand;
import org.openmcim.dpf.DpfConfig;
import org.openmcim.dpf.DpfServer;
import org.openmcim.drf.DrfCommand;
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
import org.openmcim.store.cli.StoreRuntime;
import org.openmcim.wire.mcim.McimPart;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * The real provisioning services in one JVM on loopback, wired as their commands wire them: the PVA
 * ({@link PvaService}), one SHO ({@link ShoService} with its {@link McimIssuer} over an in-memory HSS
 * store and its {@link PvaClient}), and the RO's DRF and DPF started from YAML through
 * {@link DrfConfig}/{@link DpfConfig} and the commands' {@code launch} ({@link DrfCommand}, {@link DpfCommand}:
 * the configured store, then the server). Every hop is TLS 1.3
 * with the development PKI; operator hops are mutual TLS.
 *
 * <p>Then the SHO side of the business before any device shows up: for every pre-generated TRE the
 * SHO records a contract ({@code POST /sho/v1/contracts}, as its administrator) and registers the
 * PCID at the DRF ({@code POST /drf/v1/registrations}, mutual TLS with the SHO certificate).
 */
final class ProvisioningRig implements AutoCloseable {
    static final String MODEL = "meter-v1";
    static final String FIRMWARE = HexFormat.of().formatHex(sha256("firmware 1.0"));

    /** One device: PCID, TRE identity and platform credential, its certificate as the DPF wants it. */
    record Device(String pcid, String treId, Credential tre, String treCertificate) {
    }

    final DevelopmentPki pki;
    final PvaService pva;
    final ShoService sho;
    final DpfServer dpf;
    final DrfServer drf;
    final List<Device> devices = new ArrayList<>();
    private final List<AutoCloseable> extra = new ArrayList<>();

    /**
     * @param state {@code directory}: the DRF and DPF share {@code state-dir} under {@code work}, as the
     *              shipped configuration; {@code hazelcast}: each embeds a member of a two-member store
     *              cluster on loopback (backup count 1, H2 file database under {@code work})
     */
    ProvisioningRig(Path work, int workers, String state, TlsProvider tls, Clock clock, SecureRandom random, MeterRegistry meters)
            throws Exception {
        this.pki = DevelopmentPki.init(work.resolve("pki"), clock.instant().minus(Duration.ofDays(1)), random, false);
        String dir = pki.dir().toAbsolutePath().toString();

        // PVA: SHOs may ask (mutual TLS under sho1-root); reference values for the device model.
        PlatformValidation validation = new PlatformValidation(List.of(pki.root("supplier-root")), Duration.ofMinutes(10));
        validation.registerReference(MODEL, Map.of("firmware", FIRMWARE));
        this.pva = PvaService.start(new PvaService.Settings(new InetSocketAddress("127.0.0.1", 0), pki.credential("pva"),
                List.of(pki.root("sho1-root")), List.of(pki.root("pva-root")), Set.of("pva"), tls), validation, meters, clock);

        // SHO1 as ShoCommand.launch builds it, minus the embedded HSS's Diameter listener.
        Credential sho1 = pki.credential("sho1");
        McimIssuer issuer = new McimIssuer(new InMemoryCredentialStore(), "99970", "sho1", sho1, "internet", random, clock);
        PvaClient pvaClient = new PvaClient(URI.create("https://localhost:" + pva.address().getPort()), sho1, List.of(pki.root("pva-root")),
                clock, tls);
        List<McimPart> parts = List.of(new McimPart("app:meter-reading", McimPart.Kind.APPLICATION, false,
                "{\"app\":\"meter-reading\",\"version\":1,\"interval\":\"15m\"}".getBytes(StandardCharsets.UTF_8)));
        this.sho = ShoService.start(new ShoService.Settings("sho1", new InetSocketAddress("127.0.0.1", 0),
                new InetSocketAddress("127.0.0.1", 0), sho1, List.of(pki.root("ro-root")), List.of(pki.root("sho1-root")), Set.of("sho1"),
                List.of(pki.root("supplier-root")), Duration.ofHours(24), parts, Set.of("dpf"), Set.of("drf"), tls),
                issuer, pvaClient, (DrfClient) null, meters, clock, random);
        URI shoUrl = URI.create("https://localhost:" + sho.address().getPort());

        String[] storeSection = new String[2];
        if (state.equals("directory")) {
            storeSection[0] = storeSection[1] = "state-dir: " + work.resolve("ro-state").toAbsolutePath();
        } else if (state.equals("hazelcast")) {
            int[] ports = {freePort(), freePort()};
            java.nio.file.Files.writeString(work.resolve("kek.hex"), HexFormat.of().formatHex(random.generateSeed(32)));
            for (int i = 0; i < 2; i++) {
                java.nio.file.Files.writeString(work.resolve("store-" + i + ".yaml"), """
                        cluster: {name: bench-ro-%d, bind: 127.0.0.1, port: %d, members: ["127.0.0.1:%d", "127.0.0.1:%d"], backup-count: 1}
                        database: {url: "jdbc:h2:file:%s", pool-size: 4}
                        kek: {file: kek.hex}
                        """.formatted(ports[0], ports[i], ports[0], ports[1], work.resolve("db/store").toAbsolutePath()));
                storeSection[i] = "store: {type: hazelcast, config: store-" + i + ".yaml}";
            }
        } else {
            throw new IllegalArgumentException("--state: directory or hazelcast, got " + state);
        }
        StoreRuntime runtime = new StoreRuntime(System::getenv, clock, random, Map.of("hazelcast.logging.type", "none"));
        int dpfPort = freePort();
        DpfConfig dpfConfig = DpfConfig.from(ConfigNode.parse("bench-dpf.yaml", new StringReader("""
                listen: 127.0.0.1:%d
                tls: {certificate: %s/dpf.crt, key: %s/dpf.key, provider: %s}
                ro-roots: [%s/ro-root.crt]
                supplier-roots: [%s/supplier-root.crt]
                shos: [{id: sho1, url: "%s", root: %s/sho1-root.crt}]
                sho-timeout: 15s
                %s
                limits: {max-body: 65536, workers: %d, queue: 10000}
                """.formatted(dpfPort, dir, dir, tls.configName(), dir, dir, shoUrl, dir, storeSection[1], workers))), work);
        org.openmcim.dpf.StateStore.Serving<org.openmcim.dpf.DpfServer> dpfRun = DpfCommand.launch(dpfConfig, runtime, meters);
        extra.add(dpfRun);
        this.dpf = dpfRun.server();
        int[] drfPorts = {freePort(), freePort()};
        DrfConfig drfConfig = DrfConfig.from(ConfigNode.parse("bench-drf.yaml", new StringReader("""
                ro-id: ro
                device-listen: 127.0.0.1:%d
                operator-listen: 127.0.0.1:%d
                tls: {certificate: %s/drf.crt, key: %s/drf.key, provider: %s}
                bootstrap-signer: {certificate: %s/ro-bootstrap.crt, key: %s/ro-bootstrap.key}
                supplier-roots: [%s/supplier-root.crt]
                shos: [{id: sho1, name: Selected Home Operator 1, root: %s/sho1-root.crt}]
                bootstrap: {lifetime: 15m, apn: provisioning, pdn-type: ipv4, default-dpf-url: "https://localhost:%d/dpf/v1"}
                push: {enabled: false}
                non-3gpp-unauthenticated: true
                %s
                limits: {max-body: 16384, workers: %d, queue: 10000}
                """.formatted(drfPorts[0], drfPorts[1], dir, dir, tls.configName(), dir, dir, dir, dir, dpfPort, storeSection[0], workers))),
                work);
        org.openmcim.dpf.StateStore.Serving<org.openmcim.drf.DrfServer> drfRun = DrfCommand.launch(drfConfig, runtime, meters);
        extra.add(0, drfRun);
        this.drf = drfRun.server();
    }

    URI drfDevice() {
        return URI.create("https://localhost:" + drf.deviceAddress().getPort());
    }

    /**
     * Pre-generates {@code count} TREs (P-256 platform keys certified by the supplier root) and has the
     * SHO sign a contract for each; the PCID is registered at the DRF with the SHO's certificate here
     * (the rig's SHO has no DRF client, so the registration can name the rig's DPF port).
     */
    void enrol(int count, Clock clock, SecureRandom random) throws Exception {
        CertificateAuthority supplier = CertificateAuthority.of(pki.credential("supplier-root"), random);
        Credential sho1 = pki.credential("sho1");
        HttpClient toDrf = HttpClient.newBuilder().sslContext(TlsContexts.jdkClient(sho1, List.of(pki.root("ro-root"))))
                .version(HttpClient.Version.HTTP_1_1).build();
        HttpClient asAdmin = HttpClient.newBuilder().sslContext(TlsContexts.jdkClient(sho1, List.of(pki.root("sho1-root"))))
                .version(HttpClient.Version.HTTP_1_1).build();
        URI registrations = URI.create("https://localhost:" + drf.operatorAddress().getPort() + "/drf/v1/registrations");
        URI contracts = URI.create("https://localhost:" + sho.address().getPort() + "/sho/v1/contracts");
        String shoUrl = "https://localhost:" + sho.address().getPort();
        String dpfUrl = "https://localhost:" + dpf.address().getPort() + "/dpf/v1";
        for (int i = 0; i < count; i++) {
            String treId = String.format("tre-%06d", i);
            String pcid = String.format("00101%010d", i);
            Credential tre = supplier.issue(treId, CertificateAuthority.Usage.SIGNING, List.of(), List.of(), clock.instant(),
                    Duration.ofDays(365));
            X509Certificate cert = tre.certificate();
            devices.add(new Device(pcid, treId, tre, Base64.getEncoder().encodeToString(cert.getEncoded())));
            expect(201, post(asAdmin, contracts, "{\"treId\":\"" + treId + "\",\"pcid\":\"" + pcid + "\"}"), "contract");
            expect(201, post(toDrf, registrations, """
                    {"pcid":"%s","treId":"%s","shoId":"sho1","shoUrl":"%s","dpfUrl":"%s","applications":["meter-reading"]}"""
                    .formatted(pcid, treId, shoUrl, dpfUrl)), "registration");
        }
    }

    private static HttpResponse<String> post(HttpClient c, URI uri, String json) throws IOException, InterruptedException {
        return c.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json").timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void expect(int status, HttpResponse<String> r, String what) {
        if (r.statusCode() != status) {
            throw new IllegalStateException(what + " answered " + r.statusCode() + ": " + r.body());
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        sho.close();
        pva.close();
        for (AutoCloseable c : extra) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing at exit: nothing to do about it
            }
        }
    }
}
