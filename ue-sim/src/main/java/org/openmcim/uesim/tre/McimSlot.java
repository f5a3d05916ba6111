package org.openmcim.uesim.tre;

import org.openmcim.wire.mcim.McimCredential;

/**
 * An installed MCIM as the TRE holds it in memory. At rest its credential is sealed under a key of
 * its own ({@link SealedStore}), so no slot's secrets can be read through another's.
 *
 * @param id        the slot id (the MCIMobj's object id)
 * @param sho       the operator that issued it
 * @param imsi      the MCIM IMSI (not secret)
 * @param state     lifecycle state
 * @param previous  for an MCIM activated with fallback: the slot it replaced, else null
 */
public record McimSlot(String id, String sho, String imsi, LifecycleState state, McimCredential credential, long[] seqMs,
                       String previous) {
    public McimSlot with(LifecycleState s) {
        return new McimSlot(id, sho, imsi, s, credential, seqMs, previous);
    }

    @Override
    public String toString() {
        return "McimSlot[" + id + ", " + sho + ", " + imsi + ", " + state + "]";
    }
}
