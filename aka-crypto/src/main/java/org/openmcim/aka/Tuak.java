package org.openmcim.aka;

import java.util.Arrays;
import java.util.Objects;

/**
 * TUAK, the Keccak-based 3GPP authentication and key generation functions f1, f1*, f2, f3, f4,
 * f5 and f5* (TS 35.231; test data in TS 35.232 and TS 35.233), for one subscriber.
 *
 * <p>Every function is one call of Keccak-f[1600] (or {@code KeccakIterations} calls) on a
 * 1600-bit input built from TOPc, an INSTANCE byte naming the function and its output lengths,
 * the constant ALGONAME "TUAK1.0", RAND, AMF, SQN, the key K and fixed padding; the outputs are
 * read from fixed places of the permuted state.
 *
 * <p>Build one with {@link #builder()}. Instances are immutable and thread-safe; each call
 * allocates only its outputs and one 25-lane Keccak state, which is wiped before returning.
 * {@link #toString()} names only the algorithm and the lengths, never K, TOP or TOPc.
 */
public final class Tuak implements AuthenticationFunctions {
    /** Length of TOP and TOPc: 256 bits. */
    public static final int TOP_BYTES = 32;
    /** Length of RAND: 128 bits. */
    public static final int RAND_BYTES = 16;
    /** Length of SQN: 48 bits. */
    public static final int SQN_BYTES = 6;
    /** Length of AMF: 16 bits. */
    public static final int AMF_BYTES = 2;
    /** Length of AK (f5, f5*): 48 bits. */
    public static final int AK_BYTES = 6;

    /** TS 35.231: the algorithm name string that every Keccak input carries (7 ASCII bytes). */
    static final String ALGONAME = "TUAK1.0";

    // TS 35.231 Keccak input, as byte offsets into the 200-byte state: TOP or TOPc (32 bytes),
    // INSTANCE (1), ALGONAME (7), RAND (16), AMF (2), SQN (6), K (32; a 128-bit K is followed by
    // 16 zero bytes), then the fixed padding: 0x1F at byte 96 and 0x80 at byte 135, zeros to 199.
    private static final int IN_TOP = 0;
    private static final int IN_INSTANCE = 32;
    private static final int IN_ALGONAME = 33;
    private static final int IN_RAND = 40;
    private static final int IN_AMF = 56;
    private static final int IN_SQN = 58;
    private static final int IN_KEY = 64;
    private static final int IN_PAD_FIRST = 96;
    private static final int IN_PAD_LAST = 135;

    // TS 35.231 outputs, as byte offsets into the permuted state: TOPc, MAC-A, MAC-S and RES
    // start at byte 0 (each truncated to its length), CK at 32, IK at 64 and AK at 96.
    private static final int OUT_MAC_RES_TOPC = 0;
    private static final int OUT_CK = 32;
    private static final int OUT_IK = 64;
    private static final int OUT_AK = 96;

    // TS 35.231 INSTANCE byte, most significant bit first: two bits choose the function
    // (00 TOPc and f1, 10 f1*, 01 f2..f5, 11 f5*), three bits give the MAC or RES length
    // (000 32, 001 64, 010 128, 100 256 bits), one bit each flags a 256-bit CK, a 256-bit IK,
    // and (last bit) a 256-bit K.
    private static final int INSTANCE_TOPC = 0x00;
    private static final int INSTANCE_F1 = 0x00;
    private static final int INSTANCE_F1_STAR = 0x80;
    private static final int INSTANCE_F2345 = 0x40;
    private static final int INSTANCE_F5_STAR = 0xc0;
    private static final int INSTANCE_CK_256 = 0x04;
    private static final int INSTANCE_IK_256 = 0x02;
    private static final int INSTANCE_K_256 = 0x01;

    /** TOPc, ALGONAME, K and padding in place; INSTANCE, RAND, AMF and SQN still zero. */
    private final long[] template;
    private final int keyBytes;
    private final int macBytes;
    private final int resBytes;
    private final int ckBytes;
    private final int ikBytes;
    private final int keccakIterations;
    private final long instanceF1;
    private final long instanceF1Star;
    private final long instanceF2345;
    private final long instanceF5Star;

