package org.openmcim.sho;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.logging.Logger;

import org.openmcim.pki.Credential;
import org.openmcim.pki.TlsContexts;
import org.openmcim.wire.bootstrap.BootstrapMessage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The SHO telling the RO's DRF which M2ME subscribes to it (TR 33.812 §5.1.3.6.2 step 7's
 * database; §5.1.3.7.4.2 step 2 "transfer the M2ME's parameters" and step 17 "register the M2ME as
 * subscribing to the new SHO"): {@code POST {drf}/drf/v1/registrations} of the drf-dpf module
 * (docs/drf-dpf-api.md), mutual TLS with the SHO certificate, trusting the RO roots. The registration
 * is keyed by the PCID the device attaches with; the operation becomes the bootstrap's MCIM context.
 */
public final class DrfClient {
    private static final Logger LOG = Logger.getLogger(DrfClient.class.getName());
    private final URI registrations;
    private final URI shoUrl;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();

    /**
     * @param shoUrl this SHO's operator URL as the DRF records it (the DPF calls the URL from its own
     *               configuration; this one is for the registry's record)
     */
    public DrfClient(URI base, URI shoUrl, Credential sho, List<X509Certificate> roRoots) {
        this.registrations = base.resolve("/drf/v1/registrations");
        this.shoUrl = shoUrl;
        this.http = HttpClient.newBuilder().sslContext(TlsContexts.jdkClient(sho, roRoots)).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** @return whether the DRF accepted (2xx) the registration; a refusal is logged with the DRF's reason */
    public boolean register(String pcid, String treId, String shoId, BootstrapMessage.Operation operation, List<String> applications) {
        ObjectNode b = json.createObjectNode().put("pcid", pcid).put("treId", treId).put("shoId", shoId).put("shoUrl", shoUrl.toString())
                .put("operation", operation.wire());
        applications.forEach(b.putArray("applications")::add);
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(registrations).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(b.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                LOG.warning("DRF refused the registration of PCID " + pcid + ": HTTP " + r.statusCode() + " " + r.body());
                return false;
            }
            return true;
        } catch (java.io.IOException e) {
            LOG.warning("DRF unreachable for the registration of PCID " + pcid + ": " + e);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
