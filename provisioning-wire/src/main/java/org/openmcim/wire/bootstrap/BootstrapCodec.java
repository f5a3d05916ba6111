package org.openmcim.wire.bootstrap;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

import org.openmcim.pki.Credential;
import org.openmcim.wire.jws.Jws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Bootstrap messages to and from their signed form: a JWS (ES256, flattened JSON, RO certificate
 * chain in x5c, {@code "typ": "openmcim-bootstrap+json"}) whose payload is the JSON of
 * docs/bootstrap-message.md. Verification is total: every defect is an
 * {@link Jws.InvalidJwsException} with a short reason, never a crash.
 */
public final class BootstrapCodec {
    /** Compiled once: {@code String.matches} compiles its pattern on every call, i.e. on every bootstrap. */
    private static final Pattern PCID = Pattern.compile("[0-9]{14,15}");
    private static final Pattern PDN_TYPE = Pattern.compile("ipv4|ipv6|ipv4v6");
    public static final String TYPE = "openmcim-bootstrap+json";
    /** A bootstrap lives for minutes in practice; a day is the hard limit. */
    public static final Duration MAX_LIFETIME = Duration.ofDays(1);
    /** Clock skew tolerated between the DRF and a device. */
    public static final Duration SKEW = Duration.ofMinutes(2);

    private final ObjectMapper json = new ObjectMapper();
    private final Jws jws = new Jws();

    /** A fresh 128-bit nonce, base64url. */
    public static String newNonce(SecureRandom random) {
        byte[] n = new byte[16];
        random.nextBytes(n);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(n);
    }

    /** The payload JSON (exact bytes that get signed). */
    public byte[] payload(BootstrapMessage m) {
        ObjectNode o = json.createObjectNode();
        o.put("version", BootstrapMessage.VERSION);
        o.put("pcid", m.pcid());
        o.put("nonce", m.nonce());
        o.put("issuedAt", m.issuedAt().toString());
        o.put("expiresAt", m.expiresAt().toString());
        o.putObject("napdef").put("apn", m.napdef().apn()).put("pdnType", m.napdef().pdnType());
        o.put("provUrl", m.provUrl().toString());
        o.putObject("sho").put("id", m.sho().id()).put("name", m.sho().name());
        o.putObject("mcimContext").put("operation", m.mcim().operation().wire()).put("objectType", m.mcim().objectType());
        var apps = o.putObject("appContext").putArray("applications");
        m.applications().forEach(apps::add);
        o.put("keepImsi", m.keepImsi());
        try {
            return json.writeValueAsBytes(o);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Signs with the RO's bootstrap credential. */
    public String sign(BootstrapMessage m, Credential roSigner) {
        check(m);
        return jws.sign(payload(m), roSigner, TYPE);
    }

    /**
     * What a device (or the DPF) does with a bootstrap: the signature chains to a trusted RO root,
     * the message is for {@code expectedPcid} (null: any), and {@code now} lies within its lifetime.
     */
    public BootstrapMessage verify(String signed, List<X509Certificate> roRoots, String expectedPcid, Instant now)
            throws Jws.InvalidJwsException {
        Jws.Verified v = jws.verify(signed, roRoots, TYPE, now);
        BootstrapMessage m = parse(v.payload());
        if (expectedPcid != null && !expectedPcid.equals(m.pcid())) {
            throw new Jws.InvalidJwsException("wrong-pcid: issued for another identity");
        }
        if (now.isAfter(m.expiresAt())) {
            throw new Jws.InvalidJwsException("expired: at " + m.expiresAt());
        }
        if (now.plus(SKEW).isBefore(m.issuedAt())) {
            throw new Jws.InvalidJwsException("not-yet-valid: issued at " + m.issuedAt());
        }
        return m;
    }

    BootstrapMessage parse(byte[] payload) throws Jws.InvalidJwsException {
        JsonNode o;
        try {
            o = json.readTree(payload);
        } catch (java.io.IOException e) {
            throw new Jws.InvalidJwsException("malformed: payload is not JSON");
        }
        if (o == null || !o.isObject()) {
            throw new Jws.InvalidJwsException("malformed: payload is not a JSON object");
        }
        if (o.path("version").asInt(-1) != BootstrapMessage.VERSION) {
            throw new Jws.InvalidJwsException("unsupported-version: expected " + BootstrapMessage.VERSION);
        }
        try {
            List<String> apps = new ArrayList<>();
            for (JsonNode a : o.path("appContext").path("applications")) {
                apps.add(a.asText());
            }
            BootstrapMessage m = new BootstrapMessage(req(o, "pcid"), req(o, "nonce"), Instant.parse(req(o, "issuedAt")),
                    Instant.parse(req(o, "expiresAt")),
                    new BootstrapMessage.Napdef(req(o.path("napdef"), "apn"), req(o.path("napdef"), "pdnType")),
                    URI.create(req(o, "provUrl")),
                    new BootstrapMessage.Sho(req(o.path("sho"), "id"), req(o.path("sho"), "name")),
                    new BootstrapMessage.McimContext(BootstrapMessage.Operation.fromWire(req(o.path("mcimContext"), "operation")),
                            req(o.path("mcimContext"), "objectType")),
                    apps, o.path("keepImsi").asBoolean(false));
            check(m);
            return m;
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw new Jws.InvalidJwsException("malformed: " + e.getMessage());
        }
    }

    private static String req(JsonNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || !n.isTextual() || n.asText().isEmpty()) {
            throw new IllegalArgumentException("missing \"" + field + "\"");
        }
        return n.asText();
    }

    /** Rules both sides enforce; an invalid message is neither signed nor accepted. */
    static void check(BootstrapMessage m) {
        if (!PCID.matcher(m.pcid()).matches()) {
            throw new IllegalArgumentException("pcid must be 14 or 15 digits");
        }
        byte[] nonce;
        try {
            nonce = Base64.getUrlDecoder().decode(m.nonce().getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("nonce is not base64url");
        }
        if (nonce.length != 16) {
            throw new IllegalArgumentException("nonce must be 16 octets");
        }
        if (!m.expiresAt().isAfter(m.issuedAt()) || Duration.between(m.issuedAt(), m.expiresAt()).compareTo(MAX_LIFETIME) > 0) {
            throw new IllegalArgumentException("lifetime must be positive and at most " + MAX_LIFETIME.toHours() + "h");
        }
        if (!"https".equals(m.provUrl().getScheme()) || m.provUrl().getHost() == null) {
            throw new IllegalArgumentException("provUrl must be an https URL");
        }
        if (!PDN_TYPE.matcher(m.napdef().pdnType()).matches()) {
            throw new IllegalArgumentException("napdef.pdnType must be ipv4, ipv6 or ipv4v6");
        }
    }
}
