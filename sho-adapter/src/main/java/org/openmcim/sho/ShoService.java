package org.openmcim.sho;

import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

import org.openmcim.http.JsonHttpServer;
import org.openmcim.http.JsonHttpServer.HttpException;
import org.openmcim.http.JsonHttpServer.Request;
import org.openmcim.http.JsonHttpServer.Response;
import org.openmcim.pki.Credential;
import org.openmcim.pki.TlsContexts;
import org.openmcim.pki.TlsProvider;
import org.openmcim.pva.PeerCheck;
import org.openmcim.pva.PlatformValidation;
import org.openmcim.pva.PvaService;
import org.openmcim.wire.jws.Jws;
import org.openmcim.wire.bootstrap.BootstrapMessage;
import org.openmcim.wire.mcim.McimPart;
import org.openmcim.wire.platform.PlatformAttestationCodec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The Selected Home Operator as an HTTPS service (TR 33.812 steps 11-16 and 20, operator change
 * §5.1.3.7.4.2/.3). Two listeners: the operator listener (mutual TLS: the RO's DPF/DRF, the SHO's
 * administrators) and the device listener (server-authenticated TLS only), because the discard
 * message of §5.1.3.7.4.2 step 11 comes from the M2ME, which authenticates with the token, not with
 * a TLS certificate.
 *
 * <p>Contracts, issued objects and pending withdrawals live in this instance (not in the HSS
 * store); the MCIM credentials themselves live in the HSS store the issuer writes to.
 */
public final class ShoService implements AutoCloseable {
    public static final String DISCARD_ACK_TYPE = "openmcim-discard-ack+json";
    public static final String REVERT_TYPE = "openmcim-revert+json";
    /** Compiled once: {@code String.matches} and {@code replaceAll} compile their pattern on every call, i.e. on every request. */
    private static final Pattern PCID = Pattern.compile("[0-9]{14,15}");
    private static final Pattern PEM_ARMOUR = Pattern.compile("-----(BEGIN|END) CERTIFICATE-----");
    private static final Pattern WHITESPACE = Pattern.compile("\\s");

    /**
     * Identity, listeners, who may do what, and the grace period before an old SHO withdraws. The RO
     * root certifies the DRF, DPF, CHTIF and others alike: {@code dpfNames} / {@code drfNames}
     * (certificate CNs) say which of them is the DPF and the DRF. {@code tlsProvider} is the TLS stack
     * of both listeners ({@code tls.provider}) and {@code tlsGroups} their key-exchange groups
     * ({@code tls.groups}, empty: the stack's); the clients of the operator hops are made by the caller
     * ({@code ShoCommand} gives them the same).
     */
    public record Settings(String shoId, InetSocketAddress listen, InetSocketAddress deviceListen, Credential identity,
                           List<X509Certificate> roRoots, List<X509Certificate> adminRoots, Set<String> adminNames,
                           List<X509Certificate> supplierRoots, Duration discardGrace, List<McimPart> applicationParts,
                           Set<String> dpfNames, Set<String> drfNames, TlsProvider tlsProvider, List<String> tlsGroups) {
        /** With the stack's default key-exchange groups. */
        public Settings(String shoId, InetSocketAddress listen, InetSocketAddress deviceListen, Credential identity,
                        List<X509Certificate> roRoots, List<X509Certificate> adminRoots, Set<String> adminNames,
                        List<X509Certificate> supplierRoots, Duration discardGrace, List<McimPart> applicationParts,
                        Set<String> dpfNames, Set<String> drfNames, TlsProvider tlsProvider) {
            this(shoId, listen, deviceListen, identity, roRoots, adminRoots, adminNames, supplierRoots, discardGrace, applicationParts,
                    dpfNames, drfNames, tlsProvider, List.of());
        }

        /** On the default provider (OpenSSL where it loads). */
        public Settings(String shoId, InetSocketAddress listen, InetSocketAddress deviceListen, Credential identity,
                        List<X509Certificate> roRoots, List<X509Certificate> adminRoots, Set<String> adminNames,
                        List<X509Certificate> supplierRoots, Duration discardGrace, List<McimPart> applicationParts,
                        Set<String> dpfNames, Set<String> drfNames) {
            this(shoId, listen, deviceListen, identity, roRoots, adminRoots, adminNames, supplierRoots, discardGrace, applicationParts,
                    dpfNames, drfNames, TlsProvider.OPENSSL);
        }

        public Settings {
            tlsGroups = List.copyOf(tlsGroups);
            dpfNames = Set.copyOf(dpfNames);
            drfNames = Set.copyOf(drfNames);
            roRoots = List.copyOf(roRoots);
            adminRoots = List.copyOf(adminRoots);
            adminNames = Set.copyOf(adminNames);
            supplierRoots = List.copyOf(supplierRoots);
            applicationParts = List.copyOf(applicationParts);
        }
    }

