package org.openmcim.aka.aes;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * AES-128 encryption (FIPS 197), bitsliced and constant-time, four blocks at a time.
 *
 * <h2>Why this exists</h2>
 * An HSS computes Milenage with a different subscriber key for nearly every vector. Through JCE
 * each new key costs a {@code Cipher.init} (about 1.8 µs here) against ~32 ns for the block
 * itself, and the JDK's own key expansion uses table look-ups. Milenage needs, per vector, one
 * block (TEMP) and then four independent blocks with the same key (OUT1..OUT4, TS 35.206 §4.1):
 * exactly the four lanes of this implementation.
 *
 * <h2>Layout</h2>
 * The state of four blocks (64 bytes) is held as eight 64-bit bit planes {@code q[0..7]}: plane
 * {@code b} holds bit {@code b} of every byte. A byte of block {@code k} (0..3) at AES row
 * {@code r} and column {@code c} (FIPS 197 §3.4: input byte {@code r + 4c}) sits at bit position
 * {@code 16r + 4c + k} of each plane. With that placement:
 * <ul>
 *   <li>ShiftRows (FIPS 197 §5.1.2) is a rotation inside each 16-bit row group;</li>
 *   <li>MixColumns (§5.1.3) needs "the byte one row down", a 16-bit rotation of the plane;</li>
 *   <li>SubBytes (§5.1.1) is a Boolean circuit on the eight planes (Boyar and Peralta's 113-gate
 *       S-box circuit, 2009), so no secret-dependent memory access or branch happens anywhere,
 *       key schedule included.</li>
 * </ul>
 *
 * <p>Instances hold the expanded key and are immutable after {@link #setKey}; {@link #encrypt4}
 * touches no instance state, so one keyed instance can serve many threads. Not for general-purpose
 * encryption modes: it is a block primitive for the 3GPP algorithms in this module.
 */
public final class BitslicedAes128 {
    private static final VarHandle LE_INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    /** FIPS 197 §5.2: round constants for AES-128 (public values: branching on them leaks nothing). */
    private static final int[] RCON = {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1b, 0x36};

    /** 11 round keys of 8 planes each, in the state layout, replicated into all four lanes. */
    private final long[] roundKeys = new long[88];

    /** Expands a 16-byte key into all four lanes; the instance is then ready for {@link #encrypt4}. */
    public BitslicedAes128 setKey(byte[] key) {
        return setKeys(key, key, key, key);
    }

    /**
     * Expands four keys at once, one per lane: block {@code i} of {@link #encrypt4} is then encrypted
     * under key {@code i}. Every step of the bitsliced key schedule stays inside its lane, so four
     * subscribers' keys cost what one does; an HSS answering concurrent requests uses this.
     */
    public BitslicedAes128 setKeys(byte[] key0, byte[] key1, byte[] key2, byte[] key3) {
        checkKey(key0);
        checkKey(key1);
        checkKey(key2);
        checkKey(key3);
        long[] k = roundKeys;
        load(key0, 0, key1, 0, key2, 0, key3, 0, k);
        long[] t = new long[8];
        for (int round = 1; round <= 10; round++) {
            int prev = 8 * (round - 1);
            System.arraycopy(k, prev, t, 0, 8);
            subBytes(t);
            int rcon = RCON[round - 1];
            for (int b = 0; b < 8; b++) {
                // FIPS 197 §5.2: temp = SubWord(RotWord(w[i-1])) xor Rcon. RotWord takes row r+1 of
                // column 3 (rotate planes by one row group), then column 3 moves to column 0.
                long w = (Long.rotateRight(t[b], 16) >>> 12) & 0x000F_000F_000F_000FL;
                // Rcon is public, so branching on its bits leaks nothing.
                if (((rcon >>> b) & 1) != 0) {
                    w ^= 0xFL; // row 0, column 0, all four lanes
                }
                // w[i] = w[i-4] xor temp for column 0, then each next column xors in the one before:
                // a prefix xor along the four columns of every row.
                long v = k[prev + b] ^ w;
                v ^= (v << 4) & 0xFFF0_FFF0_FFF0_FFF0L;
                v ^= (v << 8) & 0xFF00_FF00_FF00_FF00L;
                k[prev + 8 + b] = v;
            }
        }
        Arrays.fill(t, 0);
        return this;
    }

    private static void checkKey(byte[] key) {
        if (key.length != 16) {
            throw new IllegalArgumentException("AES-128 key must be 16 bytes, got " + key.length);
        }
    }

    /**
     * Encrypts four 16-byte blocks: {@code in0..in3} at their offsets into {@code out0..out3}.
     * Inputs and outputs may alias.
     */
    public void encrypt4(byte[] in0, int off0, byte[] in1, int off1, byte[] in2, int off2, byte[] in3, int off3,
                         byte[] out0, int o0, byte[] out1, int o1, byte[] out2, int o2, byte[] out3, int o3) {
        long[] q = new long[8];
        load(in0, off0, in1, off1, in2, off2, in3, off3, q);
        encryptPlanes(q);
        store(q, out0, o0, out1, o1, out2, o2, out3, o3);
    }

    /** One block; the other three lanes are wasted, so prefer {@link #encrypt4}. */
    public void encrypt(byte[] in, int inOff, byte[] out, int outOff) {
        long[] q = new long[8];
        load(in, inOff, in, inOff, in, inOff, in, inOff, q);
        encryptPlanes(q);
        byte[] scratch = new byte[16];
        store(q, out, outOff, scratch, 0, scratch, 0, scratch, 0);
    }

    private void encryptPlanes(long[] q) {
        long[] rk = roundKeys;
        addRoundKey(q, rk, 0);
        for (int round = 1; round < 10; round++) {
            subBytes(q);
            shiftRows(q);
            mixColumns(q);
            addRoundKey(q, rk, 8 * round);
        }
        subBytes(q);
        shiftRows(q);
        addRoundKey(q, rk, 80);
    }

    private static void addRoundKey(long[] q, long[] rk, int off) {
        for (int b = 0; b < 8; b++) {
            q[b] ^= rk[off + b];
        }
    }

    /**
     * FIPS 197 §5.1.2: row r rotates left by r columns, s'[r][c] = s[r][(c + r) mod 4]. Columns are
     * 4 bits apart inside a row's 16-bit group, so row r shifts right by 4r with wrap-around.
     */
    private static void shiftRows(long[] q) {
        for (int b = 0; b < 8; b++) {
            long x = q[b];
            q[b] = (x & 0x0000_0000_0000_FFFFL)
                    | ((x >>> 4) & 0x0000_0000_0FFF_0000L) | ((x << 12) & 0x0000_0000_F000_0000L)
                    | ((x >>> 8) & 0x0000_00FF_0000_0000L) | ((x << 8) & 0x0000_FF00_0000_0000L)
                    | ((x >>> 12) & 0x000F_0000_0000_0000L) | ((x << 4) & 0xFFF0_0000_0000_0000L);
        }
    }

    /**
     * FIPS 197 §5.1.3: s'[r] = 2·s[r] + 3·s[r+1] + s[r+2] + s[r+3] (rows mod 4)
     * = 2·(s[r] + s[r+1]) + s[r+1] + (s[r+2] + s[r+3]). "One row down" is a 16-bit rotation.
     * Multiplication by 2 (xtime, §4.2.1) moves plane b to b+1 and folds plane 7 into the bits of
     * 0x1b (planes 0, 1, 3, 4).
     */
    private static void mixColumns(long[] q) {
        long q0 = q[0], q1 = q[1], q2 = q[2], q3 = q[3], q4 = q[4], q5 = q[5], q6 = q[6], q7 = q[7];
        long r0 = Long.rotateRight(q0, 16), r1 = Long.rotateRight(q1, 16), r2 = Long.rotateRight(q2, 16),
                r3 = Long.rotateRight(q3, 16), r4 = Long.rotateRight(q4, 16), r5 = Long.rotateRight(q5, 16),
                r6 = Long.rotateRight(q6, 16), r7 = Long.rotateRight(q7, 16);
        long t0 = q0 ^ r0, t1 = q1 ^ r1, t2 = q2 ^ r2, t3 = q3 ^ r3, t4 = q4 ^ r4, t5 = q5 ^ r5, t6 = q6 ^ r6,
                t7 = q7 ^ r7;
        q[0] = t7 ^ r0 ^ Long.rotateRight(t0, 32);
        q[1] = t0 ^ t7 ^ r1 ^ Long.rotateRight(t1, 32);
        q[2] = t1 ^ r2 ^ Long.rotateRight(t2, 32);
        q[3] = t2 ^ t7 ^ r3 ^ Long.rotateRight(t3, 32);
        q[4] = t3 ^ t7 ^ r4 ^ Long.rotateRight(t4, 32);
        q[5] = t4 ^ r5 ^ Long.rotateRight(t5, 32);
        q[6] = t5 ^ r6 ^ Long.rotateRight(t6, 32);
        q[7] = t6 ^ r7 ^ Long.rotateRight(t7, 32);
    }

    /**
     * FIPS 197 §5.1.1 S-box on all 64 bytes at once, as the Boyar-Peralta circuit ("A new
     * combinational logic minimization technique with applications to cryptology", 2009): a top
     * linear layer, a shared GF(2^4) inversion core, a bottom linear layer. Input bit x0 is the
     * most significant bit of the byte (plane 7).
     */
    static void subBytes(long[] q) {
        long x0 = q[7], x1 = q[6], x2 = q[5], x3 = q[4], x4 = q[3], x5 = q[2], x6 = q[1], x7 = q[0];

        // Top linear transformation.
        long y14 = x3 ^ x5;
        long y13 = x0 ^ x6;
        long y9 = x0 ^ x3;
        long y8 = x0 ^ x5;
        long t0 = x1 ^ x2;
        long y1 = t0 ^ x7;
        long y4 = y1 ^ x3;
        long y12 = y13 ^ y14;
        long y2 = y1 ^ x0;
        long y5 = y1 ^ x6;
        long y3 = y5 ^ y8;
        long t1 = x4 ^ y12;
        long y15 = t1 ^ x5;
        long y20 = t1 ^ x1;
        long y6 = y15 ^ x7;
        long y10 = y15 ^ t0;
        long y11 = y20 ^ y9;
        long y7 = x7 ^ y11;
        long y17 = y10 ^ y11;
        long y19 = y10 ^ y8;
        long y16 = t0 ^ y11;
        long y21 = y13 ^ y16;
        long y18 = x0 ^ y16;

        // Non-linear middle section.
        long t2 = y12 & y15;
        long t3 = y3 & y6;
        long t4 = t3 ^ t2;
        long t5 = y4 & x7;
        long t6 = t5 ^ t2;
        long t7 = y13 & y16;
        long t8 = y5 & y1;
        long t9 = t8 ^ t7;
        long t10 = y2 & y7;
        long t11 = t10 ^ t7;
        long t12 = y9 & y11;
        long t13 = y14 & y17;
        long t14 = t13 ^ t12;
        long t15 = y8 & y10;
        long t16 = t15 ^ t12;
        long t17 = t4 ^ t14;
        long t18 = t6 ^ t16;
        long t19 = t9 ^ t14;
        long t20 = t11 ^ t16;
        long t21 = t17 ^ y20;
        long t22 = t18 ^ y19;
        long t23 = t19 ^ y21;
        long t24 = t20 ^ y18;

        long t25 = t21 ^ t22;
        long t26 = t21 & t23;
        long t27 = t24 ^ t26;
        long t28 = t25 & t27;
        long t29 = t28 ^ t22;
        long t30 = t23 ^ t24;
        long t31 = t22 ^ t26;
        long t32 = t31 & t30;
        long t33 = t32 ^ t24;
        long t34 = t23 ^ t33;
        long t35 = t27 ^ t33;
        long t36 = t24 & t35;
        long t37 = t36 ^ t34;
        long t38 = t27 ^ t36;
        long t39 = t29 & t38;
        long t40 = t25 ^ t39;

        long t41 = t40 ^ t37;
        long t42 = t29 ^ t33;
        long t43 = t29 ^ t40;
        long t44 = t33 ^ t37;
        long t45 = t42 ^ t41;
        long z0 = t44 & y15;
        long z1 = t37 & y6;
        long z2 = t33 & x7;
        long z3 = t43 & y16;
        long z4 = t40 & y1;
        long z5 = t29 & y7;
        long z6 = t42 & y11;
        long z7 = t45 & y17;
        long z8 = t41 & y10;
        long z9 = t44 & y12;
        long z10 = t37 & y3;
        long z11 = t33 & y4;
        long z12 = t43 & y13;
        long z13 = t40 & y5;
        long z14 = t29 & y2;
        long z15 = t42 & y9;
        long z16 = t45 & y14;
        long z17 = t41 & y8;

        // Bottom linear transformation.
        long t46 = z15 ^ z16;
        long t47 = z10 ^ z11;
        long t48 = z5 ^ z13;
        long t49 = z9 ^ z10;
        long t50 = z2 ^ z12;
        long t51 = z2 ^ z5;
        long t52 = z7 ^ z8;
        long t53 = z0 ^ z3;
        long t54 = z6 ^ z7;
        long t55 = z16 ^ z17;
        long t56 = z12 ^ t48;
        long t57 = t50 ^ t53;
        long t58 = z4 ^ t46;
        long t59 = z3 ^ t54;
        long t60 = t46 ^ t57;
        long t61 = z14 ^ t57;
        long t62 = t52 ^ t58;
        long t63 = t49 ^ t58;
        long t64 = z4 ^ t59;
        long t65 = t61 ^ t62;
        long t66 = z1 ^ t63;
        long s0 = t59 ^ t63;
        long s6 = t56 ^ ~t62;
        long s7 = t48 ^ ~t60;
        long t67 = t64 ^ t65;
        long s3 = t53 ^ t66;
        long s4 = t51 ^ t66;
        long s5 = t47 ^ t65;
        long s1 = t64 ^ ~s3;
        long s2 = t55 ^ ~t67;

        q[7] = s0;
        q[6] = s1;
        q[5] = s2;
        q[4] = s3;
        q[3] = s4;
        q[2] = s5;
        q[1] = s6;
        q[0] = s7;
    }

    /**
     * Bytes to bit planes. Plane position 16r + 4c + k = 8m + i with i = 4(c mod 2) + k and
     * m = 2r + c/2, so word i of the 8x8 transpose below gathers, for block k = i mod 4, the bytes of
     * the even (i < 4) or odd (i >= 4) columns, row by row: FIPS 197 input bytes 0..3 and 8..11
     * (or 4..7 and 12..15) byte-interleaved.
     */
    static void load(byte[] b0, int o0, byte[] b1, int o1, byte[] b2, int o2, byte[] b3, int o3, long[] q) {
        q[0] = interleave(b0, o0);
        q[4] = interleave(b0, o0 + 4);
        q[1] = interleave(b1, o1);
        q[5] = interleave(b1, o1 + 4);
        q[2] = interleave(b2, o2);
        q[6] = interleave(b2, o2 + 4);
        q[3] = interleave(b3, o3);
        q[7] = interleave(b3, o3 + 4);
        ortho(q);
    }

    static void store(long[] q, byte[] b0, int o0, byte[] b1, int o1, byte[] b2, int o2, byte[] b3, int o3) {
        ortho(q);
        deinterleave(q[0], q[4], b0, o0);
        deinterleave(q[1], q[5], b1, o1);
        deinterleave(q[2], q[6], b2, o2);
        deinterleave(q[3], q[7], b3, o3);
    }

    /** Bytes off..off+3 at even byte positions, off+8..off+11 at odd ones. */
    private static long interleave(byte[] b, int off) {
        long lo = spread((int) LE_INT.get(b, off));
        long hi = spread((int) LE_INT.get(b, off + 8));
        return lo | (hi << 8);
    }

    private static long spread(int w) {
        long x = w & 0xFFFF_FFFFL;
        x = (x | (x << 16)) & 0x0000_FFFF_0000_FFFFL;
        return (x | (x << 8)) & 0x00FF_00FF_00FF_00FFL;
    }

    private static int unspread(long x) {
        x &= 0x00FF_00FF_00FF_00FFL;
        x = (x | (x >>> 8)) & 0x0000_FFFF_0000_FFFFL;
        return (int) (x | (x >>> 16));
    }

    private static void deinterleave(long even, long odd, byte[] out, int off) {
        LE_INT.set(out, off, unspread(even));
        LE_INT.set(out, off + 8, unspread(even >>> 8));
        LE_INT.set(out, off + 4, unspread(odd));
        LE_INT.set(out, off + 12, unspread(odd >>> 8));
    }

    /**
     * Transposes the eight 8x8 bit matrices formed by byte m of q[0..7]: afterwards bit 8m + i of
     * q[b] is bit b of byte m of the old q[i]. Its own inverse.
     */
    static void ortho(long[] q) {
        swap(q, 0, 1, 0x5555_5555_5555_5555L, 1);
        swap(q, 2, 3, 0x5555_5555_5555_5555L, 1);
        swap(q, 4, 5, 0x5555_5555_5555_5555L, 1);
        swap(q, 6, 7, 0x5555_5555_5555_5555L, 1);
        swap(q, 0, 2, 0x3333_3333_3333_3333L, 2);
        swap(q, 1, 3, 0x3333_3333_3333_3333L, 2);
        swap(q, 4, 6, 0x3333_3333_3333_3333L, 2);
        swap(q, 5, 7, 0x3333_3333_3333_3333L, 2);
        swap(q, 0, 4, 0x0F0F_0F0F_0F0F_0F0FL, 4);
        swap(q, 1, 5, 0x0F0F_0F0F_0F0F_0F0FL, 4);
        swap(q, 2, 6, 0x0F0F_0F0F_0F0F_0F0FL, 4);
        swap(q, 3, 7, 0x0F0F_0F0F_0F0F_0F0FL, 4);
    }

    private static void swap(long[] q, int lo, int hi, long mask, int shift) {
        long a = q[lo], b = q[hi];
        q[lo] = (a & mask) | ((b & mask) << shift);
        q[hi] = ((a >>> shift) & mask) | (b & ~mask);
    }

    @Override
    public String toString() {
        return "BitslicedAes128";
    }
}
