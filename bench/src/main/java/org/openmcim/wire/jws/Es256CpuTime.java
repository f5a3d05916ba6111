package org.openmcim.wire.jws;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Instant;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.openmcim.pki.Credential;
import org.openmcim.pki.DevelopmentPki;

/**
 * {@link Es256Benchmark}'s pairs measured in this thread's CPU time instead of wall time, for a
 * machine shared with other work, where preemption swamps JMH's wall-clock figures: rounds of
 * {@code --ops} calls each, the JCA route and Bouncy Castle's lightweight signer in turn, µs of CPU
 * per call. The first round is the warm-up.
 *
 * <pre>java -cp bench/target/benchmarks.jar org.openmcim.wire.jws.Es256CpuTime [--ops 2000] [--rounds 5]</pre>
 */
public final class Es256CpuTime {
    private Es256CpuTime() {
    }

    public static void main(String[] args) throws Exception {
        int ops = 2000;
        int rounds = 5;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--ops" -> ops = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        DevelopmentPki pki = DevelopmentPki.init(org.openmcim.bench.WorkDirectory.create("es256").resolve("pki"), Instant.now(), new SecureRandom(), false);
        Credential c = pki.credential("ro-bootstrap");
        PrivateKey key = c.key();
        PublicKey pub = c.certificate().getPublicKey();
        byte[] input = "eyJhbGciOiJFUzI1NiJ9.eyJ2ZXJzaW9uIjoxLCJwY2lkIjoiMDAxMDEwMDAwMDAwMDAxIn0".getBytes(StandardCharsets.US_ASCII);
        BouncyCastleProvider bc = new BouncyCastleProvider();
        byte[] sig = Jws.es256Sign(key, input);
        ThreadMXBean t = ManagementFactory.getThreadMXBean();
        System.out.println("µs of CPU per call: sign JCA | sign lightweight | verify JCA | verify lightweight");
        for (int r = 0; r < rounds; r++) {
            long[] cpu = new long[5];
            cpu[0] = t.getCurrentThreadCpuTime();
            for (int i = 0; i < ops; i++) {
                Signature s = Signature.getInstance("SHA256withPLAIN-ECDSA", bc);
                s.initSign(key);
                s.update(input);
                s.sign();
            }
            cpu[1] = t.getCurrentThreadCpuTime();
            for (int i = 0; i < ops; i++) {
                Jws.es256Sign(key, input);
            }
            cpu[2] = t.getCurrentThreadCpuTime();
            for (int i = 0; i < ops; i++) {
                Signature s = Signature.getInstance("SHA256withPLAIN-ECDSA", bc);
                s.initVerify(pub);
                s.update(input);
                if (!s.verify(sig)) {
                    throw new IllegalStateException("JCA verification failed");
                }
            }
            cpu[3] = t.getCurrentThreadCpuTime();
            for (int i = 0; i < ops; i++) {
                if (!Jws.es256Verify(pub, input, sig)) {
                    throw new IllegalStateException("verification failed");
                }
            }
            cpu[4] = t.getCurrentThreadCpuTime();
            System.out.printf("round %d%s: %6.0f | %6.0f | %6.0f | %6.0f%n", r + 1, r == 0 ? " (warm-up)" : "",
                    (cpu[1] - cpu[0]) / 1e3 / ops, (cpu[2] - cpu[1]) / 1e3 / ops, (cpu[3] - cpu[2]) / 1e3 / ops, (cpu[4] - cpu[3]) / 1e3 / ops);
        }
    }
}
