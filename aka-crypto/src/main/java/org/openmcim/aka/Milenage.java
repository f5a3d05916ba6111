package org.openmcim.aka;

import java.util.Arrays;

import org.openmcim.aka.aes.BitslicedAes128;

/**
 * MILENAGE (TS 35.206 §4) with AES-128 as the kernel and the default constants r1..r5 = 64, 0, 32,
 * 64, 96 and c1..c5 = 0, 1, 2, 4, 8 (§5.1).
 *
 * <p>Every output is OUTi = E_K(x ⊕ ci) ⊕ OPc over one TEMP = E_K(RAND ⊕ OPc); OUT1..OUT4 are
 * independent once TEMP is known, so a whole quintet costs two four-lane AES calls
 * ({@link #quintet}). Immutable and thread-safe; the expanded key lives inside.
 */
public final class Milenage implements AuthenticationFunctions {
    static final int R1 = 8, R2 = 0, R3 = 4, R4 = 8, R5 = 12; // rotations, in octets
    static final int C2 = 1, C3 = 2, C4 = 4, C5 = 8;        // last octet of c2..c5; c1 = 0

    private final BitslicedAes128 aes;
    private final byte[] opc;

    private Milenage(byte[] k, byte[] opc) {
        this.aes = new BitslicedAes128().setKey(Lengths.require("K", k, 16));
        this.opc = Lengths.require("OPc", opc, 16).clone();
    }

    /** For a subscriber whose OPc is stored (the usual case: OP never leaves the operator's AuC). */
    public static Milenage withOpc(byte[] k, byte[] opc) {
        return new Milenage(k, opc);
    }

    /** For a subscriber provisioned with the operator variant OP; computes OPc first. */
    public static Milenage withOp(byte[] k, byte[] op) {
        return new Milenage(k, opc(k, op));
    }

    /** TS 35.206 §4.1: OPc = OP ⊕ E_K(OP). */
    public static byte[] opc(byte[] k, byte[] op) {
        Lengths.require("OP", op, 16);
        byte[] out = new byte[16];
        new BitslicedAes128().setKey(Lengths.require("K", k, 16)).encrypt(op, 0, out, 0);
        xorInto(out, op);
        return out;
    }

    @Override
    public Algorithm algorithm() {
        return Algorithm.MILENAGE;
    }

    @Override
    public byte[] f1(byte[] rand, byte[] sqn, byte[] amf) {
        return Arrays.copyOf(out1(rand, sqn, amf), 8);
    }

    @Override
    public byte[] f1Star(byte[] rand, byte[] sqn, byte[] amf) {
        return Arrays.copyOfRange(out1(rand, sqn, amf), 8, 16);
    }

    @Override
    public AkaOutputs f2345(byte[] rand) {
        byte[] temp = temp(rand);
        byte[] o2 = new byte[16], o3 = new byte[16], o4 = new byte[16], unused = new byte[16];
        aes.encrypt4(in(temp, opc, R2, C2), 0, in(temp, opc, R3, C3), 0, in(temp, opc, R4, C4), 0,
                in(temp, opc, R5, C5), 0, o2, 0, o3, 0, o4, 0, unused, 0);
        xorInto(o2, opc);
        xorInto(o3, opc);
        xorInto(o4, opc);
        // §4.1: f2 = RES = OUT2[64..127], f5 = AK = OUT2[0..47], f3 = CK = OUT3, f4 = IK = OUT4.
        return new AkaOutputs(Arrays.copyOfRange(o2, 8, 16), o3, o4, Arrays.copyOf(o2, 6));
    }

    @Override
    public byte[] f5Star(byte[] rand) {
        byte[] temp = temp(rand);
        byte[] o5 = new byte[16];
        aes.encrypt(in(temp, opc, R5, C5), 0, o5, 0);
        xorInto(o5, opc);
        return Arrays.copyOf(o5, 6); // §4.1: f5* = OUT5[0..47]
    }

    /** f1 and f2..f5 in two four-lane AES calls: TEMP, then OUT1..OUT4 together. */
    @Override
    public UmtsVector quintet(byte[] rand, byte[] sqn, byte[] amf) {
        byte[] temp = temp(rand);
        byte[] o1 = new byte[16], o2 = new byte[16], o3 = new byte[16], o4 = new byte[16];
        aes.encrypt4(in1(temp, opc, sqn, amf), 0, in(temp, opc, R2, C2), 0, in(temp, opc, R3, C3), 0,
                in(temp, opc, R4, C4), 0, o1, 0, o2, 0, o3, 0, o4, 0);
        return assemble(rand, sqn, amf, opc, o1, o2, o3, o4);
    }

    /** OUT1..OUT4 (before the final ⊕ OPc) to a quintet (§4.1 output slicing). */
    static UmtsVector assemble(byte[] rand, byte[] sqn, byte[] amf, byte[] opc, byte[] o1, byte[] o2, byte[] o3, byte[] o4) {
        xorInto(o1, opc);
        xorInto(o2, opc);
        xorInto(o3, opc);
        xorInto(o4, opc);
        byte[] ak = Arrays.copyOf(o2, 6);
        return new UmtsVector(rand.clone(), Arrays.copyOfRange(o2, 8, 16), o3, o4,
                UmtsVector.autn(sqn, ak, amf, Arrays.copyOf(o1, 8)));
    }

    /** TEMP = E_K(RAND ⊕ OPc). */
    private byte[] temp(byte[] rand) {
        byte[] x = Lengths.require("RAND", rand, 16).clone();
        xorInto(x, opc);
        aes.encrypt(x, 0, x, 0);
        return x;
    }

    /** OUT1 = E_K(TEMP ⊕ rot(IN1 ⊕ OPc, r1) ⊕ c1) ⊕ OPc, IN1 = SQN ‖ AMF ‖ SQN ‖ AMF. */
    private byte[] out1(byte[] rand, byte[] sqn, byte[] amf) {
        byte[] temp = temp(rand);
        byte[] x = in1(temp, opc, sqn, amf);
        aes.encrypt(x, 0, x, 0);
        xorInto(x, opc);
        return x;
    }

    static byte[] in1(byte[] temp, byte[] opc, byte[] sqn, byte[] amf) {
        Lengths.require("SQN", sqn, 6);
        Lengths.require("AMF", amf, 2);
        byte[] in1 = new byte[16];
        System.arraycopy(sqn, 0, in1, 0, 6);
        System.arraycopy(amf, 0, in1, 6, 2);
        System.arraycopy(in1, 0, in1, 8, 8);
        byte[] x = new byte[16];
        for (int i = 0; i < 16; i++) {
            x[i] = (byte) (temp[i] ^ in1[(i + R1) & 15] ^ opc[(i + R1) & 15]);
        }
        return x;
    }

    /** rot(TEMP ⊕ OPc, r) ⊕ c: rot moves bits towards the most significant end (§4.1). */
    static byte[] in(byte[] temp, byte[] opc, int rotOctets, int lastOctetOfC) {
        byte[] x = new byte[16];
        for (int i = 0; i < 16; i++) {
            int j = (i + rotOctets) & 15;
            x[i] = (byte) (temp[j] ^ opc[j]);
        }
        x[15] ^= (byte) lastOctetOfC;
        return x;
    }

    static void xorInto(byte[] acc, byte[] x) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] ^= x[i];
        }
    }

    @Override
    public String toString() {
        return "Milenage";
    }
}