    /** A subscription contract: which TRE subscribes here and how it is to be provisioned. */
    public record Contract(String treId, String pcid, String operation, String authorizationToken, String fromSho, X509Certificate platform,
                           Instant at) {
    }

    private record Issue(String treId, String imsi, String operation) {
    }

    private final Settings settings;
    private final McimIssuer issuer;
    private final PvaClient pva;
    private final DrfClient drf;
    private final MeterRegistry registry;
    private final Clock clock;
    private final SecureRandom random;
    private final ObjectMapper json = new ObjectMapper();
    private final Jws jws = new Jws();
    private final PlatformAttestationCodec attestations = new PlatformAttestationCodec();

    private final Map<String, Contract> contracts = new ConcurrentHashMap<>();
    private final Map<String, Issue> issued = new ConcurrentHashMap<>();
    /** treId → IMSI of the MCIM the device reported installed (step 20). */
    private final Map<String, String> subscriptions = new ConcurrentHashMap<>();
    /** Token nonces already spent here: an operator-change request or a discard is accepted once. */
    private final Map<String, Instant> spentTokens = new ConcurrentHashMap<>();
    /** IMSI → when it leaves the HSS (IoT seed step 15 NOTE: keep the old credentials for a while). */
    private final Map<String, Instant> withdrawals = new ConcurrentHashMap<>();
    private final Map<String, List<String>> instructions = new ConcurrentHashMap<>();

    private final JsonHttpServer operators;
    private final JsonHttpServer devices;

    private ShoService(Settings settings, McimIssuer issuer, PvaClient pva, DrfClient drf, MeterRegistry registry, Clock clock,
                       SecureRandom random) throws InterruptedException {
        this.settings = settings;
        this.issuer = issuer;
        this.pva = pva;
        this.drf = drf;
        this.registry = registry;
        this.clock = clock;
        this.random = random;
        List<X509Certificate> trusted = new ArrayList<>(settings.roRoots());
        trusted.addAll(settings.adminRoots());
        TlsProvider tls = settings.tlsProvider().effective("sho-" + settings.shoId());
        this.operators = JsonHttpServer.builder("sho-" + settings.shoId()).meters(registry)
                .tls(TlsContexts.server(settings.identity(), trusted, true, tls, settings.tlsGroups()))
                .route("POST", "/sho/v1/contracts", r -> counted("contracts", this::contract, r))
                .route("POST", "/sho/v1/provision", r -> counted("provision", this::provision, r))
                .route("POST", "/sho/v1/report", r -> counted("report", this::report, r))
                .route("POST", "/sho/v1/operator-change", r -> counted("operator-change", this::operatorChange, r))
                .route("POST", "/sho/v1/revert-to-pristine", r -> counted("revert-to-pristine", this::revert, r))
                .route("GET", "/sho/v1/instructions", r -> counted("instructions", this::instructions, r))
                .start(settings.listen());
        this.devices = JsonHttpServer.builder("sho-" + settings.shoId() + "-device").meters(registry)
                .tls(TlsContexts.server(settings.identity(), List.of(), false, tls, settings.tlsGroups()))
                .route("POST", "/sho/v1/discard", r -> counted("discard", this::discard, r))
                .start(settings.deviceListen());
    }

