package org.openmcim.dpf;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;

import org.openmcim.http.HttpsClient;
import org.openmcim.http.HttpsClient.HttpsClientException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.netty.handler.ssl.SslContext;

/**
 * The DPF's calls to an SHO (TR 33.812 steps 11/16 and 20) over mutual TLS: the DPF presents its RO
 * certificate and trusts only SHO roots ({@code TlsContexts.client}, on the DPF's {@code tls.provider});
 * the SHO's host name is checked against its certificate. Connections are kept alive per SHO
 * ({@link HttpsClient}). Every call has a connect and a request timeout; every failure is a
 * {@link ShoException} with a reason the DPF can pass on to the device.
 */
public final class ShoClient implements AutoCloseable {
    private static final int MAX_ANSWER = 1024 * 1024;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpsClient http;
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

    /** @param tls a client context from {@code TlsContexts.client} (the DPF's credential, the SHO roots) */
    public ShoClient(SslContext tls, Duration connectTimeout, Duration timeout) {
        this.http = HttpsClient.builder("dpf-sho-client", tls).connectTimeout(connectTimeout).requestTimeout(timeout)
                .maxResponseBody(MAX_ANSWER).build();
        this.timeout = timeout;
    }

    /** POSTs {@code body} to {@code url}; returns the JSON object of a 2xx answer. */
    public JsonNode post(URI url, Object body) throws ShoException, InterruptedException {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new ShoException("sho-unreachable", "bad SHO URL or body");
        }
        HttpsClient.Response resp;
        try {
            resp = http.post(url, "application/json", bytes);
        } catch (IllegalArgumentException e) {
            throw new ShoException("sho-unreachable", "bad SHO URL or body");
        } catch (HttpsClientException e) {
            throw switch (e.kind()) {
                case CONNECT_TIMEOUT -> new ShoException("sho-unreachable", "connecting to the SHO timed out");
                case TIMEOUT -> new ShoException("sho-timeout", "the SHO did not answer within " + timeout.toMillis() + " ms");
                case TOO_LARGE -> new ShoException("sho-bad-answer", "the SHO's answer is too large");
                case MALFORMED -> new ShoException("sho-bad-answer", "the SHO's answer is not HTTP/1.1");
                case TLS -> new ShoException("sho-unreachable", "cannot reach the SHO (TLS handshake failed)");
                case CLOSED -> new ShoException("sho-unreachable", "the connection to the SHO closed before its answer");
                case UNREACHABLE -> new ShoException("sho-unreachable", "cannot reach the SHO");
            };
        }
        JsonNode answer;
        try {
            answer = json.readTree(resp.body());
        } catch (IOException e) {
            answer = null;
        }
        if (resp.status() / 100 != 2) {
            String why = answer != null && answer.hasNonNull("error") ? answer.get("error").asText() : "HTTP " + resp.status();
            throw new ShoException("sho-error", "the SHO refused: " + why, resp.status(), answer);
        }
        if (answer == null || !answer.isObject()) {
            throw new ShoException("sho-bad-answer", "the SHO's answer is not a JSON object");
        }
        return answer;
    }

    /** Closes the kept-alive connections and the client's event loop. */
    @Override
    public void close() {
        http.close();
    }
}
