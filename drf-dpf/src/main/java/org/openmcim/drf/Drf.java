package org.openmcim.drf;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Logger;

import org.openmcim.wire.device.DeviceProof;
import org.openmcim.dpf.NonceLedger;
import org.openmcim.http.JsonHttpServer;
import org.openmcim.http.JsonHttpServer.HttpException;
import org.openmcim.http.JsonHttpServer.Request;
import org.openmcim.http.JsonHttpServer.Response;
import org.openmcim.pki.Credential;
import org.openmcim.wire.attach.AttachEvent;
import org.openmcim.wire.attach.AttachEventCodec;
import org.openmcim.wire.bootstrap.BootstrapCodec;
import org.openmcim.wire.bootstrap.BootstrapMessage;
import org.openmcim.wire.jws.Jws;

import com.fasterxml.jackson.databind.JsonNode;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The Discovery and Registration Function (TR 33.812 §5.1.3.6.2 steps 6-8; operator change
 * §5.1.3.7.4.2 step 17).
 *
 * <ul>
 * <li>SHOs write the registry PCID → SHO, DPF over mutual TLS; each only registrations naming itself.</li>
 * <li>On "PCID attached at IP" from the ICF (step 6) — in process, or posted over mutual TLS by the
 * configured ICF — it looks the PCID up (step 7), signs a bootstrap with the RO's bootstrap credential,
 * records the nonce for the DPF, pushes the bootstrap to the device (step 8) and keeps it so the device
 * can pull it until the ICF reports the session ended.</li>
 * <li>A device pulls with a request signed by its TRE platform key: answered for PCIDs the ICF reported
 * attached, or without an attach where unauthenticated non-3GPP access is allowed (§5.1.3.6.3).</li>
 * </ul>
 * Handlers return answers or throw {@link HttpException}; nothing is stored for a refused request.
 */
