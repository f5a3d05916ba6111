package org.openmcim.aka;

import java.util.List;

import org.openmcim.aka.aes.BitslicedAes128;

/**
 * Quintets for up to four subscribers at once, one per AES lane (TS 35.206 §4.1).
 *
 * <p>An HSS under load has several AIRs waiting, almost always for different subscribers. Done one
 * at a time, each vector costs a key schedule and two four-lane AES calls, one of them (TEMP) with
 * three lanes idle. Done four at a time, the four keys are expanded together (the bitsliced key
 * schedule is lane-parallel), the four TEMPs take one call and OUT1..OUT4 one call each: one key
 * schedule and five calls for four vectors instead of four and eight. Fewer than four requests
 * still work; the idle lanes repeat the first request.
 *
 * <p>Holds a scratch key schedule, so not thread-safe: one per worker thread.
 */
public final class MilenageBatch {
    public static final int LANES = 4;

    private final BitslicedAes128 aes = new BitslicedAes128();

    /** One subscriber's inputs: K, OPc, RAND (16 octets each), SQN (6), AMF (2). */
    public record Request(byte[] k, byte[] opc, byte[] rand, byte[] sqn, byte[] amf) {
        public Request {
            Lengths.require("K", k, 16);
            Lengths.require("OPc", opc, 16);
            Lengths.require("RAND", rand, 16);
            Lengths.require("SQN", sqn, 6);
            Lengths.require("AMF", amf, 2);
        }

        @Override
        public String toString() {
            return "MilenageBatch.Request";
        }
    }

    /** Quintets in the order of {@code requests} (1 to 4 of them). */
    public UmtsVector[] quintets(List<Request> requests) {
        int n = requests.size();
        if (n < 1 || n > LANES) {
            throw new IllegalArgumentException("a batch holds 1.." + LANES + " requests, got " + n);
        }
        Request[] r = new Request[LANES];
        for (int i = 0; i < LANES; i++) {
            r[i] = requests.get(i < n ? i : 0);
        }
        aes.setKeys(r[0].k(), r[1].k(), r[2].k(), r[3].k());

        byte[][] temp = new byte[LANES][];
        for (int i = 0; i < LANES; i++) {
            temp[i] = r[i].rand().clone();
            Milenage.xorInto(temp[i], r[i].opc());
        }
        encrypt(temp, temp);

        byte[][][] out = new byte[4][LANES][16]; // OUT1..OUT4, per lane
        byte[][] x = new byte[LANES][];
        for (int i = 0; i < LANES; i++) {
            x[i] = Milenage.in1(temp[i], r[i].opc(), r[i].sqn(), r[i].amf());
        }
        encrypt(x, out[0]);
        int[][] rc = {{Milenage.R2, Milenage.C2}, {Milenage.R3, Milenage.C3}, {Milenage.R4, Milenage.C4}};
        for (int j = 0; j < 3; j++) {
            for (int i = 0; i < LANES; i++) {
                x[i] = Milenage.in(temp[i], r[i].opc(), rc[j][0], rc[j][1]);
            }
            encrypt(x, out[j + 1]);
        }

        UmtsVector[] result = new UmtsVector[n];
        for (int i = 0; i < n; i++) {
            result[i] = Milenage.assemble(r[i].rand(), r[i].sqn(), r[i].amf(), r[i].opc(),
                    out[0][i], out[1][i], out[2][i], out[3][i]);
        }
        return result;
    }

    private void encrypt(byte[][] in, byte[][] out) {
        aes.encrypt4(in[0], 0, in[1], 0, in[2], 0, in[3], 0, out[0], 0, out[1], 0, out[2], 0, out[3], 0);
    }

    @Override
    public String toString() {
        return "MilenageBatch";
    }
}
