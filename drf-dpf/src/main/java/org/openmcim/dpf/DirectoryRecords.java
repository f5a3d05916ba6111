package org.openmcim.dpf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * {@link Records} as one file per record ({@code KEY.json}) in a directory: the DRF's and DPF's
 * {@code state-dir}, which both processes (and several DPFs) write at once.
 *
 * <p><b>Writes.</b> {@link #put} and {@link #putIfAbsent} write the value to a temporary file in the
 * same directory and force it to disk ({@code fsync}) before the record's name points
 * at it: {@code put} renames it over the record (rename(2) replaces atomically), {@code putIfAbsent}
 * hard-links it to the record's name (link(2) fails with EEXIST if the name exists, atomically and
 * across processes, so a DRF and a DPF, or two DPFs, never both insert one key) and then unlinks the
 * temporary name. {@link #claim} from another table of this kind is one hard link to that table's
 * record file: no data is written, so nothing is forced, and link(2) checks in one step that the
 * source exists (ENOENT) and that this table has no such record (EEXIST).
 *
 * <p><b>What survives what.</b>
 * <ul>
 * <li>A killed or crashed process (a DRF or DPF restart): every write that returned. Readers in other
 * processes see a record whole or not at all.</li>
 * <li>Power loss or a kernel crash: a record's contents are on disk before its name is made, so a
 * name that survives names a whole record, never a half-written or empty one. The name itself is
 * not forced (no fsync of the directory): it reaches the disk with the filesystem's next journal
 * commit (ext4: at most {@code commit=} seconds later, 5 by default, and in practice at the next
 * fsync on that filesystem, such as the next record's). So a write that returned just before the
 * power went may be missing afterwards: an issued nonce (the device pulls a new bootstrap), a
 * used nonce (usable once more until its bootstrap expires), a session (the device cannot fetch
 * its MCIMobj again and starts over), a session's close (it reads as delivered again). A claimed
 * record shares the source's file, which was forced when it was written. This is the story since
 * the first version of this class; forcing the directory after every name would close it at the
 * price of one more journal commit per write.</li>
 * <li>Temporary files ({@code .tmp-*}) a crash leaves behind carry no record name: never read, and
 * left for an operator to delete.</li>
 * </ul>
 *
 * <p>{@code fsync}, not {@code fdatasync}: records need only their bytes and length forced, which
 * fdatasync would do, but it saved no measurable CPU (bench RecordWrites: 221 against 223 µs per
 * write) and in 3 of 4 open-loop bench-prov runs with it the DRF's bootstrap answer took 5-6 ms on
 * average against 2 ms, with session p99 of 300-600 ms (docs/benchmarks.md, issue #5, 2026-11-23
 * 22:44-23:22); the cause was not established, so the primitive stays what it was.
 */
public final class DirectoryRecords implements Records {
    private static final String SUFFIX = ".json";
    private static final String TEMP_PREFIX = ".tmp-";
    private final Path dir;
    /**
     * Temporary names are this instance's random tag and a counter: unique across the processes and
     * instances sharing the directory without a SecureRandom call per write (afbdb0d drew 8 bytes for
     * every name). They need not be secret: they are created with O_CREAT|O_EXCL (CREATE_NEW), which
     * refuses an existing file or a planted symbolic link; on such a clash (two instances given
     * identically seeded generators, or a stray file) the name gets fresh random bytes as before.
     */
    private final String tempTag;
    private final AtomicLong tempCounter = new AtomicLong();
    private final SecureRandom random;

    public DirectoryRecords(Path dir, SecureRandom random) {
        this.dir = dir;
        this.random = random;
        byte[] tag = new byte[8];
        random.nextBytes(tag);
        this.tempTag = TEMP_PREFIX + HexFormat.of().formatHex(tag) + "-";
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
        Path target = file(key);
        Path tmp = temp(value);
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
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

    /**
     * One hard link from {@code source}'s record file when {@code source} is a table of this kind (see
     * the class comment); otherwise, and where the link cannot be made for a reason other than the
     * two answers it exists to give (the tables on two filesystems: EXDEV), {@link Records#claim}'s
     * read and putIfAbsent, which is once-only too.
     */
    @Override
    public Claim claim(String key, Records source) {
        if (!(source instanceof DirectoryRecords from)) {
            return Records.super.claim(key, source);
        }
        Path target = file(key);
        try {
            Files.createLink(target, from.file(key));
            return Claim.CLAIMED;
        } catch (FileAlreadyExistsException e) {
            return Claim.TAKEN;
        } catch (NoSuchFileException e) {
            // link(2) resolves the source before it looks at the new name: a forgotten source is
            // NO_SOURCE even where this table still holds the key, as a read of the source would say.
            return Claim.NO_SOURCE;
        } catch (FileSystemException e) {
            return Records.super.claim(key, source);
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
        String name = tempTag + tempCounter.incrementAndGet();
        for (int attempt = 0;; attempt++) {
            Path tmp = dir.resolve(name);
            FileChannel ch;
            try {
                ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException e) {
                if (attempt == 3) {
                    throw new UncheckedIOException(e);
                }
                byte[] r = new byte[8];
                random.nextBytes(r);
                name = tempTag + tempCounter.incrementAndGet() + "-" + HexFormat.of().formatHex(r);
                continue;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try (ch) {
                ByteBuffer b = ByteBuffer.wrap(value);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true); // durable before any record name points at it (class comment: why not fdatasync)
                return tmp;
            } catch (IOException e) {
                deleteQuietly(tmp);
                throw new UncheckedIOException(e);
            }
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
