package org.openmcim.aka.vector;

/** A GSM triplet (RAND, SRES, Kc), derived from a quintet for GERAN access. */
public record GeranTriplet(byte[] rand, byte[] sres, byte[] kc) {
    @Override
    public String toString() {
        return "GeranTriplet[rand=" + org.openmcim.aka.Hex.encode(rand) + "]";
    }
}
