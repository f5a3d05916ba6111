package org.openmcim.aka.kdf;

import org.openmcim.aka.Lengths;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * The generic 3GPP key derivation function of TS 33.220 Annex B.2 and the EPS / EAP-AKA' keys
 * built on it (TS 33.401 Annex A, TS 33.402 Annex A.2).
 *
 * <p>TS 33.220 B.2: {@code derived key = HMAC-SHA-256(Key, S)} with
 * {@code S = FC || P0 || L0 || P1 || L1 || ... || Pn || Ln}, where FC is one octet and each Li is
 * the length of Pi in octets as a two-octet big-endian number.
 *
 * <p><b>Not thread-safe.</b> An instance holds one reusable SHA-256 state and scratch buffers, so
 * creating one is cheap (no key schedule, no provider look-up per call) and the intended use is one
 * instance per thread or per owning object, e.g. a field of a vector generator that is itself
 * confined to a thread. Nothing is shared between instances; there is no static mutable state.
 *
 * <p>Inputs are checked for length and never modified; every method returning {@code byte[]}
 * returns a fresh array the caller owns. Scratch buffers that held key material are wiped after
 * each call.
 */
public final class Kdf {

    /** TS 33.401 A.2: KASME. */
    public static final int FC_KASME = 0x10;
    /** TS 33.401 A.3: KeNB from KASME. */
    public static final int FC_KENB = 0x11;
    /** TS 33.401 A.4: NH. */
    public static final int FC_NH = 0x12;
    /** TS 33.401 A.7: algorithm key derivation (NAS, RRC, UP keys). */
    public static final int FC_ALGORITHM_KEY = 0x15;
    /** TS 33.402 A.2: CK' and IK' for EAP-AKA'. */
    public static final int FC_CK_IK_PRIME = 0x20;

    /** TS 33.401 A.7 algorithm type distinguisher: NAS-enc-alg. */
    public static final int NAS_ENC_ALG = 0x01;
    /** TS 33.401 A.7 algorithm type distinguisher: NAS-int-alg. */
    public static final int NAS_INT_ALG = 0x02;
    /** TS 33.401 A.7 algorithm type distinguisher: RRC-enc-alg. */
    public static final int RRC_ENC_ALG = 0x03;
    /** TS 33.401 A.7 algorithm type distinguisher: RRC-int-alg. */
    public static final int RRC_INT_ALG = 0x04;
    /** TS 33.401 A.7 algorithm type distinguisher: UP-enc-alg. */
    public static final int UP_ENC_ALG = 0x05;
    /** TS 33.401 A.7 algorithm type distinguisher: UP-int-alg (relay nodes). */
    public static final int UP_INT_ALG = 0x06;

    /** Length of every TS 33.220 KDF output and of KASME, KeNB and NH. */
    public static final int KEY_BYTES = 32;
    /** Length of CK, IK, CK', IK' and of the NAS/RRC/UP algorithm keys. */
    public static final int HALF_KEY_BYTES = 16;
    /** Length of SQN, and so of SQN xor AK. */
    public static final int SQN_BYTES = 6;

    private static final int MAX_PARAM_BYTES = 0xffff;

    private final HmacSha256 hmac = new HmacSha256();
    /** CK || IK, the key of A.2 and of TS 33.402 A.2. */
    private final byte[] ckIk = new byte[KEY_BYTES];
    /** Full 256-bit KDF output before truncation. */
    private final byte[] block = new byte[KEY_BYTES];
    /** S for the fixed-layout derivations; the longest is NH: 1 + 32 + 2. */
    private final byte[] s = new byte[1 + KEY_BYTES + 2];

    /** A new, independent instance; see the class comment on threading. */
    public Kdf() {
    }

    // ---------------------------------------------------------------------------------------
    // TS 33.220 Annex B.2, generic form

