package org.openmcim.sho;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.logging.Logger;

import org.openmcim.http.HttpsClient;
import org.openmcim.http.JsonHttpServer;
import org.openmcim.pki.Credential;
import org.openmcim.pki.TlsContexts;
import org.openmcim.pki.TlsProvider;
import org.openmcim.wire.bootstrap.BootstrapMessage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The SHO telling the RO's DRF which M2ME subscribes to it (TR 33.812 §5.1.3.6.2 step 7's
 * database; §5.1.3.7.4.2 step 2 "transfer the M2ME's parameters" and step 17 "register the M2ME as
 * subscribing to the new SHO"): {@code POST {drf}/drf/v1/registrations} of the drf-dpf module
 * (docs/drf-dpf-api.md), mutual TLS with the SHO certificate, trusting the RO roots, on the SHO's TLS
 * stack ({@code tls.provider}), connections kept alive ({@link HttpsClient}). The registration
 * is keyed by the PCID the device attaches with; the operation becomes the bootstrap's MCIM context.
 */
public final class DrfClient implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DrfClient.class.getName());
    private final URI registrations;
    private final URI shoUrl;
    private final HttpsClient http;
    private final ObjectMapper json = new ObjectMapper();

    /**
     * @param shoUrl this SHO's operator URL as the DRF records it (the DPF calls the URL from its own
     *               configuration; this one is for the registry's record)
     */
    public DrfClient(URI base, URI shoUrl, Credential sho, List<X509Certificate> roRoots) {
        this(base, shoUrl, sho, roRoots, TlsProvider.preferred());
    }

    /** @param tls the TLS stack (the SHO's {@code tls.provider}, {@link TlsProvider#effective} already applied) */
    public DrfClient(URI base, URI shoUrl, Credential sho, List<X509Certificate> roRoots, TlsProvider tls) {
        this(base, shoUrl, sho, roRoots, tls, List.of());
    }

    /** @param groups the key-exchange groups offered (the SHO's {@code tls.groups}; empty: the stack's) */
    public DrfClient(URI base, URI shoUrl, Credential sho, List<X509Certificate> roRoots, TlsProvider tls, List<String> groups) {
        this.registrations = base.resolve("/drf/v1/registrations");
        this.shoUrl = shoUrl;
        this.http = HttpsClient.builder("sho-drf-client", TlsContexts.client(sho, roRoots, tls, groups)).connectTimeout(Duration.ofSeconds(5))
                .requestTimeout(Duration.ofSeconds(10)).maxResponseBody(64 * 1024).build();
    }

    /** @return whether the DRF accepted (2xx) the registration; a refusal is logged with the DRF's reason */
    public boolean register(String pcid, String treId, String shoId, BootstrapMessage.Operation operation, List<String> applications) {
        ObjectNode b = json.createObjectNode().put("pcid", pcid).put("treId", treId).put("shoId", shoId).put("shoUrl", shoUrl.toString())
                .put("operation", operation.wire());
        applications.forEach(b.putArray("applications")::add);
        try {
            HttpsClient.Response r = http.post(registrations, "application/json", b.toString().getBytes(StandardCharsets.UTF_8));
            if (r.status() / 100 != 2) {
                // The DRF's machine-readable reason only: nothing else of its answer reaches the log.
                String reason = JsonHttpServer.reasonOf(r.body());
                LOG.warning("DRF refused the registration of PCID " + pcid + ": HTTP " + r.status() + (reason == null ? "" : " " + reason));
                return false;
            }
            return true;
        } catch (java.io.IOException e) {
            LOG.warning("DRF unreachable for the registration of PCID " + pcid + ": " + e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Closes the kept-alive connections and the client's event loop. */
    @Override
    public void close() {
        http.close();
    }
}