public final class Drf implements PcidAttachedListener, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Drf.class.getName());

    /**
     * What happened to one attach event, for metrics and tests. {@code DUPLICATE}: the same PCID, address
     * and time as the attachment already kept (an ICF re-sending after a lost answer), so no second
     * bootstrap; {@code SUPERSEDED}: older than the attachment already kept.
     */
    public enum AttachOutcome { PUSHED, PUSH_FAILED, KEPT, UNREGISTERED, DUPLICATE, SUPERSEDED }

    /** The bootstrap kept for an attached PCID until it is used or expires. */
    private record Attachment(InetAddress ip, Instant at, String signed, String nonce, Instant expiresAt) {
    }

    private final DrfSettings settings;
    private final Credential signer;
    private final Registry registry;
    private final NonceLedger ledger;
    private final Clock clock;
    /** Validates the operators' TLS chains (ICF admin, SHOs) to their configured roots. */
    private final org.openmcim.pki.CertificatePaths operatorPaths = new org.openmcim.pki.CertificatePaths();
    private final SecureRandom random;
    private final MeterRegistry meters;
    private final BootstrapCodec bootstrapCodec = new BootstrapCodec();
    private final DeviceProof proofs = new DeviceProof();
    private final AttachEventCodec attachEvents = new AttachEventCodec();
    private final Map<String, Attachment> attached = new ConcurrentHashMap<>();
    private final java.util.List<java.util.function.Consumer<Registration>> registrationListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private final ExecutorService work;
    private final HttpClient push;

    public Drf(DrfSettings settings, Credential bootstrapSigner, Registry registry, NonceLedger ledger, Clock clock, SecureRandom random,
               MeterRegistry meters) {
        this.settings = settings;
        this.signer = bootstrapSigner;
        this.registry = registry;
        this.ledger = ledger;
        this.clock = clock;
        this.random = random;
        this.meters = meters;
        this.work = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "drf-attach");
            t.setDaemon(true);
            return t;
        });
        // Plain HTTP to the device: the bootstrap is signed by the RO, so its integrity does not rest
        // on the transport, and it carries nothing secret; the device has no server certificate.
        this.push = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(settings.push().timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The device-facing routes (server-authenticated TLS only: devices have no client certificates). */
    public JsonHttpServer.Builder deviceRoutes(JsonHttpServer.Builder b) {
        return b.route("POST", "/drf/v1/bootstrap", this::pull);
    }

    /** The operator-facing routes (mutual TLS: SHOs register, the ICF posts attach events). */
    public JsonHttpServer.Builder operatorRoutes(JsonHttpServer.Builder b) {
        return b.route("POST", "/drf/v1/registrations", this::register)
                .route("GET", "/drf/v1/registrations", this::lookup)
                .route("POST", "/drf/v1/attach-events", this::attachEvent);
    }

    // ---- step 6: the ICF's trigger ----

    @Override
    public void pcidAttached(String pcid, InetAddress ip, Instant at) {
        attach(pcid, ip, at);
    }

    /** {@link #pcidAttached} with its outcome, for callers that want to wait (tests, the demo). */
    public CompletableFuture<AttachOutcome> attach(String pcid, InetAddress ip, Instant at) {
        return CompletableFuture.supplyAsync(() -> onAttach(pcid, ip, at), work).thenCompose(o -> o)
                .whenComplete((o, e) -> meters.counter("drf.attach", "outcome", e != null ? "error" : o.name().toLowerCase(java.util.Locale.ROOT))
                        .increment());
    }

    /**
     * Forgets the address kept for {@code pcid} unless it was reported after {@code at}; a pull then
     * needs a new attach (or non-3GPP access). Bootstraps already issued stay valid at the DPF. On the
     * attach thread, so it stays in order with the attach events before it.
     */
    @Override
    public void sessionEnded(String pcid, Instant at) {
        work.execute(() -> {
            boolean[] forgot = {false};
            attached.computeIfPresent(pcid, (k, v) -> {
                if (v.at().isAfter(at)) {
                    return v; // a newer attach than the session that ended
                }
                forgot[0] = true;
                return null;
            });
            meters.counter("drf.session-ended", "outcome", forgot[0] ? "forgotten" : "not-attached").increment();
        });
    }

    private CompletableFuture<AttachOutcome> onAttach(String pcid, InetAddress ip, Instant at) {
        Attachment kept = attached.get(pcid);
        if (kept != null && kept.at().equals(at) && kept.ip().equals(ip)) {
            // Delivery from another process is at least once: the same event again changes nothing.
            return CompletableFuture.completedFuture(AttachOutcome.DUPLICATE);
        }
        if (kept != null && kept.at().isAfter(at)) {
            LOG.info("attach event for PCID " + pcid + " at " + at + " is older than the one kept (" + kept.at() + "): ignored");
            return CompletableFuture.completedFuture(AttachOutcome.SUPERSEDED);
        }
        // Step 7: who holds the contract for this PCID?
        Optional<Registration> reg = registry.find(pcid);
        if (reg.isEmpty()) {
            LOG.info("PCID " + pcid + " attached at " + ip.getHostAddress() + " but is not registered by any SHO: no bootstrap");
            return CompletableFuture.completedFuture(AttachOutcome.UNREGISTERED);
        }
        Issued b = issue(reg.get(), null, "attach");
        attached.put(pcid, new Attachment(ip, at, b.signed(), b.message().nonce(), b.message().expiresAt()));
        if (!settings.push().enabled()) {
            return CompletableFuture.completedFuture(AttachOutcome.KEPT);
        }
        // Step 8 by push. A device that does not listen still pulls what is kept: failure is logged, not fatal.
        URI to;
        try {
            String host = ip.getHostAddress();
            if (ip instanceof Inet6Address) {
                int pct = host.indexOf('%');
                host = "[" + (pct < 0 ? host : host.substring(0, pct)) + "]";
            }
            to = new URI("http", null, host, settings.push().port(), settings.push().path(), null, null);
        } catch (URISyntaxException e) {
            return CompletableFuture.completedFuture(AttachOutcome.PUSH_FAILED);
        }
        HttpRequest req = HttpRequest.newBuilder(to).timeout(settings.push().timeout()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(b.signed())).build();
        Timer.Sample sample = Timer.start(meters);
        return push.sendAsync(req, HttpResponse.BodyHandlers.discarding()).handle((resp, e) -> {
            AttachOutcome o;
            if (e != null) {
                LOG.info("bootstrap push to " + to + " for PCID " + pcid + " failed (" + e.getClass().getSimpleName()
                        + "); the device can still pull it");
                o = AttachOutcome.PUSH_FAILED;
            } else if (resp.statusCode() / 100 != 2) {
                LOG.info("bootstrap push to " + to + " for PCID " + pcid + " answered " + resp.statusCode() + "; the device can still pull it");
                o = AttachOutcome.PUSH_FAILED;
            } else {
                o = AttachOutcome.PUSHED;
            }
            sample.stop(meters.timer("drf.push", "outcome", o == AttachOutcome.PUSHED ? "ok" : "failed"));
            return o;
        });
    }

    private record Issued(BootstrapMessage message, String signed) {
    }

    /** Step 7-8: builds, signs and records a bootstrap for {@code reg}. */
    private Issued issue(Registration reg, String treId, String trigger) {
        Instant now = clock.instant();
        BootstrapMessage m = new BootstrapMessage(reg.pcid(), BootstrapCodec.newNonce(random), now, now.plus(settings.lifetime()),
                new BootstrapMessage.Napdef(settings.apn(), settings.pdnType()), reg.dpfUrl(),
                new BootstrapMessage.Sho(reg.shoId(), reg.shoName()), new BootstrapMessage.McimContext(reg.operation(), "MCIMobj"),
                reg.applications(), reg.shoId().equals(settings.roId()));
        String signed = bootstrapCodec.sign(m, signer);
        // The DPF accepts a provisioning request only for a nonce recorded here (step 10).
        ledger.record(new NonceLedger.Issued(m.nonce(), m.pcid(), treId != null ? treId : reg.treId(), reg.shoId(), m.issuedAt(),
                m.expiresAt()));
        meters.counter("drf.bootstrap.issued", "trigger", trigger, "keep-imsi", Boolean.toString(m.keepImsi())).increment();
        return new Issued(m, signed);
    }

    /** One timer per endpoint and outcome (the reason of a refusal, or ok), as the DPF keeps them. */
    private Response timed(String endpoint, java.util.function.Supplier<Response> handler) {
        Timer.Sample sample = Timer.start(meters);
        String outcome = "ok";
        try {
            return handler.get();
        } catch (HttpException e) {
            outcome = reasonOf(e);
            throw e;
        } finally {
            sample.stop(meters.timer("drf.request", "endpoint", endpoint, "outcome", outcome));
        }
    }

    // ---- step 8 by pull ----

    Response pull(Request r) {
        return timed("bootstrap", () -> doPull(r));
    }

    private Response doPull(Request r) {
        JsonNode body = JsonHttpServer.json(r);
        JsonNode req = body.get("request");
        if (req == null || !req.isTextual()) {
            throw new HttpException(400, "malformed-request", "expected {\"request\": \"<signed device request>\"}");
        }
        Instant now = clock.instant();
        DeviceProof.Verified proof;
        try {
            proof = proofs.verify(req.asText(), settings.supplierRoots(), DeviceProof.BOOTSTRAP, settings.requestMaxAge(), now);
        } catch (Jws.InvalidJwsException e) {
            throw refusedProof(e);
        }
        if (proof.pcid() == null) {
            throw new HttpException(400, "malformed-request", "the signed request names no pcid");
        }
        Registration reg = registry.find(proof.pcid())
                .orElseThrow(() -> new HttpException(404, "unknown-pcid", "no SHO has registered this PCID"));
        if (reg.treId() != null && !reg.treId().equals(proof.treId())) {
            throw new HttpException(403, "wrong-tre", "this PCID is registered for another TRE");
        }
        Attachment a = attached.get(proof.pcid());
        boolean isAttached = a != null && !now.isAfter(a.at().plus(settings.attachValidity()));
        // §5.1.3.7.4.2 steps 2-4: at operator change the device is attached with the old SHO's MCIM, not
        // its PCID, so the ICF reports nothing; the new SHO registered this very TRE from a token the TRE
        // signed, and this pull is signed by the same platform key. That binds it as well as an attach.
        // The same holds for a revert to the pristine state (§5.1.3.7.4.3 step 2): the device is attached with its MCIM.
        boolean operatorChange = reg.operation() != BootstrapMessage.Operation.INITIAL && reg.treId() != null;
        if (!isAttached && !operatorChange && !settings.non3gppUnauthenticated()) {
            throw new HttpException(403, "not-attached", "the ICF has not reported this PCID attached");
        }
        if (isAttached && now.isBefore(a.expiresAt()) && !ledger.isUsed(a.nonce())) {
            return answer(a.signed(), a.expiresAt(), "attach");
        }
        // Kept bootstrap expired or already used (a failed device retrying): a fresh one, fresh nonce.
        String path = isAttached ? "pull" : operatorChange ? "operator-change" : "non-3gpp";
        Issued b = issue(reg, proof.treId(), isAttached ? "pull" : operatorChange ? "pull-operator-change" : "pull-non3gpp");
        if (isAttached) {
            attached.put(proof.pcid(), new Attachment(a.ip(), a.at(), b.signed(), b.message().nonce(), b.message().expiresAt()));
        }
        return answer(b.signed(), b.message().expiresAt(), path);
    }

    private static Response answer(String signed, Instant expiresAt, String path) {
        return Response.ok(Map.of("bootstrap", signed, "expiresAt", expiresAt.toString(), "path", path));
    }

    /** The machine-readable reason of a refusal: the metric's outcome tag (a small, fixed set). */
    public static String reasonOf(HttpException e) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(e.response().json()).path("error").asText("unknown");
        } catch (java.io.IOException x) {
            return "unknown";
        }
    }

    static HttpException refusedProof(Jws.InvalidJwsException e) {
        String reason = e.reason();
        int status = switch (reason) {
            case "malformed", "too-large", "wrong-type", "unsupported-algorithm", "wrong-purpose" -> 400;
            default -> 403; // untrusted-signer, bad-signature, stale-request
        };
        return new HttpException(status, reason, e.getMessage());
    }

    // ---- step 6 from an ICF in another process ----

    /**
     * {@code POST /drf/v1/attach-events}: the ICF's "PCID attached at IP" or "session ended", feeding
     * {@link #pcidAttached} / {@link #sessionEnded} as an ICF in this process would. Answered 202 once
     * accepted (the bootstrap is built and pushed on the attach thread, as in process); refused before
     * anything is kept when the caller is not the configured ICF or the event is malformed, from the
     * future or too old to act on.
     */
    Response attachEvent(Request r) {
        return timed("attach-events", () -> doAttachEvent(r));
    }

    private Response doAttachEvent(Request r) {
        DrfSettings.Icf icf = authenticatedIcf(r);
        JsonNode body = JsonHttpServer.json(r);
        AttachEvent e;
        try {
            e = attachEvents.decode(body);
        } catch (IllegalArgumentException x) {
            throw new HttpException(400, "malformed-event", x.getMessage());
        }
        Instant now = clock.instant();
        if (e.at().isAfter(now.plus(icf.maxClockSkew()))) {
            throw new HttpException(400, "clock-skew", "the event is dated " + e.at() + ", more than " + icf.maxClockSkew().toSeconds()
                    + "s after this DRF's clock (" + now + ")");
        }
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("event", e.event());
        out.put("pcid", e.pcid());
        if (e instanceof AttachEvent.Attached a) {
            if (a.at().plus(settings.attachValidity()).isBefore(now)) {
                // A pull would be refused as not-attached anyway; no bootstrap for an address this old.
                throw new HttpException(409, "stale-event", "the event is older than attach-validity ("
                        + settings.attachValidity().toMinutes() + " min)");
            }
            LOG.fine(() -> "ICF reports PCID " + a.pcid() + " attached at " + a.ip().getHostAddress() + " on APN " + a.apn());
            pcidAttached(a.pcid(), a.ip(), a.at());
        } else {
            sessionEnded(e.pcid(), e.at());
        }
        return Response.of(202, out);
    }

    /**
     * The configured ICF: a client certificate whose CN is one of its names and whose chain validates to
     * its root (the TLS layer admits SHO certificates on this listener too).
     */
    private DrfSettings.Icf authenticatedIcf(Request r) {
        X509Certificate leaf = r.peer();
        if (leaf == null) {
            throw new HttpException(401, "no-client-certificate", "the ICF must present its certificate");
        }
        DrfSettings.Icf icf = settings.icf().orElse(null);
        if (icf == null) {
            throw new HttpException(403, "unknown-icf", "this DRF takes attach events from no ICF (no icf section in its configuration)");
        }
        String cn = DeviceProof.commonName(leaf);
        if (cn == null || !icf.names().contains(cn) || !chainsTo(r.peerCertificates(), icf.root(), clock.instant())) {
            throw new HttpException(403, "unknown-icf", "the client certificate is not that of the configured ICF");
        }
        return icf;
    }

    // ---- registrations by SHOs (step 7's database; step 17 at operator change) ----

    Response register(Request r) {
        return timed("registrations", () -> doRegister(r));
    }

    private Response doRegister(Request r) {
        String caller = authenticatedSho(r);
        JsonNode b = JsonHttpServer.json(r);
        Registration reg;
        try {
            String shoId = text(b, "shoId", true);
            if (!caller.equals(shoId)) {
                // An SHO may write or overwrite only registrations naming itself.
                throw new HttpException(403, "not-your-registration", "an SHO may only register PCIDs to itself");
            }
            List<String> apps = new ArrayList<>();
            JsonNode a = b.get("applications");
            if (a != null && !a.isArray()) {
                throw new HttpException(400, "malformed-registration", "applications must be a list");
            }
            if (a != null) {
                a.forEach(x -> apps.add(x.asText()));
            }
            String dpf = text(b, "dpfUrl", false);
            String op = text(b, "operation", false);
            reg = new Registration(text(b, "pcid", true), text(b, "treId", false), shoId,
                    Optional.ofNullable(text(b, "shoName", false)).orElse(settings.shoNames().getOrDefault(shoId, shoId)),
                    URI.create(text(b, "shoUrl", true)), dpf == null ? settings.defaultDpfUrl() : URI.create(dpf),
                    op == null ? BootstrapMessage.Operation.INITIAL : BootstrapMessage.Operation.fromWire(op), apps, clock.instant());
        } catch (IllegalArgumentException e) {
            throw new HttpException(400, "malformed-registration", e.getMessage());
        }
        Optional<Registration> old = registry.put(reg);
        // A bootstrap kept for the old registration must not be handed out any more.
        attached.computeIfPresent(reg.pcid(), (k, v) -> new Attachment(v.ip(), v.at(), v.signed(), v.nonce(), clock.instant()));
        LOG.info("PCID " + reg.pcid() + " registered to " + reg.shoId() + old.map(o -> " (was " + o.shoId() + ")").orElse(""));
        for (java.util.function.Consumer<Registration> l : registrationListeners) {
            try {
                l.accept(reg);
            } catch (RuntimeException e) {
                LOG.warning("registration listener failed for PCID " + reg.pcid() + ": " + e);
            }
        }
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("pcid", reg.pcid());
        out.put("shoId", reg.shoId());
        out.put("operation", reg.operation().wire());
        out.put("registeredAt", reg.registeredAt().toString());
        out.put("previousShoId", old.map(Registration::shoId).orElse(null));
        return Response.of(old.isPresent() ? 200 : 201, out);
    }

    /**
     * Tells {@code listener} of every registration the DRF accepted (after it is stored), e.g. the RO
     * re-issuing a PCID when an SHO orders a revert to the pristine state (TR 33.812 §5.1.3.7.4.3
     * step 2). Called on the request's worker thread; close the returned handle to stop.
     */
    public AutoCloseable onRegistration(java.util.function.Consumer<Registration> listener) {
        registrationListeners.add(listener);
        return () -> registrationListeners.remove(listener);
    }

    /**
     * TR 33.812 §5.1.3.7.4.3 step 2: when an SHO registers a revert to the pristine state, the RO
     * re-issues the PCID the device will provision from again (RETIRED → ISSUED in the ICF's store,
     * through {@code pcids}). What {@code openmcim drf} does on a Hazelcast store and the demo does
     * in its one JVM.
     */
    public AutoCloseable reissuePcidOnRevert(org.openmcim.dpf.PcidLifecycle pcids) {
        return onRegistration(reg -> {
            if (reg.operation() == org.openmcim.wire.bootstrap.BootstrapMessage.Operation.REVERT_TO_PRISTINE) {
                pcids.reissued(reg.pcid(), clock.instant());
            }
        });
    }

    /** {@code GET /drf/v1/registrations?pcid=…}: an SHO reads back its own registration. */
    Response lookup(Request r) {
        String caller = authenticatedSho(r);
        List<String> p = r.query().getOrDefault("pcid", List.of());
        if (p.size() != 1) {
            throw new HttpException(400, "malformed-request", "give exactly one pcid");
        }
        Registration reg = registry.find(p.get(0)).filter(x -> x.shoId().equals(caller))
                .orElseThrow(() -> new HttpException(404, "unknown-pcid", "no registration of yours for this PCID"));
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("pcid", reg.pcid());
        out.put("treId", reg.treId());
        out.put("shoId", reg.shoId());
        out.put("shoUrl", reg.shoUrl().toString());
        out.put("dpfUrl", reg.dpfUrl().toString());
        out.put("operation", reg.operation().wire());
        out.put("applications", reg.applications());
        out.put("registeredAt", reg.registeredAt().toString());
        return Response.ok(out);
    }

    /**
     * The SHO id of the TLS client: the CN of its certificate, accepted only if the presented chain
     * validates to the root configured for that very SHO (TLS already checked it chains to one of them).
     */
    private String authenticatedSho(Request r) {
        X509Certificate leaf = r.peer();
        if (leaf == null) {
            throw new HttpException(401, "no-client-certificate", "operators must present their certificate");
        }
        String cn = DeviceProof.commonName(leaf);
        X509Certificate root = cn == null ? null : settings.shoRoots().get(cn);
        if (root == null || !chainsTo(r.peerCertificates(), root, clock.instant())) {
            throw new HttpException(403, "unknown-sho", "the client certificate is not that of a configured SHO");
        }
        return cn;
    }

    private boolean chainsTo(List<X509Certificate> chain, X509Certificate root, Instant at) {
        return operatorPaths.chainsTo(chain, root, at);
    }

    private static String text(JsonNode b, String field, boolean required) {
        JsonNode n = b.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                throw new IllegalArgumentException("missing \"" + field + "\"");
            }
            return null;
        }
        if (!n.isTextual()) {
            throw new IllegalArgumentException("\"" + field + "\" must be a string");
        }
        return n.asText();
    }

    @Override
    public void close() {
        work.shutdownNow();
    }

}