    private Tuak(byte[] k, byte[] topc, int macBits, int resBits, int ckBits, int ikBits, int keccakIterations) {
        this.keyBytes = k.length;
        this.macBytes = macBits / 8;
        this.resBytes = resBits / 8;
        this.ckBytes = ckBits / 8;
        this.ikBytes = ikBits / 8;
        this.keccakIterations = keccakIterations;
        this.template = newInput(topc, k);

        int kFlag = k.length == 32 ? INSTANCE_K_256 : 0;
        int macField = lengthField(macBits);
        this.instanceF1 = INSTANCE_F1 | macField | kFlag;
        this.instanceF1Star = INSTANCE_F1_STAR | macField | kFlag;
        this.instanceF2345 = INSTANCE_F2345 | lengthField(resBits)
                | (ckBits == 256 ? INSTANCE_CK_256 : 0) | (ikBits == 256 ? INSTANCE_IK_256 : 0) | kFlag;
        this.instanceF5Star = INSTANCE_F5_STAR | kFlag;
    }

    /** A builder; K and one of TOP or TOPc are required, the lengths default as documented there. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * TOPc from the operator's TOP and the subscriber's K (TS 35.231), with one Keccak iteration.
     *
     * @throws IllegalArgumentException if TOP is not 256 bits or K is not 128 or 256 bits
     */
    public static byte[] deriveTopc(byte[] top, byte[] k) {
        return deriveTopc(top, k, 1);
    }

    /**
     * TOPc from TOP and K with {@code keccakIterations} applications of Keccak-f[1600]; the
     * operator's KeccakIterations setting applies to TOPc as it does to f1..f5*.
     *
     * @throws IllegalArgumentException if a length is wrong or {@code keccakIterations < 1}
     */
    public static byte[] deriveTopc(byte[] top, byte[] k, int keccakIterations) {
        checkLength("TOP", top, TOP_BYTES);
        checkKey(k);
        checkIterations(keccakIterations);
        long[] s = newInput(top, k);
        s[IN_INSTANCE >>> 3] |= (long) (INSTANCE_TOPC | (k.length == 32 ? INSTANCE_K_256 : 0)) << ((IN_INSTANCE & 7) << 3);
        return run(s, keccakIterations, OUT_MAC_RES_TOPC, TOP_BYTES);
    }

    @Override
    public Algorithm algorithm() {
        return Algorithm.TUAK;
    }

    @Override
    public byte[] f1(byte[] rand, byte[] sqn, byte[] amf) {
        return mac(instanceF1, rand, sqn, amf);
    }

    @Override
    public byte[] f1Star(byte[] rand, byte[] sqn, byte[] amf) {
        return mac(instanceF1Star, rand, sqn, amf);
    }

    @Override
    public AkaOutputs f2345(byte[] rand) {
        checkLength("RAND", rand, RAND_BYTES);
        long[] s = input(instanceF2345, rand);
        permute(s, keccakIterations);
        AkaOutputs out = new AkaOutputs(
                extract(s, OUT_MAC_RES_TOPC, resBytes),
                extract(s, OUT_CK, ckBytes),
                extract(s, OUT_IK, ikBytes),
                extract(s, OUT_AK, AK_BYTES));
        Arrays.fill(s, 0L);
        return out;
    }

    @Override
    public byte[] f5Star(byte[] rand) {
        checkLength("RAND", rand, RAND_BYTES);
        return run(input(instanceF5Star, rand), keccakIterations, OUT_AK, AK_BYTES);
    }

    /** Length of K in bits: 128 or 256. */
    public int keyBits() {
        return keyBytes * 8;
    }

    /** Length of MAC-A and MAC-S (f1, f1*) in bits. */
    public int macBits() {
        return macBytes * 8;
    }

    /** Length of RES (f2) in bits. */
    public int resBits() {
        return resBytes * 8;
    }

    /** Length of CK (f3) in bits. */
    public int ckBits() {
        return ckBytes * 8;
    }

    /** Length of IK (f4) in bits. */
    public int ikBits() {
        return ikBytes * 8;
    }

