package org.openmcim.wire.mcim;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The MCIM proper (TR 33.812 §5.1.3: IMSI, K, OPc and what the USIM needs), carried as the
 * {@code mcim} CREDENTIAL part, always sealed. Never printed.
 */
public record McimCredential(String imsi, byte[] k, byte[] opc, byte[] amf, long sqn, String algorithm, String apn, String msisdn) {

    public byte[] toJson() {
        HexFormat hex = HexFormat.of();
        var o = new ObjectMapper().createObjectNode().put("imsi", imsi).put("k", hex.formatHex(k)).put("opc", hex.formatHex(opc))
                .put("amf", hex.formatHex(amf)).put("sqn", sqn).put("algorithm", algorithm).put("apn", apn);
        if (msisdn != null) {
            o.put("msisdn", msisdn);
        }
        return o.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static McimCredential fromJson(byte[] content) {
        try {
            JsonNode o = new ObjectMapper().readTree(content);
            HexFormat hex = HexFormat.of();
            return new McimCredential(o.path("imsi").asText(), hex.parseHex(o.path("k").asText()), hex.parseHex(o.path("opc").asText()),
                    hex.parseHex(o.path("amf").asText()), o.path("sqn").asLong(), o.path("algorithm").asText(), o.path("apn").asText(),
                    o.hasNonNull("msisdn") ? o.get("msisdn").asText() : null);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("MCIM credential part is not JSON");
        }
    }

    @Override
    public String toString() {
        return "McimCredential[" + imsi + ", " + algorithm + "]";
    }
}
