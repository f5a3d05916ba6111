package org.openmcim.bench;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;

import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.openmcim.pki.P256;

/**
 * How fast this host runs a fixed piece of the services' own work right now: one thread verifying
 * the same P-256 ECDSA signature with Bouncy Castle, the operation that takes most of a provisioning
 * session's CPU. The same jar has made 216 and 303 resumed sessions/s on this VM within the same hour
 * with no steal time reported (docs/benchmarks.md, issue #5): the vCPUs' speed moves (shared caches,
 * a busy sibling thread, clock), and steal does not show it. The load tools print this before and
 * after a run, with nothing else of theirs running, so runs of different hours can be compared.
 *
 * <p>Measured in a JVM of its own ({@link #inFreshJvm}): measured inside the load tool after a run,
 * the same verification took 326 µs once against 78 µs before it (2026-11-24 04:02), because the run
 * had recompiled Bouncy Castle's field arithmetic under the services' call profile (other point
 * types and multipliers at the same call sites), which says nothing about the host.
 */
public final class HostSpeed {
    private HostSpeed() {
    }

    /** Microseconds per verification: the median of five 200 ms chunks after 3 s of warm-up (by then C2 has compiled the field arithmetic and G1 has sized the young generation; after 1.5 s the first figure in a fresh JVM with -XX:MaxGCPauseMillis=5 was still 30 % high). */
    static double p256VerifyMicros() {
        ECKeyPairGenerator g = new ECKeyPairGenerator();
        g.init(new ECKeyGenerationParameters(P256.DOMAIN, new SecureRandom()));
        AsymmetricCipherKeyPair kp = g.generateKeyPair();
        byte[] hash = new byte[32];
        Arrays.fill(hash, (byte) 0x5a);
        ECDSASigner signer = new ECDSASigner();
        signer.init(true, kp.getPrivate());
        BigInteger[] rs = signer.generateSignature(hash);
        ECPublicKeyParameters q = (ECPublicKeyParameters) kp.getPublic();
        ECDSASigner verifier = new ECDSASigner();
        verifier.init(false, q);
        long warmEnd = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < warmEnd) {
            check(verifier.verifySignature(hash, rs[0], rs[1]));
        }
        double[] chunk = new double[5];
        for (int c = 0; c < chunk.length; c++) {
            long start = System.nanoTime();
            long end = start + 200_000_000L;
            int n = 0;
            long now;
            do {
                check(verifier.verifySignature(hash, rs[0], rs[1]));
                n++;
            } while ((now = System.nanoTime()) < end);
            chunk[c] = (now - start) / 1e3 / n;
        }
        Arrays.sort(chunk);
        return chunk[chunk.length / 2];
    }

    /**
     * {@link #p256VerifyMicros} in a new JVM on this one's class path (so no profile of the caller's
     * work shapes the compiled code), or NaN with a line on stderr if that JVM cannot run.
     */
    static double inFreshJvm() {
        try {
            Process p = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), HostSpeed.class.getName(), "--bare")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
            if (p.waitFor() != 0 || !out.matches("[0-9]+\\.[0-9]+")) {
                System.err.println("host speed: the measuring JVM said: " + out);
                return Double.NaN;
            }
            return Double.parseDouble(out);
        } catch (java.io.IOException e) {
            System.err.println("host speed: cannot start a JVM: " + e.getMessage());
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
    }

    /** Standalone: {@code java -cp bench/target/benchmarks.jar org.openmcim.bench.HostSpeed [N]}, N measurements. */
    public static void main(String[] args) {
        if (args.length == 1 && args[0].equals("--bare")) {
            System.out.printf(java.util.Locale.ROOT, "%.1f%n", p256VerifyMicros()); // for inFreshJvm
            return;
        }
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        for (int i = 0; i < n; i++) {
            System.out.printf("%.1f µs per P-256 verification (one thread, Bouncy Castle)%n", p256VerifyMicros());
        }
    }

    private static void check(boolean ok) {
        if (!ok) {
            throw new IllegalStateException("a valid P-256 signature did not verify");
        }
    }

    /** One line for the tools' output. */
    static String line(double before, double after) {
        return String.format("host speed (one thread verifying one P-256 signature with Bouncy Castle, in a JVM of its own, with no load running): %.1f µs"
                + " before the run, %.1f µs after", before, after);
    }
}
