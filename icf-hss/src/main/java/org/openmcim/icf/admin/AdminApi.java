package org.openmcim.icf.admin;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

import org.openmcim.aka.Hex;
import org.openmcim.aka.sqn.SqnPolicy;
import org.openmcim.config.ConfigException;
import org.openmcim.http.JsonHttpServer;
import org.openmcim.http.JsonHttpServer.HttpException;
import org.openmcim.http.JsonHttpServer.Request;
import org.openmcim.http.JsonHttpServer.Response;
import org.openmcim.icf.config.IcfConfig;
import org.openmcim.icf.config.TlsFiles;
import org.openmcim.icf.s6a.PcidRetirement;
import org.openmcim.pki.Credential;
import org.openmcim.store.CredentialState;
import org.openmcim.store.CredentialStore;
import org.openmcim.store.Imsi;
import org.openmcim.store.Subscriber;
import org.openmcim.store.batch.BatchImporter;
import org.openmcim.store.batch.LineError;
import org.openmcim.store.batch.PcidIssuer;
import org.openmcim.wire.device.DeviceProof;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.netty.handler.ssl.SslContext;

/**
 * The ICF's admin API (docs/icf-admin-api.md, docs/openapi/icf-admin.yaml): what {@code openmcim pcid
 * issue} and {@code pcid import} do (the CHTIF/CCIF modes 1 and 2 of the IoT seed), over HTTPS, in
 * the process that holds the store, plus a subscriber's non-secret view and the operator's revoke.
 *
 * <p>Authorised at the edge (STYLE.md point 6): the listener's TLS accepts only client certificates
 * chaining to {@code admin.roots}, and every endpoint then requires a CN in {@code admin.names}
 * (403 {@code forbidden-peer}). K and OPc leave the ICF in exactly one answer, the issue answer (the
 * supplier's batch, as the CLI writes it to its file); no other answer and no log line carries them.
 * Each change is logged with the administrator's CN, counts and IMSIs, never a key.
 */
