package org.openmcim.wire.jws;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.openmcim.pki.CertificateAuthority;
import org.openmcim.pki.Credential;
import org.openmcim.wire.mcim.McimObject;
import org.openmcim.wire.mcim.McimObjectCodec;
import org.openmcim.wire.mcim.McimPart;

/**
 * The application-level P-256 operations of one provisioning session (issue #5), each measured in
 * this thread's CPU time (preemption on a shared machine does not inflate it), µs per call:
 * <ul>
 * <li>{@code sign}: a whole JWS as the DRF, PVA and SHO sign them ({@link Jws#sign}, x5c of two certificates);</li>
 * <li>{@code verify, known signer}: {@link Jws#verify} of a long-lived signer (RO, SHO, PVA) whose chain
 * this instance validated before — what the DPF, SHO and devices do with every bootstrap, verdict and MCIMobj;</li>
 * <li>{@code verify, new signer}: {@link Jws#verify} of a signer seen for the first time (a TRE: each
 * device is provisioned once), so the chain is parsed and validated (PKIX) too;</li>
 * <li>{@code same signer, other type}: the same TREs' JWS of another type at the same verifier (the
 * DPF gets a TRE's attestation, then its report proof);</li>
 * <li>{@code never seen}: {@link Jws#verify} of a TRE whose certificate's signature this process has
 * never checked, a new set of TREs every round. The {@code new signer} row re-uses the same TREs each round, and the
 * JDK remembers parsed certificates (750 of them) and, in each, the key its signature verified
 * with, so from round 2 that row leaves out the certificate's own signature check: bench-prov's pool
 * of 400 devices is in that case, a device in the field is in this one.</li>
 * <li>{@code seal}: an MCIMobj with one sealed part (ephemeral key, ECDH, HKDF, AES-GCM) and the SHO's signature;</li>
 * <li>{@code open}: what the TRE does with it (verify, ECDH, decrypt).</li>
 * </ul>
 * The first round is the warm-up.
 *
 * <pre>java -cp bench/target/benchmarks.jar org.openmcim.wire.jws.P256CpuTime [--ops 200] [--rounds 5]</pre>
 */
public final class P256CpuTime {
    private P256CpuTime() {
    }

    public static void main(String[] args) throws Exception {
        int ops = 200; // below Jws.VALIDATED_CHAINS: the second pass may find every chain it validated
        int rounds = 5;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--ops" -> ops = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        SecureRandom random = new SecureRandom();
        Instant now = Instant.now();
        CertificateAuthority roots = CertificateAuthority.newRoot("bench-root", now.minusSeconds(3600), Duration.ofDays(2), random);
        List<X509Certificate> trusted = List.of(roots.certificate());
        Credential ro = roots.issue("ro", CertificateAuthority.Usage.SIGNING, List.of(), List.of(), now.minusSeconds(3600), Duration.ofDays(1));
        byte[] payload = ("{\"version\":1,\"pcid\":\"001010000000001\",\"nonce\":\"3q2zV0mWc3xA0f9lUe1m4Q\",\"issuedAt\":\"2026-11-23T10:00:00Z\","
                + "\"expiresAt\":\"2026-11-23T10:15:00Z\",\"provUrl\":\"https://dpf.ro.example:8443/dpf/v1\"}").getBytes(StandardCharsets.UTF_8);
        // One TRE per call of the "new signer" rows, as in the field (and in bench-prov's pool of 400).
        List<String> treSigned = new ArrayList<>();
        List<String> treSignedOther = new ArrayList<>();
        List<Credential> tres = new ArrayList<>();
        Jws signer = new Jws();
        for (int i = 0; i < ops; i++) {
            Credential tre = roots.issue("tre-" + i, CertificateAuthority.Usage.SIGNING, List.of(), List.of(), now.minusSeconds(3600),
                    Duration.ofDays(1));
            tres.add(tre);
            treSigned.add(signer.sign(payload, tre, "t"));
            treSignedOther.add(signer.sign(payload, tre, "t2"));
        }
        // A further set of TREs per round for the "never seen" row, issued but not parsed back.
        List<List<String>> unseen = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            List<String> set = new ArrayList<>();
            for (int i = 0; i < ops; i++) {
                Credential tre = roots.issue("tre-" + r + "-" + i, CertificateAuthority.Usage.SIGNING, List.of(), List.of(),
                        now.minusSeconds(3600), Duration.ofDays(1));
                set.add(signer.sign(payload, tre, "t"));
            }
            unseen.add(set);
        }
        String roSigned = signer.sign(payload, ro, "t");
        McimObjectCodec codec = new McimObjectCodec(random);
        McimObject o = new McimObject(codec.newObjectId(), "tre-0", "sho1", now, "initial",
                List.of(new McimPart("mcim", McimPart.Kind.CREDENTIAL, true, new byte[180])), null);
        java.security.PublicKey trePublic = tres.get(0).certificate().getPublicKey();
        String sealed = codec.seal(o, trePublic, ro);

        ThreadMXBean t = ManagementFactory.getThreadMXBean();
        System.out.println("µs of CPU per call: sign | verify, known signer | verify, new signer | same signer, other type | seal | open | verify, never seen");
        for (int r = 0; r < rounds; r++) {
            long[] cpu = new long[8];
            cpu[0] = t.getCurrentThreadCpuTime();
            for (int i = 0; i < ops; i++) {
                signer.sign(payload, ro, "t");
            }
            cpu[1] = t.getCurrentThreadCpuTime();
            Jws verifier = new Jws();
            for (int i = 0; i < ops; i++) {
                verifier.verify(roSigned, trusted, "t", now);
            }
            cpu[2] = t.getCurrentThreadCpuTime();
            Jws fresh = new Jws(); // every TRE new to it
            for (int i = 0; i < ops; i++) {
                fresh.verify(treSigned.get(i), trusted, "t", now);
            }
            cpu[3] = t.getCurrentThreadCpuTime();
            for (int i = 0; i < ops; i++) {
                fresh.verify(treSignedOther.get(i), trusted, "t2", now);
            }
            cpu[4] = t.getCurrentThreadCpuTime();
            for (int i = 0; i < ops; i++) {
                codec.seal(o, trePublic, ro);
            }
            cpu[5] = t.getCurrentThreadCpuTime();
            for (int i = 0; i < ops; i++) {
                codec.open(sealed, "tre-0", tres.get(0).key(), trusted, now);
            }
            cpu[6] = t.getCurrentThreadCpuTime();
            Jws first = new Jws();
            for (String jws : unseen.get(r)) {
                first.verify(jws, trusted, "t", now);
            }
            cpu[7] = t.getCurrentThreadCpuTime();
            StringBuilder line = new StringBuilder(String.format("round %d%s:", r + 1, r == 0 ? " (warm-up)" : ""));
            for (int k = 1; k < cpu.length; k++) {
                line.append(String.format(" %6.0f", (cpu[k] - cpu[k - 1]) / 1e3 / ops));
            }
            System.out.println(line);
        }
    }
}
