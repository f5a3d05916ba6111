package org.openmcim.pva;

import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.openmcim.http.JsonHttpServer;
import org.openmcim.http.JsonHttpServer.HttpException;
import org.openmcim.http.JsonHttpServer.Request;
import org.openmcim.http.JsonHttpServer.Response;
import org.openmcim.pki.Credential;
import org.openmcim.pki.TlsContexts;
import org.openmcim.pki.TlsProvider;

import com.fasterxml.jackson.databind.JsonNode;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The Platform Validation Authority as an HTTPS service (TR 33.812 steps 12-14; IoT seed §2.6).
 * SHOs ask it over mutual TLS whether a TRE is authentic and intact and get a verdict signed with
 * the PVA credential; administrators register reference values and revoke platform credentials;
 * the TR's OCSP remark (§5.1.3.6.2, "with the PVA acting as a server") becomes a status endpoint.
 */
public final class PvaService implements AutoCloseable {
    /** Who may do what, with which credential the PVA signs, and the TLS stack of its listener ({@code tls.provider}). */
    public record Settings(InetSocketAddress listen, Credential identity, List<X509Certificate> shoRoots,
                           List<X509Certificate> adminRoots, Set<String> adminNames, TlsProvider tlsProvider, List<String> tlsGroups) {
        /** On the default provider (OpenSSL where it loads). */
        public Settings(InetSocketAddress listen, Credential identity, List<X509Certificate> shoRoots, List<X509Certificate> adminRoots,
                        Set<String> adminNames) {
            this(listen, identity, shoRoots, adminRoots, adminNames, TlsProvider.OPENSSL);
        }

        /** With the stack's default key-exchange groups. */
        public Settings(InetSocketAddress listen, Credential identity, List<X509Certificate> shoRoots, List<X509Certificate> adminRoots,
                        Set<String> adminNames, TlsProvider tlsProvider) {
            this(listen, identity, shoRoots, adminRoots, adminNames, tlsProvider, List.of());
        }

        public Settings {
            tlsGroups = List.copyOf(tlsGroups);
            shoRoots = List.copyOf(shoRoots);
            adminRoots = List.copyOf(adminRoots);
            adminNames = Set.copyOf(adminNames);
        }
    }

    private final Settings settings;
    private final PlatformValidation validation;
    private final PvaVerdictCodec verdicts = new PvaVerdictCodec();
    private final MeterRegistry registry;
    private final Clock clock;
    private final PlatformCredentialIssuer issuer;
    private final JsonHttpServer server;

    private PvaService(Settings settings, PlatformValidation validation, PlatformCredentialIssuer issuer, MeterRegistry registry, Clock clock)
            throws InterruptedException {
        this.settings = settings;
        this.validation = validation;
        this.issuer = issuer;
        this.registry = registry;
        this.clock = clock;
        List<X509Certificate> trusted = new ArrayList<>(settings.shoRoots());
        trusted.addAll(settings.adminRoots());
        this.server = JsonHttpServer.builder("pva").meters(registry)
                .tls(TlsContexts.server(settings.identity(), trusted, true, settings.tlsProvider().effective("pva"), settings.tlsGroups()))
                .route("POST", "/pva/v1/validate", this::validate)
                .route("POST", "/pva/v1/references", this::references)
                .route("POST", "/pva/v1/revocations", this::revoke)
                .route("GET", "/pva/v1/status", this::status)
                .route("POST", "/pva/v1/platform-credentials", this::renew)
                .start(settings.listen());
    }

    public static PvaService start(Settings settings, PlatformValidation validation, MeterRegistry registry, Clock clock)
            throws InterruptedException {
        return new PvaService(settings, validation, null, registry, clock);
    }

    /** @param issuer issues new platform credentials after a remote update; null: the endpoint answers 404 */
    public static PvaService start(Settings settings, PlatformValidation validation, PlatformCredentialIssuer issuer, MeterRegistry registry,
                                   Clock clock) throws InterruptedException {
        return new PvaService(settings, validation, issuer, registry, clock);
    }

    public InetSocketAddress address() {
        return server.address();
    }

    /** Steps 12-14: validate and answer with a signed verdict, whatever it is. */
    private Response validate(Request r) {
        PeerCheck.require(r, settings.shoRoots(), "SHOs", clock.instant());
        JsonNode b = JsonHttpServer.json(r);
        String attestation = text(b, "attestation");
        String nonce = text(b, "nonce");
        var now = clock.instant();
        PlatformValidation.Verdict v = validation.validate(attestation, nonce, now);
        count("pva_validations_total", "reason", v.reason().name().toLowerCase(Locale.ROOT));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("valid", v.valid());
        out.put("reason", reasonName(v.reason()));
        out.put("treId", v.treId());
        out.put("detail", v.detail());
        out.put("verdict", verdicts.sign(v, nonce, now, settings.identity()));
        return Response.ok(out);
    }

