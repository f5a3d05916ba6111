package org.openmcim.aka;

/**
 * The 3GPP authentication and key generation functions f1, f1*, f2, f3, f4, f5 and f5* of
 * TS 33.102 §6.3, for one subscriber key. Implemented by {@link Milenage} (TS 35.206),
 * {@link XorTestAlgorithm} (TS 34.108 §8.1.2) and {@code Tuak} (TS 35.231).
 *
 * <p>Implementations are immutable and thread-safe once built; they hold the subscriber's key
 * material, so they never print it ({@code toString} names only the algorithm).
 */
public interface AuthenticationFunctions {

    /** Which algorithm this is; the credential store records it per subscriber. */
    Algorithm algorithm();

    /** f1: network authentication code MAC-A over SQN (6 bytes), RAND (16) and AMF (2). */
    byte[] f1(byte[] rand, byte[] sqn, byte[] amf);

    /** f1*: resynchronisation code MAC-S (TS 33.102 §6.3.3), same inputs as f1. */
    byte[] f1Star(byte[] rand, byte[] sqn, byte[] amf);

    /** f2..f5 in one pass: RES, CK, IK and AK for {@code rand}. */
    AkaOutputs f2345(byte[] rand);

    /** f5*: the anonymity key used to conceal SQN_MS in AUTS (TS 33.102 §6.3.3). */
    byte[] f5Star(byte[] rand);

    /**
     * A quintet for {@code rand}, {@code sqn} (6 octets) and {@code amf} (2 octets): f1 and f2..f5
     * together. Implementations may override it with a faster combined computation.
     */
    default UmtsVector quintet(byte[] rand, byte[] sqn, byte[] amf) {
        AkaOutputs o = f2345(rand);
        byte[] mac = f1(rand, sqn, amf);
        return new UmtsVector(rand.clone(), o.res(), o.ck(), o.ik(), UmtsVector.autn(sqn, o.ak(), amf, mac));
    }

    /** The algorithms a subscriber record can name. */
    enum Algorithm {
        /** TS 35.205-35.208, AES-128 kernel. */
        MILENAGE,
        /** TS 35.231-35.233, Keccak-f[1600] kernel. */
        TUAK,
        /** TS 34.108 §8.1.2 test algorithm, for lab SIMs only. */
        XOR
    }
}
