package org.openmcim.aka.vector;

/** An E-UTRAN authentication vector (TS 33.401 §6.1.1): RAND, XRES, AUTN, KASME. */
public record EutranVector(byte[] rand, byte[] xres, byte[] autn, byte[] kasme) {
    @Override
    public String toString() {
        return "EutranVector[rand=" + org.openmcim.aka.Hex.encode(rand) + ", autn=" + org.openmcim.aka.Hex.encode(autn) + "]";
    }
}
