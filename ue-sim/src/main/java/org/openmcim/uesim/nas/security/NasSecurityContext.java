package org.openmcim.uesim.nas.security;

import java.security.MessageDigest;
import java.util.Arrays;

import org.openmcim.aka.kdf.Kdf;

/**
 * A UE's current EPS NAS security context (TS 33.401 §7.2.4, TS 24.301 §4.4): KSI, the selected
 * algorithms, K_NASint / K_NASenc derived from KASME (TS 33.401 A.7), and one NAS COUNT per
 * direction. {@link #protect} builds an uplink security-protected message (§9.1), {@link
 * #unprotect} checks and opens a downlink one. BEARER is 0 and DIRECTION 0 uplink / 1 downlink
 * (TS 33.401 §8.1.1/8.2.1).
 *
 * <p>Mutable (the counts move); owned by one UE, not thread-safe.
 */
public final class NasSecurityContext {
    private static final int BEARER = 0;
    private static final int UPLINK = 0;
    private static final int DOWNLINK = 1;
    private static final int PD_EMM = 7;

    private final int ksi;
    private final int eea;
    private final int eia;
    private final byte[] kNasEnc;
    private final byte[] kNasInt;
    private NasCount uplink = NasCount.ZERO;
    /** The last downlink count accepted; null before the first. */
    private NasCount downlinkAccepted;

    private NasSecurityContext(int ksi, int eea, int eia, byte[] kNasEnc, byte[] kNasInt) {
        this.ksi = ksi;
        this.eea = eea;
        this.eia = eia;
        this.kNasEnc = kNasEnc;
        this.kNasInt = kNasInt;
    }

    /** A new context from KASME and the algorithms a SECURITY MODE COMMAND selected; counts at 0. */
    public static NasSecurityContext fromKasme(byte[] kasme, int ksi, int eea, int eia) {
        Kdf kdf = new Kdf();
        return new NasSecurityContext(ksi, eea, eia, kdf.kNasEnc(kasme, eea), kdf.kNasInt(kasme, eia));
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

    /** The uplink count the next {@link #protect} will use (e.g. for KeNB, TS 33.401 A.3). */
    public NasCount uplinkCount() {
        return uplink;
    }

    /**
     * §4.4.4/§4.4.5: integrity-protects (and, for types 2 and 4, ciphers) a plain NAS message:
     * header octet, MAC (over sequence number and message), sequence number, message. Advances
     * the uplink count.
     */
    public byte[] protect(byte[] plain, SecurityHeaderType type) {
        if (!type.integrityProtected()) {
            throw new IllegalArgumentException("protect needs header type 1-4");
        }
        NasCount count = uplink;
        byte[] body = type.ciphered()
                ? NasAlgorithms.cipher(eea, kNasEnc, count.value(), BEARER, UPLINK, plain, 8L * plain.length)
                : plain.clone();
        byte[] out = new byte[6 + body.length];
        out[0] = (byte) ((type.code() << 4) | PD_EMM);
        out[5] = (byte) count.sequence();
        System.arraycopy(body, 0, out, 6, body.length);
        byte[] mac = NasAlgorithms.mac(eia, kNasInt, count.value(), BEARER, UPLINK,
                Arrays.copyOfRange(out, 5, out.length), 8L * (out.length - 5));
        System.arraycopy(mac, 0, out, 1, 4);
        uplink = count.next();
        return out;
    }

    /** What {@link #unprotect} found. */
    public sealed interface Unprotected permits Verified, Rejected {
    }

    /** MAC verified; the plain message, its header type, and the downlink count it used. */
    public record Verified(byte[] plain, SecurityHeaderType type, NasCount count) implements Unprotected {
    }

    /** Not accepted, with the reason (MAC failure, replay, malformed); the context is unchanged. */
    public record Rejected(String reason) implements Unprotected {
    }

    /**
     * §4.4.3.1-4.4.3.3: estimates the downlink count from the sequence number, verifies the MAC,
     * rejects a replayed count (§4.4.3.2: the same count must not be accepted twice), then
     * deciphers. Updates the downlink count only when the message is accepted. Never throws on
     * input.
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
        NasCount count = downlinkAccepted == null ? new NasCount(0, sqn) : downlinkAccepted.estimate(sqn);
        if (downlinkAccepted != null && count.value() <= downlinkAccepted.value()) {
            return new Rejected("replayed downlink NAS COUNT " + count.value());
        }
        byte[] expected = NasAlgorithms.mac(eia, kNasInt, count.value(), BEARER, DOWNLINK,
                Arrays.copyOfRange(pdu, 5, pdu.length), 8L * (pdu.length - 5));
        if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(pdu, 1, 5))) {
            return new Rejected("NAS MAC mismatch at downlink count " + count.value());
        }
        byte[] body = Arrays.copyOfRange(pdu, 6, pdu.length);
        byte[] plain = type.ciphered()
                ? NasAlgorithms.cipher(eea, kNasEnc, count.value(), BEARER, DOWNLINK, body, 8L * body.length)
                : body;
        downlinkAccepted = count;
        return new Verified(plain, type, count);
    }

    /** The network side of {@link #protect}, for tests and for a simulated MME: protects a downlink message. */
    public byte[] protectDownlink(byte[] plain, SecurityHeaderType type, NasCount count) {
        byte[] body = type.ciphered()
                ? NasAlgorithms.cipher(eea, kNasEnc, count.value(), BEARER, DOWNLINK, plain, 8L * plain.length)
                : plain.clone();
        byte[] out = new byte[6 + body.length];
        out[0] = (byte) ((type.code() << 4) | PD_EMM);
        out[5] = (byte) count.sequence();
        System.arraycopy(body, 0, out, 6, body.length);
        byte[] mac = NasAlgorithms.mac(eia, kNasInt, count.value(), BEARER, DOWNLINK,
                Arrays.copyOfRange(out, 5, out.length), 8L * (out.length - 5));
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
        return "NasSecurityContext[ksi=" + ksi + ", EEA" + eea + ", EIA" + eia + ", UL " + uplink.value() + "]";
    }
}
