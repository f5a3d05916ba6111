package org.openmcim.dpf;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

import org.openmcim.wire.device.DeviceProof;
import org.openmcim.http.JsonHttpServer;
import org.openmcim.http.JsonHttpServer.HttpException;
import org.openmcim.http.JsonHttpServer.Request;
import org.openmcim.http.JsonHttpServer.Response;
import org.openmcim.wire.bootstrap.BootstrapCodec;
import org.openmcim.wire.bootstrap.BootstrapMessage;
import org.openmcim.wire.jws.Jws;
import org.openmcim.store.Subscriber;
import org.openmcim.wire.mcim.McimCredential;
import org.openmcim.wire.mcim.McimObjectCodec;
import org.openmcim.wire.mcim.PcidRenewalCodec;
import org.openmcim.wire.platform.PlatformAttestationCodec;

import com.fasterxml.jackson.databind.JsonNode;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The Download and Provisioning Function at the RO (TR 33.812 §5.1.3.6.2 steps 10-11, 16-17, 19-20).
 *
 * <ol>
 * <li>{@code POST /dpf/v1/provision} (step 10): the device brings the bootstrap, its nonce, the TRE's
 * signed platform attestation answering that nonce, and the TRE platform certificate. The DPF checks
 * the RO signature and lifetime of the bootstrap, that the DRF issued the nonce, that the attestation
 * is signed by a platform key certified by a known M2ME supplier, then consumes the nonce (once);
 * relays to the SHO (step 11) and receives the verdict and, if positive, the sealed MCIMobj (step 16);
 * checks the SHO's signature on it without decrypting anything; stores the download session and hands
 * the MCIMobj to the device (step 17).</li>
 * <li>{@code GET /dpf/v1/download} (step 17 again): after a DPF restart or a lost answer, the TRE that
 * owns the session fetches the same MCIMobj, proving possession of its platform key.</li>
 * <li>{@code POST /dpf/v1/report} (steps 19-20): the device's result goes to the SHO, then the session
 * is closed. A failed device starts over with a new bootstrap and gets a new session.</li>
 * </ol>
 * Every refusal is a 4xx with a machine-readable reason and stores nothing; SHO trouble is a 502/504.
 */
public final class Dpf {
    private static final Logger LOG = Logger.getLogger(Dpf.class.getName());
    private static final int MAX_DETAIL = 512;

    private final DpfSettings settings;
    private final NonceLedger ledger;
    private final SessionStore sessions;
    private final ShoClient sho;
    private final Clock clock;
    private final MeterRegistry meters;
    private final BootstrapCodec bootstrapCodec = new BootstrapCodec();
    /**
     * One JWS verifier for everything a TRE signs here (the attestation of step 11, the report proof
     * of step 19, download proofs): the TRE's chain is validated once per session instead of once
     * per JWS. Each signature is still verified.
     */
    private final Jws treJws = new Jws();
    private final PlatformAttestationCodec attestationCodec = new PlatformAttestationCodec(treJws);
    private final McimObjectCodec mcimCodec;
    private final PcidRenewalCodec renewalCodec;
    private final DeviceProof proofs = new DeviceProof(treJws);
    private final Map<String, Boolean> reporting = new ConcurrentHashMap<>();
    private final PcidLifecycle pcids;
    private volatile org.openmcim.drf.Registry registry;

    public Dpf(DpfSettings settings, NonceLedger ledger, SessionStore sessions, ShoClient sho, PcidLifecycle pcids, Clock clock,
               java.security.SecureRandom random, MeterRegistry meters) {
        this.settings = settings;
        this.pcids = pcids;
        this.ledger = ledger;
        this.sessions = sessions;
        this.sho = sho;
        this.clock = clock;
        this.meters = meters;
        this.mcimCodec = new McimObjectCodec(random); // used only to inspect; the DPF never seals an MCIMobj
        this.renewalCodec = new PcidRenewalCodec(random);
    }

