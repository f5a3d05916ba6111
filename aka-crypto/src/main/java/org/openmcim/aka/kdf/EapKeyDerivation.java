package org.openmcim.aka.kdf;

import org.openmcim.aka.Lengths;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Objects;

/**
 * Key derivation of EAP-AKA (RFC 4187 §7) and EAP-AKA' (RFC 5448 §3.3), as needed on SWx and the
 * non-3GPP access path. Stateless and thread-safe (each call uses its own digest state); these run
 * once per EAP authentication, not per vector.
 *
 * <p>Identity is the identity the peer used, as octets without any terminator (RFC 4187 §7,
 * RFC 5448 §3.3); {@code String} overloads take UTF-8.
 */
public final class EapKeyDerivation {
    /** RFC 4187: MK is a SHA-1 output. */
    public static final int MK_BYTES = 20;
    /** RFC 4187 / RFC 5448: K_encr. */
    public static final int K_ENCR_BYTES = 16;
    /** RFC 4187: K_aut. */
    public static final int K_AUT_BYTES = 16;
    /** RFC 5448: K_aut. */
    public static final int K_AUT_PRIME_BYTES = 32;
    /** RFC 5448: K_re. */
    public static final int K_RE_BYTES = 32;
    /** MSK (RFC 3748 requires at least 64 octets). */
    public static final int MSK_BYTES = 64;
    /** EMSK. */
    public static final int EMSK_BYTES = 64;

    private static final byte[] AKA_PRIME_LABEL = "EAP-AKA'".getBytes(StandardCharsets.US_ASCII);

    private EapKeyDerivation() {
    }

    // ---------------------------------------------------------------------------------------
    // RFC 4187 §7: EAP-AKA

    /** {@link #eapAka(byte[], byte[], byte[])} with a UTF-8 identity. */
    public static EapAkaKeys eapAka(String identity, byte[] ik, byte[] ck) {
        Objects.requireNonNull(identity, "identity");
        return eapAka(identity.getBytes(StandardCharsets.UTF_8), ik, ck);
    }

    /**
     * RFC 4187 §7: MK = SHA1(Identity | IK | CK); K_encr | K_aut | MSK | EMSK = PRF(MK), PRF being
     * the FIPS 186-2 change notice 1 generator ({@link Fips186Prf}).
     *
     * @param ik 16 bytes (note the RFC's order: IK before CK)
     * @param ck 16 bytes
     */
    public static EapAkaKeys eapAka(byte[] identity, byte[] ik, byte[] ck) {
        Objects.requireNonNull(identity, "identity");
        Lengths.require("IK", ik, Kdf.HALF_KEY_BYTES);
        Lengths.require("CK", ck, Kdf.HALF_KEY_BYTES);
        MessageDigest sha1 = digest("SHA-1");
        sha1.update(identity);
        sha1.update(ik);
        sha1.update(ck);
        byte[] mk = sha1.digest();
        return eapAkaFromMk(mk);
    }

    /** RFC 4187 §7 second half: the keys from a given 20-octet MK (also the EAP-SIM schedule). */
    public static EapAkaKeys eapAkaFromMk(byte[] mk) {
        Lengths.require("MK", mk, MK_BYTES);
        byte[] stream = Fips186Prf.generate(mk, K_ENCR_BYTES + K_AUT_BYTES + MSK_BYTES + EMSK_BYTES);
        int p = 0;
        byte[] kEncr = Arrays.copyOfRange(stream, p, p += K_ENCR_BYTES);
        byte[] kAut = Arrays.copyOfRange(stream, p, p += K_AUT_BYTES);
        byte[] msk = Arrays.copyOfRange(stream, p, p += MSK_BYTES);
        byte[] emsk = Arrays.copyOfRange(stream, p, p + EMSK_BYTES);
        Arrays.fill(stream, (byte) 0);
        return new EapAkaKeys(mk.clone(), kEncr, kAut, msk, emsk);
    }

    // ---------------------------------------------------------------------------------------
    // RFC 5448 §3.3 / §3.4: EAP-AKA'

