package org.openmcim.sho;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import org.openmcim.pki.Credential;
import org.openmcim.pki.TlsContexts;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The SHO telling the RO's DRF which TRE subscribes to it (TR 33.812 alt 1: the SHO registers the
 * M2ME for discovery; §5.1.3.7.4.2 step 2 "transfer the M2ME's parameters" and step 17 "register
 * the M2ME as 'subscribing to' the new SHO"). Mutual TLS with the SHO certificate, trusting the RO
 * roots. The DRF side is written on another branch: the URL is configuration and the call is
 * {@code POST {drf}/drf/v1/registrations} with {treId, sho, event}; see docs/sho-pva-api.md.
 */
public final class DrfClient {
    private final URI registrations;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();

    public DrfClient(URI base, Credential sho, List<X509Certificate> roRoots) {
        this.registrations = base.resolve("/drf/v1/registrations");
        this.http = HttpClient.newBuilder().sslContext(TlsContexts.jdkClient(sho, roRoots)).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** @return whether the DRF accepted (2xx) the registration */
    public boolean register(String treId, String sho, String event) {
        String body = json.createObjectNode().put("treId", treId).put("sho", sho).put("event", event).toString();
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(registrations).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() / 100 == 2;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
