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
import org.openmcim.http.JsonHttpServer;
import org.openmcim.icf.admin.AdminApi;
import org.openmcim.icf.chtif.ChtifClient;
import org.openmcim.icf.chtif.CredentialFetch;
import org.openmcim.icf.config.IcfConfig;
import org.openmcim.icf.drf.DrfAttachEvents;
import org.openmcim.icf.gx.AttachEvents;
import org.openmcim.metrics.PrometheusEndpoint;
import org.openmcim.service.ServiceLifetime;
import org.openmcim.service.StartUp;
import org.openmcim.store.CredentialStore;
import org.openmcim.store.InMemoryCredentialStore;
import org.openmcim.store.KeyCipher;
import org.openmcim.store.batch.BatchImporter;
import org.openmcim.store.batch.LineError;
import org.openmcim.store.config.StoreConfig;
import org.openmcim.store.hazelcast.StoreMember;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.ssl.SslContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code openmcim icf --config FILE}: runs the ICF (or, with {@code mode: home}, an SHO's HSS)
 * until interrupted. The configuration is validated before anything listens. With a {@code drf}
 * section, the PCIDs Gx reports attached are posted to that DRF (TR 33.812 §5.1.3.6.2 step 6); with
 * {@code chtif}, unknown PCIDs of its ranges are fetched from it (step 3 NOTE 1); with {@code admin},
 * the admin API listens (issue, import, inspect, revoke).
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
        // Whatever starts below is closed again if a later step fails (a missing certificate, a port
        // in use): a store member left running would keep the JVM alive after the error.
        try (StartUp up = new StartUp()) {
            return run(out, cfg, up);
        }
    }

    private int run(PrintWriter out, IcfConfig cfg, StartUp up) throws Exception {
        Path base = config.toAbsolutePath().getParent();
        StoreMember member = null;
        CredentialStore store;
        // What PCIDs issued or imported over the admin API, or fetched from the CHTIF, record as their
        // origin: the store file's issuer and profile, as 'openmcim pcid issue/import' on that store do.
        AdminApi.Origin origin = new AdminApi.Origin("icf-admin", cfg.profile().apn());
        if (cfg.store().type().equals("hazelcast")) {
            Path storeFile = base.resolve(cfg.store().config().orElseThrow());
            StoreConfig sc = StoreConfig.load(storeFile);
            sc.checkLeaseAgainst(cfg.sqn().policy(), storeFile + ": sqn.lease", config + ": sqn.delta");
            origin = new AdminApi.Origin(sc.issuer(), sc.profile());
            if (check) {
                out.println("configuration OK: " + config + " (store " + storeFile + ")");
                return 0;
            }
            byte[] kek = sc.loadKek(storeFile.toAbsolutePath().getParent(), System::getenv);
            try {
                member = up.started(StoreMember.start(sc.clusterSettings(Map.of()), sc.databaseSettings(System::getenv),
                        new KeyCipher(kek, new SecureRandom()), sc.sqnLease(), sc.sqnBlocks()));
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
                boolean pki = cfg.drf().isPresent() || cfg.admin().isPresent() || cfg.chtif().isPresent();
                out.println("configuration OK: " + config + (pki ? " (certificate files are read at start)" : ""));
                return 0;
            }
        }
        // Certificates and roots are read before anything listens: a missing PKI stops here.
        SSLContext drfTls = null;
        SSLContext chtifTls = null;
        SslContext adminTls = null;
        try {
            if (cfg.drf().isPresent()) {
                drfTls = DrfAttachEvents.tls(cfg.drf().get(), base);
            }
            if (cfg.chtif().isPresent()) {
                chtifTls = ChtifClient.tls(cfg.chtif().get(), base);
            }
            if (cfg.admin().isPresent()) {
                adminTls = AdminApi.tls(cfg.admin().get(), base);
            }
        } catch (ConfigException e) {
            throw new ConfigException(config + ": " + e.getMessage() + " (run 'openmcim pki init' for the development PKI)", e);
        }
        PrometheusMeterRegistry registry = PrometheusEndpoint.newRegistry();
        PrometheusEndpoint metrics = up.started(PrometheusEndpoint.start(registry, cfg.metrics()));
        Clock clock = Clock.systemUTC();
        DrfAttachEvents drf = drfTls == null ? null
                : up.started(DrfAttachEvents.start(DrfAttachEvents.Settings.of(cfg.drf().get()), drfTls, registry, clock));
        ChtifClient chtif = chtifTls == null ? null
                : up.started(ChtifClient.start(ChtifClient.Settings.of(cfg.chtif().get(), origin.profile()), chtifTls, store, registry, clock));
        SecureRandom random = new SecureRandom();
        IcfServer server = up.started(IcfServer.start(cfg, store, registry, clock, random, drf == null ? AttachEvents.NONE : drf,
                chtif == null ? CredentialFetch.NONE : chtif));
        JsonHttpServer admin = adminTls == null ? null
                : up.started(new AdminApi(cfg, store, server.pcidRetirement(), origin, clock, random).start(adminTls));
        up.succeeded();
        for (int i = 0; i < cfg.identities().size(); i++) {
            IcfConfig.Identity id = cfg.identities().get(i);
            out.println(id.host() + " (" + cfg.mode().name().toLowerCase(java.util.Locale.ROOT) + ") listening on "
                    + server.boundAddresses().get(i) + " for " + id.applications());
        }
        if (drf != null) {
            out.println("PCIDs attached (Gx CCR-Initial) are posted to " + drf.endpoint() + " (mutual TLS)");
        }
        if (chtif != null) {
            out.println("unknown PCIDs in " + String.join(",", cfg.chtif().get().imsiRanges()) + " are fetched from the CHTIF at "
                    + chtif.url() + " (mutual TLS, timeout " + cfg.chtif().get().timeout().toMillis() + " ms)");
        }
        if (admin != null) {
            out.println("admin API on https://" + admin.address().getHostString() + ":" + admin.address().getPort()
                    + " (mutual TLS, CN " + String.join(" or ", new java.util.TreeSet<>(cfg.admin().get().names())) + ")");
        }
        // The admin API stops taking changes first; the Diameter side stops before the CHTIF client and
        // before the DRF sender, so no fetch starts and no event arrives after they have stopped.
        ServiceLifetime.untilStopped(out, metrics, "icf", admin, server, chtif, drf, metrics, member);
        return 0;
    }
}
