package org.openmcim.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code openmcim lab up|down|status}: the NextEPC lab (Debian's MME/SGW/PGW on loopback, S1AP over
 * framed TCP through the SCTP shim). The work is lab/lab.sh's: installing packages, building the
 * shim, rendering configs and managing the daemons by pid belong in one script that CI, the
 * tests and this command all call.
 */
@Command(name = "lab", mixinStandardHelpOptions = true,
        description = {"The NextEPC lab on loopback: up (install if needed, start MME/SGW/PGW), down (stop exactly those), status.",
                "Start the ICF first (bin/openmcim icf --config config/lab/icf.yaml). See lab/README.md."})
final class LabCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "up|down|status", description = "what to do")
    String verb;

    @Override
    public Integer call() throws Exception {
        if (!verb.matches("up|down|status")) {
            throw new IllegalArgumentException("expected up, down or status, got '" + verb + "'");
        }
        String home = System.getenv("OPENMCIM_HOME");
        Path script = Path.of(home == null ? "." : home, "lab", "lab.sh");
        if (!Files.isExecutable(script)) {
            throw new IllegalArgumentException(script + " not found: run from the repository (bin/openmcim sets OPENMCIM_HOME)");
        }
        return new ProcessBuilder(script.toString(), verb).inheritIO().start().waitFor();
    }
}
