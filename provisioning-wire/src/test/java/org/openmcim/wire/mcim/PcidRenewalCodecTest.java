package org.openmcim.wire.mcim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmcim.pki.CertificateAuthority;
import org.openmcim.pki.DevelopmentPki;
import org.openmcim.wire.jws.Jws;

/** The renewed-PCID part: sealed for one TRE and one MCIMobj, signed by the RO; anything else yields nothing. */
class PcidRenewalCodecTest {
    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    @TempDir
    static Path tmp;
    static DevelopmentPki pki;
    static KeyPair treKey;
    final PcidRenewalCodec codec = new PcidRenewalCodec(new SecureRandom());
    final McimCredential pcid = new McimCredential("001017730104458", HexFormat.of().parseHex("465b5ce8b199b49faa5f0a2ee238a6bc"),
            HexFormat.of().parseHex("cd63cb71954a9f4e48a5994e37a02baf"), new byte[] {(byte) 0x80, 0}, 0, "milenage", "", null);

    @BeforeAll
    static void setUp() throws Exception {
        pki = DevelopmentPki.init(tmp.resolve("pki"), T0.minus(Duration.ofDays(1)), new SecureRandom(), false);
        treKey = CertificateAuthority.newKeyPair(new SecureRandom());
    }

    String sealed(String forObject) {
        return codec.seal(new PcidRenewalCodec.PcidRenewal(codec.newRenewalId(), forObject, "tre-0001", "ro", T0, "001010000000001", pcid),
                treKey.getPublic(), pki.credential("ro-bootstrap"));
    }

    String reason(String sealed, String treId, String objectId, java.security.PrivateKey key, String root) {
        return assertThrows(Jws.InvalidJwsException.class,
                () -> codec.open(sealed, treId, objectId, key, List.of(pki.root(root)), T0)).reason();
    }

    @Test
    void opensForItsTreAndObject() throws Exception {
        String s = sealed("obj-1");
        assertFalse(s.contains("465b5ce8b199b49faa5f0a2ee238a6bc"), "K only sealed");
        PcidRenewalCodec.PcidRenewal r = codec.open(s, "tre-0001", "obj-1", treKey.getPrivate(), List.of(pki.root("ro-root")), T0);
        assertEquals("001017730104458", r.credential().imsi());
        assertArrayEquals(pcid.k(), r.credential().k());
        assertEquals("001010000000001", r.replaces());
        assertEquals("ro", r.ro());
    }

    @Test
    void refusals() throws Exception {
        String s = sealed("obj-1");
        assertEquals("untrusted-signer", reason(s, "tre-0001", "obj-1", treKey.getPrivate(), "sho1-root"));
        assertEquals("wrong-tre", reason(s, "tre-0002", "obj-1", treKey.getPrivate(), "ro-root"));
        assertEquals("wrong-object", reason(s, "tre-0001", "obj-2", treKey.getPrivate(), "ro-root"));
        assertEquals("undecryptable", reason(s, "tre-0001", "obj-1", CertificateAuthority.newKeyPair(new SecureRandom()).getPrivate(),
                "ro-root"));
        // Signed by an SHO instead of the RO: an SHO cannot hand a TRE a new pristine identity.
        String bySho = codec.seal(new PcidRenewalCodec.PcidRenewal(codec.newRenewalId(), "obj-1", "tre-0001", "sho1", T0,
                "001010000000001", pcid), treKey.getPublic(), pki.credential("sho1"));
        assertEquals("untrusted-signer", reason(bySho, "tre-0001", "obj-1", treKey.getPrivate(), "ro-root"));
        // A renewal is not an MCIMobj (typ), and the other way round.
        assertEquals("wrong-type", assertThrows(Jws.InvalidJwsException.class, () -> new McimObjectCodec(new SecureRandom())
                .open(s, "tre-0001", treKey.getPrivate(), List.of(pki.root("ro-root")), T0)).reason());
    }
}
