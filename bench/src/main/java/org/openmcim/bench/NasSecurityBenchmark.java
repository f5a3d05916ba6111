package org.openmcim.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openmcim.aka.Hex;
import org.openmcim.uesim.nas.security.NasSecurityContext;
import org.openmcim.uesim.nas.security.SecurityHeaderType;

/**
 * The UE's NAS security work in one attach+detach cycle of the attach benchmark (issue #7), as
 * one operation: a new context from KASME (two KDFs and the keyed EEA/EIA), then the five
 * downlink messages it verifies and deciphers (SECURITY MODE COMMAND, ESM INFORMATION REQUEST,
 * ATTACH ACCEPT, EMM INFORMATION, DETACH ACCEPT) and the four uplink messages it protects, at
 * their real sizes. {@code contextOnly} is the first part alone.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class NasSecurityBenchmark {
    /** 0 = EEA0 (integrity only), 2 = 128-EEA2; integrity is 128-EIA2 in both. */
    @Param({"2", "0"})
    public int eea;

    private byte[] kasme;
    private final List<byte[]> downlink = new ArrayList<>();
    private final List<byte[]> uplinkPlain = new ArrayList<>();

    @Setup
    public void setUp() {
        SplittableRandom r = new SplittableRandom(7);
        kasme = new byte[32];
        r.nextBytes(kasme);
        NasSecurityContext network = NasSecurityContext.forNetwork(kasme, 0, eea, 2);
        downlink.add(network.protect(Hex.decode("075d" + (eea == 2 ? "22" : "02") + "0002a020"),
                SecurityHeaderType.INTEGRITY_PROTECTED_NEW_CONTEXT));
        downlink.add(network.protect(Hex.decode("0201d9"), SecurityHeaderType.INTEGRITY_PROTECTED_CIPHERED));
        downlink.add(network.protect(Hex.decode("0742014906200010300039" + "52c101090908" + "0c70726f766973696f6e696e67"
                + "05010a000001" + "5e02fefe" + "500bf600f110000201c0000001"), SecurityHeaderType.INTEGRITY_PROTECTED_CIPHERED));
        downlink.add(network.protect(Hex.decode("07614311" + "90004f00700065006e004d00430049004d"),
                SecurityHeaderType.INTEGRITY_PROTECTED_CIPHERED));
        downlink.add(network.protect(Hex.decode("0746"), SecurityHeaderType.INTEGRITY_PROTECTED_CIPHERED));
        uplinkPlain.add(Hex.decode("075e"));
        uplinkPlain.add(Hex.decode("0201da280d0c70726f766973696f6e696e67"));
        uplinkPlain.add(Hex.decode("074300035201c2"));
        uplinkPlain.add(Hex.decode("0745190bf600f110000201c0000001"));
    }

    @Benchmark
    public NasSecurityContext contextOnly() {
        return NasSecurityContext.fromKasme(kasme, 0, eea, 2);
    }

    @Benchmark
    public byte[] attachDetachCycle() {
        NasSecurityContext ue = NasSecurityContext.fromKasme(kasme, 0, eea, 2);
        byte[] last = null;
        for (int i = 0; i < downlink.size(); i++) {
            if (!(ue.unprotect(downlink.get(i)) instanceof NasSecurityContext.Verified v)) {
                throw new IllegalStateException("downlink " + i + " rejected");
            }
            last = v.plain();
            if (i < uplinkPlain.size()) {
                last = ue.protect(uplinkPlain.get(i), i == 0 ? SecurityHeaderType.INTEGRITY_PROTECTED_CIPHERED_NEW_CONTEXT
                        : SecurityHeaderType.INTEGRITY_PROTECTED_CIPHERED);
            }
        }
        return last;
    }
}
