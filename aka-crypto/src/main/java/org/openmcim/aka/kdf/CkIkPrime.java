package org.openmcim.aka.kdf;

/**
 * CK' and IK' of TS 33.402 A.2 (EAP-AKA', RFC 5448 §3.3), 16 bytes each. The arrays are owned by
 * the record; callers must not mutate them.
 */
public record CkIkPrime(byte[] ckPrime, byte[] ikPrime) {
    @Override
    public String toString() {
        // Key material never goes into logs.
        return "CkIkPrime[ckPrime=" + ckPrime.length + "B, ikPrime=" + ikPrime.length + "B]";
    }
}
