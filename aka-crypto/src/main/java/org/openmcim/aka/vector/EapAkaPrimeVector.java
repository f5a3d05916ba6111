package org.openmcim.aka.vector;

/** An EAP-AKA' vector for SWx (TS 33.402 §6.2): RAND, XRES, AUTN, CK', IK'. */
public record EapAkaPrimeVector(byte[] rand, byte[] xres, byte[] autn, byte[] ckPrime, byte[] ikPrime) {
    @Override
    public String toString() {
        return "EapAkaPrimeVector[rand=" + org.openmcim.aka.Hex.encode(rand) + ", autn=" + org.openmcim.aka.Hex.encode(autn) + "]";
    }
}