    /** How many times each function applies Keccak-f[1600]. */
    public int keccakIterations() {
        return keccakIterations;
    }

    @Override
    public String toString() {
        // Lengths only: K, TOP and TOPc never go into logs.
        return "Tuak[K=" + keyBits() + " bits, MAC=" + macBits() + ", RES=" + resBits() + ", CK=" + ckBits()
                + ", IK=" + ikBits() + ", KeccakIterations=" + keccakIterations + "]";
    }

    private byte[] mac(long instance, byte[] rand, byte[] sqn, byte[] amf) {
        checkLength("RAND", rand, RAND_BYTES);
        checkLength("SQN", sqn, SQN_BYTES);
        checkLength("AMF", amf, AMF_BYTES);
        long[] s = input(instance, rand);
        put(s, IN_AMF, amf);
        put(s, IN_SQN, sqn);
        return run(s, keccakIterations, OUT_MAC_RES_TOPC, macBytes);
    }

    /** A copy of the template with INSTANCE and RAND filled in; AMF and SQN stay zero. */
    private long[] input(long instance, byte[] rand) {
        long[] s = template.clone();
        s[IN_INSTANCE >>> 3] |= instance << ((IN_INSTANCE & 7) << 3);
        put(s, IN_RAND, rand);
        return s;
    }

    /** The parts of the Keccak input that do not change per call: TOP(c), ALGONAME, K, padding. */
    private static long[] newInput(byte[] top, byte[] k) {
        long[] s = new long[Keccak.LANES];
        put(s, IN_TOP, top);
        for (int i = 0; i < ALGONAME.length(); i++) {
            // Written like any other field: last character first (see put).
            int b = IN_ALGONAME + i;
            s[b >>> 3] |= (long) ALGONAME.charAt(ALGONAME.length() - 1 - i) << ((b & 7) << 3);
        }
        put(s, IN_KEY, k); // a 128-bit K leaves bytes 80..95 zero
        s[IN_PAD_FIRST >>> 3] |= 0x1fL << ((IN_PAD_FIRST & 7) << 3);
        s[IN_PAD_LAST >>> 3] |= 0x80L << ((IN_PAD_LAST & 7) << 3);
        return s;
    }

    /**
     * Writes {@code field} into the state at byte {@code offset}, last byte first.
     *
     * <p>TS 35.231 numbers the Keccak input bits so that each parameter goes in starting from its
     * least significant bit. With the lanes little-endian (see {@link Keccak}) and bit 0 of each
     * byte its least significant bit, that places the parameter's bytes in reverse order, each
     * byte unchanged.
     */
    private static void put(long[] s, int offset, byte[] field) {
        int n = field.length;
        for (int j = 0; j < n; j++) {
            int b = offset + j;
            s[b >>> 3] |= (field[n - 1 - j] & 0xffL) << ((b & 7) << 3);
        }
    }

