package org.openmcim.store.cli;

import picocli.CommandLine.Command;

/**
 * {@code pcid}: the CHTIF/CCIF tools for the PCID credentials of the IoT seed. The launcher
 * registers this class; its subcommands are {@link PcidIssueCommand} and {@link PcidImportCommand}.
 */
@Command(name = "pcid", mixinStandardHelpOptions = true,
        description = "Issue or import PCID credentials into the credential store.",
        subcommands = {PcidIssueCommand.class, PcidImportCommand.class})
public final class PcidCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand: issue or import");
    }
}
