package org.openmcim.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
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
import org.openmcim.pki.Credential;
import org.openmcim.pki.DevelopmentPki;
import org.openmcim.wire.jws.Jws;

/**
 * One ES256 JWS as the services make and check them (issue #5): a bootstrap-sized payload signed with
 * the RO bootstrap credential read from the development PKI's PEM files (as the DRF reads it), and its
 * verification with the x5c chain validated to the RO root. Microseconds per call.
 *
 * <pre>bin/bench Jws</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JwsBenchmark {
    private final Jws jws = new Jws();
    private Credential signer;
    private List<java.security.cert.X509Certificate> roots;
    private byte[] payload;
    private String signed;
    private Instant now;

    @Setup
    public void setUp() throws Exception {
        Path dir = WorkDirectory.create("jws-bench");
        now = Instant.now();
        DevelopmentPki pki = DevelopmentPki.init(dir.resolve("pki"), now.minusSeconds(3600), new SecureRandom(), false);
        signer = pki.credential("ro-bootstrap");
        roots = List.of(pki.root("ro-root"));
        payload = ("{\"version\":1,\"pcid\":\"001010000000001\",\"nonce\":\"3q2zV0mWc3xA0f9lUe1m4Q\",\"issuedAt\":\"2026-11-23T10:00:00Z\","
                + "\"expiresAt\":\"2026-11-23T10:15:00Z\",\"napdef\":{\"apn\":\"provisioning\",\"pdnType\":\"ipv4\"},"
                + "\"provUrl\":\"https://dpf.ro.example:8443/dpf/v1\",\"sho\":{\"id\":\"sho1\",\"name\":\"Selected Home Operator 1\"},"
                + "\"mcimContext\":{\"operation\":\"initial\",\"format\":\"MCIMobj\"},\"appContext\":{\"applications\":[\"meter-reading\"]},"
                + "\"keepImsi\":false}").getBytes(StandardCharsets.UTF_8);
        signed = jws.sign(payload, signer, "openmcim-bootstrap+json");
    }

    @Benchmark
    public String sign() {
        return jws.sign(payload, signer, "openmcim-bootstrap+json");
    }

    @Benchmark
    public Jws.Verified verify() throws Exception {
        return jws.verify(signed, roots, "openmcim-bootstrap+json", now);
    }
}
