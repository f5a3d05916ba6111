package org.openmcim.aka;

import java.util.Arrays;

/**
 * The test algorithm of TS 34.108 §8.1.2, which test USIMs and lab SIM cards implement: every
 * output is a slice of XDOUT = K ⊕ RAND. It offers no security at all; the credential store only
 * accepts it for ranges configured as lab ranges.
 *
 * <p>§8.1.2.1: RES = XDOUT[0..n-1] (n configurable, 32..128 bits; 128 by default),
 * CK = XDOUT rotated left by 8 bits, IK = XDOUT rotated left by 16 bits, AK = XDOUT[24..71],
 * MAC = XDOUT[0..63] ⊕ (SQN ‖ AMF). §8.1.2.2: f1* and f5* are computed the same way (the
 * resynchronisation uses AMF* = 0000).
 */
public final class XorTestAlgorithm implements AuthenticationFunctions {
    private final byte[] k;
    private final int resLength;

    /** RES of 16 octets. */
    public XorTestAlgorithm(byte[] k) {
        this(k, 16);
    }

    /** RES of {@code resLength} octets (4..16, TS 33.102 §6.3.2 allows 32 to 128 bits). */
    public XorTestAlgorithm(byte[] k, int resLength) {
        this.k = Lengths.require("K", k, 16).clone();
        if (resLength < 4 || resLength > 16) {
            throw new IllegalArgumentException("RES length must be 4..16 octets, got " + resLength);
        }
        this.resLength = resLength;
    }

    @Override
    public Algorithm algorithm() {
        return Algorithm.XOR;
    }

    @Override
    public byte[] f1(byte[] rand, byte[] sqn, byte[] amf) {
        byte[] xdout = xdout(rand);
        byte[] mac = new byte[8];
        Lengths.require("SQN", sqn, 6);
        Lengths.require("AMF", amf, 2);
        for (int i = 0; i < 6; i++) {
            mac[i] = (byte) (xdout[i] ^ sqn[i]);
        }
        mac[6] = (byte) (xdout[6] ^ amf[0]);
        mac[7] = (byte) (xdout[7] ^ amf[1]);
        return mac;
    }

    @Override
    public byte[] f1Star(byte[] rand, byte[] sqn, byte[] amf) {
        return f1(rand, sqn, amf);
    }

    @Override
    public AkaOutputs f2345(byte[] rand) {
        byte[] xdout = xdout(rand);
        return new AkaOutputs(Arrays.copyOf(xdout, resLength), rotateLeft(xdout, 1), rotateLeft(xdout, 2),
                Arrays.copyOfRange(xdout, 3, 9));
    }

    @Override
    public byte[] f5Star(byte[] rand) {
        return Arrays.copyOfRange(xdout(rand), 3, 9);
    }

    private byte[] xdout(byte[] rand) {
        Lengths.require("RAND", rand, 16);
        byte[] x = new byte[16];
        for (int i = 0; i < 16; i++) {
            x[i] = (byte) (k[i] ^ rand[i]);
        }
        return x;
    }

    private static byte[] rotateLeft(byte[] x, int octets) {
        byte[] out = new byte[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[(i + octets) % x.length];
        }
        return out;
    }

    @Override
    public String toString() {
        return "XorTestAlgorithm";
    }
}
