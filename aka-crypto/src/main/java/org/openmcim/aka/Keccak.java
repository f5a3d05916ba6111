package org.openmcim.aka;

/**
 * The Keccak-f[1600] permutation (FIPS 202 §3.3 and §3.4: 24 rounds of θ, ρ, π, χ, ι), the
 * kernel of TUAK (TS 35.231 uses Keccak-f[1600] itself, not a SHA-3 hash around it).
 *
 * <p>The state is 25 lanes of 64 bits; lane {@code x + 5y} holds A[x, y]. Bit z of a lane is
 * bit z of the {@code long}, so the 200-byte string view of the state is the lanes in order,
 * each little-endian (FIPS 202 §3.1.2, §B.1). Stateless: callers own the {@code long[25]}.
 */
final class Keccak {
    /** Lanes in the state. */
    static final int LANES = 25;

    /** Round constants RC[i] of ι (FIPS 202 §3.2.5), one per round. */
    private static final long[] RC = {
        0x0000000000000001L, 0x0000000000008082L, 0x800000000000808AL, 0x8000000080008000L,
        0x000000000000808BL, 0x0000000080000001L, 0x8000000080008081L, 0x8000000000008009L,
        0x000000000000008AL, 0x0000000000000088L, 0x0000000080008009L, 0x000000008000000AL,
        0x000000008000808BL, 0x800000000000008BL, 0x8000000000008089L, 0x8000000000008003L,
        0x8000000000008002L, 0x8000000000000080L, 0x000000000000800AL, 0x800000008000000AL,
        0x8000000080008081L, 0x8000000000008080L, 0x0000000080000001L, 0x8000000080008008L,
    };

    private Keccak() {
    }

    /**
     * Applies Keccak-f[1600] to {@code a} in place.
     *
     * <p>The lanes live in locals for the 24 rounds (one array load and store per lane per
     * call), which lets the JIT keep them in registers; ρ and π are fused, each lane being
     * rotated straight into its π destination.
     */
    static void permute(long[] a) {
        if (a.length != LANES) {
            throw new IllegalArgumentException("Keccak-f[1600] state must be 25 lanes, got " + a.length);
        }
        long a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], a4 = a[4];
        long a5 = a[5], a6 = a[6], a7 = a[7], a8 = a[8], a9 = a[9];
        long a10 = a[10], a11 = a[11], a12 = a[12], a13 = a[13], a14 = a[14];
        long a15 = a[15], a16 = a[16], a17 = a[17], a18 = a[18], a19 = a[19];
        long a20 = a[20], a21 = a[21], a22 = a[22], a23 = a[23], a24 = a[24];

        for (int round = 0; round < 24; round++) {
            // θ: xor each lane with the parities of two neighbouring columns.
            long c0 = a0 ^ a5 ^ a10 ^ a15 ^ a20;
            long c1 = a1 ^ a6 ^ a11 ^ a16 ^ a21;
            long c2 = a2 ^ a7 ^ a12 ^ a17 ^ a22;
            long c3 = a3 ^ a8 ^ a13 ^ a18 ^ a23;
            long c4 = a4 ^ a9 ^ a14 ^ a19 ^ a24;
            long d0 = c4 ^ Long.rotateLeft(c1, 1);
            long d1 = c0 ^ Long.rotateLeft(c2, 1);
            long d2 = c1 ^ Long.rotateLeft(c3, 1);
            long d3 = c2 ^ Long.rotateLeft(c4, 1);
            long d4 = c3 ^ Long.rotateLeft(c0, 1);

            // ρ and π: B[y, 2x + 3y] = ROT(A[x, y] ^ D[x], r[x, y]).
            long b0 = a0 ^ d0;
            long b10 = Long.rotateLeft(a1 ^ d1, 1);
            long b20 = Long.rotateLeft(a2 ^ d2, 62);
            long b5 = Long.rotateLeft(a3 ^ d3, 28);
            long b15 = Long.rotateLeft(a4 ^ d4, 27);
            long b16 = Long.rotateLeft(a5 ^ d0, 36);
            long b1 = Long.rotateLeft(a6 ^ d1, 44);
            long b11 = Long.rotateLeft(a7 ^ d2, 6);
            long b21 = Long.rotateLeft(a8 ^ d3, 55);
            long b6 = Long.rotateLeft(a9 ^ d4, 20);
            long b7 = Long.rotateLeft(a10 ^ d0, 3);
            long b17 = Long.rotateLeft(a11 ^ d1, 10);
            long b2 = Long.rotateLeft(a12 ^ d2, 43);
            long b12 = Long.rotateLeft(a13 ^ d3, 25);
            long b22 = Long.rotateLeft(a14 ^ d4, 39);
            long b23 = Long.rotateLeft(a15 ^ d0, 41);
            long b8 = Long.rotateLeft(a16 ^ d1, 45);
            long b18 = Long.rotateLeft(a17 ^ d2, 15);
            long b3 = Long.rotateLeft(a18 ^ d3, 21);
            long b13 = Long.rotateLeft(a19 ^ d4, 8);
            long b14 = Long.rotateLeft(a20 ^ d0, 18);
            long b24 = Long.rotateLeft(a21 ^ d1, 2);
            long b9 = Long.rotateLeft(a22 ^ d2, 61);
            long b19 = Long.rotateLeft(a23 ^ d3, 56);
            long b4 = Long.rotateLeft(a24 ^ d4, 14);

            // χ: the only non-linear step, row by row; ι folds the round constant into lane 0.
            a0 = b0 ^ (~b1 & b2) ^ RC[round];
            a1 = b1 ^ (~b2 & b3);
            a2 = b2 ^ (~b3 & b4);
            a3 = b3 ^ (~b4 & b0);
            a4 = b4 ^ (~b0 & b1);
            a5 = b5 ^ (~b6 & b7);
            a6 = b6 ^ (~b7 & b8);
            a7 = b7 ^ (~b8 & b9);
            a8 = b8 ^ (~b9 & b5);
            a9 = b9 ^ (~b5 & b6);
            a10 = b10 ^ (~b11 & b12);
            a11 = b11 ^ (~b12 & b13);
            a12 = b12 ^ (~b13 & b14);
            a13 = b13 ^ (~b14 & b10);
            a14 = b14 ^ (~b10 & b11);
            a15 = b15 ^ (~b16 & b17);
            a16 = b16 ^ (~b17 & b18);
            a17 = b17 ^ (~b18 & b19);
            a18 = b18 ^ (~b19 & b15);
            a19 = b19 ^ (~b15 & b16);
            a20 = b20 ^ (~b21 & b22);
            a21 = b21 ^ (~b22 & b23);
            a22 = b22 ^ (~b23 & b24);
            a23 = b23 ^ (~b24 & b20);
            a24 = b24 ^ (~b20 & b21);
        }

        a[0] = a0; a[1] = a1; a[2] = a2; a[3] = a3; a[4] = a4;
        a[5] = a5; a[6] = a6; a[7] = a7; a[8] = a8; a[9] = a9;
        a[10] = a10; a[11] = a11; a[12] = a12; a[13] = a13; a[14] = a14;
        a[15] = a15; a[16] = a16; a[17] = a17; a[18] = a18; a[19] = a19;
        a[20] = a20; a[21] = a21; a[22] = a22; a[23] = a23; a[24] = a24;
    }
}
