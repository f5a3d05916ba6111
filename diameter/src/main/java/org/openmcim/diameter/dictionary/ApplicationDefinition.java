package org.openmcim.diameter.dictionary;

import java.util.Objects;

/**
 * One Diameter application (RFC 6733 §2.4 Application-Id).
 *
 * @param id       the application id (unsigned 32 bits, held as an int)
 * @param vendorId the vendor advertised with it in Vendor-Specific-Application-Id (0 if none)
 * @param name     the application's name
 * @param clause   the defining specification
 */
public record ApplicationDefinition(int id, int vendorId, String name, String clause) {

    public ApplicationDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(clause, "clause");
    }
}
