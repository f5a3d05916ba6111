package org.openmcim.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevelopmentPkiTest {
    static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    @TempDir
    static Path tmp;
    static DevelopmentPki pki;

    @BeforeAll
    static void create() throws Exception {
        pki = DevelopmentPki.init(tmp.resolve("pki"), NOW, new SecureRandom(), false);
    }

    /** PKIX validation by the JDK (an independent implementation from the Bouncy Castle builder). */
    static void validate(Credential leaf, X509Certificate root) throws Exception {
        var path = CertificateFactory.getInstance("X.509").generateCertPath(leaf.chain().subList(0, leaf.chain().size() - 1));
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        params.setRevocationEnabled(false);
        params.setDate(Date.from(NOW.plusSeconds(3600)));
        CertPathValidator.getInstance("PKIX").validate(path, params);
    }

    @Test
    void everyLeafChainsToItsRootOnly() throws Exception {
        for (DevelopmentPki.Leaf l : DevelopmentPki.LEAVES) {
            Credential c = pki.credential(l.name());
            validate(c, pki.root(l.root()));
            String other = l.root().equals("ro-root") ? "sho1-root" : "ro-root";
            assertThrows(CertPathValidatorException.class, () -> validate(c, pki.root(other)), l.name() + " must not chain to " + other);
        }
    }

    @Test
    void keysAreOwnerOnly() throws Exception {
        for (String n : DevelopmentPki.ROOTS) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pki.dir().resolve(n + ".key"))));
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pki.dir().resolve("dpf.key"))));
    }

    @Test
    void initIsIdempotentUnlessForced() throws Exception {
        Path dir = tmp.resolve("again");
        DevelopmentPki.init(dir, NOW, new SecureRandom(), false);
        byte[] before = Files.readAllBytes(dir.resolve("ro-root.crt"));
        DevelopmentPki.init(dir, NOW, new SecureRandom(), false);
        assertArrayEquals(before, Files.readAllBytes(dir.resolve("ro-root.crt")));
        DevelopmentPki.init(dir, NOW, new SecureRandom(), true);
        assertFalse(java.util.Arrays.equals(before, Files.readAllBytes(dir.resolve("ro-root.crt"))));
        assertFalse(Files.exists(tmp.resolve("again.new")), "no half-written PKI left behind");
    }

    /** A PKI made before the icf leaf existed gets it under its own ro-root; nothing else changes. */
    @Test
    void initAddsLeavesAnOlderPkiLacks() throws Exception {
        Path dir = tmp.resolve("older");
        DevelopmentPki.init(dir, NOW, new SecureRandom(), false);
        Files.delete(dir.resolve("icf.crt"));
        Files.delete(dir.resolve("icf.key"));
        byte[] root = Files.readAllBytes(dir.resolve("ro-root.crt"));
        byte[] drf = Files.readAllBytes(dir.resolve("drf.key"));

        DevelopmentPki again = DevelopmentPki.init(dir, NOW, new SecureRandom(), false);
        assertEquals(java.util.List.of("icf"), again.added());
        validate(again.credential("icf"), again.root("ro-root"));
        assertTrue(again.credential("icf").certificate().getSubjectX500Principal().getName().contains("CN=icf"));
        assertArrayEquals(root, Files.readAllBytes(dir.resolve("ro-root.crt")));
        assertArrayEquals(drf, Files.readAllBytes(dir.resolve("drf.key")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("icf.key"))));
        assertFalse(Files.exists(dir.resolve("icf.key.new")) || Files.exists(dir.resolve("icf.crt.new")));
        assertTrue(DevelopmentPki.init(dir, NOW, new SecureRandom(), false).added().isEmpty(), "complete now");
    }

    @Test
    void openRefusesAnIncompleteDirectory() throws Exception {
        Path half = Files.createDirectories(tmp.resolve("half"));
        Files.writeString(half.resolve("ro-root.crt"), "");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DevelopmentPki.open(half)).getMessage().contains("pki init"));
    }

    @Test
    void credentialNeverPrintsTheKey() {
        Credential c = pki.credential("sho1");
        assertFalse(c.toString().contains("PRIVATE"));
        assertTrue(c.toString().contains("CN=sho1"));
    }
}
