package org.openmcim.pki;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code openmcim pki init}: the development PKI for the demo and the lab. */
@Command(name = "pki", mixinStandardHelpOptions = true, description = "Development PKI for the demo and the lab.",
        subcommands = PkiCommand.Init.class)
public final class PkiCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: init");
    }

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = {"Create RO, SHO (two), PVA and M2ME supplier roots and the service certificates (EC P-256).",
                    "Idempotent: an existing complete PKI is kept unless --force; certificates it lacks (added in a later",
                    "version, e.g. icf) are issued under its existing roots."})
    static final class Init implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--dir", defaultValue = ".work/pki", paramLabel = "DIR", description = "where to write it (default .work/pki)")
        Path dir;
        @Option(names = "--force", description = "replace an existing PKI")
        boolean force;

        @Override
        public Integer call() throws Exception {
            boolean existed = DevelopmentPki.exists(dir);
            DevelopmentPki pki = DevelopmentPki.init(dir, Instant.now(), new SecureRandom(), force);
            String kept = pki.added().isEmpty() ? "kept the existing PKI in " : "kept the existing PKI and added " + String.join(", ", pki.added())
                    + " to it in ";
            spec.commandLine().getOut().println((existed && !force ? kept : "created a PKI in ") + dir
                    + ": roots " + String.join(", ", DevelopmentPki.ROOTS) + "; services "
                    + String.join(", ", DevelopmentPki.LEAVES.stream().map(DevelopmentPki.Leaf::name).toList()));
            return 0;
        }
    }
}
