package org.openmcim.sho;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmcim.pki.CertificateAuthority;
import org.openmcim.pki.DevelopmentPki;
import org.openmcim.pva.PlatformValidation;
import org.openmcim.store.InMemoryCredentialStore;
import org.openmcim.store.Subscriber;
import org.openmcim.wire.mcim.McimCredential;
import org.openmcim.wire.mcim.McimObject;
import org.openmcim.wire.mcim.McimObjectCodec;

class McimIssuerTest {
    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    @TempDir
    static Path tmp;
    static DevelopmentPki pki;
    static KeyPair tre;

    @BeforeAll
    static void setUp() throws Exception {
        pki = DevelopmentPki.init(tmp.resolve("pki"), T0.minus(Duration.ofDays(1)), new SecureRandom(), false);
        tre = CertificateAuthority.newKeyPair(new SecureRandom());
    }

    final InMemoryCredentialStore hss = new InMemoryCredentialStore();
    final McimIssuer issuer = new McimIssuer(hss, "99970", "sho1", pki.credential("sho1"), "internet", new SecureRandom(),
            Clock.fixed(T0, ZoneOffset.UTC));
    final PlatformValidation.Verdict ok = new PlatformValidation.Verdict(PlatformValidation.Reason.OK, "tre-0001", "authentic and intact");

    /** The HSS holds exactly the K/OPc the TRE finds in the MCIMobj, before it is handed out. */
    @Test
    void hssAndTreAgree() throws Exception {
        McimIssuer.Issued issued = issuer.issue(ok, "tre-0001", tre.getPublic(), "initial", null, List.of());
        Subscriber s = hss.find(issued.imsi()).orElseThrow();
        McimObject o = new McimObjectCodec(new SecureRandom()).open(issued.mcimObject(), "tre-0001", tre.getPrivate(),
                List.of(pki.root("sho1-root")), T0);
        McimCredential c = McimCredential.fromJson(o.part("mcim").content());
        assertEquals(issued.imsi(), c.imsi());
        assertTrue(c.imsi().startsWith("99970") && c.imsi().length() == 15);
        assertArrayEquals(s.k(), c.k());
        assertArrayEquals(s.opc(), c.opc());
    }

    @Test
    void noMcimWithoutAValidVerdictForThatTre() {
        PlatformValidation.Verdict bad = new PlatformValidation.Verdict(PlatformValidation.Reason.MEASUREMENT_MISMATCH, "tre-0001", "x");
        assertThrows(IllegalStateException.class, () -> issuer.issue(bad, "tre-0001", tre.getPublic(), "initial", null, List.of()));
        assertThrows(IllegalStateException.class, () -> issuer.issue(ok, "tre-0002", tre.getPublic(), "initial", null, List.of()));
        assertEquals(0, hss.size(), "nothing stored");
    }

    @Test
    void failureReportWithdrawsTheSubscriber() {
        McimIssuer.Issued issued = issuer.issue(ok, "tre-0001", tre.getPublic(), "initial", null, List.of());
        issuer.report(issued.imsi(), true);
        assertTrue(hss.find(issued.imsi()).isPresent());
        McimIssuer.Issued other = issuer.issue(ok, "tre-0001", tre.getPublic(), "initial", null, List.of());
        issuer.report(other.imsi(), false);
        assertTrue(hss.find(other.imsi()).isEmpty());
    }

    @Test
    void imsisAreUnique() {
        Set<String> imsis = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            assertTrue(imsis.add(issuer.issue(ok, "tre-0001", tre.getPublic(), "initial", null, List.of()).imsi()));
        }
        assertEquals(300, hss.size());
    }
}
