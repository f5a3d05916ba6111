package org.openmcim.bench;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openmcim.aka.Milenage;
import org.openmcim.aka.UmtsVector;
import org.openmcim.aka.aes.BitslicedAes128;
import org.openmcim.aka.kdf.Kdf;
import org.openmcim.aka.kdf.PlmnId;

/** Where the time of one E-UTRAN vector goes: each part alone, average time per call. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AkaPartsBenchmark {
    private byte[] key;
    private byte[] block;
    private byte[] out;
    private BitslicedAes128 aes;
    private Milenage milenage;
    private byte[] sqn;
    private byte[] amf;
    private UmtsVector q;
    private Kdf kdf;
    private PlmnId plmn;
    private SecureRandom drbg;

    @Setup
    public void setUp() throws GeneralSecurityException {
        SplittableRandom r = new SplittableRandom(1);
        key = new byte[16];
        block = new byte[64];
        for (int i = 0; i < 16; i++) {
            key[i] = (byte) r.nextInt(256);
        }
        for (int i = 0; i < 64; i++) {
            block[i] = (byte) r.nextInt(256);
        }
        out = new byte[64];
        aes = new BitslicedAes128().setKey(key);
        milenage = Milenage.withOpc(key, java.util.Arrays.copyOf(block, 16));
        sqn = new byte[6];
        amf = new byte[] {(byte) 0x80, 0};
        q = milenage.quintet(new byte[16], sqn, amf);
        kdf = new Kdf();
        plmn = PlmnId.parse("00101");
        drbg = SecureRandom.getInstance("DRBG");
    }

    @Benchmark
    public BitslicedAes128 aesKeySchedule() {
        key[0]++;
        return new BitslicedAes128().setKey(key);
    }

    @Benchmark
    public byte[] aesEncrypt4() {
        aes.encrypt4(block, 0, block, 16, block, 32, block, 48, out, 0, out, 16, out, 32, out, 48);
        return out;
    }

    @Benchmark
    public UmtsVector milenageQuintetSameKey() {
        sqn[5]++;
        return milenage.quintet(key, sqn, amf);
    }

    @Benchmark
    public byte[] kasme() {
        return kdf.kasme(q.ck(), q.ik(), plmn, q.sqnXorAk());
    }

    @Benchmark
    public byte[] drbgRand() {
        byte[] rand = new byte[16];
        drbg.nextBytes(rand);
        return rand;
    }
}
