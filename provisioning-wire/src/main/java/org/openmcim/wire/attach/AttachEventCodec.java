package org.openmcim.wire.attach;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The JSON body of {@code POST /drf/v1/attach-events} (docs/drf-dpf-api.md), written by the ICF and
 * read by the DRF with this one class:
 *
 * <pre>
 * {"event": "attached", "pcid": "001010000000001", "ip": "10.45.0.2", "apn": "provisioning", "at": "2026-11-23T10:00:00Z"}
 * {"event": "session-ended", "pcid": "001010000000001", "at": "2026-11-23T10:05:00Z"}
 * </pre>
 *
 * Decoding is total: anything but a well-formed event is an {@link IllegalArgumentException} whose
 * message says what is wrong. Unknown members are refused rather than ignored, so an ICF and a DRF of
 * different versions disagree loudly. The address is an IP literal and is never resolved: a host name
 * is refused, not looked up.
 */
public final class AttachEventCodec {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ATTACHED_FIELDS = Set.of("event", "pcid", "ip", "apn", "at");
    private static final Set<String> ENDED_FIELDS = Set.of("event", "pcid", "at");
    /** Dotted quad, each octet 0-255 without leading zeros (which some parsers read as octal). */
    private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
    private static final String IPV4 = OCTET + "(\\." + OCTET + "){3}";
    /** Hex groups, colons and an optional trailing dotted quad; no zone id (an M2ME's address has none). */
    private static final String IPV6_CHARS = "[0-9A-Fa-f:][0-9A-Fa-f:.]{1,44}";

    /** The event as JSON bytes (UTF-8). */
    public byte[] encode(AttachEvent e) {
        ObjectNode o = JSON.createObjectNode().put("event", e.event()).put("pcid", e.pcid());
        if (e instanceof AttachEvent.Attached a) {
            o.put("ip", a.ip().getHostAddress()).put("apn", a.apn());
        }
        o.put("at", e.at().toString());
        try {
            return JSON.writeValueAsBytes(o);
        } catch (JsonProcessingException x) {
            throw new IllegalStateException(x); // a tree of strings always serialises
        }
    }

    /** Parses JSON bytes. */
    public AttachEvent decode(byte[] json) {
        JsonNode n;
        try {
            n = JSON.readTree(new String(json, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("body is not JSON");
        }
        return decode(n);
    }

    /** Reads an already parsed JSON object. */
    public AttachEvent decode(JsonNode o) {
        if (o == null || !o.isObject()) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        String event = text(o, "event");
        Set<String> allowed = switch (event) {
            case AttachEvent.Attached.EVENT -> ATTACHED_FIELDS;
            case AttachEvent.SessionEnded.EVENT -> ENDED_FIELDS;
            default -> throw new IllegalArgumentException("event must be \"" + AttachEvent.Attached.EVENT + "\" or \""
                    + AttachEvent.SessionEnded.EVENT + "\"");
        };
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw new IllegalArgumentException("unknown member \"" + f + "\" in a " + event + " event");
            }
        }
        String pcid = text(o, "pcid");
        Instant at;
        try {
            at = Instant.parse(text(o, "at"));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("at must be an ISO-8601 instant such as 2026-11-23T10:00:00Z");
        }
        if (event.equals(AttachEvent.SessionEnded.EVENT)) {
            return new AttachEvent.SessionEnded(pcid, at);
        }
        return new AttachEvent.Attached(pcid, ipLiteral(text(o, "ip")), text(o, "apn"), at);
    }

    /** An IPv4 or IPv6 literal, parsed without any name lookup. */
    public static InetAddress ipLiteral(String s) {
        try {
            if (s.matches(IPV4)) {
                String[] p = s.split("\\.");
                byte[] b = new byte[4];
                for (int i = 0; i < 4; i++) {
                    b[i] = (byte) Integer.parseInt(p[i]);
                }
                return InetAddress.getByAddress(b);
            }
            if (s.indexOf(':') >= 0 && s.matches(IPV6_CHARS)) {
                // A string that contains ':' and starts with a hex digit or ':' is parsed by the JDK as an
                // IPv6 literal and refused if invalid; it never reaches the resolver.
                return InetAddress.getByName(s);
            }
        } catch (UnknownHostException e) {
            // fall through: not a valid literal
        }
        throw new IllegalArgumentException("ip must be an IPv4 or IPv6 literal, got \"" + printable(s) + "\"");
    }

    private static String text(JsonNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            throw new IllegalArgumentException("missing \"" + field + "\"");
        }
        if (!n.isTextual()) {
            throw new IllegalArgumentException("\"" + field + "\" must be a string");
        }
        return n.asText();
    }

    /** Echoes at most 64 printable ASCII characters of a refused value. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 64; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7F && c != '"' ? c : '?');
        }
        return b.toString();
    }
}
