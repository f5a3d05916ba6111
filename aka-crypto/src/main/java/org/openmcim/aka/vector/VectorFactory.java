package org.openmcim.aka.vector;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.openmcim.aka.AuthenticationFunctions;
import org.openmcim.aka.MilenageBatch;
import org.openmcim.aka.UmtsVector;
import org.openmcim.aka.kdf.CkIkPrime;
import org.openmcim.aka.kdf.Kdf;
import org.openmcim.aka.kdf.PlmnId;
import org.openmcim.aka.sqn.SqnPolicy;

/**
 * Assembles the vectors an HSS hands out: UTRAN quintets, GERAN triplets, E-UTRAN vectors (KASME
 * bound to the serving network, TS 33.401 §6.1.1) and EAP-AKA' vectors (CK'/IK' bound to the access
 * network identity, TS 33.402 §6.2). RAND comes from the injected {@link SecureRandom}.
 *
 * <p>Not thread-safe (it reuses a digest for the key derivations): one per worker thread.
 */
public final class VectorFactory {
    private final SecureRandom random;
    private final Kdf kdf = new Kdf();
    private final MilenageBatch batch = new MilenageBatch();

    public VectorFactory(SecureRandom random) {
        this.random = random;
    }

    /** A fresh 128-bit RAND (TS 33.102 §6.3.2). */
    public byte[] rand() {
        byte[] rand = new byte[16];
        random.nextBytes(rand);
        return rand;
    }

    /** UTRAN quintet; the AMF separation bit is left as given (it must be 0 for UTRAN). */
    public UmtsVector utran(AuthenticationFunctions f, long sqn, byte[] amf) {
        return f.quintet(rand(), SqnPolicy.toBytes(sqn), amf);
    }

    /** GERAN triplet from a quintet through c2/c3 (TS 33.102 §6.8.1.2). */
    public GeranTriplet geran(AuthenticationFunctions f, long sqn, byte[] amf) {
        UmtsVector q = utran(f, sqn, amf);
        return new GeranTriplet(q.rand(), GsmConversion.c2(q.xres()), GsmConversion.c3(q.ck(), q.ik()));
    }

    /**
     * E-UTRAN vector. TS 33.401 §6.1.1 (and TS 33.102 Annex H): the HSS sets the AMF separation bit
     * (bit 0, the most significant) to 1 for E-UTRAN vectors, and the UE refuses vectors without
     * it; KASME = KDF(CK‖IK, 0x10, SN id, SQN ⊕ AK) (A.2).
     */
    public EutranVector eutran(AuthenticationFunctions f, long sqn, byte[] amf, PlmnId servingNetwork) {
        UmtsVector q = f.quintet(rand(), SqnPolicy.toBytes(sqn), withSeparationBit(amf));
        byte[] kasme = kdf.kasme(q.ck(), q.ik(), servingNetwork, q.sqnXorAk());
        return new EutranVector(q.rand(), q.xres(), q.autn(), kasme);
    }

    /**
     * E-UTRAN vectors for up to four Milenage subscribers at once (the batched path of
     * {@link MilenageBatch}); {@code k[i]}, {@code opc[i]} and {@code sqn[i]} belong to subscriber i.
     * One SecureRandom call supplies every RAND.
     */
    public EutranVector[] eutranMilenage(byte[][] k, byte[][] opc, long[] sqn, byte[] amf, PlmnId servingNetwork) {
        int n = k.length;
        if (opc.length != n || sqn.length != n) {
            throw new IllegalArgumentException("k, opc and sqn must have the same length");
        }
        byte[] amfE = withSeparationBit(amf);
        byte[] rands = new byte[16 * n];
        random.nextBytes(rands);
        List<MilenageBatch.Request> requests = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            requests.add(new MilenageBatch.Request(k[i], opc[i], Arrays.copyOfRange(rands, 16 * i, 16 * i + 16),
                    SqnPolicy.toBytes(sqn[i]), amfE));
        }
        UmtsVector[] q = batch.quintets(requests);
        EutranVector[] out = new EutranVector[n];
        byte[] sn = servingNetwork.toOctets();
        for (int i = 0; i < n; i++) {
            out[i] = new EutranVector(q[i].rand(), q[i].xres(), q[i].autn(),
                    kdf.kasme(q[i].ck(), q[i].ik(), sn, q[i].sqnXorAk()));
        }
        return out;
    }

    /** EAP-AKA' vector for non-3GPP access: CK'/IK' (TS 33.402 A.2) with the separation bit set (§6.2). */
    public EapAkaPrimeVector eapAkaPrime(AuthenticationFunctions f, long sqn, byte[] amf, String accessNetworkIdentity) {
        UmtsVector q = f.quintet(rand(), SqnPolicy.toBytes(sqn), withSeparationBit(amf));
        CkIkPrime keys = kdf.ckIkPrime(q.ck(), q.ik(), accessNetworkIdentity, q.sqnXorAk());
        return new EapAkaPrimeVector(q.rand(), q.xres(), q.autn(), keys.ckPrime(), keys.ikPrime());
    }

    /** KASME for a quintet computed elsewhere (the {@code aka vector} command shows it this way). */
    public byte[] kasme(UmtsVector q, PlmnId servingNetwork) {
        return kdf.kasme(q.ck(), q.ik(), servingNetwork, q.sqnXorAk());
    }

    /** AMF with bit 0 (the "separation bit", TS 33.102 Annex H) set. */
    public static byte[] withSeparationBit(byte[] amf) {
        if (amf.length != 2) {
            throw new IllegalArgumentException("AMF must be 2 bytes, got " + amf.length);
        }
        return new byte[] {(byte) (amf[0] | 0x80), amf[1]};
    }

    /** TS 33.401 §6.1.1: does this AUTN carry the E-UTRAN separation bit? The ME checks it. */
    public static boolean hasSeparationBit(byte[] autn) {
        return autn.length >= 8 && (autn[6] & 0x80) != 0;
    }
}
