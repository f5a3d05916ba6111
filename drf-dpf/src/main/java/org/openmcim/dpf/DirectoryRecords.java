package org.openmcim.dpf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@link Records} as one file per record in a directory. Every write goes to a temporary file that
 * is forced to disk first; {@link #put} then renames it over the record (atomic replace), and
 * {@link #putIfAbsent} hard-links it to the record name, which fails if the record exists — so two
 * processes sharing the directory (a DRF and a DPF) can never both consume one nonce.
 */
public final class DirectoryRecords implements Records {
    private static final String SUFFIX = ".json";
    private final Path dir;
    private final SecureRandom random;

    public DirectoryRecords(Path dir, SecureRandom random) {
        this.dir = dir;
        this.random = random;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    private Path file(String key) {
        return dir.resolve(Records.checkKey(key) + SUFFIX);
    }

    @Override
    public Optional<byte[]> get(String key) {
        try {
            return Optional.of(Files.readAllBytes(file(key)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean putIfAbsent(String key, byte[] value) {
        Path target = file(key);
        Path tmp = temp(value);
        try {
            Files.createLink(target, tmp);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    @Override
    public void put(String key, byte[] value) {
        Path tmp = temp(value);
        try {
            Files.move(tmp, file(key), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean remove(String key) {
        try {
            return Files.deleteIfExists(file(key));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<String> keys() {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(SUFFIX))
                    .forEach(n -> out.add(n.substring(0, n.length() - SUFFIX.length())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private Path temp(byte[] value) {
        byte[] r = new byte[8];
        random.nextBytes(r);
        Path tmp = dir.resolve(".tmp-" + HexFormat.of().formatHex(r));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(value));
            ch.force(true); // durable before it becomes visible under its name
            return tmp;
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a stray temporary file is harmless: it never carries a record name
        }
    }
}
