package org.openmcim.sho;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.openmcim.config.ConfigException;
import org.openmcim.icf.IcfServer;
import org.openmcim.icf.config.IcfConfig;
import org.openmcim.metrics.PrometheusEndpoint;
import org.openmcim.service.ServiceLifetime;
import org.openmcim.service.StartUp;
import org.openmcim.pki.Credential;
import org.openmcim.pki.TlsProvider;
import org.openmcim.store.CredentialStore;
import org.openmcim.store.InMemoryCredentialStore;
import org.openmcim.store.KeyCipher;
import org.openmcim.store.config.StoreConfig;
import org.openmcim.store.hazelcast.StoreMember;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code openmcim sho --config FILE}: runs one Selected Home Operator until interrupted. With
 * {@code hss:} in the configuration the SHO's HSS (icf-hss, {@code mode: home}) runs in the same
 * process on the same credential store, so an MCIM the SHO issues can attach at once (TR step 15);
 * with a Hazelcast store a separately started HSS shares the cluster instead.
 */
@Command(name = "sho", mixinStandardHelpOptions = true,
        description = {"Run a Selected Home Operator: contracts, provisioning via the PVA, MCIM issuance into its HSS,",
                "operator change and discard with a grace period. Stops on Ctrl-C / SIGTERM."})
