package org.openmcim.store.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import org.openmcim.aka.Hex;
import org.openmcim.config.ConfigException;
import org.openmcim.store.Subscriber;
import org.openmcim.store.batch.PcidIssuer;
import org.openmcim.store.config.StoreConfig;
import org.openmcim.store.hazelcast.StoreMember;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code pcid issue --config FILE --count N --range MCCMNC... --out BATCH.csv}: generates and
 * stores N PCIDs, and writes the supplier's batch file (clear K/OPc, so it is created owner-only
 * and never overwritten). Prints counts and the file name, never a key.
 */
@Command(name = "issue", mixinStandardHelpOptions = true,
        description = "Generate N PCIDs (random K/OPc) in MCC+MNC ranges, store them, write the supplier batch CSV.")
public final class PcidIssueCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "store YAML config")
    Path config;

    @Option(names = "--count", required = true, paramLabel = "N", description = "how many PCIDs")
    int count;

    @Option(names = "--range", required = true, arity = "1..*", paramLabel = "MCCMNC",
            description = "MCC+MNC prefixes (5 or 6 digits); PCIDs are spread over them in turn")
    List<String> ranges;

    @Option(names = "--out", required = true, paramLabel = "BATCH.csv", description = "supplier batch CSV to create (must not exist)")
    Path out;

    @Option(names = "--lifetime", defaultValue = "P365D", description = "PCID lifetime, ISO-8601 (default ${DEFAULT-VALUE})")
    Duration lifetime;

    @Option(names = "--amf", defaultValue = "8000", description = "AMF, 4 hex digits (default ${DEFAULT-VALUE})")
    String amf;

    private final StoreRuntime runtime;

    public PcidIssueCommand() {
        this(StoreRuntime.system());
    }

    public PcidIssueCommand(StoreRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        PcidIssuer.Request req;
        StoreConfig cfg;
        try {
            cfg = StoreConfig.load(config);
            byte[] amfBytes = Hex.decode("--amf", amf, 2);
            req = new PcidIssuer.Request(count, ranges, amfBytes, lifetime, cfg.issuer(), cfg.profile());
        } catch (ConfigException | IllegalArgumentException e) {
            err.println("pcid issue: " + e.getMessage());
            return 2;
        }
        if (Files.exists(out)) {
            err.println("pcid issue: " + out + " exists; not overwriting a batch file");
            return 2;
        }
        try (StoreMember member = runtime.join(cfg, config)) {
            List<Subscriber> issued = new PcidIssuer(member.store(), runtime.random(), runtime.clock()).issue(req);
            writeOwnerOnly(issued);
            stdout.println("issued " + issued.size() + " PCIDs in " + String.join(",", ranges) + " (issuer "
                    + cfg.issuer() + ", lifetime " + lifetime + "); batch written to " + out);
            return 0;
        } catch (ConfigException e) {
            err.println("pcid issue: " + config + ": " + e.getMessage());
            return 2;
        }
    }

    private void writeOwnerOnly(List<Subscriber> issued) throws IOException {
        try {
            Files.createFile(out, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(out);
        } catch (FileAlreadyExistsException e) {
            throw new IOException(out + " appeared while issuing; the PCIDs are stored, rerun with another --out is NOT possible: export them", e);
        }
        try (Writer w = Files.newBufferedWriter(out, StandardCharsets.US_ASCII, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            PcidIssuer.writeCsv(issued, w);
        }
    }
}
