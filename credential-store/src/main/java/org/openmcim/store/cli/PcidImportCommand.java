package org.openmcim.store.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.openmcim.config.ConfigException;
import org.openmcim.store.batch.BatchImporter;
import org.openmcim.store.batch.LineError;
import org.openmcim.store.config.StoreConfig;
import org.openmcim.store.hazelcast.StoreMember;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code pcid import --config FILE BATCH.csv}: imports a supplier batch all or nothing; on any bad
 * line prints every problem with its line number and stores nothing (exit 1).
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Import a supplier batch CSV (imsi,k,opc[,amf,sqn,algorithm,lifetime]); all lines or none.")
public final class PcidImportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "store YAML config")
    Path config;

    @Parameters(index = "0", paramLabel = "BATCH.csv", description = "supplier batch file")
    Path batch;

    private final StoreRuntime runtime;

    public PcidImportCommand() {
        this(StoreRuntime.system());
    }

    public PcidImportCommand(StoreRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        StoreConfig cfg;
        try {
            cfg = StoreConfig.load(config);
        } catch (ConfigException e) {
            err.println("pcid import: " + e.getMessage());
            return 2;
        }
        if (!Files.isReadable(batch)) {
            err.println("pcid import: cannot read " + batch);
            return 2;
        }
        try (StoreMember member = runtime.join(cfg, config);
             BufferedReader in = Files.newBufferedReader(batch, StandardCharsets.US_ASCII)) {
            BatchImporter importer = new BatchImporter(member.store(), runtime.clock(),
                    BatchImporter.Defaults.of(cfg.issuer(), cfg.profile()));
            BatchImporter.Report r = importer.importCsv(in);
            if (!r.ok()) {
                for (LineError e : r.errors()) {
                    err.println(batch + ": " + e);
                }
                err.println("pcid import: " + r.errors().size() + " problem(s); nothing imported from " + batch);
                return 1;
            }
            spec.commandLine().getOut().println("imported " + r.imported() + " PCIDs from " + batch);
            return 0;
        } catch (ConfigException e) {
            err.println("pcid import: " + e.getMessage());
            return 2;
        }
    }
}