    public DpfSettings settings() {
        return settings;
    }

    /** Device-facing routes: server-authenticated TLS (devices have no client certificates). */
    public JsonHttpServer.Builder routes(JsonHttpServer.Builder b) {
        return b.route("POST", "/dpf/v1/provision", r -> timed("provision", () -> provision(r)))
                .route("GET", "/dpf/v1/download", r -> timed("download", () -> download(r)))
                .route("POST", "/dpf/v1/report", r -> timed("report", () -> report(r)));
    }

    private interface Step {
        Response run() throws Exception;
    }

    /** One timer per endpoint and outcome (the reason of a refusal, or ok). */
    private Response timed(String endpoint, Step s) throws Exception {
        Timer.Sample sample = Timer.start(meters);
        String outcome = "ok";
        try {
            return s.run();
        } catch (HttpException e) {
            outcome = org.openmcim.drf.Drf.reasonOf(e);
            throw e;
        } catch (Exception e) {
            outcome = "internal";
            throw e;
        } finally {
            sample.stop(meters.timer("dpf.request", "endpoint", endpoint, "outcome", outcome));
        }
    }


    // ---- step 10 → 11 → 16 → 17 ----

    Response provision(Request r) throws InterruptedException {
        JsonNode b = JsonHttpServer.json(r);
        String nonce = field(b, "nonce");
        String signedBootstrap = field(b, "bootstrap");
        String signedAttestation = field(b, "platformAttestation");
        String treCertB64 = field(b, "treCertificate");
        Instant now = clock.instant();

        // The bootstrap: signed by the RO, unexpired, and carrying this nonce.
        BootstrapMessage boot;
        try {
            boot = bootstrapCodec.verify(signedBootstrap, settings.roRoots(), null, now);
        } catch (Jws.InvalidJwsException e) {
            throw new HttpException(authenticity(e.reason()) ? 403 : 400, "bootstrap-" + e.reason(), "bootstrap refused: " + e.getMessage());
        }
        if (!boot.nonce().equals(nonce)) {
            throw new HttpException(400, "nonce-mismatch", "the nonce is not the bootstrap's");
        }
        if (boot.keepImsi()) {
            throw new HttpException(409, "keep-imsi", "this bootstrap keeps the PCID's IMSI: there is no MCIM to download");
        }
        // Issued by the DRF (shared ledger), for this PCID.
        NonceLedger.Issued issued = ledger.find(nonce)
                .filter(i -> i.pcid().equals(boot.pcid()) && i.shoId().equals(boot.sho().id()))
                .orElseThrow(() -> new HttpException(403, "unknown-nonce", "the DRF did not issue this nonce"));
        DpfSettings.Sho target = settings.shos().get(issued.shoId());
        if (target == null) {
            throw new HttpException(403, "unknown-sho", "the DPF does not serve the SHO this PCID is registered with");
        }
        // The TRE's platform info: signed by a platform key a known supplier certified, answering this nonce.
        X509Certificate treCert = certificate(treCertB64);
        PlatformAttestationCodec.Verified att;
        try {
            att = attestationCodec.verify(signedAttestation, settings.supplierRoots(), now);
        } catch (Jws.InvalidJwsException e) {
            throw new HttpException(authenticity(e.reason()) ? 403 : 400, "platform-" + e.reason(),
                    "platform attestation refused: " + e.getMessage());
        }
        if (!same(att.platformCertificate(), treCert)) {
            throw new HttpException(400, "certificate-mismatch", "treCertificate did not sign the platform attestation");
        }
        if (!nonce.equals(att.attestation().nonce())) {
            throw new HttpException(400, "nonce-mismatch", "the platform attestation answers another nonce");
        }
        String treId = att.attestation().treId();
        if (!treId.equals(DeviceProof.commonName(treCert))) {
            throw new HttpException(403, "wrong-tre", "the attestation names a TRE its certificate does not");
        }
        if (issued.treId() != null && !issued.treId().equals(treId)) {
            throw new HttpException(403, "wrong-tre", "this bootstrap was issued for another TRE");
        }
        // Only now, with everything checked, is the nonce used up: once, atomically.
        switch (ledger.consume(nonce)) {
            case UNKNOWN:
                throw new HttpException(403, "unknown-nonce", "the DRF did not issue this nonce");
            case ALREADY_USED:
                meters.counter("dpf.replay").increment();
                throw new HttpException(409, "replayed-nonce", "this nonce has been used; get a new bootstrap from the DRF");
            default:
                break;
        }

        pcids.provisioning(boot.pcid(), now);

        // Step 11: relay to the SHO, which has the PVA validate the TRE (12-14) and seals the MCIM (15-16).
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("treId", treId);
        req.put("pcid", boot.pcid());
        req.put("nonce", nonce);
        req.put("operation", boot.mcim().operation().wire());
        // The SHO service's field name (docs/sho-pva-api.md, POST /sho/v1/provision).
        req.put("platformAttestation", signedAttestation);
        req.put("treCertificate", treCertB64);
        JsonNode answer = callSho("provision", target, "/sho/v1/provision", req);
        JsonNode verdict = answer.path("verdict");
        if (!verdict.path("valid").asBoolean(false)) {
            throw platformRejected(target, treId, verdict.path("reason").asText("REFUSED"));
        }
        String mcimObject = answer.path("mcimObject").asText(null);
        if (mcimObject == null) {
            throw new HttpException(502, "sho-bad-answer", "the SHO's positive verdict carried no MCIMobj");
        }
        // Step 16: the MCIMobj must be signed by that SHO and addressed to this TRE; the DPF cannot decrypt it.
        JsonNode header;
        try {
            header = mcimCodec.inspect(mcimObject, List.of(target.root()), now);
        } catch (Jws.InvalidJwsException e) {
            LOG.warning("SHO " + target.id() + " returned an MCIMobj that fails verification: " + e.reason());
            throw new HttpException(502, "sho-bad-object", "the SHO's MCIMobj does not verify");
        }
        String objectId = header.path("objectId").asText("");
        if (!treId.equals(header.path("treId").asText()) || !target.id().equals(header.path("sho").asText())
                || !Records.isKey(objectId)) {
            throw new HttpException(502, "sho-bad-object", "the SHO's MCIMobj is not for this TRE");
        }
        Renewal renewal = renewal(boot.pcid(), objectId, treId, treCert, now);
        DownloadSession s = new DownloadSession(objectId, treId, Base64.getEncoder().encodeToString(encoded(treCert)), boot.pcid(), nonce,
                target.id(), mcimObject, DownloadSession.State.DELIVERED, now, null, null, renewal == null ? null : renewal.sealed(),
                renewal == null ? null : renewal.imsi());
        if (!sessions.create(s)) {
            // One MCIMobj never goes to two sessions, hence never to two devices.
            LOG.warning("SHO " + target.id() + " returned object " + objectId + " twice; not delivered again");
            throw new HttpException(502, "duplicate-object", "the SHO returned an MCIMobj already delivered");
        }
        meters.counter("dpf.delivered", "sho", target.id()).increment();
        // Step 17.
        return Response.ok(body(s));
    }