    /** Reads {@code length} bytes at byte {@code offset} of the state, reversed like {@link #put}. */
    private static byte[] extract(long[] s, int offset, int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            int b = offset + length - 1 - i;
            out[i] = (byte) (s[b >>> 3] >>> ((b & 7) << 3));
        }
        return out;
    }

    private static void permute(long[] s, int iterations) {
        for (int i = 0; i < iterations; i++) {
            Keccak.permute(s);
        }
    }

    /** Permutes, extracts one output and wipes the state (the whole state would reveal K). */
    private static byte[] run(long[] s, int iterations, int offset, int length) {
        permute(s, iterations);
        byte[] out = extract(s, offset, length);
        Arrays.fill(s, 0L);
        return out;
    }

    /** The three INSTANCE bits that encode a MAC or RES length. */
    private static int lengthField(int bits) {
        switch (bits) {
            case 32: return 0x00;
            case 64: return 0x08;
            case 128: return 0x10;
            case 256: return 0x20;
            default: throw new IllegalStateException("unchecked length " + bits); // builder validated
        }
    }

    private static void checkLength(String name, byte[] value, int bytes) {
        Objects.requireNonNull(value, name);
        if (value.length != bytes) {
            throw new IllegalArgumentException(
                    name + " must be " + bytes * 8 + " bits (" + bytes + " bytes), got " + value.length + " bytes");
        }
    }

    private static void checkKey(byte[] k) {
        Objects.requireNonNull(k, "K");
        if (k.length != 16 && k.length != 32) {
            throw new IllegalArgumentException(
                    "K must be 128 or 256 bits (16 or 32 bytes), got " + k.length + " bytes");
        }
    }

    private static void checkIterations(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("KeccakIterations must be at least 1, got " + n);
        }
    }

    private static int checkBits(String name, int bits, int... allowed) {
        for (int a : allowed) {
            if (bits == a) {
                return bits;
            }
        }
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < allowed.length; i++) {
            list.append(i == 0 ? "" : i == allowed.length - 1 ? " or " : ", ").append(allowed[i]);
        }
        throw new IllegalArgumentException(name + " length must be " + list + " bits, got " + bits);
    }

    /**
     * Collects K, TOP or TOPc, the output lengths and KeccakIterations. Defaults: MAC 64, RES 64,
     * CK 128 and IK 128 bits (the lengths TS 33.102 uses), one Keccak iteration. Setters copy
     * their arrays; lengths are checked as they are set, so a bad value fails where it is given.
     * Not thread-safe.
     */
    public static final class Builder {
        private byte[] k;
        private byte[] top;
        private byte[] topc;
        private int macBits = 64;
        private int resBits = 64;
        private int ckBits = 128;
        private int ikBits = 128;
        private int keccakIterations = 1;

        private Builder() {
        }

        /** The subscriber key K, 128 or 256 bits. */
        public Builder key(byte[] k) {
            checkKey(k);
            this.k = k.clone();
            return this;
        }

        /** The operator's TOP (256 bits); TOPc is then derived at {@link #build()}. */
        public Builder top(byte[] top) {
            checkLength("TOP", top, TOP_BYTES);
            this.top = top.clone();
            return this;
        }

        /** TOPc (256 bits) as stored for the subscriber, instead of TOP. */
        public Builder topc(byte[] topc) {
            checkLength("TOPc", topc, TOP_BYTES);
            this.topc = topc.clone();
            return this;
        }

        /** Length of MAC-A and MAC-S: 64, 128 or 256 bits. */
        public Builder macBits(int bits) {
            this.macBits = checkBits("MAC", bits, 64, 128, 256);
            return this;
        }

        /** Length of RES: 32, 64, 128 or 256 bits. */
        public Builder resBits(int bits) {
            this.resBits = checkBits("RES", bits, 32, 64, 128, 256);
            return this;
        }

        /** Length of CK: 128 or 256 bits. */
        public Builder ckBits(int bits) {
            this.ckBits = checkBits("CK", bits, 128, 256);
            return this;
        }

        /** Length of IK: 128 or 256 bits. */
        public Builder ikBits(int bits) {
            this.ikBits = checkBits("IK", bits, 128, 256);
            return this;
        }

        /** How many times to apply Keccak-f[1600] per function (and for TOPc): at least 1. */
        public Builder keccakIterations(int n) {
            checkIterations(n);
            this.keccakIterations = n;
            return this;
        }

        /**
         * @throws IllegalStateException if K is missing, or not exactly one of TOP and TOPc was given
         */
        public Tuak build() {
            if (k == null) {
                throw new IllegalStateException("K is required");
            }
            if ((top == null) == (topc == null)) {
                throw new IllegalStateException("exactly one of TOP and TOPc is required");
            }
            byte[] c = topc != null ? topc : deriveTopc(top, k, keccakIterations);
            Tuak t = new Tuak(k, c, macBits, resBits, ckBits, ikBits, keccakIterations);
            if (topc == null) {
                Arrays.fill(c, (byte) 0);
            }
            return t;
        }

        @Override
        public String toString() {
            return "Tuak.Builder[K " + (k == null ? "unset" : k.length * 8 + " bits") + ", "
                    + (topc != null ? "TOPc" : top != null ? "TOP" : "no TOP/TOPc") + " set]";
        }
    }
}
