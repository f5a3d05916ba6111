package org.openmcim.aka.sqn;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Chooses IND for a serving node (TS 33.102 C.1.2 / C.3.4: separate IND values for the nodes that
 * fetch vectors, so that a batch held by one MME does not go stale when another MME uses a newer
 * one). Nodes named in the configuration get their IND; others are hashed over the remaining
 * values. A collision only costs the freshness slack the array gives, never correctness.
 */
public final class IndAllocator {
    private final SqnPolicy policy;
    private final Map<String, Integer> configured;

    public IndAllocator(SqnPolicy policy, Map<String, Integer> configured) {
        this.policy = policy;
        this.configured = Map.copyOf(configured);
        this.configured.forEach((node, ind) -> {
            if (ind < 0 || ind >= policy.indCount()) {
                throw new IllegalArgumentException("IND for " + node + " must be 0.." + (policy.indCount() - 1) + ", got " + ind);
            }
        });
    }

    /** The IND for {@code servingNode} (a Diameter Origin-Host, an MME or SGSN name). */
    public int indFor(String servingNode) {
        Integer fixed = configured.get(servingNode);
        if (fixed != null) {
            return fixed;
        }
        if (policy.indCount() == 1) {
            return 0;
        }
        CRC32 crc = new CRC32();
        crc.update(servingNode.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % policy.indCount());
    }
}
