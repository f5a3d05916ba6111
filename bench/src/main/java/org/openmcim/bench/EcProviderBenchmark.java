package org.openmcim.bench;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.NamedParameterSpec;
import java.util.concurrent.TimeUnit;

import javax.crypto.KeyAgreement;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
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

/**
 * The EC operations of one provisioning session, JDK 17 provider (SunEC) against Bouncy Castle,
 * microseconds per call (issue #5: which provider the hot paths should use). ECDSA P-256 is what
 * every JWS (RFC 7518 §3.4) and every TLS 1.3 CertificateVerify with the development PKI costs;
 * ECDH P-256 is the MCIMobj seal/open; X25519 is the TLS 1.3 key share the JDK offers first
 * (RFC 8446 §4.2.7), and a key share costs a key generation plus an agreement.
 *
 * <pre>bin/bench EcProvider</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EcProviderBenchmark {
    @Param({"SunEC", "BC"})
    public String provider;

    private Provider p;
    private final SecureRandom random = new SecureRandom();
    private final byte[] message = "{\"protected\":\"...\",\"payload\":\"a typical JWS signing input\"}".getBytes(StandardCharsets.US_ASCII);
    private KeyPair ec;
    private KeyPair ecPeer;
    private KeyPair x25519Peer;
    private byte[] signature;

    @Setup
    public void setUp() throws Exception {
        p = provider.equals("BC") ? new BouncyCastleProvider() : java.security.Security.getProvider("SunEC");
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", p);
        g.initialize(new ECGenParameterSpec("secp256r1"), random);
        ec = g.generateKeyPair();
        ecPeer = g.generateKeyPair();
        KeyPairGenerator x = KeyPairGenerator.getInstance("XDH", p);
        x.initialize(NamedParameterSpec.X25519, random);
        x25519Peer = x.generateKeyPair();
        signature = ecdsaSign();
    }

    @Benchmark
    public byte[] ecdsaSign() throws Exception {
        Signature s = Signature.getInstance("SHA256withECDSA", p);
        s.initSign(ec.getPrivate(), random);
        s.update(message);
        return s.sign();
    }

    @Benchmark
    public boolean ecdsaVerify() throws Exception {
        Signature s = Signature.getInstance("SHA256withECDSA", p);
        s.initVerify(ec.getPublic());
        s.update(message);
        return s.verify(signature);
    }

    /** Ephemeral key pair and agreement: the SHO's seal of one MCIMobj part. */
    @Benchmark
    public byte[] ecdhP256Ephemeral() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", p);
        g.initialize(new ECGenParameterSpec("secp256r1"), random);
        KeyPair eph = g.generateKeyPair();
        KeyAgreement ka = KeyAgreement.getInstance("ECDH", p);
        ka.init(eph.getPrivate());
        ka.doPhase(ecPeer.getPublic(), true);
        return ka.generateSecret();
    }

    /** One side of a TLS 1.3 x25519 key share: key generation and agreement. */
    @Benchmark
    public byte[] x25519KeyShare() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("XDH", p);
        g.initialize(NamedParameterSpec.X25519, random);
        KeyPair eph = g.generateKeyPair();
        KeyAgreement ka = KeyAgreement.getInstance("XDH", p);
        ka.init(eph.getPrivate());
        ka.doPhase(x25519Peer.getPublic(), true);
        return ka.generateSecret();
    }
}