public final class AdminApi {
    private static final Logger LOG = Logger.getLogger(AdminApi.class.getName());
    public static final String ISSUE = "/icf/v1/pcids/issue";
    public static final String IMPORT = "/icf/v1/pcids/import";
    public static final String SUBSCRIBER = "/icf/v1/subscribers/{imsi}";
    public static final String REVOKE = "/icf/v1/subscribers/{imsi}/revoke";
    public static final String RENEW = "/icf/v1/subscribers/{imsi}/renew";
    public static final String REISSUE = "/icf/v1/subscribers/{imsi}/reissue";
    /** Every route, "METHOD path": what docs/openapi/icf-admin.yaml must document. */
    public static final List<String> ROUTES = List.of("POST " + ISSUE, "POST " + IMPORT, "GET " + SUBSCRIBER, "POST " + REVOKE,
            "POST " + RENEW, "POST " + REISSUE);
    static final String CSV_TYPE = "text/csv; charset=us-ascii";
    private static final List<String> ISSUE_MEMBERS = List.of("count", "ranges", "lifetime", "amf");
    /** Errors listed in one refusal of an import; the count says how many there were. */
    private static final int MAX_LISTED_ERRORS = 1000;
    /** How long a revoke answer waits for the MME's CLA before saying it is still outstanding. */
    private static final Duration CLA_WAIT = Duration.ofSeconds(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What issued and imported PCIDs record as their issuer and subscription profile. */
    public record Origin(String issuer, String profile) {
        public Origin {
            Objects.requireNonNull(issuer, "issuer");
            Objects.requireNonNull(profile, "profile");
        }
    }

    private final IcfConfig config;
    private final IcfConfig.Admin admin;
    private final CredentialStore store;
    private final PcidRetirement retirement;
    private final Origin origin;
    private final Clock clock;
    private final SecureRandom random;

    /**
     * @param retirement sends Cancel-Location after a revoke; null when no identity serves S6a
     * @throws IllegalArgumentException if {@code config} has no admin section
     */
    public AdminApi(IcfConfig config, CredentialStore store, PcidRetirement retirement, Origin origin, Clock clock,
                    SecureRandom random) {
        this.config = config;
        this.admin = config.admin().orElseThrow(() -> new IllegalArgumentException("no admin section in the configuration"));
        this.store = store;
        this.retirement = retirement;
        this.origin = origin;
        this.clock = clock;
        this.random = random;
    }

    /**
     * The listener's TLS: the ICF's certificate, client certificates required and trusted only under
     * {@code admin.roots}. Read when the ICF starts; a missing file is a {@link ConfigException} naming it.
     */
    public static SslContext tls(IcfConfig.Admin cfg, Path base) {
        return TlsFiles.server(base, "admin", cfg.certificate(), cfg.key(), cfg.roots());
    }

    /** Listens on {@code admin.listen}. Two workers: administration is rare, and an issue or import is one store batch. */
    public JsonHttpServer start(SslContext tls) throws InterruptedException {
        return JsonHttpServer.builder("icf-admin").tls(tls).maxBody(admin.maxBody()).workers(2, 16)
                .route("POST", ISSUE, this::issue)
                .route("POST", IMPORT, List.of("text/csv"), this::importBatch)
                .route("GET", SUBSCRIBER, this::view)
                .route("POST", REVOKE, this::revoke)
                .route("POST", RENEW, this::renew)
                .route("POST", REISSUE, this::reissue)
                .start(admin.listen());
    }

    // ---------------------------------------------------------------------------------- issue

    /** CHTIF mode 1: new PCIDs with random K/OPc, stored, and the supplier's batch as the answer. */
    private Response issue(Request r) throws IOException {
        String who = authorize(r);
        boolean csv = wantsCsv(r);
        JsonNode body = JsonHttpServer.json(r);
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String m = it.next();
            if (!ISSUE_MEMBERS.contains(m)) {
                throw badRequest("unknown member '" + m + "' (known: " + String.join(", ", ISSUE_MEMBERS) + ")");
            }
        }
        JsonNode countNode = body.path("count");
        if (!countNode.canConvertToInt() || !countNode.isIntegralNumber()) {
            throw badRequest("count: a whole number 1.." + admin.maxIssue() + " is required");
        }
        int count = countNode.intValue();
        if (count < 1 || count > admin.maxIssue()) {
            throw badRequest("count: must be 1.." + admin.maxIssue() + " (admin.max-issue: the answer carries every PCID), got " + count);
        }
        List<String> ranges = new ArrayList<>();
        JsonNode rangesNode = body.path("ranges");
        if (!rangesNode.isArray() || rangesNode.isEmpty()) {
            throw badRequest("ranges: a list of MCC+MNC prefixes (5 or 6 digits) is required");
        }
        for (JsonNode n : rangesNode) {
            if (!n.isTextual() || !n.asText().matches("\\d{5,6}")) {
                throw badRequest("ranges: each must be MCC+MNC, 5 or 6 digits as a string (TS 23.003 §2.2)");
            }
            ranges.add(n.asText());
        }
        List<String> chtifRanges = config.chtif().map(IcfConfig.Chtif::imsiRanges).orElse(List.of());
        for (String range : ranges) {
            // Issued where this ICF answers AIRs, or the devices could never attach with them.
            if (!config.servesLocally(range)) {
                throw new HttpException(400, "range-not-served", range + " is not inside a range this ICF serves ("
                        + String.join(", ", config.imsiRanges()) + ")");
            }
            for (String c : chtifRanges) {
                if (range.startsWith(c)) {
                    throw new HttpException(400, "range-of-chtif", range + " lies inside " + c + ", whose PCIDs the CHTIF issues");
                }
            }
        }
        Duration lifetime = lifetime(body, Duration.ofDays(365));
        byte[] amf = {(byte) 0x80, 0};
        if (body.has("amf")) {
            String a = body.get("amf").asText();
            if (!a.matches("[0-9a-fA-F]{4}")) {
                throw badRequest("amf: 4 hex digits, e.g. 8000");
            }
            amf = Hex.decode(a);
        }
        List<Subscriber> issued;
        try {
            // No PCID under a CHTIF's range: the CHTIF issues those, and the ICF fetches them from it.
            issued = new PcidIssuer(store, random, clock).issue(new PcidIssuer.Request(count, ranges, amf, lifetime, origin.issuer(),
                    origin.profile(), chtifRanges));
        } catch (IllegalArgumentException e) {
            // Three draws in a row collided with PCIDs stored at the same time: nothing of this request is stored.
            throw new HttpException(409, "issue-collided", "PCIDs were being stored in the same ranges at the same time; try again");
        }
        LOG.info(who + " issued " + issued.size() + " PCID(s) in " + String.join(",", ranges) + " (issuer " + origin.issuer()
                + ", lifetime " + lifetime + ")");
        if (csv) {
            StringWriter w = new StringWriter();
            PcidIssuer.writeCsv(issued, w);
            return Response.of(201, CSV_TYPE, w.toString().getBytes(StandardCharsets.US_ASCII));
        }
        ObjectNode out = JSON.createObjectNode().put("issued", issued.size()).put("issuer", origin.issuer())
                .put("profile", origin.profile());
        ArrayNode subs = out.putArray("subscribers");
        for (Subscriber s : issued) {
            ObjectNode o = subs.addObject();
            PcidIssuer.batchFields(s).forEach(o::put);
        }
        return Response.of(201, out);
    }

