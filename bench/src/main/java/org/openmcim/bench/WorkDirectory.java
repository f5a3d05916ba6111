package org.openmcim.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A benchmark's scratch directory (state directories, H2 files, a development PKI), removed when the
 * JVM exits, System.exit included. The load tools used to leave theirs in /tmp: a session of runs
 * left 41 GB there (StoreLoad's H2 files, ~530 MB a run, and one state directory per bench-prov run),
 * and a filling disk is not what the next run should measure. Set {@code -Dopenmcim.bench.keep=true}
 * to keep it for a look afterwards; its path is printed then.
 */
public final class WorkDirectory {
    private WorkDirectory() {
    }

    public static Path create(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        if (Boolean.getBoolean("openmcim.bench.keep")) {
            System.err.println("work directory kept: " + dir);
        } else {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir), prefix + "-cleanup"));
        }
        return dir;
    }

    /** Deletes {@code dir} and everything under it, deepest first; what cannot be deleted stays. */
    static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // a file a service thread still creates while the JVM exits; the directory stays
                }
            });
        } catch (IOException e) {
            // already gone
        }
    }
}