    /**
     * TS 33.220 B.2: HMAC-SHA-256(key, FC || P0 || L0 || ... || Pn || Ln).
     *
     * @param key the KDF key, any non-empty length
     * @param fc the function code, 0..255
     * @param params P0..Pn, each at most 65535 octets (Li is two octets)
     * @return the 32-byte output
     */
    public byte[] derive(byte[] key, int fc, byte[]... params) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(params, "params");
        if (key.length == 0) {
            throw new IllegalArgumentException("KDF key must not be empty");
        }
        checkOctet("FC", fc);
        for (int i = 0; i < params.length; i++) {
            Objects.requireNonNull(params[i], "P" + i);
            if (params[i].length > MAX_PARAM_BYTES) {
                throw new IllegalArgumentException(
                        "P" + i + " is " + params[i].length + " octets; TS 33.220 B.2 allows at most 65535");
            }
        }
        hmac.start(key);
        hmac.update((byte) fc);
        for (byte[] p : params) {
            hmac.update(p);
            hmac.update((byte) (p.length >>> 8));
            hmac.update((byte) p.length);
        }
        byte[] out = new byte[KEY_BYTES];
        hmac.finish(out, 0);
        return out;
    }

    // ---------------------------------------------------------------------------------------
    // TS 33.401 Annex A.2: KASME

    /**
     * TS 33.401 A.2: KASME = KDF(CK || IK, FC 0x10, P0 = SN id, P1 = SQN xor AK).
     *
     * @param ck 16 bytes
     * @param ik 16 bytes
     * @param servingNetworkId the PLMN identity in its 3-octet TS 24.301 encoding (see {@link PlmnId})
     * @param sqnXorAk 6 bytes, the first 6 octets of AUTN
     * @return the 32-byte KASME
     */
    public byte[] kasme(byte[] ck, byte[] ik, byte[] servingNetworkId, byte[] sqnXorAk) {
        byte[] out = new byte[KEY_BYTES];
        kasme(ck, ik, servingNetworkId, sqnXorAk, out, 0);
        return out;
    }

    /** {@link #kasme(byte[], byte[], byte[], byte[])} with the serving network given as a {@link PlmnId}. */
    public byte[] kasme(byte[] ck, byte[] ik, PlmnId servingNetwork, byte[] sqnXorAk) {
        Objects.requireNonNull(servingNetwork, "servingNetwork");
        return kasme(ck, ik, servingNetwork.toOctets(), sqnXorAk);
    }

    /**
     * Allocation-free KASME for the vector-generation hot path: writes 32 bytes to
     * {@code out[offset..offset+31]}.
     */
    public void kasme(byte[] ck, byte[] ik, byte[] servingNetworkId, byte[] sqnXorAk, byte[] out, int offset) {
        Lengths.require("CK", ck, HALF_KEY_BYTES);
        Lengths.require("IK", ik, HALF_KEY_BYTES);
        Lengths.require("serving network id", servingNetworkId, PlmnId.OCTETS);
        Lengths.require("SQN xor AK", sqnXorAk, SQN_BYTES);
        checkOutput(out, offset, KEY_BYTES);
        // Key = CK || IK
        System.arraycopy(ck, 0, ckIk, 0, HALF_KEY_BYTES);
        System.arraycopy(ik, 0, ckIk, HALF_KEY_BYTES, HALF_KEY_BYTES);
        // S = 0x10 || SN id || 0x00 0x03 || SQN xor AK || 0x00 0x06
        int n = 0;
        s[n++] = (byte) FC_KASME;
        System.arraycopy(servingNetworkId, 0, s, n, PlmnId.OCTETS);
        n += PlmnId.OCTETS;
        s[n++] = 0x00;
        s[n++] = (byte) PlmnId.OCTETS;
        System.arraycopy(sqnXorAk, 0, s, n, SQN_BYTES);
        n += SQN_BYTES;
        s[n++] = 0x00;
        s[n++] = (byte) SQN_BYTES;
        hmac.start(ckIk);
        hmac.update(s, 0, n);
        hmac.finish(out, offset);
        wipe();
    }

    // ---------------------------------------------------------------------------------------
    // TS 33.401 Annex A.3 / A.4: KeNB and NH

    /**
     * TS 33.401 A.3: KeNB = KDF(KASME, FC 0x11, P0 = uplink NAS COUNT (4 octets, big-endian)).
     *
     * @param kasme 32 bytes
     * @param uplinkNasCount 0..2^32-1
     */
    public byte[] kEnb(byte[] kasme, long uplinkNasCount) {
        Lengths.require("KASME", kasme, KEY_BYTES);
        if (uplinkNasCount < 0 || uplinkNasCount > 0xffff_ffffL) {
            throw new IllegalArgumentException(
                    "uplink NAS COUNT must be 0..4294967295 (32 bits), got " + uplinkNasCount);
        }
        // S = 0x11 || COUNT || 0x00 0x04
        s[0] = (byte) FC_KENB;
        s[1] = (byte) (uplinkNasCount >>> 24);
        s[2] = (byte) (uplinkNasCount >>> 16);
        s[3] = (byte) (uplinkNasCount >>> 8);
        s[4] = (byte) uplinkNasCount;
        s[5] = 0x00;
        s[6] = 0x04;
        return macOverS(kasme, 7);
    }

    /**
     * TS 33.401 A.4: NH = KDF(KASME, FC 0x12, P0 = SYNC-input). The SYNC-input is the initial KeNB
     * for the first NH and the previous NH after that (TS 33.401 §7.2.8.1).
     *
     * @param kasme 32 bytes
     * @param syncInput 32 bytes
     */
    public byte[] nh(byte[] kasme, byte[] syncInput) {
        Lengths.require("KASME", kasme, KEY_BYTES);
        Lengths.require("SYNC-input", syncInput, KEY_BYTES);
        // S = 0x12 || SYNC-input || 0x00 0x20
        s[0] = (byte) FC_NH;
        System.arraycopy(syncInput, 0, s, 1, KEY_BYTES);
        s[1 + KEY_BYTES] = 0x00;
        s[2 + KEY_BYTES] = (byte) KEY_BYTES;
        return macOverS(kasme, 3 + KEY_BYTES);
    }

    // ---------------------------------------------------------------------------------------
    // TS 33.401 Annex A.7: algorithm keys

    /** TS 33.401 A.7: K_NASenc from KASME for EEA {@code eeaId} (0 = EEA0, 1 = 128-EEA1, ...). */
    public byte[] kNasEnc(byte[] kasme, int eeaId) {
        return algorithmKey(kasme, NAS_ENC_ALG, eeaId);
    }

    /** TS 33.401 A.7: K_NASint from KASME for EIA {@code eiaId}. */
    public byte[] kNasInt(byte[] kasme, int eiaId) {
        return algorithmKey(kasme, NAS_INT_ALG, eiaId);
    }

    /** TS 33.401 A.7: K_RRCenc from KeNB for EEA {@code eeaId}. */
    public byte[] kRrcEnc(byte[] kEnb, int eeaId) {
        return algorithmKey(kEnb, RRC_ENC_ALG, eeaId);
    }

    /** TS 33.401 A.7: K_RRCint from KeNB for EIA {@code eiaId}. */
    public byte[] kRrcInt(byte[] kEnb, int eiaId) {
        return algorithmKey(kEnb, RRC_INT_ALG, eiaId);
    }

    /** TS 33.401 A.7: K_UPenc from KeNB for EEA {@code eeaId}. */
    public byte[] kUpEnc(byte[] kEnb, int eeaId) {
        return algorithmKey(kEnb, UP_ENC_ALG, eeaId);
    }

    /** TS 33.401 A.7: K_UPint from KeNB for EIA {@code eiaId} (used with relay nodes). */
    public byte[] kUpInt(byte[] kEnb, int eiaId) {
        return algorithmKey(kEnb, UP_INT_ALG, eiaId);
    }

    /**
     * TS 33.401 A.7: KDF(key, FC 0x15, P0 = algorithm type distinguisher, P1 = algorithm identity),
     * truncated to its 128 least significant bits (the last 16 octets).
     *
     * @param key KASME (NAS keys) or KeNB (RRC/UP keys), 32 bytes
     * @param distinguisher one of {@link #NAS_ENC_ALG} .. {@link #UP_INT_ALG}
     * @param algorithmId the 4-bit EEA/EIA identity, 0..15
     * @return 16 bytes
     */
    public byte[] algorithmKey(byte[] key, int distinguisher, int algorithmId) {
        Lengths.require("KASME/KeNB", key, KEY_BYTES);
        if (distinguisher < NAS_ENC_ALG || distinguisher > UP_INT_ALG) {
            throw new IllegalArgumentException(
                    "algorithm type distinguisher must be 0x01..0x06 (TS 33.401 A.7), got " + distinguisher);
        }
        if (algorithmId < 0 || algorithmId > 0x0f) {
            throw new IllegalArgumentException(
                    "algorithm identity must be 0..15 (4 bits, TS 33.401 A.7), got " + algorithmId);
        }
        // S = 0x15 || distinguisher || 0x00 0x01 || algorithm identity || 0x00 0x01
        s[0] = (byte) FC_ALGORITHM_KEY;
        s[1] = (byte) distinguisher;
        s[2] = 0x00;
        s[3] = 0x01;
        s[4] = (byte) algorithmId;
        s[5] = 0x00;
        s[6] = 0x01;
        hmac.start(key);
        hmac.update(s, 0, 7);
        hmac.finish(block, 0);
        // A.7: the 128 least significant bits of the 256-bit output.
        byte[] out = Arrays.copyOfRange(block, HALF_KEY_BYTES, KEY_BYTES);
        wipe();
        return out;
    }

    // ---------------------------------------------------------------------------------------
    // TS 33.402 Annex A.2: CK' and IK'

    /**
     * TS 33.402 A.2: CK' || IK' = KDF(CK || IK, FC 0x20, P0 = access network identity,
     * P1 = SQN xor AK); CK' is the first 128 bits, IK' the last 128 bits.
     *
     * @param ck 16 bytes
     * @param ik 16 bytes
     * @param accessNetworkIdentity the access network identity of TS 24.302 (e.g. "WLAN"), as its
     *        octets in UTF-8 (ASCII for every defined value); must not be empty
     * @param sqnXorAk 6 bytes, the first 6 octets of AUTN
     */
    public CkIkPrime ckIkPrime(byte[] ck, byte[] ik, String accessNetworkIdentity, byte[] sqnXorAk) {
        Lengths.require("CK", ck, HALF_KEY_BYTES);
        Lengths.require("IK", ik, HALF_KEY_BYTES);
        Objects.requireNonNull(accessNetworkIdentity, "accessNetworkIdentity");
        Lengths.require("SQN xor AK", sqnXorAk, SQN_BYTES);
        byte[] anid = accessNetworkIdentity.getBytes(StandardCharsets.UTF_8);
        if (anid.length == 0 || anid.length > MAX_PARAM_BYTES) {
            throw new IllegalArgumentException(
                    "access network identity must be 1..65535 octets, got " + anid.length);
        }
        System.arraycopy(ck, 0, ckIk, 0, HALF_KEY_BYTES);
        System.arraycopy(ik, 0, ckIk, HALF_KEY_BYTES, HALF_KEY_BYTES);
        hmac.start(ckIk);
        hmac.update((byte) FC_CK_IK_PRIME);
        hmac.update(anid);
        hmac.update((byte) (anid.length >>> 8));
        hmac.update((byte) anid.length);
        hmac.update(sqnXorAk);
        hmac.update((byte) 0x00);
        hmac.update((byte) SQN_BYTES);
        hmac.finish(block, 0);
        CkIkPrime out = new CkIkPrime(
                Arrays.copyOfRange(block, 0, HALF_KEY_BYTES),
                Arrays.copyOfRange(block, HALF_KEY_BYTES, KEY_BYTES));
        wipe();
        return out;
    }

    // ---------------------------------------------------------------------------------------

    private byte[] macOverS(byte[] key, int sLength) {
        hmac.start(key);
        hmac.update(s, 0, sLength);
        byte[] out = new byte[KEY_BYTES];
        hmac.finish(out, 0);
        wipe();
        return out;
    }

    private void wipe() {
        Arrays.fill(ckIk, (byte) 0);
        Arrays.fill(block, (byte) 0);
        Arrays.fill(s, (byte) 0);
    }

    private static void checkOctet(String name, int value) {
        if (value < 0 || value > 0xff) {
            throw new IllegalArgumentException(name + " must be one octet (0..255), got " + value);
        }
    }

    private static void checkOutput(byte[] out, int offset, int length) {
        Objects.requireNonNull(out, "out");
        if (offset < 0 || offset > out.length - length) {
            throw new IllegalArgumentException(
                    "output needs " + length + " bytes at offset " + offset + ", array has " + out.length);
        }
    }
}