    /**
     * The issue answer's form from {@code Accept}: the batch CSV when it names {@code text/csv}, JSON
     * when it names JSON or anything, or says nothing; else 406 before anything is issued.
     */
    private static boolean wantsCsv(Request r) {
        String accept = r.header("Accept");
        if (accept == null || accept.isBlank()) {
            return false;
        }
        boolean json = false;
        for (String part : accept.split(",")) {
            String type = part.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
            if (type.equals("text/csv") || type.equals("text/*")) {
                return true;
            }
            json |= type.equals("application/json") || type.equals("application/*") || type.equals("*/*");
        }
        if (!json) {
            throw new HttpException(406, "not-acceptable", "the batch is text/csv or application/json");
        }
        return false;
    }

    // ---------------------------------------------------------------------------------- import

    /** CHTIF mode 2: a supplier's batch, all lines or none (the rules of {@code openmcim pcid import}). */
    private Response importBatch(Request r) throws IOException {
        String who = authorize(r);
        BatchImporter.Report report;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(new ByteArrayInputStream(r.body()), StandardCharsets.UTF_8))) {
            report = new BatchImporter(store, clock, BatchImporter.Defaults.of(origin.issuer(), origin.profile())).importCsv(in);
        }
        if (report.ok()) {
            LOG.info(who + " imported " + report.imported() + " PCID(s) (issuer " + origin.issuer() + ")");
            return Response.of(201, Map.of("imported", report.imported()));
        }
        boolean conflict = report.onlyExisting();
        ObjectNode out = JSON.createObjectNode()
                .put("error", conflict ? "imsi-exists" : "invalid-batch")
                .put("message", report.errors().size() + " problem(s); nothing from this batch was imported")
                .put("errorCount", report.errors().size());
        ArrayNode list = out.putArray("errors");
        for (LineError e : report.errors().subList(0, Math.min(MAX_LISTED_ERRORS, report.errors().size()))) {
            list.addObject().put("line", e.line()).put("problem", e.problem());
        }
        return Response.of(conflict ? 409 : 400, out);
    }

    // ---------------------------------------------------------------------------------- subscriber

    /** State, kind, issuer, lifetime, SQN (SEQ and IND, TS 33.102 C.3.2), serving nodes: never K or OPc. */
    private Response view(Request r) {
        authorize(r);
        String imsi = imsi(r);
        Subscriber s = store.find(imsi).orElseThrow(() -> unknown(imsi));
        Instant now = clock.instant();
        SqnPolicy policy = config.sqn().policy();
        ObjectNode o = JSON.createObjectNode()
                .put("imsi", s.imsi())
                .put("kind", s.kind().name())
                .put("state", s.state().name())
                .put("algorithm", s.algorithm().name())
                .put("amf", Hex.encode(s.amf()))
                .put("issuer", s.issuer())
                .put("profile", s.profile())
                .put("issuedAt", s.issuedAt().toString());
        if (s.lifetime() != null) {
            o.put("lifetime", s.lifetime().toString()).put("expiresAt", s.issuedAt().plus(s.lifetime()).toString());
        } else {
            o.putNull("lifetime").putNull("expiresAt");
        }
        o.put("expired", s.expiredAt(now));
        if (s.msisdn() != null) {
            o.put("msisdn", s.msisdn());
        }
        o.putObject("sqn").put("sqnHe", String.format("%012x", s.sqnHe())).put("seq", policy.seq(s.sqnHe()))
                .put("ind", policy.ind(s.sqnHe())).put("indBits", policy.indBits());
        node(o, "servingNode", store.servingNode(imsi));
        node(o, "aaaServer", store.aaaServer(imsi));
        if (s.kind() == org.openmcim.store.SubscriberKind.PCID) {
            Optional<String> renewal = store.pendingRenewal(imsi);
            if (renewal.isPresent()) {
                o.put("pendingRenewal", renewal.get());
            } else {
                o.putNull("pendingRenewal");
            }
        }
        return Response.ok(o);
    }

    private static void node(ObjectNode o, String name, Optional<CredentialStore.ServingNode> n) {
        if (n.isEmpty()) {
            o.putNull(name);
        } else {
            o.putObject(name).put("host", n.get().host()).put("realm", n.get().realm())
                    .put("registeredAt", n.get().registeredAt().toString());
        }
    }

    // ---------------------------------------------------------------------------------- revoke

    /**
     * The issuer withdraws the PCID (REVOKED: no more vectors, ULR refused) and the MME that registered
     * it gets Cancel-Location, as at retirement (TS 29.272 §5.2.1.2). Revoking a revoked PCID answers
     * as the first time did (an operator's retry after a lost answer), without a second CLR.
     */
    private Response revoke(Request r) throws InterruptedException {
        String who = authorize(r);
        String imsi = imsi(r);
        CredentialState previous = move(imsi, CredentialState.REVOKED, "revoked");
        if (previous == CredentialState.REVOKED) {
            return revoked(imsi, CredentialState.REVOKED, "not-sent", 0);
        }
        LOG.info(who + " revoked PCID " + imsi + " (was " + previous + ")");
        if (retirement == null) {
            return revoked(imsi, previous, "not-sent", 0);
        }
        try {
            PcidRetirement.Result cla = retirement.cancelLocation(imsi).get(CLA_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return revoked(imsi, previous, cla.cancellation().name().toLowerCase(Locale.ROOT).replace('_', '-'), cla.resultCode());
        } catch (TimeoutException e) {
            return revoked(imsi, previous, "no-answer", 0);
        } catch (ExecutionException e) {
            return revoked(imsi, previous, "failed", 0);
        }
    }

    // ---------------------------------------------------------------------------------- renew

    /** States whose PCID may be renewed: the device holds it and may need it again (retired or still in use). */
    private static final java.util.Set<CredentialState> RENEWABLE = java.util.EnumSet.of(CredentialState.ISSUED,
            CredentialState.ATTACHED, CredentialState.PROVISIONING, CredentialState.RETIRED, CredentialState.EXPIRED);

    /**
     * TR 33.812 §5.1.3.7.4.3 NOTE 2 (and the IoT seed's): "an appropriate network entity could
     * initiate the replacement of the initial network access credential". The RO issues a new PCID
     * with a fresh K/OPc in the old one's PLMN (its first six digits: MCC and a 2- or 3-digit MNC
     * both stay), stores it, and records it as the old PCID's renewal; the RO's DPF seals it to the
     * TRE in the device's next MCIM package, and once the TRE reports that package installed the old
     * PCID becomes REPLACED. Neither this answer nor any log carries the new K or OPc: they leave the
     * RO only sealed to the TRE. Asking again while a renewal is pending answers the same renewal
     * (200) rather than issuing a second one.
     */
    private Response renew(Request r) {
        String who = authorize(r);
        String imsi = imsi(r);
        JsonNode body = r.body().length == 0 ? JSON.createObjectNode() : JsonHttpServer.json(r);
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String m = it.next();
            if (!m.equals("lifetime")) {
                throw badRequest("unknown member '" + m + "' (known: lifetime)");
            }
        }
        Subscriber old = store.find(imsi).orElseThrow(() -> unknown(imsi));
        if (old.kind() != org.openmcim.store.SubscriberKind.PCID) {
            throw new HttpException(409, "not-a-pcid", imsi + " is a home subscriber; only PCIDs are renewed");
        }
        Optional<String> pending = store.pendingRenewal(imsi);
        if (pending.isPresent()) {
            return renewal(200, imsi, old.state(), store.find(pending.get()).orElseThrow(() -> unknown(pending.get())));
        }
        if (!RENEWABLE.contains(old.state())) {
            throw new HttpException(409, "transition-not-allowed", imsi + " is " + old.state() + "; only "
                    + RENEWABLE.stream().map(Enum::name).sorted().toList() + " can be renewed");
        }
        Duration lifetime = lifetime(body, old.lifetime() == null ? Duration.ofDays(365) : old.lifetime());
        List<String> chtifRanges = config.chtif().map(IcfConfig.Chtif::imsiRanges).orElse(List.of());
        String range = imsi.substring(0, 6);
        for (String c : chtifRanges) {
            if (range.startsWith(c)) {
                // A CHTIF's PCID: the CHTIF issues that range (TR NOTE 1), the RO must not draw in it.
                throw new HttpException(409, "range-of-chtif", imsi + " lies inside " + c + ", whose PCIDs the CHTIF issues");
            }
        }
        Subscriber fresh;
        try {
            fresh = new PcidIssuer(store, random, clock).renew(imsi, range, lifetime, origin.issuer(), origin.profile(), chtifRanges);
        } catch (IllegalArgumentException e) {
            Optional<String> raced = store.pendingRenewal(imsi);
            if (raced.isPresent()) { // another administrator's request won: that one is the renewal
                return renewal(200, imsi, old.state(), store.find(raced.get()).orElseThrow(() -> unknown(raced.get())));
            }
            throw new HttpException(409, "renew-collided", "the renewal could not be stored: " + e.getMessage());
        }
        LOG.info(who + " renewed PCID " + imsi + ": new PCID " + fresh.imsi() + " (lifetime " + lifetime
                + "), delivered in the device's next MCIM package");
        return renewal(201, imsi, old.state(), fresh);
    }

    private static Response renewal(int status, String imsi, CredentialState state, Subscriber fresh) {
        ObjectNode o = JSON.createObjectNode().put("imsi", imsi).put("state", state.name());
        ObjectNode n = o.putObject("renewal").put("imsi", fresh.imsi()).put("state", fresh.state().name())
                .put("issuedAt", fresh.issuedAt().toString());
        if (fresh.lifetime() != null) {
            n.put("lifetime", fresh.lifetime().toString()).put("expiresAt", fresh.issuedAt().plus(fresh.lifetime()).toString());
        }
        n.put("delivery", "pending");
        return Response.of(status, o);
    }

    private static Response revoked(String imsi, CredentialState previous, String cancellation, long resultCode) {
        ObjectNode o = JSON.createObjectNode().put("imsi", imsi).put("state", CredentialState.REVOKED.name())
                .put("previous", previous.name());
        ObjectNode c = o.putObject("cancelLocation").put("outcome", cancellation);
        if (resultCode != 0) {
            c.put("resultCode", resultCode);
        }
        return Response.ok(o);
    }

    // ---------------------------------------------------------------------------------- reissue

    /**
     * TR 33.812 §5.1.3.7.4.3 step 2: an SHO registered a revert to the pristine state at the DRF; the
     * M2ME will provision again from its PCID (step 4 → §5.1.3.6), so the RO re-issues it: RETIRED →
     * ISSUED, and the ICF serves it again. For the administrators and for the CNs in
     * {@code admin.reissuers} (the RO's DRF, when it does not share the ICF's store). Asking again
     * for a PCID already ISSUED answers 200 with {@code previous: ISSUED}: a retry after a lost answer
     * changes nothing.
     */
    private Response reissue(Request r) {
        String who = authorize(r, admin.reissuers());
        String imsi = imsi(r);
        Subscriber s = store.find(imsi).orElseThrow(() -> unknown(imsi));
        if (s.kind() != org.openmcim.store.SubscriberKind.PCID) {
            throw new HttpException(409, "not-a-pcid", imsi + " is a home subscriber; only PCIDs are re-issued");
        }
        CredentialState previous = move(imsi, CredentialState.ISSUED, "re-issued");
        if (previous != CredentialState.ISSUED) {
            LOG.info(who + " re-issued PCID " + imsi + " (was " + previous + ")");
        }
        return reissued(imsi, previous);
    }

    private static Response reissued(String imsi, CredentialState previous) {
        return Response.ok(JSON.createObjectNode().put("imsi", imsi).put("state", CredentialState.ISSUED.name())
                .put("previous", previous.name()));
    }

    // ---------------------------------------------------------------------------------- helpers

    /**
     * Moves {@code imsi} to {@code target} and returns the state it left — or {@code target} itself
     * when it was there already (an operator's retry after a lost answer; no state enters itself, so
     * that is the only way to get it). 404 for an unknown IMSI; 409 {@code transition-not-allowed},
     * naming the states it may come from, otherwise.
     */
    private CredentialState move(String imsi, CredentialState target, String verb) {
        Optional<CredentialState> previous;
        try {
            previous = store.transition(imsi, target, clock.instant());
        } catch (IllegalStateException e) {
            CredentialState now = store.find(imsi).map(Subscriber::state).orElseThrow(() -> unknown(imsi));
            if (now == target) {
                return target;
            }
            throw new HttpException(409, "transition-not-allowed", imsi + " is " + now + "; only "
                    + target.allowedFrom().stream().map(Enum::name).sorted().toList() + " can be " + verb);
        }
        return previous.orElseThrow(() -> unknown(imsi));
    }

    /** The administrator's CN; 403 unless it is one of {@code admin.names} (the TLS layer checked the chain). */
    private String authorize(Request r) {
        return authorize(r, java.util.Set.of());
    }

    /** As {@link #authorize(Request)}, also letting in the CNs of {@code alsoAllowed} (for one route). */
    private String authorize(Request r, java.util.Set<String> alsoAllowed) {
        String cn = r.peer() == null ? null : DeviceProof.commonName(r.peer());
        if (cn == null || !(admin.names().contains(cn) || alsoAllowed.contains(cn))) {
            throw new HttpException(403, "forbidden-peer", "this endpoint is for the ICF's administrators only");
        }
        return "administrator " + cn;
    }

    private static String imsi(Request r) {
        String imsi = r.pathParam("imsi");
        if (!Imsi.isValid(imsi)) {
            throw new HttpException(400, "bad-imsi", "an IMSI is 14 or 15 digits");
        }
        return imsi;
    }

    private static HttpException unknown(String imsi) {
        return new HttpException(404, "unknown-subscriber", "no subscriber " + imsi + " in the store");
    }

    private static HttpException badRequest(String message) {
        return new HttpException(400, "bad-request", message);
    }

    /** The request's {@code lifetime} (ISO-8601, positive), or {@code otherwise} when it names none. */
    private static Duration lifetime(JsonNode body, Duration otherwise) {
        if (!body.has("lifetime")) {
            return otherwise;
        }
        Duration lifetime;
        try {
            lifetime = Duration.parse(body.get("lifetime").asText());
        } catch (DateTimeParseException e) {
            throw badRequest("lifetime: an ISO-8601 duration such as P365D");
        }
        if (lifetime.isZero() || lifetime.isNegative()) {
            throw badRequest("lifetime: must be positive");
        }
        return lifetime;
    }
}
