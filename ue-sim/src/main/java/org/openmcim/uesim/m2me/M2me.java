package org.openmcim.uesim.m2me;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.openmcim.pki.Credential;
import org.openmcim.pki.TlsContexts;
import org.openmcim.uesim.tre.McimSlot;
import org.openmcim.uesim.tre.Tre;
import org.openmcim.wire.bootstrap.BootstrapCodec;
import org.openmcim.wire.bootstrap.BootstrapMessage;
import org.openmcim.wire.device.DeviceProof;
import org.openmcim.wire.jws.Jws;
import org.openmcim.wire.platform.PlatformAttestation;
import org.openmcim.wire.platform.PlatformAttestationCodec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The M2ME's provisioning application (TR 33.812 §5.1.3.6.2 steps 8-10, 17-19; §5.1.3.7.4.2 steps
 * 10-16): the device side of the DRF, DPF and old-SHO HTTP interfaces (docs/drf-dpf-api.md,
 * docs/sho-pva-api.md), over TLS to servers under the RO and SHO roots its TRE trusts. It never
 * decides anything the TRE decides: the MCIMobj is checked and opened only by {@link Tre#install}.
 *
 * <p>Every answer other than the expected one is a {@link ProvisioningException} carrying the
 * server's machine-readable reason, so a caller can tell "platform rejected" from "DPF down".
 */
public final class M2me {
    private final Tre tre;
    private final Credential platform;
    private final Settings settings;
    private final Clock clock;
    private final List<X509Certificate> trusted;
    private volatile HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    private final BootstrapCodec bootstraps = new BootstrapCodec();
    private final DeviceProof proofs = new DeviceProof();
    private final PlatformAttestationCodec attestations = new PlatformAttestationCodec();

    /**
     * @param drf          the DRF's device-facing base URL (e.g. {@code https://localhost:8441}); the DPF
     *                     URL comes from the bootstrap's PROVURL
     * @param roRoots      the RO roots: the DRF's and DPF's TLS certificates and the bootstrap signature
     * @param shoRoots     the SHO roots: the old SHO's device listener at operator change
     * @param model        the device model the PVA knows reference measurements for
     * @param measurements the TRE's integrity measurements (component → SHA-256 hex), as booted
     * @param timeout      per request
     */
    public record Settings(URI drf, List<X509Certificate> roRoots, List<X509Certificate> shoRoots, String model,
                           Map<String, String> measurements, Duration timeout) {
        public Settings {
            roRoots = List.copyOf(roRoots);
            shoRoots = List.copyOf(shoRoots);
            measurements = Map.copyOf(new LinkedHashMap<>(measurements));
        }
    }

    /** A refusal or failure on the way: HTTP status (0 when no answer came), reason and message. */
    public static final class ProvisioningException extends Exception {
        private final int status;
        private final String reason;

        public ProvisioningException(int status, String reason, String message) {
            super(reason + (message == null || message.isEmpty() ? "" : ": " + message));
            this.status = status;
            this.reason = reason;
        }

        public int status() {
            return status;
        }

        public String reason() {
            return reason;
        }
    }

    /** Step 8: a bootstrap whose RO signature the device verified. */
    public record Bootstrap(String signed, BootstrapMessage message, String path) {
    }

    /**
     * Step 17: the MCIMobj the DPF delivered, still sealed, and the RO-signed renewed PCID the DPF
     * added to the package, if any (TR §5.1.3.7.4.3 NOTE 2; null when none).
     */
    public record Download(URI dpf, String objectId, String sho, String mcimObject, String pcidRenewal) {
        /** A package without a renewed PCID. */
        public Download(URI dpf, String objectId, String sho, String mcimObject) {
            this(dpf, objectId, sho, mcimObject, null);
        }

        @Override
        public String toString() {
            return "Download[" + objectId + " from " + sho + "]";
        }
    }

    /** How long a pull answered "not-attached" is retried: see {@link #pullAttached}. */
    public static final java.time.Duration ATTACH_EVENT_GRACE = java.time.Duration.ofSeconds(5);

    public M2me(Tre tre, Credential platform, Settings settings, Clock clock) {
        this.tre = tre;
        this.platform = platform;
        this.settings = settings;
        this.clock = clock;
        List<X509Certificate> t = new ArrayList<>(settings.roRoots());
        t.addAll(settings.shoRoots());
        this.trusted = List.copyOf(t);
        this.http = newClient();
    }

    /** Server-authenticated TLS only: the device proves itself with TRE-signed requests, not certificates. */
    private HttpClient newClient() {
        return HttpClient.newBuilder().sslContext(TlsContexts.jdkClient(null, trusted)).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.timeout()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public Tre tre() {
        return tre;
    }

    /**
     * Step 8 by pull: asks the DRF for the bootstrap of {@code pcid}, proving possession of the TRE
     * platform key, and verifies the RO's signature, the PCID and the lifetime before trusting it.
     */
    public Bootstrap pullBootstrap(String pcid) throws ProvisioningException, InterruptedException {
        JsonNode a = pullAttached(pcid);
        String signed = text(a, "bootstrap");
        try {
            BootstrapMessage m = bootstraps.verify(signed, settings.roRoots(), pcid, clock.instant());
            return new Bootstrap(signed, m, a.path("path").asText(""));
        } catch (Jws.InvalidJwsException e) {
            throw new ProvisioningException(0, "bootstrap-" + e.reason(), "the DRF's bootstrap does not verify under the RO roots");
        }
    }

    /**
     * The device pulls as soon as its attach completes, but the DRF learns of the attach from the
     * ICF (step 6: the PGW's Gx CCR-I, then ICF → DRF over the network), which can arrive a moment
     * later: 24 devices through the lab saw two pulls overtake it. So "not-attached" is retried,
     * with a fresh signed request and a growing pause (100 ms to 800 ms), for at most
     * {@link #ATTACH_EVENT_GRACE} (or {@link Settings#timeout()} if shorter); every other refusal is
     * final at once.
     */
    private JsonNode pullAttached(String pcid) throws ProvisioningException, InterruptedException {
        long deadline = System.nanoTime() + Math.min(settings.timeout().toNanos(), ATTACH_EVENT_GRACE.toNanos());
        for (int attempt = 0; ; attempt++) {
            String request = proofs.sign(DeviceProof.BOOTSTRAP, pcid, null, clock.instant(), platform);
            try {
                return post(settings.drf().resolve("/drf/v1/bootstrap"), Map.of("request", request));
            } catch (ProvisioningException e) {
                long pause = 100L << Math.min(attempt, 3);
                if (!"not-attached".equals(e.reason()) || System.nanoTime() + pause * 1_000_000L > deadline) {
                    throw e;
                }
                Thread.sleep(pause);
            }
        }
    }

    /**
     * Step 10 → 17: platform validation info to the DPF named in PROVURL (an attestation signed by
     * the TRE over the bootstrap nonce), answered with the sealed MCIMobj.
     */
    public Download provision(Bootstrap b) throws ProvisioningException, InterruptedException {
        if (b.message().keepImsi()) {
            throw new ProvisioningException(0, "keep-imsi", "the PCID's SHO is the RO itself: the device keeps its IMSI");
        }
        List<PlatformAttestation.Measurement> ms = new ArrayList<>();
        settings.measurements().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> ms.add(new PlatformAttestation.Measurement(e.getKey(), e.getValue())));
        String nonce = b.message().nonce();
        String attestation = attestations.sign(new PlatformAttestation(tre.treId(), settings.model(), nonce, clock.instant(), ms), platform);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("nonce", nonce);
        body.put("bootstrap", b.signed());
        body.put("platformAttestation", attestation);
        body.put("treCertificate", der(platform.certificate()));
        URI dpf = b.message().provUrl();
        JsonNode a = post(under(dpf, "provision"), body);
        return new Download(dpf, text(a, "objectId"), a.path("sho").asText(""), text(a, "mcimObject"), a.path("pcidRenewal").asText(null));
    }

    /**
     * Step 17 again after a lost answer or a DPF restart: the same MCIMobj, to the same TRE only. A
     * resuming device starts on new connections: a kept-alive one to a DPF that has since restarted
     * may be half closed, and a request written on it can go unanswered until the timeout.
     */
    public Download fetchAgain(URI dpf, String objectId) throws ProvisioningException, InterruptedException {
        http = newClient();
        String proof = proofs.sign(DeviceProof.DOWNLOAD, null, objectId, clock.instant(), platform);
        String b64 = Base64.getUrlEncoder().withoutPadding().encodeToString(proof.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        JsonNode a = send(HttpRequest.newBuilder(URI.create(under(dpf, "download") + "?objectId=" + objectId + "&proof=" + b64)).GET());
        return new Download(dpf, text(a, "objectId"), a.path("sho").asText(""), text(a, "mcimObject"), a.path("pcidRenewal").asText(null));
    }

    /** Step 18: the TRE verifies, decrypts and installs (with a renewed PCID if the package has one); nothing changes if it refuses. */
    public McimSlot install(Download d) throws Tre.InstallException {
        return tre.install(d.mcimObject(), d.pcidRenewal(), clock.instant());
    }

    /** Step 19: the result, relayed by the DPF to the SHO (step 20). */
    public void report(Download d, boolean success, String detail) throws ProvisioningException, InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("objectId", d.objectId());
        body.put("success", success);
        body.put("detail", detail.length() > 512 ? detail.substring(0, 512) : detail);
        body.put("proof", proofs.sign(DeviceProof.REPORT, null, d.objectId(), clock.instant(), platform));
        post(under(d.dpf(), "report"), body);
    }

    /**
     * §5.1.3.7.4.2 steps 11-12: tells the old SHO (its device listener) that its MCIM will be
     * discarded, authorised by the TRE-signed token; returns the SHO-signed acknowledgement.
     */
    public String discardAt(URI oldShoDevice, String authorizationToken) throws ProvisioningException, InterruptedException {
        JsonNode a = post(oldShoDevice.resolve("/sho/v1/discard"), Map.of("treId", tre.treId(), "authorizationToken", authorizationToken));
        return text(a, "ack");
    }

    // ---------------------------------------------------------------- HTTP

    private static URI under(URI base, String leaf) {
        String s = base.toString();
        return URI.create(s.endsWith("/") ? s + leaf : s + "/" + leaf);
    }

    private JsonNode post(URI uri, Object body) throws ProvisioningException, InterruptedException {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(bytes)));
    }

    private JsonNode send(HttpRequest.Builder request) throws ProvisioningException, InterruptedException {
        HttpResponse<byte[]> r;
        try {
            r = http.send(request.timeout(settings.timeout()).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new ProvisioningException(0, "unreachable", e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
        JsonNode a;
        try {
            a = r.body().length == 0 ? null : json.readTree(r.body());
        } catch (IOException e) {
            a = null;
        }
        if (r.statusCode() / 100 != 2) {
            String reason = a != null && a.hasNonNull("error") ? a.get("error").asText() : "http-" + r.statusCode();
            String message = a != null && a.hasNonNull("message") ? a.get("message").asText() : "";
            throw new ProvisioningException(r.statusCode(), reason, message);
        }
        if (a == null || !a.isObject()) {
            throw new ProvisioningException(r.statusCode(), "bad-answer", "not a JSON object");
        }
        return a;
    }

    private static String text(JsonNode a, String field) throws ProvisioningException {
        JsonNode v = a.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new ProvisioningException(200, "bad-answer", "no " + field + " in the answer");
        }
        return v.asText();
    }

    private static String der(X509Certificate c) {
        try {
            return Base64.getEncoder().encodeToString(c.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The TRE's clock reading, for callers stamping their own log lines. */
    public Instant now() {
        return clock.instant();
    }
}
