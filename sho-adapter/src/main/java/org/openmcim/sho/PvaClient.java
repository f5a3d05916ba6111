package org.openmcim.sho;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.openmcim.http.HttpsClient;
import org.openmcim.pki.Credential;
import org.openmcim.pki.TlsContexts;
import org.openmcim.pki.TlsProvider;
import org.openmcim.pva.PvaVerdictCodec;
import org.openmcim.wire.jws.Jws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The SHO asking the PVA (TR 33.812 step 12, "the SHO forwards the platform validation info to the
 * PVA"; §5.1.3.7.4.2 step 6) over mutual TLS with the SHO certificate, trusting only the PVA roots,
 * on the SHO's TLS stack ({@code tls.provider}), connections kept alive ({@link HttpsClient}).
 * The answer counts only through its signature: an unsigned or wrongly signed verdict, or one for
 * another nonce or TRE, is treated as no verdict at all.
 */
public final class PvaClient implements AutoCloseable {
    /** The verified verdict and the JWS it came in (kept as evidence). */
    public record Answer(PvaVerdictCodec.SignedVerdict verdict, String jws) {
    }

    /** The PVA could not be asked, or its answer was not a verdict we can trust. */
    public static final class PvaUnavailableException extends Exception {
        public PvaUnavailableException(String message) {
            super(message);
        }
    }

    private final URI validate;
    private final HttpsClient http;
    private final List<X509Certificate> pvaRoots;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    private final PvaVerdictCodec codec = new PvaVerdictCodec();

    /** On the {@linkplain TlsProvider#preferred() preferred} TLS stack. */
    public PvaClient(URI base, Credential sho, List<X509Certificate> pvaRoots, Clock clock) {
        this(base, sho, pvaRoots, clock, TlsProvider.preferred());
    }

    /** @param tls the TLS stack (the SHO's {@code tls.provider}, {@link TlsProvider#effective} already applied) */
    public PvaClient(URI base, Credential sho, List<X509Certificate> pvaRoots, Clock clock, TlsProvider tls) {
        this(base, sho, pvaRoots, clock, tls, List.of());
    }

    /** @param groups the key-exchange groups offered (the SHO's {@code tls.groups}; empty: the stack's) */
    public PvaClient(URI base, Credential sho, List<X509Certificate> pvaRoots, Clock clock, TlsProvider tls, List<String> groups) {
        this.validate = base.resolve("/pva/v1/validate");
        this.pvaRoots = List.copyOf(pvaRoots);
        this.clock = clock;
        this.http = HttpsClient.builder("sho-pva-client", TlsContexts.client(sho, pvaRoots, tls, groups)).connectTimeout(Duration.ofSeconds(5))
                .requestTimeout(Duration.ofSeconds(10)).maxResponseBody(256 * 1024).build();
    }

    public Answer validate(String attestation, String nonce, String expectedTreId) throws PvaUnavailableException {
        String body = json.createObjectNode().put("attestation", attestation).put("nonce", nonce).toString();
        HttpsClient.Response resp;
        try {
            resp = http.post(validate, "application/json", body.getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new PvaUnavailableException("PVA unreachable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PvaUnavailableException("interrupted");
        }
        if (resp.status() != 200) {
            throw new PvaUnavailableException("PVA answered " + resp.status());
        }
        try {
            JsonNode n = json.readTree(resp.body());
            String jws = n.path("verdict").asText();
            PvaVerdictCodec.SignedVerdict v = codec.verify(jws, pvaRoots, clock.instant());
            if (!nonce.equals(v.nonce())) {
                throw new PvaUnavailableException("PVA verdict answers another nonce");
            }
            if (v.valid() && !expectedTreId.equals(v.treId())) {
                throw new PvaUnavailableException("PVA verdict is about another TRE");
            }
            return new Answer(v, jws);
        } catch (java.io.IOException | Jws.InvalidJwsException e) {
            throw new PvaUnavailableException("PVA verdict not trusted: " + e.getMessage());
        }
    }

    /** Closes the kept-alive connections and the client's event loop. */
    @Override
    public void close() {
        http.close();
    }
}
