package org.openmcim.drf;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import org.openmcim.dpf.PcidLifecycle;
import org.openmcim.pki.Credential;
import org.openmcim.pki.TlsContexts;

import io.micrometer.core.instrument.MeterRegistry;

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
 */
public final class IcfAdminPcids implements PcidLifecycle {
    private static final Logger LOG = Logger.getLogger(IcfAdminPcids.class.getName());
    private static final long[] RETRY_AFTER_MS = {0, 1_000, 3_000};

    private final HttpClient http;
    private final URI base;
    private final Duration timeout;
    private final MeterRegistry meters;

    public IcfAdminPcids(DrfConfig.IcfAdmin cfg, Credential drf, MeterRegistry meters) {
        this.http = HttpClient.newBuilder().sslContext(TlsContexts.jdkClient(drf, cfg.roots())).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(cfg.timeout()).followRedirects(HttpClient.Redirect.NEVER).build();
        this.base = cfg.url();
        this.timeout = cfg.timeout();
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
        HttpRequest req = HttpRequest.newBuilder(base.resolve("/icf/v1/subscribers/" + pcid + "/reissue")).timeout(timeout)
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        CompletableFuture<HttpResponse<String>> call = CompletableFuture.supplyAsync(() -> null,
                CompletableFuture.delayedExecutor(RETRY_AFTER_MS[n], TimeUnit.MILLISECONDS))
                .thenCompose(x -> http.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
        return call.handle((resp, error) -> {
            if (error == null && resp.statusCode() == 200) {
                boolean already = resp.body().contains("\"previous\":\"ISSUED\"");
                return CompletableFuture.completedFuture(count(pcid, already ? "already-issued" : "reissued", "HTTP 200"));
            }
            if (error == null && resp.statusCode() / 100 == 4) {
                // The ICF's word on this PCID (not RETIRED, unknown, or this DRF not a reissuer): retrying changes nothing.
                return CompletableFuture.completedFuture(count(pcid, "refused", "HTTP " + resp.statusCode() + " " + resp.body()));
            }
            String why = error != null ? error.getClass().getSimpleName() : "HTTP " + resp.statusCode();
            if (n + 1 < RETRY_AFTER_MS.length) {
                return attempt(pcid, n + 1);
            }
            return CompletableFuture.completedFuture(count(pcid, "failed", why + " after " + RETRY_AFTER_MS.length + " attempts"));
        }).thenCompose(f -> f);
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
}
