package org.openmcim.drfdpf;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.openmcim.dpf.DirectoryRecords;
import org.openmcim.dpf.Dpf;
import org.openmcim.dpf.DpfSettings;
import org.openmcim.dpf.MemoryRecords;
import org.openmcim.dpf.NonceLedger;
import org.openmcim.dpf.PcidLifecycle;
import org.openmcim.dpf.Records;
import org.openmcim.dpf.SessionStore;
import org.openmcim.dpf.ShoClient;
import org.openmcim.icf.MutableClock;
import org.openmcim.wire.device.DeviceProof;
import org.openmcim.drf.Drf;
import org.openmcim.drf.DrfSettings;
import org.openmcim.drf.Registry;
import org.openmcim.http.JsonHttpServer;
import org.openmcim.pki.CertificateAuthority;
import org.openmcim.pki.Credential;
import org.openmcim.pki.DevelopmentPki;
import org.openmcim.pki.TlsContexts;
import org.openmcim.store.InMemoryCredentialStore;
import org.openmcim.wire.platform.PlatformAttestation;
import org.openmcim.wire.platform.PlatformAttestationCodec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The RO (DRF + DPF), two SHOs and a device, all real: TLS 1.3 over loopback, the development PKI,
 * real signatures. State in memory, or in directories when {@code stateDir} is given (restart tests).
 */