public final class ShoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "SHO YAML, e.g. config/sho1.yaml")
    Path config;

    @Option(names = "--check", description = "validate the configuration and the files it names, and exit")
    boolean check;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ShoConfig cfg = ShoConfig.load(config);
        Path base = config.toAbsolutePath().getParent();
        ShoService.Settings settings = cfg.settings();
        IcfConfig hssConfig = null;
        if (cfg.hss().isPresent()) {
            hssConfig = IcfConfig.load(base.resolve(cfg.hss().get()));
            if (hssConfig.mode() != IcfConfig.Mode.HOME) {
                throw new ConfigException(config + ": hss: " + cfg.hss().get() + " must say 'mode: home' (the SHO's HSS serves MCIM IMSIs)");
            }
            if (!hssConfig.imsiRanges().stream().anyMatch(cfg.imsiPrefix()::startsWith)) {
                throw new ConfigException(config + ": imsi-prefix: " + cfg.imsiPrefix() + " is not served by the HSS in " + cfg.hss().get());
            }
        }
        StoreConfig storeConfig = null;
        Path storeFile = null;
        if (cfg.store().type().equals("hazelcast")) {
            storeFile = base.resolve(cfg.store().config().orElseThrow());
            storeConfig = StoreConfig.load(storeFile);
            if (hssConfig != null) {
                storeConfig.checkLeaseAgainst(hssConfig.sqn().policy(), storeFile + ": sqn.lease",
                        base.resolve(cfg.hss().get()) + ": sqn.delta");
            }
        }
        if (check) {
            out.println("configuration OK: " + config);
            return 0;
        }
        Running run = launch(cfg, settings, hssConfig, storeConfig, storeFile, Clock.systemUTC(), new SecureRandom());
        ShoService sho = run.sho();
        IcfServer hss = run.hss();
        PrometheusEndpoint metrics = run.metrics();
        out.println(cfg.shoId() + " listening on https://" + sho.address().getHostString() + ":" + sho.address().getPort()
                + " (operators, mutual TLS) and https://" + sho.deviceAddress().getHostString() + ":" + sho.deviceAddress().getPort()
                + " (devices)");
        if (hss != null) {
            out.println(cfg.shoId() + " HSS listening on " + hss.boundAddresses());
        }
        ServiceLifetime.untilStopped(out, metrics, "sho", run);
        return 0;
    }

    /** A running SHO: its service, its HSS (if embedded), metrics endpoint, store member and sweeper. */
    public record Running(ShoService sho, IcfServer hss, PrometheusEndpoint metrics, StoreMember member, ScheduledExecutorService sweeper,
                          CredentialStore store) implements AutoCloseable {
        @Override
        public void close() {
            sweeper.shutdownNow();
            sho.close();
            if (hss != null) {
                hss.close();
            }
            if (metrics != null) {
                metrics.close();
            }
            if (member != null) {
                member.close();
            }
        }
    }

    /** Starts everything {@code cfg} describes (validated beforehand by {@link #call()} or a test). */
    static Running launch(ShoConfig cfg, ShoService.Settings settings, IcfConfig hssConfig, StoreConfig storeConfig, Path storeFile, Clock clock,
                          SecureRandom random) throws Exception {
        // Whatever starts is closed again if a later step fails (a port in use): a store member left
        // running would keep the JVM alive after the error.
        try (StartUp up = new StartUp()) {
            Running run = launch(cfg, settings, hssConfig, storeConfig, storeFile, clock, random, up);
            up.succeeded();
            return run;
        }
    }

    private static Running launch(ShoConfig cfg, ShoService.Settings settings, IcfConfig hssConfig, StoreConfig storeConfig, Path storeFile,
                                  Clock clock, SecureRandom random, StartUp up) throws Exception {
        StoreMember member = null;
        CredentialStore store;
        if (storeConfig != null) {
            byte[] kek = storeConfig.loadKek(storeFile.toAbsolutePath().getParent(), System::getenv);
            try {
                member = up.started(StoreMember.start(storeConfig.clusterSettings(Map.of()), storeConfig.databaseSettings(System::getenv),
                        new KeyCipher(kek, random), storeConfig.sqnLease(), storeConfig.sqnBlocks()));
            } finally {
                Arrays.fill(kek, (byte) 0);
            }
            store = member.store();
        } else {
            store = new InMemoryCredentialStore();
        }
        PrometheusMeterRegistry registry = PrometheusEndpoint.newRegistry();
        PrometheusEndpoint metrics = up.started(PrometheusEndpoint.start(registry, cfg.metrics()));
        IcfServer hss = hssConfig == null ? null : up.started(IcfServer.start(hssConfig, store, registry, clock, random));
        Credential identity = settings.identity();
        McimIssuer issuer = new McimIssuer(store, cfg.imsiPrefix(), cfg.shoId(), identity, cfg.apn(), random, clock);
        // The operator hops on the same TLS stack and key-exchange groups as the listeners (tls.provider, tls.groups).
        TlsProvider tls = settings.tlsProvider().effective("sho-" + cfg.shoId());
        PvaClient pva = new PvaClient(cfg.pvaUrl(), identity, cfg.roots(cfg.pvaRoots()), clock, tls, settings.tlsGroups());
        DrfClient drf = cfg.drfUrl().map(u -> new DrfClient(u, operatorUrl(settings.listen()), identity, settings.roRoots(), tls,
                settings.tlsGroups())).orElse(null);
        ShoService sho = up.started(ShoService.start(settings, issuer, pva, drf, registry, clock, random));
        ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sho-withdrawals");
            t.setDaemon(true);
            return t;
        });
        long every = cfg.sweepInterval().toMillis();
        sweeper.scheduleWithFixedDelay(sho::sweep, every, every, TimeUnit.MILLISECONDS);
        return new Running(sho, hss, metrics, member, sweeper, store);
    }

    /** The SHO's operator URL as the DRF records it; loopback listeners are named "localhost", as the development PKI certifies. */
    static java.net.URI operatorUrl(java.net.InetSocketAddress listen) {
        String host = listen.getAddress() != null && listen.getAddress().isLoopbackAddress() ? "localhost" : listen.getHostString();
        return java.net.URI.create("https://" + host + ":" + listen.getPort());
    }

    /** Loads and validates {@code file} and starts the SHO (tests; the command adds --check and the shutdown hook). */
    public static Running launch(Path file, Clock clock, SecureRandom random) throws Exception {
        ShoConfig cfg = ShoConfig.load(file);
        Path base = file.toAbsolutePath().getParent();
        IcfConfig hssConfig = cfg.hss().map(h -> IcfConfig.load(base.resolve(h))).orElse(null);
        return launch(cfg, cfg.settings(), hssConfig, null, null, clock, random);
    }
}
