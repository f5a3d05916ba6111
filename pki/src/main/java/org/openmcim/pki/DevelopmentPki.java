package org.openmcim.pki;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.openmcim.pki.CertificateAuthority.Usage;

/**
 * The development PKI {@code openmcim pki init} creates so the demo and the tests run out of the
 * box: one root per party of the TR 33.812 trust model and the service certificates under them.
 * Production deployments bring their operators' real certificates instead, in the same files.
 *
 * <pre>
 * roots:   ro-root (RO: ICF/DRF/DPF), sho1-root, sho2-root (two selected home operators),
 *          pva-root (platform validation authority), supplier-root (M2ME supplier: TRE credentials)
 * leaves:  drf, dpf (TLS; RO), ro-bootstrap (signs bootstrap messages; RO), chtif (TLS; issues PCIDs),
 *          icf (TLS; RO: delivers "PCID attached at IP" to the DRF, TR 33.812 step 6, fetches PCIDs from
 *          the CHTIF, serves the ICF admin API), ro-admin (TLS client; the RO's administrator of that API),
 *          sho1, sho2 (TLS + MCIMobj signing), pva (TLS + verdict signing)
 * </pre>
 *
 * Files per name: {@code NAME.crt} (chain, leaf first) and {@code NAME.key} (PKCS#8, mode 0600).
 * A PKI made before a leaf was added to this list gets that leaf, under its existing root, the next
 * time {@code init} runs; nothing already there is replaced.
 */
public final class DevelopmentPki {
    /** A leaf: its issuing root, usage and DNS names (all also get IP SAN 127.0.0.1 for the lab). */
    public record Leaf(String name, String root, Usage usage, List<String> dnsNames) {
    }

    public static final List<String> ROOTS = List.of("ro-root", "sho1-root", "sho2-root", "pva-root", "supplier-root");
    public static final List<Leaf> LEAVES = List.of(
            new Leaf("drf", "ro-root", Usage.TLS, List.of("drf.ro.localdomain", "localhost")),
            new Leaf("dpf", "ro-root", Usage.TLS, List.of("dpf.ro.localdomain", "localhost")),
            new Leaf("ro-bootstrap", "ro-root", Usage.SIGNING, List.of()),
            new Leaf("chtif", "ro-root", Usage.TLS, List.of("chtif.ro.localdomain", "localhost")),
            new Leaf("icf", "ro-root", Usage.TLS, List.of("icf.ro.localdomain", "localhost")),
            new Leaf("ro-admin", "ro-root", Usage.TLS, List.of()),
            new Leaf("sho1", "sho1-root", Usage.TLS_AND_SIGNING, List.of("sho1.localdomain", "localhost")),
            new Leaf("sho2", "sho2-root", Usage.TLS_AND_SIGNING, List.of("sho2.localdomain", "localhost")),
            new Leaf("pva", "pva-root", Usage.TLS_AND_SIGNING, List.of("pva.localdomain", "localhost")));

    private static final String COMPLETE = "pki.complete";

    private final Path dir;
    private final List<String> added;

    private DevelopmentPki(Path dir, List<String> added) {
        this.dir = dir;
        this.added = List.copyOf(added);
    }

    /** Whether {@code dir} holds a complete PKI. */
    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(COMPLETE));
    }

    /**
     * Creates the PKI in {@code dir} unless a complete one is there (idempotent); with {@code force}
     * replaces it. Written to a sibling directory first and moved into place, so an interrupted
     * run never leaves half a PKI behind. A complete PKI lacking a leaf of {@link #LEAVES} (made by
     * an older version) gets it issued by its existing root; see {@link #added()}.
     */
    public static DevelopmentPki init(Path dir, Instant now, SecureRandom random, boolean force) throws IOException {
        if (exists(dir) && !force) {
            return new DevelopmentPki(dir, addMissingLeaves(dir, now, random));
        }
        Path tmp = dir.resolveSibling(dir.getFileName() + ".new");
        deleteTree(tmp);
        Files.createDirectories(tmp);
        Map<String, CertificateAuthority> roots = new LinkedHashMap<>();
        for (String r : ROOTS) {
            CertificateAuthority ca = CertificateAuthority.newRoot("OpenMCIM " + r, now, Duration.ofDays(3650), random);
            roots.put(r, ca);
            Pem.writeCertificates(tmp.resolve(r + ".crt"), ca.credential().chain());
            Pem.writePrivateKey(tmp.resolve(r + ".key"), ca.credential().key());
        }
        for (Leaf l : LEAVES) {
            Credential c = roots.get(l.root()).issue(l.name(), l.usage(), l.dnsNames(), List.of("127.0.0.1"), now, Duration.ofDays(730));
            Pem.writeCertificates(tmp.resolve(l.name() + ".crt"), c.chain());
            Pem.writePrivateKey(tmp.resolve(l.name() + ".key"), c.key());
        }
        Files.writeString(tmp.resolve(COMPLETE), "created " + now + "\n");
        deleteTree(dir);
        Files.createDirectories(dir.toAbsolutePath().getParent());
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        return new DevelopmentPki(dir, List.of());
    }

    /**
     * Issues the leaves a complete PKI lacks under the roots it has. Each file is written beside its
     * final name and moved into place, key first: a leaf counts as present only with both files, so an
     * interrupted run issues it again next time instead of pairing a key with the wrong certificate.
     */
    private static List<String> addMissingLeaves(Path dir, Instant now, SecureRandom random) throws IOException {
        List<String> added = new java.util.ArrayList<>();
        Map<String, CertificateAuthority> roots = new LinkedHashMap<>();
        for (Leaf l : LEAVES) {
            Path crt = dir.resolve(l.name() + ".crt");
            Path key = dir.resolve(l.name() + ".key");
            if (Files.isRegularFile(crt) && Files.isRegularFile(key)) {
                continue;
            }
            CertificateAuthority ca = roots.get(l.root());
            if (ca == null) {
                ca = CertificateAuthority.of(Pem.readCredential(dir.resolve(l.root() + ".crt"), dir.resolve(l.root() + ".key")), random);
                roots.put(l.root(), ca);
            }
            Credential c = ca.issue(l.name(), l.usage(), l.dnsNames(), List.of("127.0.0.1"), now, Duration.ofDays(730));
            Path keyTmp = dir.resolve(l.name() + ".key.new");
            Path crtTmp = dir.resolve(l.name() + ".crt.new");
            Pem.writePrivateKey(keyTmp, c.key());
            Files.move(keyTmp, key, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Pem.writeCertificates(crtTmp, c.chain());
            Files.move(crtTmp, crt, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            added.add(l.name());
        }
        return added;
    }

    public static DevelopmentPki open(Path dir) {
        if (!exists(dir)) {
            throw new IllegalArgumentException(dir + ": no PKI here; run 'openmcim pki init --dir " + dir + "'");
        }
        return new DevelopmentPki(dir, List.of());
    }

    public Path dir() {
        return dir;
    }

    /** The leaves the last {@code init} issued into an existing PKI (empty for a new or untouched one). */
    public List<String> added() {
        return added;
    }

    /** The credential {@code name} (a root or a leaf). */
    public Credential credential(String name) {
        try {
            return Pem.readCredential(dir.resolve(name + ".crt"), dir.resolve(name + ".key"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The root certificate {@code name}, for trust stores. */
    public java.security.cert.X509Certificate root(String name) {
        try {
            return Pem.readCertificates(dir.resolve(name + ".crt")).get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }
}
