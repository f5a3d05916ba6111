package org.openmcim.uesim.nas.security;

import java.security.MessageDigest;
import java.util.Arrays;

import org.openmcim.aka.kdf.Kdf;

/**
 * An EPS NAS security context (TS 33.401 §7.2.4, TS 24.301 §4.4): KSI, the selected algorithms,
 * K_NASint / K_NASenc derived from KASME (TS 33.401 A.7), and one NAS COUNT per direction. Either
 * end of the NAS link holds one: the UE's ({@link #fromKasme}) protects uplink and verifies
 * downlink, the network's ({@link #forNetwork}, an MME) protects downlink and verifies uplink.
 * {@link #protect} builds a security-protected message (§9.1), {@link #unprotect} checks and opens
 * one from the other end. BEARER is 0 and DIRECTION 0 uplink / 1 downlink (TS 33.401 §8.1.1/8.2.1).
 *
 * <p>Mutable (the counts move); owned by one UE (or one MME UE context), not thread-safe.
 */
public final class NasSecurityContext {
    private static final int BEARER = 0;
    private static final int UPLINK = 0;
    private static final int DOWNLINK = 1;
    private static final int PD_EMM = 7;

    /** Which end of the NAS link holds the context. */
    public enum Role {
        /** Protects with DIRECTION 0 (uplink), verifies DIRECTION 1. */
        UE,
        /** Protects with DIRECTION 1 (downlink), verifies DIRECTION 0: the MME's side. */
        NETWORK
    }

    private final Role role;
    private final int ksi;
    private final int eea;
    private final int eia;
    /** K_NASenc and K_NASint with their AES key schedules, expanded once for the context's life. */
    private final NasAlgorithms.Ciphering ciphering;
    private final NasAlgorithms.Integrity integrity;
    private final int sendDirection;
    private final int receiveDirection;
    /** The count the next {@link #protect} uses. */
    private NasCount sent = NasCount.ZERO;
    /** The last received count accepted; null before the first. */
    private NasCount receivedAccepted;

    private NasSecurityContext(Role role, int ksi, int eea, int eia, byte[] kNasEnc, byte[] kNasInt) {
        this.role = role;
        this.ksi = ksi;
        this.eea = eea;
        this.eia = eia;
        this.ciphering = NasAlgorithms.Ciphering.of(eea, kNasEnc);
        this.integrity = NasAlgorithms.Integrity.of(eia, kNasInt);
        this.sendDirection = role == Role.UE ? UPLINK : DOWNLINK;
        this.receiveDirection = role == Role.UE ? DOWNLINK : UPLINK;
    }

    /** The UE's new context from KASME and the algorithms a SECURITY MODE COMMAND selected; counts at 0. */
    public static NasSecurityContext fromKasme(byte[] kasme, int ksi, int eea, int eia) {
        return create(Role.UE, kasme, ksi, eea, eia);
    }

    /**
     * The network's context for the same KASME and algorithms (TS 33.401 §7.2.4.4: the MME
     * selects them and starts both NAS COUNTs at 0 for a new KASME); protects downlink.
     */
    public static NasSecurityContext forNetwork(byte[] kasme, int ksi, int eea, int eia) {
        return create(Role.NETWORK, kasme, ksi, eea, eia);
    }

    private static NasSecurityContext create(Role role, byte[] kasme, int ksi, int eea, int eia) {
        Kdf kdf = new Kdf();
        return new NasSecurityContext(role, ksi, eea, eia, kdf.kNasEnc(kasme, eea), kdf.kNasInt(kasme, eia));
    }

    public Role role() {
        return role;
    }

    public int ksi() {
        return ksi;
    }

    public int eea() {
        return eea;
    }

    public int eia() {
        return eia;
    }

    /** The UE's uplink count the next {@link #protect} will use (e.g. for KeNB, TS 33.401 A.3). */
    public NasCount uplinkCount() {
        if (role != Role.UE) {
            throw new IllegalStateException("the network's context sends downlink; see lastReceived()");
        }
        return sent;
    }

    /** The count the next {@link #protect} will use, in this context's sending direction. */
    public NasCount sendCount() {
        return sent;
    }

    /**
     * The count of the last message {@link #unprotect} accepted, if any. For the network this is
     * the uplink NAS COUNT that KeNB is derived from (TS 33.401 A.3, §7.2.8.1).
     */
    public java.util.Optional<NasCount> lastReceived() {
        return java.util.Optional.ofNullable(receivedAccepted);
    }