    /**
     * TR 33.812 §5.1.3.7.4.3 NOTE 2: "an updated initial network access credential could be
     * delivered as a MCIM to the M2ME", by "a network entity (e.g. the DPF of the RO ...)". If the
     * RO has renewed this device's PCID (ICF admin API), the renewed credential rides with the
     * MCIMobj, sealed to the TRE platform key the attestation just proved and signed by the RO: the
     * SHO's object is not touched (the SHO signed it), and the TRE takes a new pristine identity only
     * from the RO. The clear keys live here only for the sealing; the session keeps the sealed form.
     */
    private record Renewal(String sealed, String imsi) {
    }

    private Renewal renewal(String pcid, String objectId, String treId, X509Certificate treCert, Instant now) {
        if (settings.renewal() == null || pcid == null) {
            return null;
        }
        Optional<Subscriber> fresh = pcids.pendingRenewal(pcid);
        if (fresh.isEmpty()) {
            return null;
        }
        Subscriber f = fresh.get();
        // apn empty: the TRE keeps its PCID's provisioning APN (the RO's, unchanged by a renewal).
        McimCredential c = new McimCredential(f.imsi(), f.k(), f.opc(), f.amf(), f.sqnHe(), f.algorithm().name().toLowerCase(Locale.ROOT),
                "", null);
        String sealed = renewalCodec.seal(new PcidRenewalCodec.PcidRenewal(renewalCodec.newRenewalId(), objectId, treId,
                settings.renewal().ro(), now, pcid, c), treCert.getPublicKey(), settings.renewal().signer());
        meters.counter("dpf.pcid.renewal", "outcome", "added").increment();
        LOG.info("PCID " + pcid + ": renewal " + f.imsi() + " added to object " + objectId + " for TRE " + treId);
        return new Renewal(sealed, f.imsi());
    }

