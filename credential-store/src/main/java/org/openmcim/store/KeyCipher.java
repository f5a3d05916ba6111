package org.openmcim.store;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts K and OPc at rest (issue #4, DESIGN.md security model): AES-256-GCM under the
 * key-encryption key (KEK), a fresh random 96-bit nonce for every encryption (NIST SP 800-38D
 * §8.2.2, random IV construction), and the IMSI plus the field name as associated data, so a
 * ciphertext copied to another subscriber, or K swapped with OPc, fails to decrypt.
 *
 * <p>Blob layout: {@code version(1) = 1 | nonce(12) | ciphertext | tag(16)}. The version byte
 * leaves room for KEK rotation. The KEK never leaves this object: no getter, no toString, and
 * no exception message carries key or plaintext bytes.
 */
public final class KeyCipher {
    public static final int KEK_BYTES = 32;
    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    /** Bytes a blob adds to its plaintext. */
    public static final int OVERHEAD = 1 + NONCE_BYTES + TAG_BITS / 8;

    /** Which field a blob holds; part of the associated data. */
    public enum Field { K, OPC }

    private final SecretKeySpec kek;
    private final SecureRandom random;
    /**
     * One AES/GCM {@link Cipher} per thread and per KeyCipher: {@code Cipher.getInstance} (provider
     * lookup) was half the cost of an encryption in the 1M-PCID import profile, and a Cipher is
     * not thread-safe. Re-initialised for every call with a fresh nonce, so no state carries over
     * between encryptions; an instance field, not a static, so two KEKs never share anything.
     */
    private final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(KeyCipher::newCipher);

    /** @param kek 32 bytes; copied, so the caller may wipe its array */
    public KeyCipher(byte[] kek, SecureRandom random) {
        Objects.requireNonNull(kek, "kek");
        if (kek.length != KEK_BYTES) {
            throw new IllegalArgumentException("KEK must be " + KEK_BYTES + " bytes (AES-256), got " + kek.length);
        }
        this.kek = new SecretKeySpec(kek, "AES");
        this.random = Objects.requireNonNull(random, "random");
    }

    public byte[] encrypt(String imsi, Field field, byte[] plaintext) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher c = ciphers.get();
            c.init(Cipher.ENCRYPT_MODE, kek, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad(imsi, field));
            byte[] out = new byte[1 + NONCE_BYTES + c.getOutputSize(plaintext.length)];
            out[0] = VERSION;
            System.arraycopy(nonce, 0, out, 1, NONCE_BYTES);
            c.doFinal(plaintext, 0, plaintext.length, out, 1 + NONCE_BYTES);
            return out;
        } catch (GeneralSecurityException e) {
            // The JCE message never contains key bytes; keep only the class name anyway.
            throw new IllegalStateException("AES-GCM encryption failed: " + e.getClass().getSimpleName());
        }
    }

    /**
     * @throws KeyDecryptionException if the blob was not made under this KEK for this IMSI and field
     */
    public byte[] decrypt(String imsi, Field field, byte[] blob) {
        if (blob == null || blob.length < OVERHEAD || blob[0] != VERSION) {
            throw new KeyDecryptionException(imsi, field, "malformed blob");
        }
        try {
            Cipher c = ciphers.get();
            c.init(Cipher.DECRYPT_MODE, kek, new GCMParameterSpec(TAG_BITS, blob, 1, NONCE_BYTES));
            c.updateAAD(aad(imsi, field));
            return c.doFinal(blob, 1 + NONCE_BYTES, blob.length - 1 - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new KeyDecryptionException(imsi, field, "authentication failed (wrong KEK, or blob of another subscriber)");
        } catch (GeneralSecurityException e) {
            throw new KeyDecryptionException(imsi, field, e.getClass().getSimpleName());
        }
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM not available: " + e.getClass().getSimpleName());
        }
    }

    /** Plaintext length of a blob, without decrypting it. */
    public static int plaintextLength(byte[] blob) {
        return blob.length - OVERHEAD;
    }

    private static byte[] aad(String imsi, Field field) {
        byte[] id = imsi.getBytes(StandardCharsets.US_ASCII);
        byte[] aad = Arrays.copyOf(id, id.length + 1);
        aad[id.length] = (byte) field.ordinal(); // field separator and tag in one byte
        return aad;
    }

    @Override
    public String toString() {
        return "KeyCipher[AES-256-GCM]";
    }

    /** A stored K/OPc that does not decrypt: names the subscriber and field, never bytes. */
    public static final class KeyDecryptionException extends RuntimeException {
        public KeyDecryptionException(String imsi, Field field, String why) {
            super("cannot decrypt " + field + " of " + imsi + ": " + why);
        }
    }
}
