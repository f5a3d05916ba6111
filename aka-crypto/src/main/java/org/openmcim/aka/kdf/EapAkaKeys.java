package org.openmcim.aka.kdf;

/**
 * EAP-AKA keys of RFC 4187 §7: the master key MK (20 octets, SHA-1) and, from the FIPS 186-2 PRF,
 * K_encr (16), K_aut (16), MSK (64) and EMSK (64). Arrays are owned by the record; callers must
 * not mutate them.
 */
public record EapAkaKeys(byte[] mk, byte[] kEncr, byte[] kAut, byte[] msk, byte[] emsk) {
    @Override
    public String toString() {
        return "EapAkaKeys[mk=" + mk.length + "B, kEncr=" + kEncr.length + "B, kAut=" + kAut.length
                + "B, msk=" + msk.length + "B, emsk=" + emsk.length + "B]";
    }
}
