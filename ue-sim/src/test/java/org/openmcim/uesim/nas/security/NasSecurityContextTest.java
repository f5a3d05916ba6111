package org.openmcim.uesim.nas.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.openmcim.aka.Hex;

/**
 * The UE's protect/unprotect against a network-side context built from the same KASME: header
 * layout (TS 24.301 §9.1), MAC over sequence number + message, ciphering, count handling, and
 * rejection of tampering and replay. KASME is arbitrary: the derivations are tested in aka-crypto.
 */
class NasSecurityContextTest {
    private static final byte[] KASME = Hex.decode("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private static final byte[] PLAIN = Hex.decode("075e"); // SECURITY MODE COMPLETE

    @Test
    void uplinkProtectedMessageHasHeaderMacSequenceAndBody() {
        NasSecurityContext ue = NasSecurityContext.fromKasme(KASME, 0, NasAlgorithms.EEA0, NasAlgorithms.EIA2);
        byte[] pdu = ue.protect(PLAIN, SecurityHeaderType.INTEGRITY_PROTECTED_CIPHERED_NEW_CONTEXT);
        assertEquals(0x47, pdu[0] & 0xff);
        assertEquals(0, pdu[5]);
        assertArrayEquals(PLAIN, Arrays.copyOfRange(pdu, 6, pdu.length), "EEA0 leaves the body in clear");
        byte[] kNasInt = new org.openmcim.aka.kdf.Kdf().kNasInt(KASME, 2);
        byte[] mac = NasAlgorithms.mac(2, kNasInt, 0, 0, 0, Arrays.copyOfRange(pdu, 5, pdu.length), 8L * (pdu.length - 5));
        assertArrayEquals(mac, Arrays.copyOfRange(pdu, 1, 5));
        assertEquals(1, ue.uplinkCount().value());
        assertEquals(1, ue.protect(PLAIN, SecurityHeaderType.INTEGRITY_PROTECTED)[5]);
    }

    @Test
    void downlinkRoundTripWithCipheringAndReplayRejection() {
        NasSecurityContext ue = NasSecurityContext.fromKasme(KASME, 1, NasAlgorithms.EEA2, NasAlgorithms.EIA2);
        NasSecurityContext mme = NasSecurityContext.fromKasme(KASME, 1, NasAlgorithms.EEA2, NasAlgorithms.EIA2);
        byte[] plain = Hex.decode("0742012106000f11030390027520c101090908696e7465726e6574");
        byte[] pdu = mme.protectDownlink(plain, SecurityHeaderType.INTEGRITY_PROTECTED_CIPHERED, new NasCount(0, 3));
        assertNotEquals(Hex.encode(plain), Hex.encode(Arrays.copyOfRange(pdu, 6, pdu.length)), "EEA2 ciphers");
        NasSecurityContext.Verified v = assertInstanceOf(NasSecurityContext.Verified.class, ue.unprotect(pdu));
        assertArrayEquals(plain, v.plain());
        assertEquals(new NasCount(0, 3), v.count());
        assertInstanceOf(NasSecurityContext.Rejected.class, ue.unprotect(pdu), "same COUNT twice");
        byte[] wrapped = mme.protectDownlink(plain, SecurityHeaderType.INTEGRITY_PROTECTED, new NasCount(1, 1));
        assertEquals(new NasCount(1, 1), assertInstanceOf(NasSecurityContext.Verified.class, ue.unprotect(wrapped)).count(),
                "sequence 1 after 3: the overflow counter moved on");
    }

    /**
     * The network's context (an MME's) against the UE's: the SECURITY MODE COMMAND at downlink
     * count 0 (type 3), the SECURITY MODE COMPLETE back at uplink count 0 (type 4), then ciphered
     * traffic both ways; each end advances only its own sending count.
     */
    @Test
    void networkContextTalksToTheUeContextBothWays() {
        NasSecurityContext ue = NasSecurityContext.fromKasme(KASME, 2, NasAlgorithms.EEA2, NasAlgorithms.EIA2);
        NasSecurityContext mme = NasSecurityContext.forNetwork(KASME, 2, NasAlgorithms.EEA2, NasAlgorithms.EIA2);
        assertEquals(NasSecurityContext.Role.NETWORK, mme.role());
        byte[] smcPlain = Hex.decode("075d022205a020");
        byte[] smc = mme.protect(smcPlain, SecurityHeaderType.INTEGRITY_PROTECTED_NEW_CONTEXT);
        assertEquals(0x37, smc[0] & 0xff);
        byte[] kNasInt = new org.openmcim.aka.kdf.Kdf().kNasInt(KASME, 2);
        assertArrayEquals(NasAlgorithms.mac(2, kNasInt, 0, 0, 1, Arrays.copyOfRange(smc, 5, smc.length), 8L * (smc.length - 5)),
                Arrays.copyOfRange(smc, 1, 5), "downlink MAC: DIRECTION 1 (TS 33.401 B.2.3)");
        assertArrayEquals(smcPlain, assertInstanceOf(NasSecurityContext.Verified.class, ue.unprotect(smc)).plain());

        byte[] complete = ue.protect(PLAIN, SecurityHeaderType.INTEGRITY_PROTECTED_CIPHERED_NEW_CONTEXT);
        NasSecurityContext.Verified up = assertInstanceOf(NasSecurityContext.Verified.class, mme.unprotect(complete));
        assertArrayEquals(PLAIN, up.plain());
        assertEquals(NasCount.ZERO, up.count());
        assertEquals(java.util.Optional.of(NasCount.ZERO), mme.lastReceived(), "the uplink count KeNB is derived from");

        byte[] esm = Hex.decode("0201d9");
        byte[] down = mme.protect(esm, SecurityHeaderType.INTEGRITY_PROTECTED_CIPHERED);
        assertEquals(1, down[5], "the network's second message: downlink count 1");
        assertNotEquals(Hex.encode(esm), Hex.encode(Arrays.copyOfRange(down, 6, down.length)), "EEA2 ciphers downlink");
        assertArrayEquals(esm, assertInstanceOf(NasSecurityContext.Verified.class, ue.unprotect(down)).plain());
        assertEquals(new NasCount(0, 2), mme.sendCount());
        assertEquals(new NasCount(0, 1), ue.uplinkCount());
    }

    /** DIRECTION is in the MAC input: a message reflected back to its sender does not verify. */
    @Test
    void reflectedMessagesAreRejected() {
        NasSecurityContext ue = NasSecurityContext.fromKasme(KASME, 1, NasAlgorithms.EEA0, NasAlgorithms.EIA2);
        NasSecurityContext mme = NasSecurityContext.forNetwork(KASME, 1, NasAlgorithms.EEA0, NasAlgorithms.EIA2);
        assertInstanceOf(NasSecurityContext.Rejected.class, ue.unprotect(ue.protect(PLAIN, SecurityHeaderType.INTEGRITY_PROTECTED)));
        assertInstanceOf(NasSecurityContext.Rejected.class, mme.unprotect(mme.protect(PLAIN, SecurityHeaderType.INTEGRITY_PROTECTED)));
        byte[] up = NasSecurityContext.fromKasme(KASME, 1, NasAlgorithms.EEA0, NasAlgorithms.EIA2)
                .protect(PLAIN, SecurityHeaderType.INTEGRITY_PROTECTED);
        assertInstanceOf(NasSecurityContext.Verified.class, mme.unprotect(up));
        assertInstanceOf(NasSecurityContext.Rejected.class, mme.unprotect(up), "same uplink COUNT twice");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, mme::uplinkCount);
    }