    /**
     * The service owns {@code pva} and {@code drf} from then on and closes them with itself.
     *
     * @param drf null when no DRF is configured (registrations are then only recorded here)
     */
    public static ShoService start(Settings settings, McimIssuer issuer, PvaClient pva, DrfClient drf, MeterRegistry registry,
                                   Clock clock, SecureRandom random) throws InterruptedException {
        return new ShoService(settings, issuer, pva, drf, registry, clock, random);
    }

    public InetSocketAddress address() {
        return operators.address();
    }

    public InetSocketAddress deviceAddress() {
        return devices.address();
    }

    public java.util.Optional<Contract> contract(String treId) {
        return java.util.Optional.ofNullable(contracts.get(treId));
    }

    // ---------------------------------------------------------------- contracts (TR alt 1, before step 1)

    private Response contract(Request r) {
        PeerCheck.requireAdmin(r, settings.adminRoots(), settings.adminNames(), clock.instant());
        JsonNode b = JsonHttpServer.json(r);
        String treId = text(b, "treId");
        String pcid = pcid(b);
        contracts.put(treId, new Contract(treId, pcid, "initial", null, null, null, clock.instant()));
        return Response.of(201, Map.of("treId", treId, "pcid", pcid, "operation", "initial",
                "drfRegistered", tellDrf(treId, pcid, BootstrapMessage.Operation.INITIAL)));
    }

    // ---------------------------------------------------------------- provisioning (steps 11-16)

