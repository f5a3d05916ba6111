package org.openmcim.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import org.openmcim.aka.AuthenticationFunctions.Algorithm;
import org.openmcim.aka.Hex;

/**
 * One subscriber's credential and state, with K and OPc in clear: only ever in memory, never
 * logged, never returned by an API (toString shows no key). At rest the store keeps K and OPc
 * encrypted under the key-encryption key.
 *
 * @param imsi        15 (or 14) digits; for a PCID the IMSI-format provisional identity
 * @param kind        PCID or HOME
 * @param algorithm   MILENAGE, TUAK or XOR (TS 34.108 test algorithm, lab ranges only)
 * @param k           subscriber key (16 bytes; TUAK also 32)
 * @param opc         OPc (16 bytes), or TOPc for TUAK (32 bytes)
 * @param amf         AMF for this subscriber's vectors (2 bytes)
 * @param sqnHe       SQN_HE, the last SQN handed out (TS 33.102 Annex C)
 * @param state       lifecycle state
 * @param issuedAt    when the credential was issued (PCID) or provisioned (HOME)
 * @param lifetime    how long a PCID stays valid from issuedAt; null = no expiry
 * @param issuer      the CHTIF that issued the PCID, or the SHO for HOME records
 * @param profile     name of the APN/subscription profile (configured in the ICF/HSS)
 * @param msisdn      MSISDN for HOME records; null for PCIDs
 */
public record Subscriber(String imsi, SubscriberKind kind, Algorithm algorithm, byte[] k, byte[] opc, byte[] amf,
                         long sqnHe, CredentialState state, Instant issuedAt, Duration lifetime, String issuer,
                         String profile, String msisdn) {

    public Subscriber {
        Objects.requireNonNull(imsi, "imsi");
        if (!Imsi.isValid(imsi)) {
            throw new IllegalArgumentException("IMSI must be 14 or 15 decimal digits, got '" + imsi + "'");
        }
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(issuedAt, "issuedAt");
        int kLen = k == null ? -1 : k.length;
        int opcLen = opc == null ? -1 : opc.length;
        if (algorithm == Algorithm.TUAK) {
            if (kLen != 16 && kLen != 32) {
                throw new IllegalArgumentException("TUAK K must be 16 or 32 bytes, got " + kLen);
            }
            if (opcLen != 32) {
                throw new IllegalArgumentException("TUAK TOPc must be 32 bytes, got " + opcLen);
            }
        } else {
            if (kLen != 16) {
                throw new IllegalArgumentException("K must be 16 bytes, got " + kLen);
            }
            if (opcLen != 16) {
                throw new IllegalArgumentException("OPc must be 16 bytes, got " + opcLen);
            }
        }
        if (amf == null || amf.length != 2) {
            throw new IllegalArgumentException("AMF must be 2 bytes");
        }
        if (sqnHe < 0 || sqnHe > 0xFFFF_FFFF_FFFFL) {
            throw new IllegalArgumentException("SQN must fit in 48 bits");
        }
    }

    /** Whether the PCID's lifetime is over at {@code now}. */
    public boolean expiredAt(Instant now) {
        return lifetime != null && !now.isBefore(issuedAt.plus(lifetime));
    }

    public Subscriber withSqnHe(long sqn) {
        return new Subscriber(imsi, kind, algorithm, k, opc, amf, sqn, state, issuedAt, lifetime, issuer, profile, msisdn);
    }

    public Subscriber withState(CredentialState s) {
        return new Subscriber(imsi, kind, algorithm, k, opc, amf, sqnHe, s, issuedAt, lifetime, issuer, profile, msisdn);
    }

    @Override
    public String toString() {
        // Never K or OPc (DESIGN.md security model).
        return "Subscriber[" + imsi + ", " + kind + ", " + algorithm + ", amf=" + Hex.encode(amf) + ", sqnHe=" + sqnHe
                + ", " + state + ", issuer=" + issuer + ", profile=" + profile + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Subscriber s && imsi.equals(s.imsi) && kind == s.kind && algorithm == s.algorithm
                && java.util.Arrays.equals(k, s.k) && java.util.Arrays.equals(opc, s.opc) && java.util.Arrays.equals(amf, s.amf)
                && sqnHe == s.sqnHe && state == s.state && issuedAt.equals(s.issuedAt) && Objects.equals(lifetime, s.lifetime)
                && Objects.equals(issuer, s.issuer) && Objects.equals(profile, s.profile) && Objects.equals(msisdn, s.msisdn);
    }

    @Override
    public int hashCode() {
        return imsi.hashCode();
    }
}