    @Test
    void everyFlippedBitIsRejected() {
        NasSecurityContext mme = NasSecurityContext.fromKasme(KASME, 1, NasAlgorithms.EEA2, NasAlgorithms.EIA2);
        byte[] pdu = mme.protectDownlink(Hex.decode("0745"), SecurityHeaderType.INTEGRITY_PROTECTED_CIPHERED, new NasCount(0, 0));
        for (int bit = 8; bit < 8 * pdu.length; bit++) {
            byte[] bad = pdu.clone();
            bad[bit / 8] ^= (byte) (0x80 >>> (bit % 8));
            NasSecurityContext ue = NasSecurityContext.fromKasme(KASME, 1, NasAlgorithms.EEA2, NasAlgorithms.EIA2);
            assertInstanceOf(NasSecurityContext.Rejected.class, ue.unprotect(bad), "bit " + bit);
        }
    }

    @Test
    void malformedInputIsRejectedNotThrown() {
        NasSecurityContext ue = NasSecurityContext.fromKasme(KASME, 1, NasAlgorithms.EEA2, NasAlgorithms.EIA2);
        assertInstanceOf(NasSecurityContext.Rejected.class, ue.unprotect(new byte[3]));
        assertInstanceOf(NasSecurityContext.Rejected.class, ue.unprotect(Hex.decode("0745000000000000")), "plain header");
        assertInstanceOf(NasSecurityContext.Rejected.class, ue.unprotect(Hex.decode("5700000000000745")), "type 5");
        assertInstanceOf(NasSecurityContext.Rejected.class, ue.unprotect(Hex.decode("2200000000000745")), "ESM PD");
    }
}
