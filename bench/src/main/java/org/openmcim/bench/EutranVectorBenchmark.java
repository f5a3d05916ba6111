package org.openmcim.bench;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openmcim.aka.Milenage;
import org.openmcim.aka.kdf.PlmnId;
import org.openmcim.aka.vector.EutranVector;
import org.openmcim.aka.vector.VectorFactory;

/**
 * Full E-UTRAN vector per operation, as an HSS answering AIRs produces it: a different subscriber
 * for every vector (so the AES key schedule is part of the cost), RAND from a SecureRandom,
 * Milenage f1..f5, AUTN, and KASME (HMAC-SHA-256 KDF, TS 33.401 A.2).
 *
 * <p>{@code jceBaseline} is the straightforward JCE version of the same work (Cipher.init per
 * subscriber, Mac.init per KASME), kept for comparison. Run with {@code bin/bench EutranVector}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EutranVectorBenchmark {
    private static final int SUBSCRIBERS = 4096;
    private static final byte[] AMF = {(byte) 0x80, 0x00};

    /** Which SecureRandom supplies RAND: the JDK's SP 800-90A DRBG, or the OS pool. */
    @Param({"DRBG", "NativePRNGNonBlocking"})
    public String rng;

    private byte[][] k;
    private byte[][] opc;
    private int next;
    private long sqn;
    private VectorFactory factory;
    private PlmnId plmn;
    private SecureRandom random;
    private Cipher jceAes;
    private Mac jceHmac;

    @Setup(Level.Trial)
    public void setUp() throws GeneralSecurityException {
        SplittableRandom seed = new SplittableRandom(33_812);
        k = new byte[SUBSCRIBERS][16];
        opc = new byte[SUBSCRIBERS][16];
        for (int i = 0; i < SUBSCRIBERS; i++) {
            for (int j = 0; j < 16; j++) {
                k[i][j] = (byte) seed.nextInt(256);
                opc[i][j] = (byte) seed.nextInt(256);
            }
        }
        random = SecureRandom.getInstance(rng);
        factory = new VectorFactory(random);
        plmn = PlmnId.parse("00101");
        jceAes = Cipher.getInstance("AES/ECB/NoPadding");
        jceHmac = Mac.getInstance("HmacSHA256");
    }

    private long nextSqn() {
        return (++sqn << 5) & 0xFFFF_FFFF_FFFFL;
    }

    @Benchmark
    public EutranVector openmcim() {
        int i = next++ & (SUBSCRIBERS - 1);
        // Building the Milenage instance is the per-subscriber key schedule: part of the cost.
        return factory.eutran(Milenage.withOpc(k[i], opc[i]), nextSqn(), AMF, plmn);
    }

    /**
     * Four different subscribers per invocation through the batched path (one shared key schedule,
     * five AES calls); reported per vector.
     */
    @Benchmark
    @OperationsPerInvocation(4)
    public EutranVector[] openmcimBatch4() {
        int i = next & (SUBSCRIBERS - 1);
        next += 4;
        byte[][] kb = {k[i], k[i + 1], k[i + 2], k[i + 3]};
        byte[][] ob = {opc[i], opc[i + 1], opc[i + 2], opc[i + 3]};
        long[] s = {nextSqn(), nextSqn(), nextSqn(), nextSqn()};
        return factory.eutranMilenage(kb, ob, s, AMF, plmn);
    }

    @Benchmark
    public byte[] jceBaseline() throws GeneralSecurityException {
        int i = next++ & (SUBSCRIBERS - 1);
        byte[] c = opc[i];
        byte[] rand = new byte[16];
        random.nextBytes(rand);
        long s = nextSqn();
        jceAes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(k[i], "AES"));
        byte[] temp = jceAes.doFinal(xor(rand, c));
        byte[] in1 = new byte[16];
        for (int j = 0; j < 6; j++) {
            in1[j] = (byte) (s >>> (40 - 8 * j));
        }
        in1[6] = AMF[0];
        in1[7] = AMF[1];
        System.arraycopy(in1, 0, in1, 8, 8);
        byte[] x1 = new byte[16];
        for (int j = 0; j < 16; j++) {
            x1[j] = (byte) (temp[j] ^ in1[(j + 8) & 15] ^ c[(j + 8) & 15]);
        }
        byte[] out1 = xor(jceAes.doFinal(x1), c);
        byte[] tc = xor(temp, c);
        byte[] x2 = tc.clone();
        x2[15] ^= 1;
        byte[] out2 = xor(jceAes.doFinal(x2), c);
        byte[] x3 = rot(tc, 4);
        x3[15] ^= 2;
        byte[] ck = xor(jceAes.doFinal(x3), c);
        byte[] x4 = rot(tc, 8);
        x4[15] ^= 4;
        byte[] ik = xor(jceAes.doFinal(x4), c);
        byte[] sqnXorAk = new byte[6];
        for (int j = 0; j < 6; j++) {
            sqnXorAk[j] = (byte) (in1[j] ^ out2[j]);
        }
        byte[] kdfKey = new byte[32];
        System.arraycopy(ck, 0, kdfKey, 0, 16);
        System.arraycopy(ik, 0, kdfKey, 16, 16);
        jceHmac.init(new SecretKeySpec(kdfKey, "HmacSHA256"));
        jceHmac.update((byte) 0x10);
        jceHmac.update(plmn.toOctets());
        jceHmac.update(new byte[] {0, 3});
        jceHmac.update(sqnXorAk);
        jceHmac.update(new byte[] {0, 6});
        byte[] kasme = jceHmac.doFinal();
        kasme[0] ^= out1[0]; // keep MAC-A live
        return kasme;
    }

    private static byte[] xor(byte[] a, byte[] b) {
        byte[] o = new byte[16];
        for (int j = 0; j < 16; j++) {
            o[j] = (byte) (a[j] ^ b[j]);
        }
        return o;
    }

    private static byte[] rot(byte[] x, int octets) {
        byte[] o = new byte[16];
        for (int j = 0; j < 16; j++) {
            o[j] = x[(j + octets) & 15];
        }
        return o;
    }
}