public final class Lab implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();
    public static final String FIRMWARE = HexFormat.of().formatHex(sha256("firmware 1.0"));
    public static final String PCID = "001010000000001";

    public final DevelopmentPki pki;
    public final MutableClock clock;
    public final SecureRandom random = new SecureRandom();
    public final CertificateAuthority supplier;
    public final Credential tre;
    public final TestSho sho1;
    public final TestSho sho2;
    public final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    /** The ICF's PCID credentials, which the DPF moves to PROVISIONING and RETIRED. */
    public final InMemoryCredentialStore icfStore = new InMemoryCredentialStore();
    public final Registry registry;
    public final NonceLedger ledger;
    public SessionStore sessions;
    public final Drf drf;
    public Dpf dpf;
    private final JsonHttpServer drfDevice;
    private final JsonHttpServer drfOperator;
    private JsonHttpServer dpfServer;
    private final Path stateDir;
    private final Duration shoTimeout;
    public final HttpClient device;
    public final HttpClient sho1Client;
    public final HttpClient sho2Client;

    public Lab(DevelopmentPki pki, Path stateDir, DrfSettings.Push push, boolean non3gpp, Duration shoTimeout) throws Exception {
        this.pki = pki;
        this.stateDir = stateDir;
        this.shoTimeout = shoTimeout;
        this.clock = new MutableClock(Instant.now());
        this.supplier = CertificateAuthority.of(pki.credential("supplier-root"), random);
        this.tre = supplier.issue("tre-0001", CertificateAuthority.Usage.SIGNING, List.of(), List.of(), clock.instant(), Duration.ofDays(365));
        Map<String, String> ref = Map.of("firmware", FIRMWARE);
        this.sho1 = new TestSho("sho1", pki, pki.root("supplier-root"), ref, clock);
        this.sho2 = new TestSho("sho2", pki, pki.root("supplier-root"), ref, clock);
        this.registry = new Registry(records("registry"));
        this.ledger = new NonceLedger(records("nonces-issued"), records("nonces-used"));
        DrfSettings ds = new DrfSettings("ro", Map.of("sho1", pki.root("sho1-root"), "sho2", pki.root("sho2-root")),
                Map.of("sho1", "Selected Home Operator 1"), List.of(pki.root("supplier-root")),
                URI.create("https://localhost:1/dpf/v1"), "provisioning", "ipv4", Duration.ofMinutes(15), Duration.ofHours(1),
                Duration.ofMinutes(2), non3gpp, push);
        this.drf = new Drf(ds, pki.credential("ro-bootstrap"), registry, ledger, clock, random, meters);
        this.drfDevice = drf.deviceRoutes(JsonHttpServer.builder("drf-device")
                .tls(TlsContexts.server(pki.credential("drf"), List.of(), false))).start(new InetSocketAddress("127.0.0.1", 0));
        this.drfOperator = drf.operatorRoutes(JsonHttpServer.builder("drf-operator")
                .tls(TlsContexts.server(pki.credential("drf"), List.of(pki.root("sho1-root"), pki.root("sho2-root")), true)))
                .start(new InetSocketAddress("127.0.0.1", 0));
        startDpf();
        this.device = client(null);
        this.sho1Client = client(pki.credential("sho1"));
        this.sho2Client = client(pki.credential("sho2"));
    }

    private Records records(String name) {
        return stateDir == null ? new MemoryRecords() : new DirectoryRecords(stateDir.resolve(name), random);
    }

    private ShoClient shoClient;

    /** (Re)starts the DPF process: new objects, same state directory. */
    public void startDpf() throws InterruptedException {
        this.sessions = new SessionStore(records("sessions"));
        NonceLedger dpfLedger = stateDir == null ? ledger : new NonceLedger(records("nonces-issued"), records("nonces-used"));
        DpfSettings s = new DpfSettings(List.of(pki.root("ro-root")), List.of(pki.root("supplier-root")),
                Map.of("sho1", new DpfSettings.Sho("sho1", sho1.url(), pki.root("sho1-root")),
                        "sho2", new DpfSettings.Sho("sho2", sho2.url(), pki.root("sho2-root"))),
                Duration.ofMinutes(2), new DpfSettings.RenewalSigner("ro", pki.credential("ro-bootstrap")));
        this.shoClient = new ShoClient(TlsContexts.client(pki.credential("dpf"), List.of(pki.root("sho1-root"), pki.root("sho2-root"))),
                Duration.ofSeconds(2), shoTimeout);
        this.dpf = new Dpf(s, dpfLedger, sessions, shoClient, PcidLifecycle.of(icfStore), clock, random, meters);
        dpf.followRenewalsIn(stateDir == null ? registry : new Registry(records("registry"))); // as DpfServer does
        this.dpfServer = dpf.routes(JsonHttpServer.builder("dpf").maxBody(64 * 1024)
                .tls(TlsContexts.server(pki.credential("dpf"), List.of(), false))).start(new InetSocketAddress("127.0.0.1", 0));
    }

    public void stopDpf() {
        dpfServer.close();
        shoClient.close();
    }

    public HttpClient client(Credential identity) {
        return HttpClient.newBuilder().sslContext(TlsContexts.jdkClient(identity, List.of(pki.root("ro-root"))))
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    public URI drfDevice(String path) {
        return URI.create("https://localhost:" + drfDevice.address().getPort() + path);
    }

    public URI drfOperator(String path) {
        return URI.create("https://localhost:" + drfOperator.address().getPort() + path);
    }

    public URI dpf(String path) {
        return URI.create("https://localhost:" + dpfServer.address().getPort() + path);
    }

    /** An answer: status and JSON body. */
    public record Answer(int status, JsonNode body) {
        public String error() {
            return body == null ? null : body.path("error").asText(null);
        }
    }

    public static Answer post(HttpClient c, URI uri, String body, String contentType) throws Exception {
        HttpResponse<String> r = c.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body().isEmpty() ? null : JSON.readTree(r.body()));
    }

    public static Answer post(HttpClient c, URI uri, Object body) throws Exception {
        return post(c, uri, JSON.writeValueAsString(body), "application/json");
    }

    public static Answer get(HttpClient c, URI uri) throws Exception {
        HttpResponse<String> r = c.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body().isEmpty() ? null : JSON.readTree(r.body()));
    }

    /** The SHO writes the registry entry (step 7's database). */
    public Answer register(HttpClient sho, String shoId, String pcid, String treId) throws Exception {
        Map<String, Object> b = new java.util.LinkedHashMap<>();
        b.put("pcid", pcid);
        if (treId != null) {
            b.put("treId", treId);
        }
        b.put("shoId", shoId);
        b.put("shoUrl", (shoId.equals("sho2") ? sho2 : sho1).url().toString());
        b.put("dpfUrl", dpf("/dpf/v1").toString());
        b.put("applications", List.of("meter-reading"));
        return post(sho, drfOperator("/drf/v1/registrations"), b);
    }

    /** The device pulls its bootstrap with a request signed by its platform key. */
    public Answer pull(Credential platform, String pcid, Instant at) throws Exception {
        String req = new DeviceProof().sign(DeviceProof.BOOTSTRAP, pcid, null, at, platform);
        return post(device, drfDevice("/drf/v1/bootstrap"), Map.of("request", req));
    }

    /** The body of step 10: bootstrap, nonce, platform attestation answering it, TRE certificate. */
    public Map<String, Object> provisionBody(Credential platform, String signedBootstrap, String nonce, String firmware) throws Exception {
        String treId = org.openmcim.wire.device.DeviceProof.commonName(platform.certificate());
        PlatformAttestation a = new PlatformAttestation(treId, "meter-v1", nonce, clock.instant(),
                List.of(new PlatformAttestation.Measurement("firmware", firmware)));
        return Map.of("nonce", nonce, "bootstrap", signedBootstrap, "platformAttestation", new PlatformAttestationCodec().sign(a, platform),
                "treCertificate", Base64.getEncoder().encodeToString(platform.certificate().getEncoded()));
    }

    public Answer provision(Map<String, Object> body) throws Exception {
        return post(device, dpf("/dpf/v1/provision"), body);
    }

    public Answer download(Credential platform, String objectId) throws Exception {
        String proof = new DeviceProof().sign(DeviceProof.DOWNLOAD, null, objectId, clock.instant(), platform);
        String b64 = Base64.getUrlEncoder().withoutPadding().encodeToString(proof.getBytes(StandardCharsets.UTF_8));
        return get(device, dpf("/dpf/v1/download?objectId=" + objectId + "&proof=" + b64));
    }

    /** Step 19 by the lab's TRE, with its signed device request. */
    public Answer report(String objectId, boolean success, String detail) throws Exception {
        return report(tre, objectId, success, detail);
    }

    public Answer report(Credential platform, String objectId, boolean success, String detail) throws Exception {
        return post(device, dpf("/dpf/v1/report"), Map.of("objectId", objectId, "success", success, "detail", detail,
                "proof", new DeviceProof().sign(DeviceProof.REPORT, null, objectId, clock.instant(), platform)));
    }

    public double count(String name, String... tags) {
        var c = meters.find(name).tags(tags);
        if (c.timer() != null) {
            return c.timer().count();
        }
        return c.counter() == null ? 0 : c.counter().count();
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
        drfDevice.close();
        drfOperator.close();
        dpfServer.close();
        drf.close();
        sho1.close();
        sho2.close();
    }
}
