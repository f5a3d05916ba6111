package org.openmcim.uesim.tre;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openmcim.aka.VectorFile;
import org.openmcim.pki.CertificateAuthority;
import org.openmcim.pki.Credential;
import org.openmcim.pki.DevelopmentPki;
import org.openmcim.wire.mcim.McimCredential;
import org.openmcim.wire.mcim.McimObject;
import org.openmcim.wire.mcim.McimObjectCodec;
import org.openmcim.wire.mcim.McimPart;

class TreTest {
    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    static final SecureRandom R = new SecureRandom();
    @TempDir
    static Path shared;
    static DevelopmentPki pki;
    static Credential platform;
    static final List<String> ALLOWED = VectorFile.load("vectors/rncp-lifecycle.txt").stream()
            .map(v -> v.get("from") + ">" + v.get("to")).toList();

    @TempDir
    Path dir;
    Tre tre;
    final McimObjectCodec codec = new McimObjectCodec(R);

    @BeforeAll
    static void pki() throws Exception {
        pki = DevelopmentPki.init(shared.resolve("pki"), T0.minus(Duration.ofDays(1)), R, false);
        KeyPair k = CertificateAuthority.newKeyPair(R);
        CertificateAuthority supplier = CertificateAuthority.of(pki.credential("supplier-root"), R);
        platform = new Credential(k.getPrivate(), List.of(supplier.certify("tre-0001", k.getPublic(),
                CertificateAuthority.Usage.SIGNING, List.of(), List.of(), T0.minus(Duration.ofDays(1)), Duration.ofDays(3650)),
                supplier.certificate()));
    }

    static McimCredential cred(String imsi) {
        byte[] k = new byte[16];
        R.nextBytes(k);
        return new McimCredential(imsi, k, HexFormat.of().parseHex("cd63cb71954a9f4e48a5994e37a02baf"), new byte[] {(byte) 0x80, 0}, 0,
                "milenage", "internet", null);
    }

    @BeforeEach
    void manufacture() throws Exception {
        tre = Tre.manufacture(dir, "tre-0001", platform, cred("001010000000001"), List.of(pki.root("sho1-root"), pki.root("sho2-root")), R);
    }

    String mcimObject(String sho, String imsi, String operation, String token) {
        McimObject o = new McimObject(codec.newObjectId(), "tre-0001", sho, T0, operation,
                List.of(new McimPart("mcim", McimPart.Kind.CREDENTIAL, true, cred(imsi).toJson())), token);
        return codec.seal(o, platform.certificate().getPublicKey(), pki.credential(sho));
    }

    McimSlot installed(String sho, String imsi) throws Exception {
        return tre.install(mcimObject(sho, imsi, "initial", null), T0);
    }

    @Test
    void installActivateAndSurviveARestart() throws Exception {
        assertTrue(tre.pristine());
        McimSlot s = installed("sho1", "999700000000001");
        tre.transition(s.id(), LifecycleState.ACTIVATED);
        Tre again = Tre.open(dir, platform, List.of(pki.root("sho1-root")), R);
        assertEquals(LifecycleState.ACTIVATED, again.active().orElseThrow().state());
        assertArrayEquals(s.credential().k(), again.active().orElseThrow().credential().k());
        assertEquals("001010000000001", again.pcid().imsi());
    }

    /**
     * TS 33.102 C.2.2 per MCIM: the slot's SEQ_MS array is kept with the slot, so a challenge the USIM
     * accepted is refused as a replay after a TRE restart, and a fresh one is still accepted.
     */
    @Test
    void eachSlotKeepsItsSqnArrayAcrossRestarts() throws Exception {
        McimSlot s = installed("sho1", "999700000000001");
        tre.transition(s.id(), LifecycleState.ACTIVATED);
        org.openmcim.aka.vector.VectorFactory network = new org.openmcim.aka.vector.VectorFactory(R);
        org.openmcim.aka.Milenage f = org.openmcim.aka.Milenage.withOpc(s.credential().k(), s.credential().opc());
        org.openmcim.aka.sqn.SqnPolicy p = org.openmcim.aka.sqn.SqnPolicy.DEFAULT;
        org.openmcim.aka.kdf.PlmnId plmn = org.openmcim.aka.kdf.PlmnId.parse("00101");
        var first = network.eutran(f, p.sqn(5, 1), new byte[] {(byte) 0x80, 0}, plmn);
        org.openmcim.aka.usim.Usim usim = tre.usim(s.id());
        assertTrue(usim.authenticate(first.rand(), first.autn()) instanceof org.openmcim.aka.usim.Usim.Success);
        tre.recordSqn(s.id(), usim.sqnArray());

        Tre again = Tre.open(dir, platform, List.of(pki.root("sho1-root")), R);
        org.openmcim.aka.usim.Usim restored = again.usim(s.id());
        assertTrue(restored.authenticate(first.rand(), first.autn()) instanceof org.openmcim.aka.usim.Usim.SynchFailure,
                "the same SQN again is a replay");
        var next = network.eutran(f, p.sqn(6, 1), new byte[] {(byte) 0x80, 0}, plmn);
        assertTrue(restored.authenticate(next.rand(), next.autn()) instanceof org.openmcim.aka.usim.Usim.Success);
        // Another slot starts with its own, empty array.
        McimSlot other = installed("sho2", "999800000000001");
        assertTrue(tre.usim(other.id()).authenticate(first.rand(), first.autn()) instanceof org.openmcim.aka.usim.Usim.MacFailure,
                "another MCIM's keys do not even verify this AUTN");
    }

