package org.openmcim.uesim.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * {@code lab/lab.sh up|down|status}, the NextEPC lab the simulator attaches through, run from Java:
 * by the lab tests, the demo ({@code DemoNetwork}) and the attach benchmark ({@code NextEpcLab}).
 */
public final class LabScript {
    /** {@code up} may install Debian packages and build the lab's helpers the first time. */
    private static final long TIMEOUT_SECONDS = 600;

    private LabScript() {
    }

    /**
     * Runs {@code lab/lab.sh verb} in {@code repo}, its output (both streams) to {@code log}, or to this
     * process's own when {@code log} is null. Returns the script's exit code, -1 if it ran longer than
     * ten minutes (then it is killed).
     */
    public static int run(Path repo, String verb, Path log) throws IOException, InterruptedException {
        ProcessBuilder b = new ProcessBuilder(repo.resolve("lab/lab.sh").toString(), verb).directory(repo.toFile());
        if (log == null) {
            b.inheritIO();
        } else {
            Files.createDirectories(log.toAbsolutePath().getParent());
            b.redirectErrorStream(true).redirectOutput(log.toFile());
        }
        Process p = b.start();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
