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
 *          sho1, sho2 (TLS + MCIMobj signing), pva (TLS + verdict signing)
 * </pre>
 *
 * Files per name: {@code NAME.crt} (chain, leaf first) and {@code NAME.key} (PKCS#8, mode 0600).
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
            new Leaf("sho1", "sho1-root", Usage.TLS_AND_SIGNING, List.of("sho1.localdomain", "localhost")),
            new Leaf("sho2", "sho2-root", Usage.TLS_AND_SIGNING, List.of("sho2.localdomain", "localhost")),
            new Leaf("pva", "pva-root", Usage.TLS_AND_SIGNING, List.of("pva.localdomain", "localhost")));

    private static final String COMPLETE = "pki.complete";

    private final Path dir;

    private DevelopmentPki(Path dir) {
        this.dir = dir;
    }

    /** Whether {@code dir} holds a complete PKI. */
    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(COMPLETE));
    }

    /**
     * Creates the PKI in {@code dir} unless a complete one is there (idempotent); with {@code force}
     * replaces it. Written to a sibling directory first and moved into place, so an interrupted
     * run never leaves half a PKI behind.
     */
    public static DevelopmentPki init(Path dir, Instant now, SecureRandom random, boolean force) throws IOException {
        if (exists(dir) && !force) {
            return new DevelopmentPki(dir);
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
        return new DevelopmentPki(dir);
    }

    public static DevelopmentPki open(Path dir) {
        if (!exists(dir)) {
            throw new IllegalArgumentException(dir + ": no PKI here; run 'openmcim pki init --dir " + dir + "'");
        }
        return new DevelopmentPki(dir);
    }

    public Path dir() {
        return dir;
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
