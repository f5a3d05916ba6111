package org.openmcim.aka.kdf;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * HMAC-SHA-256 (RFC 2104 with SHA-256) on top of one reusable {@link MessageDigest}.
 *
 * <p>The 3GPP key derivations use a different key on almost every call, so the per-call cost of
 * {@code javax.crypto.Mac.init} (key object, provider lookup, state objects) is avoided: a key
 * is simply padded to the block size and XORed with ipad/opad here. SHA-256 itself keeps the JDK
 * intrinsics.
 *
 * <p>Not thread-safe: one instance per thread (or per owning object). Usage is
 * {@link #start(byte[])}, any number of {@code update} calls, then {@link #finish(byte[], int)}.
 * The padded key is wiped in {@code finish}.
 */
final class HmacSha256 {
    static final int BLOCK_BYTES = 64;
    static final int MAC_BYTES = 32;

    private static final byte IPAD = 0x36;
    private static final byte OPAD = 0x5c;

    private final MessageDigest sha256;
    private final byte[] keyBlock = new byte[BLOCK_BYTES];
    private final byte[] padded = new byte[BLOCK_BYTES];
    private final byte[] innerHash = new byte[MAC_BYTES];

    HmacSha256() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // Every Java SE platform must provide SHA-256.
            throw new IllegalStateException("SHA-256 not available", e);
        }
    }

    /** Starts a MAC under {@code key} (any length; RFC 2104 §2: keys longer than a block are hashed). */
    void start(byte[] key) {
        start(key, 0, key.length);
    }

    void start(byte[] key, int offset, int length) {
        sha256.reset();
        if (length > BLOCK_BYTES) {
            sha256.update(key, offset, length);
            digestInto(keyBlock, 0);
            Arrays.fill(keyBlock, MAC_BYTES, BLOCK_BYTES, (byte) 0);
        } else {
            System.arraycopy(key, offset, keyBlock, 0, length);
            Arrays.fill(keyBlock, length, BLOCK_BYTES, (byte) 0);
        }
        for (int i = 0; i < BLOCK_BYTES; i++) {
            padded[i] = (byte) (keyBlock[i] ^ IPAD);
        }
        sha256.update(padded, 0, BLOCK_BYTES);
    }

    void update(byte b) {
        sha256.update(b);
    }

    void update(byte[] data) {
        sha256.update(data, 0, data.length);
    }

    void update(byte[] data, int offset, int length) {
        sha256.update(data, offset, length);
    }

    /** Writes the 32-byte MAC to {@code out[offset..offset+31]} and wipes the key state. */
    void finish(byte[] out, int offset) {
        digestInto(innerHash, 0);
        for (int i = 0; i < BLOCK_BYTES; i++) {
            padded[i] = (byte) (keyBlock[i] ^ OPAD);
        }
        sha256.update(padded, 0, BLOCK_BYTES);
        sha256.update(innerHash, 0, MAC_BYTES);
        digestInto(out, offset);
        Arrays.fill(keyBlock, (byte) 0);
        Arrays.fill(padded, (byte) 0);
        Arrays.fill(innerHash, (byte) 0);
    }

    /** One-shot convenience: HMAC-SHA-256(key, data). */
    byte[] mac(byte[] key, byte[] data) {
        start(key);
        update(data);
        byte[] out = new byte[MAC_BYTES];
        finish(out, 0);
        return out;
    }

    private void digestInto(byte[] out, int offset) {
        try {
            sha256.digest(out, offset, MAC_BYTES);
        } catch (DigestException e) {
            // Only thrown for a too-small buffer, which callers never pass.
            throw new IllegalStateException(e);
        }
    }
}
