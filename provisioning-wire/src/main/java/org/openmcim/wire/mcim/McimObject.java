package org.openmcim.wire.mcim;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The management object the SHO builds (TR 33.812 step 15, "MCIMobj"): an object id, the TRE it
 * is for, the SHO, the operation, the parts, and for operator change the authorization token.
 */
public record McimObject(String objectId, String treId, String sho, Instant issuedAt, String operation, List<McimPart> parts,
                         String authorizationToken) {
    public McimObject {
        Objects.requireNonNull(objectId, "objectId");
        Objects.requireNonNull(treId, "treId");
        Objects.requireNonNull(sho, "sho");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(operation, "operation");
        parts = List.copyOf(parts);
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("an MCIMobj has at least one part");
        }
        if (parts.stream().map(McimPart::id).distinct().count() != parts.size()) {
            throw new IllegalArgumentException("part ids must be unique");
        }
    }

    public McimPart part(String id) {
        return parts.stream().filter(p -> p.id().equals(id)).findFirst().orElse(null);
    }
}
