package org.openmcim.uesim.tre;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * The TRE's persistent storage, standing in for a secure element's sealed storage: a master key
 * made once at manufacture (a 0600 file here; fused in hardware on a real device), from which
 * HKDF derives one key per purpose — the state file's key and one key per MCIM slot, so each
 * operator's credentials are sealed under their own key (IoT seed §3.2.3: strict separation).
 * Writes go to a temporary file that replaces the old one atomically, so a crash leaves either
 * the old state or the new one, never half of each.
 */
final class SealedStore {
    private static final String STATE = "tre-state.sealed";
    private static final String MASTER = "tre-master.key";
    private final Path dir;
    private final byte[] master;
    private final SecureRandom random;

    private SealedStore(Path dir, byte[] master, SecureRandom random) {
        this.dir = dir;
        this.master = master;
        this.random = random;
    }

    static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(STATE));
    }

    /** At manufacture: a new master key. */
    static SealedStore create(Path dir, SecureRandom random) throws IOException {
        Files.createDirectories(dir);
        byte[] master = new byte[32];
        random.nextBytes(master);
        Path f = dir.resolve(MASTER);
        Files.deleteIfExists(f);
        Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(f, master, StandardOpenOption.TRUNCATE_EXISTING);
        return new SealedStore(dir, master, random);
    }

    static SealedStore open(Path dir, SecureRandom random) throws IOException {
        byte[] master = Files.readAllBytes(dir.resolve(MASTER));
        if (master.length != 32) {
            throw new IOException("TRE master key damaged");
        }
        return new SealedStore(dir, master, random);
    }

    /** AES-256-GCM under the key for {@code purpose}: iv ‖ ciphertext ‖ tag. */
    byte[] seal(String purpose, byte[] plain) {
        byte[] key = key(purpose);
        try {
            byte[] iv = new byte[12];
            random.nextBytes(iv);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
            c.updateAAD(purpose.getBytes(StandardCharsets.UTF_8));
            byte[] ct = c.doFinal(plain);
            byte[] out = Arrays.copyOf(iv, 12 + ct.length);
            System.arraycopy(ct, 0, out, 12, ct.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    byte[] unseal(String purpose, byte[] sealed) throws IOException {
        byte[] key = key(purpose);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, sealed, 0, 12));
            c.updateAAD(purpose.getBytes(StandardCharsets.UTF_8));
            return c.doFinal(sealed, 12, sealed.length - 12);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("sealed data for " + purpose + " does not authenticate");
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    void writeState(byte[] plainState) throws IOException {
        Path tmp = dir.resolve(STATE + ".tmp");
        Files.write(tmp, seal("state", plainState));
        Files.move(tmp, dir.resolve(STATE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    byte[] readState() throws IOException {
        return unseal("state", Files.readAllBytes(dir.resolve(STATE)));
    }

    private byte[] key(String purpose) {
        HKDFBytesGenerator h = new HKDFBytesGenerator(new SHA256Digest());
        h.init(new HKDFParameters(master, "OpenMCIM TRE storage".getBytes(StandardCharsets.US_ASCII),
                purpose.getBytes(StandardCharsets.UTF_8)));
        byte[] k = new byte[32];
        h.generateBytes(k, 0, 32);
        return k;
    }
}
