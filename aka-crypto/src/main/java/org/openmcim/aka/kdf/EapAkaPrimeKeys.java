package org.openmcim.aka.kdf;

/**
 * EAP-AKA' keys of RFC 5448 §3.3: K_encr (16), K_aut (32), K_re (32), MSK (64) and EMSK (64), the
 * successive slices of MK = PRF'(IK'|CK', "EAP-AKA'"|Identity). Arrays are owned by the record;
 * callers must not mutate them.
 */
public record EapAkaPrimeKeys(byte[] kEncr, byte[] kAut, byte[] kRe, byte[] msk, byte[] emsk) {
    @Override
    public String toString() {
        return "EapAkaPrimeKeys[kEncr=" + kEncr.length + "B, kAut=" + kAut.length + "B, kRe=" + kRe.length
                + "B, msk=" + msk.length + "B, emsk=" + emsk.length + "B]";
    }
}
