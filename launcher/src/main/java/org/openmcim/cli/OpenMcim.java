package org.openmcim.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code bin/openmcim}: one launcher, one subcommand per role or tool. Each role's issue adds its
 * own subcommand here; {@code --help} on every level lists what exists today.
 */
@Command(name = "openmcim",
        mixinStandardHelpOptions = true,
        versionProvider = OpenMcim.Version.class,
        description = "OpenMCIM: remote MCIM provisioning and operator change for M2M/IoT devices (3GPP TR 33.812).",
        subcommands = {
                AkaCommand.class,
                DemoCommand.class,
                org.openmcim.icf.IcfCommand.class,
                org.openmcim.store.cli.PcidCommand.class,
                org.openmcim.pki.PkiCommand.class,
                org.openmcim.sho.ShoCommand.class,
                org.openmcim.pva.PvaCommand.class,
                org.openmcim.drf.DrfCommand.class,
                org.openmcim.dpf.DpfCommand.class,
                org.openmcim.uesim.UeSimCommand.class,
                LabCommand.class,
                CommandLine.HelpCommand.class
        })
public final class OpenMcim implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (see --help)");
    }

    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    /** A configured command line; tests drive it in-process. */
    public static CommandLine newCommandLine() {
        CommandLine cl = new CommandLine(new OpenMcim());
        // Bad arguments: one-line reason on stderr, usage hint, exit 2 (picocli's USAGE code).
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine cmd = ex.getCommandLine();
            cmd.getErr().println("openmcim: " + ex.getMessage());
            cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
            return cmd.getCommandSpec().exitCodeOnInvalidInput();
        });
        // Failures at run time: one line, no stack trace unless OPENMCIM_DEBUG is set.
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            if (System.getenv("OPENMCIM_DEBUG") != null) {
                ex.printStackTrace(cmd.getErr());
            }
            cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
            // Bad input (arguments, configuration) exits 2; everything else 1.
            return ex instanceof IllegalArgumentException || ex instanceof org.openmcim.config.ConfigException ? 2 : 1;
        });
        return cl;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = OpenMcim.class.getPackage().getImplementationVersion();
            return new String[] {"openmcim " + (v == null ? "development build" : v)};
        }
    }
}
