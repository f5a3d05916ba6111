package org.openmcim.drfdpf;

import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.openmcim.http.JsonHttpServer;
import org.openmcim.pki.DevelopmentPki;
import org.openmcim.pki.TlsContexts;
import org.openmcim.pva.PlatformValidation;
import org.openmcim.sho.McimIssuer;
import org.openmcim.store.InMemoryCredentialStore;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A real SHO endpoint for the tests (the SHO's own HTTP service is written elsewhere): mutual TLS with
 * the SHO's certificate, trusting the RO root (the DPF's client certificate); the PVA's validation
 * core and the SHO's MCIM issuer behind {@code POST /sho/v1/provision} and {@code /sho/v1/report}.
 */
public final class TestSho implements AutoCloseable {
    public final String id;
    public final InMemoryCredentialStore hss = new InMemoryCredentialStore();
    public final PlatformValidation pva;
    public final McimIssuer issuer;
    public final Map<String, String> imsiByObject = new ConcurrentHashMap<>();
    public final List<JsonNode> reports = new CopyOnWriteArrayList<>();
    public final List<JsonNode> provisionRequests = new CopyOnWriteArrayList<>();
    /** Test knobs: answer slowly, or hand out the previous object again. */
    public volatile Duration delay = Duration.ZERO;
    public volatile boolean repeatLastObject;
    /** Test knob: refuse reports with 503, as an SHO in trouble would. */
    public volatile boolean failReports;
    private volatile Map<String, Object> last;
    private final JsonHttpServer server;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private final Clock clock;

    public TestSho(String id, DevelopmentPki pki, X509Certificate supplierRoot, Map<String, String> reference, Clock clock)
            throws InterruptedException {
        this.id = id;
        this.clock = clock;
        this.pva = new PlatformValidation(List.of(supplierRoot), Duration.ofMinutes(10));
        pva.registerReference("meter-v1", reference);
        this.issuer = new McimIssuer(hss, id.equals("sho1") ? "99970" : "99971", id, pki.credential(id), "internet", new SecureRandom(),
                clock);
        this.server = JsonHttpServer.builder(id)
                .tls(TlsContexts.server(pki.credential(id), List.of(pki.root("ro-root")), true))
                .route("POST", "/sho/v1/provision", this::provision)
                .route("POST", "/sho/v1/report", this::report)
                .start(new InetSocketAddress("127.0.0.1", 0));
    }

    public URI url() {
        return URI.create("https://localhost:" + server.address().getPort());
    }

    private JsonHttpServer.Response provision(JsonHttpServer.Request r) throws Exception {
        JsonNode b = JsonHttpServer.json(r);
        provisionRequests.add(b);
        if (!delay.isZero()) {
            Thread.sleep(delay.toMillis());
        }
        if (repeatLastObject && last != null) {
            return JsonHttpServer.Response.ok(last);
        }
        PlatformValidation.Verdict v = pva.validate(b.path("platformAttestation").asText(), b.path("nonce").asText(), clock.instant());
        Map<String, Object> out = new LinkedHashMap<>();
        if (!v.valid()) {
            // As sho-adapter's ShoService answers a negative PVA verdict (docs/sho-pva-api.md).
            return JsonHttpServer.Response.of(403, Map.of("error", "platform-invalid", "reason", v.reason().name(), "message", v.detail()));
        }
        out.put("verdict", Map.of("valid", v.valid(), "reason", v.reason().name(), "detail", v.detail()));
        {
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(b.path("treCertificate").asText())));
            McimIssuer.Issued issued = issuer.issue(v, b.path("treId").asText(), cert.getPublicKey(), b.path("operation").asText(), null,
                    new ArrayList<>());
            imsiByObject.put(issued.objectId(), issued.imsi());
            out.put("objectId", issued.objectId());
            out.put("mcimObject", issued.mcimObject());
            last = out;
        }
        return JsonHttpServer.Response.ok(out);
    }

    private JsonHttpServer.Response report(JsonHttpServer.Request r) {
        JsonNode b = JsonHttpServer.json(r);
        if (failReports) {
            throw new JsonHttpServer.HttpException(503, "unavailable", "try later");
        }
        String imsi = imsiByObject.get(b.path("objectId").asText());
        if (imsi == null) {
            throw new JsonHttpServer.HttpException(404, "unknown-object", "not ours");
        }
        reports.add(b);
        issuer.report(imsi, b.path("success").asBoolean());
        return JsonHttpServer.Response.ok(Map.of("acknowledged", true));
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.close(); // JsonHttpServer.close is not idempotent; a test may stop the SHO early
        }
    }
}