    /**
     * §4.4.4/§4.4.5: integrity-protects (and, for types 2 and 4, ciphers) a plain NAS message:
     * header octet, MAC (over sequence number and message), sequence number, message. Advances
     * the sending count (uplink for the UE, downlink for the network).
     */
    public byte[] protect(byte[] plain, SecurityHeaderType type) {
        if (!type.integrityProtected()) {
            throw new IllegalArgumentException("protect needs header type 1-4");
        }
        NasCount count = sent;
        byte[] out = seal(plain, type, count, sendDirection);
        sent = count.next();
        return out;
    }

    /** What {@link #unprotect} found. */
    public sealed interface Unprotected permits Verified, Rejected {
    }

    /** MAC verified; the plain message, its header type, and the count (of the sender's direction) it used. */
    public record Verified(byte[] plain, SecurityHeaderType type, NasCount count) implements Unprotected {
    }

    /** Not accepted, with the reason (MAC failure, replay, malformed); the context is unchanged. */
    public record Rejected(String reason) implements Unprotected {
    }

    /**
     * §4.4.3.1-4.4.3.3: estimates the other end's count from the sequence number, verifies the
     * MAC with the receiving DIRECTION (downlink for the UE, uplink for the network), rejects a
     * replayed count (§4.4.3.2: the same count must not be accepted twice), then deciphers.
     * Updates the receiving count only when the message is accepted. Never throws on input.
     */
    public Unprotected unprotect(byte[] pdu) {
        if (pdu.length < 7) {
            return new Rejected("security-protected NAS message shorter than 7 octets");
        }
        if ((pdu[0] & 0x0f) != PD_EMM) {
            return new Rejected("protocol discriminator " + (pdu[0] & 0x0f) + " is not EMM");
        }
        int h = (pdu[0] & 0xff) >>> 4;
        if (h < 1 || h > 4) {
            return new Rejected("security header type " + h + " is not 1-4");
        }
        SecurityHeaderType type = SecurityHeaderType.values()[h];
        int sqn = pdu[5] & 0xff;
        NasCount count = receivedAccepted == null ? new NasCount(0, sqn) : receivedAccepted.estimate(sqn);
        String dir = receiveDirection == DOWNLINK ? "downlink" : "uplink";
        if (receivedAccepted != null && count.value() <= receivedAccepted.value()) {
            return new Rejected("replayed " + dir + " NAS COUNT " + count.value());
        }
        byte[] expected = integrity.mac(count.value(), BEARER, receiveDirection, pdu, 5, 8L * (pdu.length - 5));
        if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(pdu, 1, 5))) {
            return new Rejected("NAS MAC mismatch at " + dir + " count " + count.value());
        }
        byte[] plain = type.ciphered()
                ? ciphering.apply(count.value(), BEARER, receiveDirection, pdu, 6, 8L * (pdu.length - 6))
                : Arrays.copyOfRange(pdu, 6, pdu.length);
        receivedAccepted = count;
        return new Verified(plain, type, count);
    }

    /**
     * A downlink message at an explicit count, without moving this context's counts: for tests
     * that script a network with chosen counts (replays, overflow). An MME uses a
     * {@link #forNetwork} context's {@link #protect}.
     */
    public byte[] protectDownlink(byte[] plain, SecurityHeaderType type, NasCount count) {
        return seal(plain, type, count, DOWNLINK);
    }

    /** §9.1: header octet, MAC over sequence number and body, sequence number, body (ciphered for types 2 and 4). */
    private byte[] seal(byte[] plain, SecurityHeaderType type, NasCount count, int direction) {
        byte[] body = type.ciphered()
                ? ciphering.apply(count.value(), BEARER, direction, plain, 0, 8L * plain.length)
                : plain;
        byte[] out = new byte[6 + body.length];
        out[0] = (byte) ((type.code() << 4) | PD_EMM);
        out[5] = (byte) count.sequence();
        System.arraycopy(body, 0, out, 6, body.length);
        byte[] mac = integrity.mac(count.value(), BEARER, direction, out, 5, 8L * (out.length - 5));
        System.arraycopy(mac, 0, out, 1, 4);
        return out;
    }

    /** Header type of a NAS PDU's first octet, or -1 if it is not EMM (ESM PDUs are always plain here). */
    public static int headerType(byte[] pdu) {
        if (pdu.length == 0 || (pdu[0] & 0x0f) != PD_EMM) {
            return -1;
        }
        return (pdu[0] & 0xff) >>> 4;
    }

    @Override
    public String toString() {
        return "NasSecurityContext[ksi=" + ksi + ", EEA" + eea + ", EIA" + eia + ", " + role + " sends at " + sent.value() + "]";
    }
}
