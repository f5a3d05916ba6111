package org.openmcim.uesim.s1ap;

import org.openmcim.uesim.Octets;

/**
 * TS 36.413 §9.3.7 ProtocolIE-Field: id, criticality and the value as the octets of its open type
 * (X.691 §11.2), still undecoded. The generic layer keeps unknown IEs intact this way.
 */
public record ProtocolIe(int id, Criticality criticality, Octets value) {
    public ProtocolIe {
        if (id < 0 || id > 65535) {
            throw new IllegalArgumentException("ProtocolIE-ID is 0..65535, got " + id);
        }
    }
}