    /** What is on disk does not show any key (sealed), and slot keys are separate. */
    @Test
    void sealedAtRest() throws Exception {
        McimSlot s = installed("sho1", "999700000000001");
        String hexK = HexFormat.of().formatHex(s.credential().k());
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertFalse(text.contains(hexK), f.toString());
                assertFalse(text.contains("999700000000001"), f.toString());
            }
        }
        SealedStore store = SealedStore.open(dir, R);
        byte[] sealedForSlot = store.seal("slot:" + s.id(), s.credential().toJson());
        assertThrows(java.io.IOException.class, () -> store.unseal("slot:another", sealedForSlot));
    }

    static Stream<Arguments> everyPair() {
        Set<LifecycleState> from = EnumSet.of(LifecycleState.INSTALLED, LifecycleState.ACTIVATED, LifecycleState.SELECTED,
                LifecycleState.BLOCKED, LifecycleState.RETIRED);
        return from.stream().flatMap(f -> EnumSet.allOf(LifecycleState.class).stream().filter(t -> t != LifecycleState.INSTALLED)
                .map(t -> Arguments.of(f, t)));
    }

    /** Every transition: the seed's edges succeed, every other pair is refused and changes nothing. */
    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("everyPair")
    void lifecycle(LifecycleState from, LifecycleState to) throws Exception {
        McimSlot s = installed("sho1", "999700000000001");
        reach(s.id(), from);
        if (ALLOWED.contains(from + ">" + to)) {
            tre.transition(s.id(), to);
            if (to == LifecycleState.DELETED) {
                assertTrue(tre.slots().isEmpty());
            } else {
                assertEquals(to, tre.slots().get(0).state());
            }
        } else {
            assertThrows(IllegalStateException.class, () -> tre.transition(s.id(), to));
            assertEquals(from, tre.slots().get(0).state(), "unchanged");
            assertEquals(from, Tre.open(dir, platform, List.of(), R).slots().get(0).state(), "unchanged on disk too");
        }
    }

    private void reach(String id, LifecycleState target) {
        switch (target) {
            case INSTALLED -> { }
            case ACTIVATED -> tre.transition(id, LifecycleState.ACTIVATED);
            case SELECTED -> {
                tre.transition(id, LifecycleState.ACTIVATED);
                tre.transition(id, LifecycleState.SELECTED);
            }
            case BLOCKED -> {
                tre.transition(id, LifecycleState.ACTIVATED);
                tre.transition(id, LifecycleState.BLOCKED);
            }
            case RETIRED -> tre.transition(id, LifecycleState.RETIRED);
            default -> throw new IllegalArgumentException();
        }
    }

    @Test
    void atMostOneActive() throws Exception {
        McimSlot a = installed("sho1", "999700000000001");
        McimSlot b = installed("sho2", "999800000000001");
        tre.transition(a.id(), LifecycleState.ACTIVATED);
        assertThrows(IllegalStateException.class, () -> tre.transition(b.id(), LifecycleState.ACTIVATED));
        tre.transition(a.id(), LifecycleState.BLOCKED);
        tre.transition(b.id(), LifecycleState.ACTIVATED);
        assertThrows(IllegalStateException.class, () -> tre.transition(a.id(), LifecycleState.ACTIVATED), "unblock refused too");
    }

    @Test
    void aBadObjectChangesNothing() throws Exception {
        installed("sho1", "999700000000001");
        byte[] before = Files.readAllBytes(dir.resolve("tre-state.sealed"));
        String good = mcimObject("sho1", "999700000000002", "initial", null);
        String flipped = good.substring(0, good.length() - 10) + (good.charAt(good.length() - 10) == 'A' ? 'B' : 'A') + good.substring(good.length() - 9);
        assertThrows(Tre.InstallException.class, () -> tre.install(flipped, T0));
        assertThrows(Tre.InstallException.class, () -> tre.install("garbage", T0));
        assertEquals(1, tre.slots().size());
        assertArrayEquals(before, Files.readAllBytes(dir.resolve("tre-state.sealed")));
    }

    /** TR §5.1.3.7.4.2 steps 1, 10: the new SHO's MCIM needs the TRE's own token; single use; forgeries change nothing. */
    @Test
    void operatorChangeNeedsTheTresToken() throws Exception {
        McimSlot old = installed("sho1", "999700000000001");
        tre.transition(old.id(), LifecycleState.ACTIVATED);
        assertThrows(Tre.InstallException.class, () -> tre.install(mcimObject("sho2", "999800000000001", "operator-change", null), T0));
        String token = tre.authorizeOperatorChange("sho2", T0, Duration.ofHours(1));
        assertThrows(Tre.InstallException.class, () -> tre.install(mcimObject("sho1", "999700000000009", "operator-change", token), T0),
                "a token for sho2 does not authorise sho1");
        McimSlot neu = tre.install(mcimObject("sho2", "999800000000001", "operator-change", token), T0);
        assertEquals(LifecycleState.INSTALLED, neu.state());
        assertThrows(Tre.InstallException.class, () -> tre.install(mcimObject("sho2", "999800000000002", "operator-change", token), T0),
                "replayed");
        // A token signed by another TRE (its own supplier credential) is refused.
        KeyPair k = CertificateAuthority.newKeyPair(R);
        CertificateAuthority supplier = CertificateAuthority.of(pki.credential("supplier-root"), R);
        Credential otherPlatform = new Credential(k.getPrivate(), List.of(supplier.certify("tre-0001", k.getPublic(),
                CertificateAuthority.Usage.SIGNING, List.of(), List.of(), T0.minusSeconds(60), Duration.ofDays(1)), supplier.certificate()));
        Tre other = Tre.manufacture(dir.resolve("other"), "tre-0001", otherPlatform, cred("001010000000002"), List.of(), R);
        String forged = other.authorizeOperatorChange("sho2", T0, Duration.ofHours(1));
        assertThrows(Tre.InstallException.class, () -> tre.install(mcimObject("sho2", "999800000000003", "operator-change", forged), T0));
        String expiring = tre.authorizeOperatorChange("sho2", T0, Duration.ofMinutes(5));
        assertThrows(Tre.InstallException.class,
                () -> tre.install(mcimObject("sho2", "999800000000004", "operator-change", expiring), T0.plus(Duration.ofMinutes(6))));
        assertEquals(2, tre.slots().size());
    }

    /** IoT seed step 15 NOTE: a new MCIM that cannot attach in time falls back to the previous one. */
    @Test
    void fallbackToThePreviousMcim() throws Exception {
        McimSlot old = installed("sho1", "999700000000001");
        tre.transition(old.id(), LifecycleState.ACTIVATED);
        McimSlot neu = installed("sho2", "999800000000001");
        tre.activateWithFallback(neu.id(), T0.plus(Duration.ofMinutes(2)));
        assertEquals(neu.id(), tre.active().orElseThrow().id());
        assertFalse(tre.fallbackIfDue(T0.plus(Duration.ofMinutes(1))));
        Tre restarted = Tre.open(dir, platform, List.of(), R); // the deadline survives a restart
        assertTrue(restarted.fallbackIfDue(T0.plus(Duration.ofMinutes(3))));
        assertEquals(old.id(), restarted.active().orElseThrow().id());
        Set<LifecycleState> states = restarted.slots().stream().map(McimSlot::state).collect(Collectors.toSet());
        assertEquals(EnumSet.of(LifecycleState.ACTIVATED, LifecycleState.BLOCKED), states);
    }

    @Test
    void confirmedAttachKeepsTheNewMcim() throws Exception {
        McimSlot old = installed("sho1", "999700000000001");
        tre.transition(old.id(), LifecycleState.ACTIVATED);
        McimSlot neu = installed("sho2", "999800000000001");
        tre.activateWithFallback(neu.id(), T0.plus(Duration.ofMinutes(2)));
        tre.confirmAttach();
        assertFalse(tre.fallbackIfDue(T0.plus(Duration.ofHours(1))));
        assertEquals(neu.id(), tre.active().orElseThrow().id());
    }

    @Test
    void revertToPristine() throws Exception {
        McimSlot s = installed("sho1", "999700000000001");
        tre.transition(s.id(), LifecycleState.ACTIVATED);
        tre.revertToPristine();
        assertTrue(tre.pristine());
        assertTrue(Tre.open(dir, platform, List.of(), R).pristine());
        assertEquals("001010000000001", tre.pcid().imsi(), "the PCID credential stays");
    }
}
