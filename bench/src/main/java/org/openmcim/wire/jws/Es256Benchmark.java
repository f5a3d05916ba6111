package org.openmcim.wire.jws;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
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
import org.openmcim.pki.Credential;
import org.openmcim.pki.DevelopmentPki;

/**
 * The ES256 primitive of {@link Jws} (in its package, to reach it) against the JCA route it replaced:
 * Bouncy Castle's {@code SHA256withPLAIN-ECDSA} through {@code Signature}, which converts the key's
 * parameters on every {@code init} and so rebuilds the generator's precomputed table each time. Same
 * key (read from the development PKI's PEM files, as the services read theirs), same input, one run,
 * so the pairs are measured under the same machine load. Microseconds per call.
 *
 * <pre>bin/bench Es256</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 6, time = 2)
@Fork(1)
public class Es256Benchmark {
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();
    private PrivateKey key;
    private PublicKey pub;
    private final byte[] input = ("eyJhbGciOiJFUzI1NiIsInR5cCI6Im9wZW5tY2ltLWJvb3RzdHJhcCtqc29uIn0."
            + "eyJ2ZXJzaW9uIjoxLCJwY2lkIjoiMDAxMDEwMDAwMDAwMDAxIiwibm9uY2UiOiIzcTJ6VjBtV2MzeEEwZjlsVWUxbTRRIn0")
            .getBytes(StandardCharsets.US_ASCII);
    private byte[] signature;

    @Setup
    public void setUp() throws Exception {
        DevelopmentPki pki = DevelopmentPki.init(org.openmcim.bench.WorkDirectory.create("es256").resolve("pki"), Instant.now(), new SecureRandom(), false);
        Credential c = pki.credential("ro-bootstrap");
        key = c.key();
        pub = c.certificate().getPublicKey();
        signature = Jws.es256Sign(key, input);
    }

    @Benchmark
    public byte[] signJca() throws Exception {
        Signature s = Signature.getInstance("SHA256withPLAIN-ECDSA", BC);
        s.initSign(key);
        s.update(input);
        return s.sign();
    }

    @Benchmark
    public byte[] signLightweight() throws Exception {
        return Jws.es256Sign(key, input);
    }

    @Benchmark
    public boolean verifyJca() throws Exception {
        Signature s = Signature.getInstance("SHA256withPLAIN-ECDSA", BC);
        s.initVerify(pub);
        s.update(input);
        return s.verify(signature);
    }

    @Benchmark
    public boolean verifyLightweight() {
        return Jws.es256Verify(pub, input, signature);
    }
}
