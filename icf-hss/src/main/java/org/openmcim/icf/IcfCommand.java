package org.openmcim.icf;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;

import org.openmcim.config.ConfigException;
import org.openmcim.icf.config.IcfConfig;
import org.openmcim.metrics.PrometheusEndpoint;
import org.openmcim.service.ServiceLifetime;
import org.openmcim.store.CredentialStore;
import org.openmcim.store.InMemoryCredentialStore;
import org.openmcim.store.KeyCipher;
import org.openmcim.store.batch.BatchImporter;
import org.openmcim.store.batch.LineError;
import org.openmcim.store.config.StoreConfig;
import org.openmcim.store.hazelcast.StoreMember;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code openmcim icf --config FILE}: runs the ICF (or, with {@code mode: home}, an SHO's HSS)
 * until interrupted. The configuration is validated before anything listens.
 */
@Command(name = "icf", mixinStandardHelpOptions = true,
        description = {"Run the Initial Connectivity Function: Diameter S6a, SWx and Gx for PCIDs,",
                "or with 'mode: home' the SHO's HSS for MCIM IMSIs. Stops on Ctrl-C / SIGTERM."})
public final class IcfCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "ICF YAML, e.g. config/icf.yaml or config/lab/icf.yaml")
    Path config;

    @Option(names = "--check", description = "validate the configuration (and import files) and exit")
    boolean check;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        IcfConfig cfg = IcfConfig.load(config);
        Path base = config.toAbsolutePath().getParent();
        StoreMember member = null;
        CredentialStore store;
        if (cfg.store().type().equals("hazelcast")) {
            Path storeFile = base.resolve(cfg.store().config().orElseThrow());
            StoreConfig sc = StoreConfig.load(storeFile);
            if (check) {
                out.println("configuration OK: " + config + " (store " + storeFile + ")");
                return 0;
            }
            byte[] kek = sc.loadKek(storeFile.toAbsolutePath().getParent(), System::getenv);
            try {
                member = StoreMember.start(sc.clusterSettings(Map.of()), sc.databaseSettings(System::getenv),
                        new KeyCipher(kek, new SecureRandom()));
            } finally {
                Arrays.fill(kek, (byte) 0);
            }
            store = member.store();
        } else {
            store = new InMemoryCredentialStore();
            for (Path p : cfg.store().imports()) {
                Path file = base.resolve(p);
                try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    BatchImporter.Report report = new BatchImporter(store, Clock.systemUTC(),
                            BatchImporter.Defaults.of("import:" + file.getFileName(), cfg.profile().apn())).importCsv(r);
                    if (!report.ok()) {
                        for (LineError e : report.errors()) {
                            spec.commandLine().getErr().println(file + ":" + e.line() + ": " + e.problem());
                        }
                        throw new ConfigException(file + ": " + report.errors().size() + " invalid line(s); nothing imported");
                    }
                    out.println("imported " + report.imported() + " subscriber(s) from " + file);
                }
            }
            if (check) {
                out.println("configuration OK: " + config);
                return 0;
            }
        }
        PrometheusMeterRegistry registry = PrometheusEndpoint.newRegistry();
        PrometheusEndpoint metrics = cfg.metrics().isPresent() ? PrometheusEndpoint.start(registry, cfg.metrics().get()) : null;
        IcfServer server = IcfServer.start(cfg, store, registry, Clock.systemUTC(), new SecureRandom());
        for (int i = 0; i < cfg.identities().size(); i++) {
            IcfConfig.Identity id = cfg.identities().get(i);
            out.println(id.host() + " (" + cfg.mode().name().toLowerCase(java.util.Locale.ROOT) + ") listening on "
                    + server.boundAddresses().get(i) + " for " + id.applications());
        }
        ServiceLifetime.untilStopped(out, metrics, "icf", server, metrics, member);
        return 0;
    }
}
