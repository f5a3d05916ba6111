package org.openmcim.icf.swx;

import java.util.Optional;

/**
 * SIP-Authentication-Scheme values on SWx (TS 29.273 §8.2.3.9 and table 8.1.2.1.1/1): the AAA
 * server asks for EAP-AKA (RFC 4187) or EAP-AKA' (RFC 5448) vectors by these exact strings.
 */
public enum AuthScheme {
    EAP_AKA("EAP-AKA"),
    EAP_AKA_PRIME("EAP-AKA'");

    private final String wire;

    AuthScheme(String wire) {
        this.wire = wire;
    }

    /** The string carried in SIP-Authentication-Scheme. */
    public String wire() {
        return wire;
    }

    /** The scheme for a SIP-Authentication-Scheme value; case-sensitive, as the strings are. */
    public static Optional<AuthScheme> fromWire(String value) {
        for (AuthScheme s : values()) {
            if (s.wire.equals(value)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
