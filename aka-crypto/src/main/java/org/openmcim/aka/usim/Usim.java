package org.openmcim.aka.usim;

import java.security.MessageDigest;
import java.util.Arrays;

import org.openmcim.aka.AkaOutputs;
import org.openmcim.aka.AuthenticationFunctions;
import org.openmcim.aka.sqn.Auts;
import org.openmcim.aka.sqn.SqnArray;
import org.openmcim.aka.sqn.SqnPolicy;

/**
 * The USIM side of AKA (TS 33.102 §6.3.3): verify AUTN, check SQN freshness against the SEQ_MS
 * array (Annex C.2), and answer with RES/CK/IK, a MAC failure, or a synchronisation failure
 * carrying AUTS. Unlike some software UEs, the freshness check is never skipped.
 *
 * <p>Holds the subscriber's functions and its SQN array; not thread-safe (one AKA at a time).
 */
public final class Usim {
    private final AuthenticationFunctions functions;
    private final SqnArray sqnArray;

    public Usim(AuthenticationFunctions functions, SqnArray sqnArray) {
        this.functions = functions;
        this.sqnArray = sqnArray;
    }

    /** Outcome of one challenge. */
    public sealed interface Result permits Success, MacFailure, SynchFailure {
    }

    /** AUTN verified and SQN fresh: RES, CK, IK, and SQN ⊕ AK for the key derivations. */
    public record Success(byte[] res, byte[] ck, byte[] ik, byte[] sqnXorAk, byte[] amf) implements Result {
        @Override
        public String toString() {
            return "Success";
        }
    }

    /** XMAC ≠ MAC: the network is not authentic (TS 24.301 cause #20 "MAC failure"). */
    public record MacFailure() implements Result {
    }

    /** MAC verified but SQN not acceptable (cause #21 "synch failure"), with AUTS for the HE. */
    public record SynchFailure(byte[] auts, SqnArray.Verdict reason) implements Result {
        @Override
        public String toString() {
            return "SynchFailure[" + reason + "]";
        }
    }

    /**
     * Runs the §6.3.3 procedure on a received RAND (16 octets) and AUTN (16 octets). The SQN array
     * changes only on success.
     */
    public Result authenticate(byte[] rand, byte[] autn) {
        if (rand.length != 16) {
            throw new IllegalArgumentException("RAND must be 16 bytes, got " + rand.length);
        }
        if (autn.length != 16) {
            throw new IllegalArgumentException("AUTN must be 16 bytes, got " + autn.length);
        }
        AkaOutputs o = functions.f2345(rand);
        byte[] sqnXorAk = Arrays.copyOf(autn, 6);
        byte[] sqn = new byte[6];
        for (int i = 0; i < 6; i++) {
            sqn[i] = (byte) (sqnXorAk[i] ^ o.ak()[i]);
        }
        byte[] amf = Arrays.copyOfRange(autn, 6, 8);
        byte[] mac = Arrays.copyOfRange(autn, 8, 16);
        byte[] xmac = functions.f1(rand, sqn, amf);
        if (!MessageDigest.isEqual(xmac, mac)) {
            return new MacFailure();
        }
        SqnArray.Verdict verdict = sqnArray.accept(SqnPolicy.fromBytes(sqn));
        if (verdict != SqnArray.Verdict.ACCEPTED) {
            return new SynchFailure(Auts.generate(functions, rand, sqnArray.sqnMs()), verdict);
        }
        return new Success(o.res(), o.ck(), o.ik(), sqnXorAk, amf);
    }

    public SqnArray sqnArray() {
        return sqnArray;
    }

    @Override
    public String toString() {
        return "Usim[" + functions + "]";
    }
}