    /** {@link #eapAkaPrime(byte[], byte[], byte[])} with a UTF-8 identity. */
    public static EapAkaPrimeKeys eapAkaPrime(String identity, byte[] ikPrime, byte[] ckPrime) {
        Objects.requireNonNull(identity, "identity");
        return eapAkaPrime(identity.getBytes(StandardCharsets.UTF_8), ikPrime, ckPrime);
    }

    /**
     * RFC 5448 §3.3: MK = PRF'(IK'|CK', "EAP-AKA'"|Identity), cut into K_encr (16), K_aut (32),
     * K_re (32), MSK (64) and EMSK (64), 1664 bits in all.
     *
     * @param ikPrime 16 bytes (note the RFC's order: IK' before CK')
     * @param ckPrime 16 bytes
     */
    public static EapAkaPrimeKeys eapAkaPrime(byte[] identity, byte[] ikPrime, byte[] ckPrime) {
        Objects.requireNonNull(identity, "identity");
        Lengths.require("IK'", ikPrime, Kdf.HALF_KEY_BYTES);
        Lengths.require("CK'", ckPrime, Kdf.HALF_KEY_BYTES);
        byte[] key = new byte[2 * Kdf.HALF_KEY_BYTES];
        System.arraycopy(ikPrime, 0, key, 0, Kdf.HALF_KEY_BYTES);
        System.arraycopy(ckPrime, 0, key, Kdf.HALF_KEY_BYTES, Kdf.HALF_KEY_BYTES);
        byte[] s = new byte[AKA_PRIME_LABEL.length + identity.length];
        System.arraycopy(AKA_PRIME_LABEL, 0, s, 0, AKA_PRIME_LABEL.length);
        System.arraycopy(identity, 0, s, AKA_PRIME_LABEL.length, identity.length);
        byte[] mk = prfPrime(key, s, K_ENCR_BYTES + K_AUT_PRIME_BYTES + K_RE_BYTES + MSK_BYTES + EMSK_BYTES);
        Arrays.fill(key, (byte) 0);
        int p = 0;
        byte[] kEncr = Arrays.copyOfRange(mk, p, p += K_ENCR_BYTES);
        byte[] kAut = Arrays.copyOfRange(mk, p, p += K_AUT_PRIME_BYTES);
        byte[] kRe = Arrays.copyOfRange(mk, p, p += K_RE_BYTES);
        byte[] msk = Arrays.copyOfRange(mk, p, p += MSK_BYTES);
        byte[] emsk = Arrays.copyOfRange(mk, p, p + EMSK_BYTES);
        Arrays.fill(mk, (byte) 0);
        return new EapAkaPrimeKeys(kEncr, kAut, kRe, msk, emsk);
    }

    /**
     * RFC 5448 §3.4: PRF'(K, S) = T1 | T2 | T3 | ... with T1 = HMAC-SHA-256(K, S | 0x01) and
     * Tn = HMAC-SHA-256(K, Tn-1 | S | n), cut to {@code length} octets (at most 255 blocks).
     */
    public static byte[] prfPrime(byte[] key, byte[] s, int length) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(s, "s");
        if (length < 0 || length > 255 * HmacSha256.MAC_BYTES) {
            throw new IllegalArgumentException("PRF' length must be 0.." + 255 * HmacSha256.MAC_BYTES + ", got " + length);
        }
        HmacSha256 hmac = new HmacSha256();
        byte[] t = new byte[HmacSha256.MAC_BYTES];
        byte[] out = new byte[length];
        int produced = 0;
        for (int n = 1; produced < length; n++) {
            hmac.start(key);
            if (n > 1) {
                hmac.update(t);
            }
            hmac.update(s);
            hmac.update((byte) n);
            hmac.finish(t, 0);
            int take = Math.min(t.length, length - produced);
            System.arraycopy(t, 0, out, produced, take);
            produced += take;
        }
        Arrays.fill(t, (byte) 0);
        return out;
    }

    private static MessageDigest digest(String name) {
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(name + " not available", e);
        }
    }
}
