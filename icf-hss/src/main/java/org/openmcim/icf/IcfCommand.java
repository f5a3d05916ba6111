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

import javax.net.ssl.SSLContext;

import org.openmcim.config.ConfigException;
import org.openmcim.icf.config.IcfConfig;
import org.openmcim.icf.drf.DrfAttachEvents;
import org.openmcim.icf.gx.AttachEvents;
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
 * until interrupted. The configuration is validated before anything listens. With a {@code drf}
 * section, the PCIDs Gx reports attached are posted to that DRF (TR 33.812 §5.1.3.6.2 step 6).
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
            sc.checkLeaseAgainst(cfg.sqn().policy(), storeFile + ": sqn.lease", config + ": sqn.delta");
            if (check) {
                out.println("configuration OK: " + config + " (store " + storeFile + ")");
                return 0;
            }
            byte[] kek = sc.loadKek(storeFile.toAbsolutePath().getParent(), System::getenv);
            try {
                member = StoreMember.start(sc.clusterSettings(Map.of()), sc.databaseSettings(System::getenv),
                        new KeyCipher(kek, new SecureRandom()), sc.sqnLease());
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
                out.println("configuration OK: " + config + (cfg.drf().isPresent() ? " (the drf certificate files are read at start)" : ""));
                return 0;
            }
        }
        // The DRF client's certificate and roots are read before anything listens: a missing PKI stops here.
        SSLContext drfTls = null;
        if (cfg.drf().isPresent()) {
            try {
                drfTls = DrfAttachEvents.tls(cfg.drf().get(), base);
            } catch (ConfigException e) {
                throw new ConfigException(config + ": " + e.getMessage() + " (run 'openmcim pki init' for the development PKI)", e);
            }
        }
        PrometheusMeterRegistry registry = PrometheusEndpoint.newRegistry();
        PrometheusEndpoint metrics = cfg.metrics().isPresent() ? PrometheusEndpoint.start(registry, cfg.metrics().get()) : null;
        Clock clock = Clock.systemUTC();
        DrfAttachEvents drf = drfTls == null ? null
                : DrfAttachEvents.start(DrfAttachEvents.Settings.of(cfg.drf().get()), drfTls, registry, clock);
        IcfServer server = IcfServer.start(cfg, store, registry, clock, new SecureRandom(), drf == null ? AttachEvents.NONE : drf);
        for (int i = 0; i < cfg.identities().size(); i++) {
            IcfConfig.Identity id = cfg.identities().get(i);
            out.println(id.host() + " (" + cfg.mode().name().toLowerCase(java.util.Locale.ROOT) + ") listening on "
                    + server.boundAddresses().get(i) + " for " + id.applications());
        }
        if (drf != null) {
            out.println("PCIDs attached (Gx CCR-Initial) are posted to " + drf.endpoint() + " (mutual TLS)");
        }
        // The Diameter side stops first, so no event arrives after the sender has drained its queue.
        ServiceLifetime.untilStopped(out, metrics, "icf", server, drf, metrics, member);
        return 0;
    }
}
