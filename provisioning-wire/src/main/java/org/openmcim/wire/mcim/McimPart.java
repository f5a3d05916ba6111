package org.openmcim.wire.mcim;

import java.util.Objects;

/**
 * One part of an MCIMobj (the IoT seed's RNCP §3.2.1: "credentials, executables ... and data;
 * sensitive objects within the RNCP package should be encrypted"). A sensitive part travels sealed
 * to the TRE's platform key; others are only signed.
 *
 * @param id        stable part identifier, e.g. {@code mcim} or {@code app:meter-reading}
 * @param kind      CREDENTIAL, APPLICATION or DATA
 * @param sensitive whether it is encrypted for the TRE (credentials always are)
 * @param content   the part's octets (for the MCIM credential: the JSON of {@link McimCredential})
 */
public record McimPart(String id, Kind kind, boolean sensitive, byte[] content) {
    public enum Kind { CREDENTIAL, APPLICATION, DATA }

    public McimPart {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(content, "content");
        if (!id.matches("[a-z0-9][a-z0-9:._-]{0,63}")) {
            throw new IllegalArgumentException("part id must be 1-64 lower-case letters, digits, ':', '.', '_' or '-'");
        }
        if (kind == Kind.CREDENTIAL && !sensitive) {
            throw new IllegalArgumentException("a credential part is always sensitive");
        }
    }

    @Override
    public String toString() {
        return "McimPart[" + id + ", " + kind + (sensitive ? ", sealed" : "") + ", " + content.length + " octets]";
    }
}
