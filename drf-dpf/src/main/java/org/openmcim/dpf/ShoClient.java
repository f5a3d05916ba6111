package org.openmcim.dpf;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

import javax.net.ssl.SSLContext;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The DPF's calls to an SHO (TR 33.812 steps 11/16 and 20) over mutual TLS: the DPF presents its RO
 * certificate and trusts only SHO roots ({@code TlsContexts.jdkClient}); the SHO's host name is
 * checked against its certificate. Every call has a connect and a request timeout; every failure is a
 * {@link ShoException} with a reason the DPF can pass on to the device.
 */
public final class ShoClient {
    private static final int MAX_ANSWER = 1024 * 1024;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http;
    private final Duration timeout;

    /** Why an SHO call failed: {@code sho-timeout}, {@code sho-unreachable}, {@code sho-error} or {@code sho-bad-answer}. */
    public static final class ShoException extends Exception {
        private final String reason;
        private final int status;
        private final JsonNode answer;

        public ShoException(String reason, String message) {
            this(reason, message, 0, null);
        }

        /** A non-2xx answer: its status and JSON body (null if it had none), for callers that read refusals. */
        public ShoException(String reason, String message, int status, JsonNode answer) {
            super(message);
            this.reason = reason;
            this.status = status;
            this.answer = answer;
        }

        public String reason() {
            return reason;
        }

        /** The SHO's HTTP status, or 0 when there was no answer. */
        public int status() {
            return status;
        }

        /** The SHO's JSON answer to a refused call, or null. */
        public JsonNode answer() {
            return answer;
        }
    }

    public ShoClient(SSLContext tls, Duration connectTimeout, Duration timeout) {
        this.http = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.timeout = timeout;
    }

    /** POSTs {@code body} to {@code url}; returns the JSON object of a 2xx answer. */
    public JsonNode post(URI url, Object body) throws ShoException, InterruptedException {
        HttpRequest req;
        try {
            req = HttpRequest.newBuilder(url).timeout(timeout).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body))).build();
        } catch (IOException | IllegalArgumentException e) {
            throw new ShoException("sho-unreachable", "bad SHO URL or body");
        }
        HttpResponse<byte[]> resp;
        try {
            resp = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpConnectTimeoutException e) {
            throw new ShoException("sho-unreachable", "connecting to the SHO timed out");
        } catch (HttpTimeoutException e) {
            throw new ShoException("sho-timeout", "the SHO did not answer within " + timeout.toMillis() + " ms");
        } catch (IOException e) {
            throw new ShoException("sho-unreachable", "cannot reach the SHO (" + e.getClass().getSimpleName() + ")");
        }
        if (resp.body().length > MAX_ANSWER) {
            throw new ShoException("sho-bad-answer", "the SHO's answer is too large");
        }
        JsonNode answer;
        try {
            answer = json.readTree(resp.body());
        } catch (IOException e) {
            answer = null;
        }
        if (resp.statusCode() / 100 != 2) {
            String why = answer != null && answer.hasNonNull("error") ? answer.get("error").asText() : "HTTP " + resp.statusCode();
            throw new ShoException("sho-error", "the SHO refused: " + why, resp.statusCode(), answer);
        }
        if (answer == null || !answer.isObject()) {
            throw new ShoException("sho-bad-answer", "the SHO's answer is not a JSON object");
        }
        return answer;
    }
}