    private Response provision(Request r) throws Exception {
        PeerCheck.requireNamed(r, settings.roRoots(), settings.dpfNames(), "RO's DPF", clock.instant());
        JsonNode b = JsonHttpServer.json(r);
        String treId = text(b, "treId");
        String attestation = text(b, "platformAttestation");
        String nonce = text(b, "nonce");
        X509Certificate treCert = certificate(text(b, "treCertificate"));
        Set<String> held = new HashSet<>();
        for (JsonNode h : b.path("heldParts")) {
            held.add(h.asText());
        }
        Contract c = contracts.get(treId);
        if (c == null) {
            throw new HttpException(404, "no-contract", "no subscription contract for " + treId + " at " + settings.shoId());
        }
        // Steps 12-14: the PVA decides; only its signed verdict counts.
        PvaClient.Answer a;
        Timer.Sample asking = Timer.start(registry);
        try {
            a = pva.validate(attestation, nonce, treId);
        } catch (PvaClient.PvaUnavailableException e) {
            throw new HttpException(502, "pva-unavailable", e.getMessage());
        } finally {
            asking.stop(Timer.builder("sho_pva_request_seconds").publishPercentiles(0.5, 0.99).register(registry));
        }
        if (!a.verdict().valid()) {
            ObjectNode out = json.createObjectNode().put("error", "platform-invalid")
                    .put("reason", PvaService.reasonName(a.verdict().reason())).put("message", a.verdict().detail())
                    .put("pvaVerdict", a.jws());
            return Response.of(403, out);
        }
        // The MCIM is sealed for the key the PVA validated, not for whatever certificate came along. The
        // PVA's signed verdict names that key (x5t#S256 of the platform credential); a verdict from a PVA
        // that does not name it makes the SHO verify the attestation's signature itself, as it did before.
        X509Certificate attested;
        String validatedKey = a.verdict().platformCertificate();
        if (validatedKey != null) {
            if (!validatedKey.equals(PlatformValidation.thumbprint(treCert))) {
                throw new HttpException(400, "certificate-mismatch", "treCertificate is not the platform credential the PVA validated");
            }
            attested = treCert;
        } else {
            try {
                attested = attestations.verify(attestation, settings.supplierRoots(), clock.instant()).platformCertificate();
            } catch (Jws.InvalidJwsException e) {
                throw new HttpException(400, "platform-" + e.reason(), "the attestation the PVA accepted does not verify here: " + e.getMessage());
            }
            if (!attested.equals(treCert)) {
                throw new HttpException(400, "certificate-mismatch", "treCertificate is not the platform credential that signed the attestation");
            }
        }
        if (c.platform() != null && !c.platform().equals(attested)) {
            // §5.1.3.7.4.2: the MCIM goes to the TRE whose key authorised the change, nowhere else.
            throw new HttpException(400, "certificate-mismatch", "not the platform credential that signed the authorization token");
        }
        // Delta download (IoT seed §3.2.1): parts the device already holds are left out; the
        // credential part is fresh every time and never left out.
        List<McimPart> parts = new ArrayList<>();
        List<String> omitted = new ArrayList<>();
        for (McimPart p : settings.applicationParts()) {
            if (held.contains(sha256(p.content()))) {
                omitted.add(p.id());
            } else {
                parts.add(p);
            }
        }
        // Step 15 (and §5.1.3.7.4.2 step 9: the new SHO sends its MCIM with the authorization token).
        McimIssuer.Issued i = issuer.issue(a.verdict().verdict(), treId, attested.getPublicKey(), c.operation(), c.authorizationToken(),
                parts);
        issued.put(i.objectId(), new Issue(treId, i.imsi(), c.operation()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("verdict", Map.of("valid", true, "reason", "ok", "pvaVerdict", a.jws()));
        out.put("mcimObject", i.mcimObject());
        out.put("objectId", i.objectId());
        out.put("imsi", i.imsi());
        out.put("operation", c.operation());
        out.put("omittedParts", omitted);
        return Response.ok(out);
    }

    /** Step 20 (§5.1.3.7.4.2 steps 16-17): the DPF relays the device's result. */
    private Response report(Request r) {
        PeerCheck.requireNamed(r, settings.roRoots(), settings.dpfNames(), "RO's DPF", clock.instant());
        JsonNode b = JsonHttpServer.json(r);
        if (!b.path("success").isBoolean()) {
            throw new HttpException(400, "bad-request", "success: true or false");
        }
        boolean success = b.path("success").asBoolean();
        String objectId = b.path("objectId").asText("");
        String imsi = b.path("imsi").asText("");
        Map.Entry<String, Issue> e = issued.entrySet().stream()
                .filter(x -> x.getKey().equals(objectId) || x.getValue().imsi().equals(imsi)).findFirst()
                .orElseThrow(() -> new HttpException(404, "unknown-object", "no MCIMobj issued here with that objectId or imsi"));
        Issue i = e.getValue();
        if (!issued.remove(e.getKey(), i)) {
            throw new HttpException(404, "unknown-object", "already reported");
        }
        boolean drfRegistered = false;
        if (success) {
            subscriptions.put(i.treId(), i.imsi());
            Contract done = contracts.computeIfPresent(i.treId(), (k, c) -> new Contract(k, c.pcid(), "initial", null, null, null, c.at()));
            if (i.operation().equals("operator-change") && done != null) {
                // §5.1.3.7.4.2 step 17: the M2ME now subscribes to this SHO; a later bootstrap is an initial one.
                drfRegistered = tellDrf(i.treId(), done.pcid(), BootstrapMessage.Operation.INITIAL);
            }
        } else {
            issuer.report(i.imsi(), false); // nothing usable may stay in the HSS
        }
        return Response.ok(Map.of("acknowledged", true, "objectId", e.getKey(), "withdrawn", !success, "drfRegistered", drfRegistered));
    }

    // ---------------------------------------------------------------- operator change (§5.1.3.7.4.2)

    /** Step 1 at the new SHO: the subscriber hands over TRE id, certificate and the TRE-signed token. */
    private Response operatorChange(Request r) {
        PeerCheck.requireAdmin(r, settings.adminRoots(), settings.adminNames(), clock.instant());
        JsonNode b = JsonHttpServer.json(r);
        String treId = text(b, "treId");
        String pcid = pcid(b);
        X509Certificate treCert = certificate(text(b, "treCertificate"));
        String token = text(b, "authorizationToken");
        OperatorChangeToken t = verifiedToken(token, treId);
        if (!t.toSho().equals(settings.shoId())) {
            throw new HttpException(403, "unauthorized", "the token authorises a change to " + t.toSho() + ", not to " + settings.shoId());
        }
        if (!t.platformCertificate().equals(treCert)) {
            throw new HttpException(403, "unauthorized", "the token is not signed by the given TRE certificate");
        }
        if (spentTokens.putIfAbsent("opchange:" + t.nonce(), t.expiresAt()) != null) {
            throw new HttpException(409, "replayed", "this authorization token was already used");
        }
        contracts.put(treId, new Contract(treId, pcid, "operator-change", token, t.fromSho(), t.platformCertificate(), clock.instant()));
        // Step 2: the RO learns the parameters so the DRF can bootstrap the device via the old SHO.
        return Response.of(201, Map.of("treId", treId, "operation", "operator-change", "fromSho", t.fromSho(),
                "drfRegistered", tellDrf(treId, pcid, BootstrapMessage.Operation.OPERATOR_CHANGE)));
    }

    /**
     * Steps 11-12 at the old SHO: the device says it will discard this SHO's MCIM, authorised by the
     * token (signed by its platform key, naming this SHO in fromSho). Acknowledged at once; the HSS
     * entry goes only after the grace period, so the device can fall back if the new operator has
     * no coverage (IoT seed step 15 NOTE).
     */
    private Response discard(Request r) {
        JsonNode b = JsonHttpServer.json(r);
        String treId = text(b, "treId");
        OperatorChangeToken t = verifiedToken(text(b, "authorizationToken"), treId);
        if (!t.fromSho().equals(settings.shoId())) {
            throw new HttpException(403, "unauthorized", "the token changes away from " + t.fromSho() + ", not from " + settings.shoId());
        }
        String imsi = subscriptions.get(treId);
        if (imsi == null) {
            throw new HttpException(404, "no-subscription", treId + " holds no MCIM of " + settings.shoId());
        }
        if (spentTokens.putIfAbsent("discard:" + t.nonce(), t.expiresAt()) != null) {
            throw new HttpException(409, "replayed", "this discard was already acknowledged");
        }
        Instant due = clock.instant().plus(settings.discardGrace());
        withdrawals.put(imsi, due);
        ObjectNode ack = json.createObjectNode().put("treId", treId).put("sho", settings.shoId()).put("nonce", t.nonce())
                .put("acknowledgedAt", clock.instant().toString()).put("withdrawAt", due.toString());
        String signed = jws.sign(ack.toString().getBytes(StandardCharsets.UTF_8), settings.identity(), DISCARD_ACK_TYPE);
        return Response.ok(Map.of("acknowledged", true, "treId", treId, "withdrawAt", due.toString(), "ack", signed));
    }

    /**
     * Withdraws every subscriber whose grace period has passed, and forgets spent token nonces
     * once the token has expired anyway (an expired token is refused before replay is checked).
     * Run periodically. @return how many subscribers were withdrawn
     */
    public int sweep() {
        Instant now = clock.instant();
        spentTokens.values().removeIf(expires -> now.isAfter(expires));
        int n = 0;
        for (Map.Entry<String, Instant> e : withdrawals.entrySet()) {
            if (!now.isBefore(e.getValue()) && withdrawals.remove(e.getKey(), e.getValue())) {
                issuer.withdraw(e.getKey());
                subscriptions.values().remove(e.getKey());
                Counter.builder("sho_withdrawals_total").register(registry).increment();
                n++;
            }
        }
        return n;
    }

    // ---------------------------------------------------------------- pristine state (§5.1.3.7.4.3)

    /** Steps 1-2: the SHO records a signed instruction for the device; the RO (DRF) delivers it. */
    private Response revert(Request r) {
        PeerCheck.requireAdmin(r, settings.adminRoots(), settings.adminNames(), clock.instant());
        JsonNode b = JsonHttpServer.json(r);
        String treId = text(b, "treId");
        Contract known = contracts.get(treId);
        String pcid = b.hasNonNull("pcid") ? pcid(b) : known == null ? null : known.pcid();
        byte[] id = new byte[12];
        random.nextBytes(id);
        String instructionId = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        ObjectNode o = json.createObjectNode().put("instruction", "revert-to-pristine").put("instructionId", instructionId)
                .put("treId", treId).put("sho", settings.shoId()).put("issuedAt", clock.instant().toString());
        String signed = jws.sign(o.toString().getBytes(StandardCharsets.UTF_8), settings.identity(), REVERT_TYPE);
        instructions.computeIfAbsent(treId, k -> new CopyOnWriteArrayList<>()).add(signed);
        // Step 4: afterwards the device provisions from scratch, so an initial contract is recorded.
        contracts.put(treId, new Contract(treId, pcid, "initial", null, null, null, clock.instant()));
        return Response.of(201, Map.of("treId", treId, "instructionId", instructionId, "instruction", signed,
                "drfRegistered", pcid != null && tellDrf(treId, pcid, BootstrapMessage.Operation.REVERT_TO_PRISTINE)));
    }

    /** The RO fetches the instructions it is to deliver to a device. */
    private Response instructions(Request r) {
        Set<String> ro = new HashSet<>(settings.dpfNames());
        ro.addAll(settings.drfNames());
        PeerCheck.requireNamed(r, settings.roRoots(), ro, "RO's DRF and DPF", clock.instant());
        List<String> q = r.query().get("treId");
        if (q == null || q.size() != 1) {
            throw new HttpException(400, "bad-request", "one treId query parameter");
        }
        return Response.ok(Map.of("treId", q.get(0), "instructions", List.copyOf(instructions.getOrDefault(q.get(0), List.of()))));
    }

    // ---------------------------------------------------------------- helpers

    private OperatorChangeToken verifiedToken(String token, String treId) {
        OperatorChangeToken t;
        try {
            t = OperatorChangeToken.verify(token, settings.supplierRoots(), clock.instant());
        } catch (Jws.InvalidJwsException e) {
            throw new HttpException(403, "unauthorized", "authorization token refused: " + e.reason());
        }
        if (!t.treId().equals(treId)) {
            throw new HttpException(403, "unauthorized", "the token is for another TRE");
        }
        return t;
    }

    private boolean tellDrf(String treId, String pcid, BootstrapMessage.Operation operation) {
        if (drf == null) {
            return false;
        }
        List<String> applications = settings.applicationParts().stream().map(McimPart::id).toList();
        return drf.register(pcid, treId, settings.shoId(), operation, applications);
    }

    /** The PCID the device attaches with first (IMSI format, TS 23.003 §2.2): the DRF's registry key. */
    private static String pcid(JsonNode b) {
        String pcid = text(b, "pcid");
        if (!PCID.matcher(pcid).matches()) {
            throw new HttpException(400, "bad-request", "pcid: 14-15 digits (IMSI format)");
        }
        return pcid;
    }

    private Response counted(String endpoint, JsonHttpServer.Handler h, Request r) throws Exception {
        String outcome;
        try {
            Response resp = h.handle(r);
            outcome = resp.status() / 100 == 2 ? "ok" : resp.status() == 403 ? "refused" : "error";
            Counter.builder("sho_requests_total").tag("endpoint", endpoint).tag("outcome", outcome).register(registry).increment();
            return resp;
        } catch (HttpException e) {
            Counter.builder("sho_requests_total").tag("endpoint", endpoint).tag("outcome", e.response().status() == 403 ? "refused" : "error")
                    .register(registry).increment();
            throw e;
        }
    }

    private static String text(JsonNode b, String field) {
        JsonNode n = b.get(field);
        if (n == null || !n.isTextual() || n.asText().isEmpty()) {
            throw new HttpException(400, "bad-request", field + ": a non-empty string is required");
        }
        return n.asText();
    }

    /** A certificate as PEM or base64 DER. */
    static X509Certificate certificate(String s) {
        String b64 = WHITESPACE.matcher(PEM_ARMOUR.matcher(s).replaceAll("")).replaceAll("");
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(b64)));
        } catch (CertificateException | IllegalArgumentException e) {
            throw new HttpException(400, "bad-request", "treCertificate: not an X.509 certificate (PEM or base64 DER)");
        }
    }

    /** Part hash as in the MCIMobj (docs/mcim-object.md): base64url SHA-256 of the plaintext. */
    static String sha256(byte[] content) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        operators.close();
        devices.close();
        // The service owns the clients it was started with (their kept-alive connections and event loops).
        pva.close();
        if (drf != null) {
            drf.close();
        }
    }
}
