package org.openmcim.drf;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import org.openmcim.dpf.PcidLifecycle;
import org.openmcim.http.HttpsClient;
import org.openmcim.http.JsonHttpServer;
import org.openmcim.pki.Credential;
import org.openmcim.pki.TlsContexts;
import org.openmcim.pki.TlsProvider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.HttpMethod;

/**
 * The PCID records as a DRF on its own state directory reaches them: through the ICF's admin API
 * ({@code POST /icf/v1/subscribers/{imsi}/reissue}, docs/icf-admin-api.md), mutual TLS with the DRF's
 * certificate, which the ICF lists in {@code admin.reissuers}. Only the re-issue after a revert to
 * the pristine state (TR 33.812 §5.1.3.7.4.3 step 2) goes this way; the DPF's transitions need the
 * store itself.
 *
 * <p>The call runs in the background so that the SHO's registration is answered at once: three
 * attempts (then 1 s and 3 s later), each bounded by {@code timeout}. The outcome is logged and
 * counted ({@code drf.pcid.reissue}, {@code outcome} = reissued, already-issued, refused, failed); a
 * refusal (409: the PCID is not RETIRED; 404) is not retried.
 *
 * <p>The call runs on the DRF's own TLS stack ({@code tls.provider}) and PKIX policy, through the same
 * {@link HttpsClient} as every other operator hop, on one event-loop thread of its own; the kept-alive
 * connection closes after 20 s idle. Close this with the DRF.
 */
public final class IcfAdminPcids implements PcidLifecycle, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(IcfAdminPcids.class.getName());
    private static final long[] RETRY_AFTER_MS = {0, 1_000, 3_000};

    private final HttpsClient http;
    private final URI base;
    private final MeterRegistry meters;
    private final ObjectMapper json = new ObjectMapper();

    /** @param tls the DRF's TLS stack ({@code tls.provider}, {@link TlsProvider#effective} already applied) */
    public IcfAdminPcids(DrfConfig.IcfAdmin cfg, Credential drf, TlsProvider tls, MeterRegistry meters) {
        Duration timeout = cfg.timeout();
        this.http = HttpsClient.builder("drf-icf-admin-client", TlsContexts.client(drf, cfg.roots(), tls)).threads(1)
                .connectTimeout(timeout).requestTimeout(timeout).maxResponseBody(16 * 1024).maxConnectionsPerPeer(1).build();
        this.base = cfg.url();
        this.meters = meters;
    }

    @Override
    public void provisioning(String pcid, Instant at) {
    }

    @Override
    public void provisioned(String pcid, boolean success, Instant at) {
    }

    @Override
    public void reissued(String pcid, Instant at) {
        reissue(pcid);
    }

    /** Starts the re-issue; the future completes with the outcome counted. */
    public CompletableFuture<String> reissue(String pcid) {
        if (!pcid.matches("[0-9]{14,15}")) {
            return CompletableFuture.completedFuture(count(pcid, "refused", "not an IMSI"));
        }
        return attempt(pcid, 0);
    }

    private CompletableFuture<String> attempt(String pcid, int n) {
        URI url = base.resolve("/icf/v1/subscribers/" + pcid + "/reissue");
        CompletableFuture<HttpsClient.Response> call = CompletableFuture.supplyAsync(() -> null,
                CompletableFuture.delayedExecutor(RETRY_AFTER_MS[n], TimeUnit.MILLISECONDS))
                .thenCompose(x -> http.send(HttpMethod.POST, url, null, null));
        return call.handle((resp, error) -> {
            if (error == null && resp.status() == 200) {
                return CompletableFuture.completedFuture(count(pcid, wasIssued(resp) ? "already-issued" : "reissued", "HTTP 200"));
            }
            if (error == null && resp.status() / 100 == 4) {
                // The ICF's word on this PCID (not RETIRED, unknown, or this DRF not a reissuer): retrying
                // changes nothing. Only its machine-readable reason reaches the log.
                String reason = JsonHttpServer.reasonOf(resp.body());
                return CompletableFuture.completedFuture(count(pcid, "refused", "HTTP " + resp.status() + (reason == null ? "" : " " + reason)));
            }
            String why = error != null ? describe(error) : "HTTP " + resp.status();
            if (n + 1 < RETRY_AFTER_MS.length) {
                return attempt(pcid, n + 1);
            }
            return CompletableFuture.completedFuture(count(pcid, "failed", why + " after " + RETRY_AFTER_MS.length + " attempts"));
        }).thenCompose(f -> f);
    }

    /** docs/icf-admin-api.md: a 200 answer names the state the PCID was in; ISSUED means nothing changed. */
    private boolean wasIssued(HttpsClient.Response resp) {
        try {
            JsonNode previous = json.readTree(resp.body()).path("previous");
            return previous.isTextual() && previous.asText().equals("ISSUED");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static String describe(Throwable error) {
        Throwable e = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
        return e instanceof HttpsClient.HttpsClientException h ? h.kind() + " (" + h.getMessage() + ")" : e.getClass().getSimpleName();
    }

    private String count(String pcid, String outcome, String detail) {
        meters.counter("drf.pcid.reissue", "outcome", outcome).increment();
        String line = "PCID " + pcid + " re-issue at the ICF (revert to the pristine state): " + outcome + " (" + detail + ")";
        if (outcome.equals("reissued") || outcome.equals("already-issued")) {
            LOG.info(line);
        } else {
            LOG.warning(line);
        }
        return outcome;
    }

    /** Closes the kept-alive connection and the client's event loop; a call still retrying then fails. */
    @Override
    public void close() {
        http.close();
    }
}