    // ---- step 17 again, after a restart ----

    Response download(Request r) {
        String objectId = query(r, "objectId");
        String proofB64 = query(r, "proof");
        String proof;
        try {
            proof = new String(Base64.getUrlDecoder().decode(proofB64), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new HttpException(400, "malformed-request", "proof must be the base64url of a signed device request");
        }
        DeviceProof.Verified v;
        try {
            v = proofs.verify(proof, settings.supplierRoots(), DeviceProof.DOWNLOAD, settings.requestMaxAge(), clock.instant());
        } catch (Jws.InvalidJwsException e) {
            throw new HttpException(authenticity(e.reason()) ? 403 : 400, e.reason(), e.getMessage());
        }
        if (!objectId.equals(v.objectId())) {
            throw new HttpException(400, "malformed-request", "the signed request names another object");
        }
        DownloadSession s = sessions.find(objectId)
                .filter(x -> x.treId().equals(v.treId()) && x.treCertificate().equals(Base64.getEncoder().encodeToString(encoded(v.certificate()))))
                // Another TRE asking is told nothing more than an unknown object id would be.
                .orElseThrow(() -> new HttpException(404, "unknown-object", "no download of yours with this objectId"));
        refuseExpired(s);
        if (s.state() != DownloadSession.State.DELIVERED) {
            throw new HttpException(409, "session-closed", "this download has been reported " + s.state().name().toLowerCase(Locale.ROOT));
        }
        if (!clock.instant().isBefore(s.createdAt().plus(settings.downloadTtl()))) {
            // Past its TTL the object is not handed out again, even before the sweep tells the SHO:
            // the SHO is about to withdraw the MCIM it carries.
            throw new HttpException(410, "session-expired", "no report came within " + settings.downloadTtl()
                    + "; get a new bootstrap from the DRF and start over");
        }
        return Response.ok(body(s));
    }

    // ---- steps 19-20 ----

    Response report(Request r) throws InterruptedException {
        JsonNode b = JsonHttpServer.json(r);
        String objectId = field(b, "objectId");
        JsonNode ok = b.get("success");
        if (ok == null || !ok.isBoolean()) {
            throw new HttpException(400, "malformed-request", "\"success\" must be true or false");
        }
        String detail = b.hasNonNull("detail") ? b.get("detail").asText() : "";
        if (detail.length() > MAX_DETAIL) {
            throw new HttpException(400, "malformed-request", "\"detail\" is longer than " + MAX_DETAIL + " characters");
        }
        // Step 19 is the TRE's word: a signed device request for this object, by the platform key the
        // MCIMobj was sealed for. The object id alone (sent only to that device) is not enough: anyone
        // who learnt it could make the SHO withdraw a subscription the device has installed.
        JsonNode proofNode = b.get("proof");
        if (proofNode == null || !proofNode.isTextual()) {
            throw new HttpException(400, "malformed-request", "\"proof\" must be the signed device request (purpose report)");
        }
        DeviceProof.Verified v;
        try {
            v = proofs.verify(proofNode.asText(), settings.supplierRoots(), DeviceProof.REPORT, settings.requestMaxAge(), clock.instant());
        } catch (Jws.InvalidJwsException e) {
            throw new HttpException(authenticity(e.reason()) ? 403 : 400, e.reason(), e.getMessage());
        }
        if (!objectId.equals(v.objectId())) {
            throw new HttpException(400, "malformed-request", "the signed request names another object");
        }
        DownloadSession s = sessions.find(objectId)
                .filter(x -> x.treId().equals(v.treId()) && x.treCertificate().equals(Base64.getEncoder().encodeToString(encoded(v.certificate()))))
                .orElseThrow(() -> new HttpException(404, "unknown-object", "no download of yours with this objectId"));
        refuseExpired(s);
        if (s.state() != DownloadSession.State.DELIVERED) {
            throw new HttpException(409, "already-reported", "this download has been reported " + s.state().name().toLowerCase(Locale.ROOT));
        }
        if (reporting.putIfAbsent(objectId, Boolean.TRUE) != null) {
            throw new HttpException(409, "report-in-progress", "a report for this object is being relayed");
        }
        try {
            DpfSettings.Sho target = settings.shos().get(s.shoId());
            if (target == null) {
                throw new HttpException(502, "unknown-sho", "the SHO of this download is no longer configured");
            }
            Map<String, Object> req = new LinkedHashMap<>();
            req.put("objectId", objectId);
            req.put("treId", s.treId());
            req.put("success", ok.asBoolean());
            req.put("detail", detail);
            // Step 20 first: the session closes only once the SHO knows, so a lost relay can be retried.
            callSho("report", target, "/sho/v1/report", req);
            DownloadSession closed = s.close(ok.asBoolean(), clock.instant(), detail);
            sessions.update(closed);
            if (s.pcid() != null) {
                pcids.provisioned(s.pcid(), ok.asBoolean(), clock.instant());
                if (ok.asBoolean() && s.pcidRenewal() != null) {
                    // The TRE installed the package whole, the renewed PCID with it (Tre.install): the old one is replaced.
                    pcids.renewalInstalled(s.pcid(), clock.instant());
                    followRenewal(s);
                }
            }
            meters.counter("dpf.reported", "success", Boolean.toString(ok.asBoolean())).increment();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("objectId", objectId);
            out.put("state", closed.state().name().toLowerCase(Locale.ROOT));
            return Response.ok(out);
        } finally {
            reporting.remove(objectId);
        }
    }

    /**
     * The DRF's registry, when this DPF shares the DRF's state (same state directory or store
     * cluster): after a renewed PCID is installed, the registration moves to it, so that a device that
     * reverts to the pristine state (TR §5.1.3.7.4.3 step 2) and attaches with its new PCID finds its
     * SHO and DPF at the DRF again (step 7's database is keyed by the PCID the device attaches with).
     */
    public void followRenewalsIn(org.openmcim.drf.Registry registry) {
        this.registry = registry;
    }

    private void followRenewal(DownloadSession s) {
        if (registry == null || s.renewedPcid() == null) {
            return;
        }
        try {
            if (registry.move(s.pcid(), s.renewedPcid(), clock.instant())) {
                LOG.info("DRF registration of PCID " + s.pcid() + " moved to its renewal " + s.renewedPcid());
            }
        } catch (RuntimeException e) {
            // The report itself succeeded and the SHO knows; the registration can be written again by the SHO.
            LOG.warning("PCID " + s.pcid() + ": moving the DRF registration to " + s.renewedPcid() + " failed: " + e.getMessage());
        }
    }

    // ---- no report: the download is given up ----

    /**
     * Gives up the downloads that waited longer than {@code download-ttl} for the device's report:
     * the SHO is told the download failed (step 20 with success false, so it withdraws the MCIM from
     * its HSS as for a failure report), then the session is closed EXPIRED and the PCID stays
     * PROVISIONING, so the device can start over with a new bootstrap. TR 33.812 §5.1.3.6.2 has no
     * timer here; without one, an MCIMobj whose report never comes would stay fetchable, and its MCIM
     * registered at the SHO, for ever. A session whose report is being relayed right now is left to
     * that report. If the SHO cannot be reached the session stays open and the next sweep tries again.
     *
     * @return how many sessions were given up
     */
    public int expireUnreported(Instant now) throws InterruptedException {
        int n = 0;
        for (DownloadSession s : sessions.unreported(now.minus(settings.downloadTtl()))) {
            if (reporting.putIfAbsent(s.objectId(), Boolean.TRUE) != null) {
                continue;
            }
            try {
                if (expire(s, now)) {
                    n++;
                }
            } finally {
                reporting.remove(s.objectId());
            }
        }
        return n;
    }

    private boolean expire(DownloadSession stale, Instant now) throws InterruptedException {
        // Read again under the report lock: another DPF member (shared store) may have closed it.
        DownloadSession s = sessions.find(stale.objectId()).orElse(null);
        if (s == null || s.state() != DownloadSession.State.DELIVERED) {
            return false;
        }
        String why = "download-expired: no report from the device within " + settings.downloadTtl();
        DpfSettings.Sho target = settings.shos().get(s.shoId());
        if (target != null) {
            Map<String, Object> req = new LinkedHashMap<>();
            req.put("objectId", s.objectId());
            req.put("treId", s.treId());
            req.put("success", false);
            req.put("detail", why);
            try {
                postToSho("expire", target, "/sho/v1/report", req, e -> isAnswer(e, 404, "unknown-object") ? "unknown-object" : e.reason());
            } catch (ShoClient.ShoException e) {
                if (!isAnswer(e, 404, "unknown-object")) {
                    // Unreachable or failing SHO: keep the session open; the next sweep tries again.
                    LOG.warning("download " + s.objectId() + " of TRE " + s.treId() + " expired, but SHO " + target.id()
                            + " could not be told (" + e.getMessage() + "); will retry");
                    return false;
                }
                // The SHO has already closed this object (a report relayed by another DPF member, or
                // an earlier sweep that stopped before writing the session): close it here too, unless
                // that report's own update landed meanwhile.
                if (sessions.find(s.objectId()).map(x -> x.state() != DownloadSession.State.DELIVERED).orElse(true)) {
                    return false;
                }
            }
        } else {
            LOG.warning("download " + s.objectId() + " expired; its SHO " + s.shoId() + " is no longer configured and was not told");
        }
        sessions.update(s.expire(now, why));
        if (s.pcid() != null) {
            pcids.provisioned(s.pcid(), false, now);
        }
        meters.counter("dpf.expired", "sho", s.shoId() == null ? "?" : s.shoId()).increment();
        LOG.info("download " + s.objectId() + " of TRE " + s.treId() + " expired without a report; SHO told");
        return true;
    }

    private static void refuseExpired(DownloadSession s) {
        if (s.state() == DownloadSession.State.EXPIRED) {
            throw new HttpException(410, "session-expired", "no report came in time and this download was given up; "
                    + "get a new bootstrap from the DRF and start over");
        }
    }

    // ---- helpers ----

    private JsonNode callSho(String call, DpfSettings.Sho target, String path, Object body) throws InterruptedException {
        try {
            return postToSho(call, target, path, body, e -> isAnswer(e, 403, "platform-invalid") ? "platform-invalid" : e.reason());
        } catch (ShoClient.ShoException e) {
            // The SHO service answers a negative PVA verdict (step 14) with 403 platform-invalid and
            // the PVA's reason: a verdict about the device, not an SHO failure (docs/sho-pva-api.md).
            if (isAnswer(e, 403, "platform-invalid")) {
                throw platformRejected(target, body instanceof Map<?, ?> m ? String.valueOf(m.get("treId")) : "?",
                        e.answer().path("reason").asText("refused"));
            }
            LOG.info("SHO " + target.id() + " " + call + ": " + e.getMessage());
            throw new HttpException(e.reason().equals("sho-timeout") ? 504 : 502, e.reason(), e.getMessage());
        }
    }

    /** POSTs to the SHO, timed as {@code dpf.sho.call{call, sho, outcome}}; {@code outcomeOf} names a refusal's outcome. */
    private JsonNode postToSho(String call, DpfSettings.Sho target, String path, Object body,
                               java.util.function.Function<ShoClient.ShoException, String> outcomeOf)
            throws ShoClient.ShoException, InterruptedException {
        Timer.Sample sample = Timer.start(meters);
        String outcome = "ok";
        try {
            return sho.post(target.url().resolve(path), body);
        } catch (ShoClient.ShoException e) {
            outcome = outcomeOf.apply(e);
            throw e;
        } finally {
            sample.stop(meters.timer("dpf.sho.call", "call", call, "sho", target.id(), "outcome", outcome));
        }
    }

    /** The SHO answered {@code status} with this machine-readable {@code error}. */
    private static boolean isAnswer(ShoClient.ShoException e, int status, String error) {
        return e.status() == status && e.answer() != null && error.equals(e.answer().path("error").asText());
    }

    /** Step 14 said no: 403 platform-rejected with the PVA's reason in kebab case (measurement-mismatch, ...). */
    private static HttpException platformRejected(DpfSettings.Sho target, String treId, String why) {
        LOG.info("SHO " + target.id() + " refused TRE " + treId + ": " + why);
        return new HttpException(403, "platform-rejected",
                "the SHO refused this platform: " + why.toLowerCase(Locale.ROOT).replace('_', '-'));
    }

    /** 403 for who-signed and when (the input is well-formed but not acceptable), 400 for form. */
    private static boolean authenticity(String reason) {
        return switch (reason) {
            case "untrusted-signer", "bad-signature", "expired", "not-yet-valid", "stale-request" -> true;
            default -> false;
        };
    }

    private static Map<String, Object> body(DownloadSession s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("objectId", s.objectId());
        out.put("treId", s.treId());
        out.put("sho", s.shoId());
        out.put("mcimObject", s.mcimObject());
        if (s.pcidRenewal() != null) {
            out.put("pcidRenewal", s.pcidRenewal());
        }
        return out;
    }

    private static String field(JsonNode b, String name) {
        JsonNode n = b.get(name);
        if (n == null || !n.isTextual() || n.asText().isEmpty()) {
            throw new HttpException(400, "malformed-request", "missing or non-string \"" + name + "\"");
        }
        return n.asText();
    }

    private static String query(Request r, String name) {
        List<String> v = r.query().getOrDefault(name, List.of());
        if (v.size() != 1 || v.get(0).isEmpty()) {
            throw new HttpException(400, "malformed-request", "give exactly one " + name);
        }
        return v.get(0);
    }

    private static X509Certificate certificate(String b64) {
        try {
            byte[] der = Base64.getDecoder().decode(b64);
            if (der.length > 8192) {
                throw new HttpException(400, "malformed-certificate", "treCertificate is too large");
            }
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (IllegalArgumentException | CertificateException | ClassCastException e) {
            throw new HttpException(400, "malformed-certificate", "treCertificate must be a base64 DER X.509 certificate");
        }
    }

    private static byte[] encoded(X509Certificate c) {
        try {
            return c.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean same(X509Certificate a, X509Certificate b) {
        return java.util.Arrays.equals(encoded(a), encoded(b));
    }
}