    /** Admin: reference measurements of a device model (what "intact" means for it). */
    private Response references(Request r) {
        PeerCheck.requireAdmin(r, settings.adminRoots(), settings.adminNames(), clock.instant());
        JsonNode b = JsonHttpServer.json(r);
        String model = text(b, "model");
        JsonNode comps = b.path("components");
        if (!comps.isObject() || comps.isEmpty()) {
            throw new HttpException(400, "bad-request", "components: an object of component → SHA-256 (hex)");
        }
        Map<String, String> m = new LinkedHashMap<>();
        var it = comps.fields();
        while (it.hasNext()) {
            var e = it.next();
            String h = e.getValue().asText("");
            if (!h.matches("[0-9a-fA-F]{64}")) {
                throw new HttpException(400, "bad-request", "components." + e.getKey() + ": 64 hex digits (SHA-256)");
            }
            m.put(e.getKey(), h.toLowerCase(Locale.ROOT));
        }
        validation.registerReference(model, m);
        count("pva_admin_total", "action", "reference");
        return Response.of(201, Map.of("model", model, "components", m.size()));
    }

    /** Admin: revoke a platform credential by certificate serial (hex). */
    private Response revoke(Request r) {
        PeerCheck.requireAdmin(r, settings.adminRoots(), settings.adminNames(), clock.instant());
        BigInteger serial = serial(text(JsonHttpServer.json(r), "serial"));
        validation.revoke(serial);
        count("pva_admin_total", "action", "revoke");
        return Response.of(201, Map.of("serial", serial.toString(16), "status", "revoked"));
    }

    /** OCSP-style status of a platform credential, for SHOs and administrators. */
    private Response status(Request r) {
        var now = clock.instant();
        if (!PeerCheck.chainsTo(r.peerCertificates(), settings.shoRoots(), now)) {
            PeerCheck.requireAdmin(r, settings.adminRoots(), settings.adminNames(), now);
        }
        List<String> q = r.query().get("serial");
        if (q == null || q.size() != 1) {
            throw new HttpException(400, "bad-request", "one serial=<hex> query parameter");
        }
        BigInteger serial = serial(q.get(0));
        return Response.ok(Map.of("serial", serial.toString(16), "status", validation.isRevoked(serial) ? "revoked" : "good"));
    }

    /**
     * IoT seed §2.6: a new platform credential after a remote update. Asked by an SHO on behalf of
     * the device it provides connectivity to (IoT seed §2.4, "connectivity services for the
     * attestation of the device with the help of the PVA").
     */
    private Response renew(Request r) {
        PeerCheck.require(r, settings.shoRoots(), "SHOs", clock.instant());
        if (issuer == null) {
            throw new HttpException(404, "not-issuing", "this PVA does not issue platform credentials (no issuing-ca configured)");
        }
        JsonNode b = JsonHttpServer.json(r);
        PlatformCredentialIssuer.Result res = issuer.renew(validation, text(b, "attestation"), text(b, "newPublicKey"),
                text(b, "keyProof"), clock.instant());
        count("pva_platform_credentials_total", "outcome", res.issued() ? "issued" : res.error());
        if (!res.issued()) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("error", res.error());
            out.put("message", res.error().equals("platform-invalid") ? res.verdict().detail() : "new key or its proof refused");
            if (res.verdict() != null) {
                out.put("reason", reasonName(res.verdict().reason()));
            }
            return Response.of(res.error().equals("platform-invalid") ? 403 : 400, out);
        }
        List<String> chain = new ArrayList<>();
        try {
            for (X509Certificate c : res.chain()) {
                chain.add(java.util.Base64.getEncoder().encodeToString(c.getEncoded()));
            }
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
        return Response.of(201, Map.of("treId", res.verdict().treId(), "chain", chain, "revokedSerial", res.revokedSerial()));
    }

    /** unknown-supplier, measurement-mismatch, ...: the wire form of a reason. */
    public static String reasonName(PlatformValidation.Reason reason) {
        return reason.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private void count(String name, String tag, String value) {
        Counter.builder(name).tag(tag, value).register(registry).increment();
    }

    static String text(JsonNode b, String field) {
        JsonNode n = b.get(field);
        if (n == null || !n.isTextual() || n.asText().isEmpty()) {
            throw new HttpException(400, "bad-request", field + ": a non-empty string is required");
        }
        return n.asText();
    }

    private static BigInteger serial(String hex) {
        if (!hex.matches("[0-9a-fA-F]{1,64}")) {
            throw new HttpException(400, "bad-request", "serial: 1-64 hex digits");
        }
        return new BigInteger(hex, 16);
    }

    @Override
    public void close() {
        server.close();
    }
}
