package org.openmcim.drf;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.openmcim.dpf.StateStore;
import org.openmcim.metrics.PrometheusEndpoint;
import org.openmcim.service.ServiceLifetime;
import org.openmcim.service.StartUp;
import org.openmcim.store.cli.StoreRuntime;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code openmcim drf --config FILE}: runs the DRF until interrupted. The configuration (and every
 * certificate and key it names) is validated before anything listens.
 */
@Command(name = "drf", mixinStandardHelpOptions = true,
        description = {"Run the Discovery and Registration Function (TR 33.812 steps 6-8, 17): SHOs register PCIDs and the ICF",
                "reports PCIDs attached, both over mutual TLS; devices pull their signed bootstrap. Stops on Ctrl-C / SIGTERM."})
public final class DrfCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "DRF YAML, e.g. config/drf.yaml")
    Path config;

    @Option(names = "--check", description = "validate the configuration and exit")
    boolean check;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        DrfConfig cfg = DrfConfig.load(config);
        if (check) {
            out.println("configuration OK: " + config);
            return 0;
        }
        PrometheusMeterRegistry registry = PrometheusEndpoint.newRegistry();
        StateStore.Serving<DrfServer> run;
        PrometheusEndpoint metrics;
        try (StartUp up = new StartUp()) { // a metrics address in use closes the service and its store member again
            run = up.started(launch(cfg, StoreRuntime.system(), registry));
            metrics = up.started(PrometheusEndpoint.start(registry, cfg.metrics()));
            up.succeeded();
        }
        DrfServer server = run.server();
        out.println("DRF devices on https://" + server.deviceAddress().getHostString() + ":" + server.deviceAddress().getPort()
                + "/drf/v1/bootstrap, SHOs on https://" + server.operatorAddress().getHostString() + ":" + server.operatorAddress().getPort()
                + "/drf/v1/registrations (mutual TLS); records " + cfg.state().describe());
        String operator = "https://" + server.operatorAddress().getHostString() + ":" + server.operatorAddress().getPort();
        out.println(cfg.settings().icf().map(i -> "ICF " + String.join("/", i.names()) + " on " + operator + "/drf/v1/attach-events (mutual TLS)")
                .orElse("no ICF configured (icf:): attach events over the network are refused"));
        ServiceLifetime.untilStopped(out, metrics, "drf", server, metrics, run.state());
        return 0;
    }


    /**
     * Opens the configured store (for Hazelcast: joins the cluster as a member) and starts the DRF on
     * it; what the command runs, and what tests start with their own {@code runtime}.
     */
    public static StateStore.Serving<DrfServer> launch(DrfConfig cfg, StoreRuntime runtime, MeterRegistry meters) throws InterruptedException {
        return StateStore.serve(cfg.state(), runtime, state -> {
            DrfServer server = DrfServer.start(cfg, state.tables(), runtime.clock(), runtime.random(), meters);
            // With a Hazelcast store the DRF reaches the ICF's PCID records through its member, as the
            // DPF does for PROVISIONING/RETIRED; with a directory store, through the ICF's admin API
            // when icf-admin: names it (else nothing re-issues the PCID: PcidLifecycle.none()).
            if (cfg.icfAdmin().isPresent()) {
                IcfAdminPcids icf = new IcfAdminPcids(cfg.icfAdmin().get(), cfg.tls(), cfg.tlsProvider().effective("drf"), meters);
                server.closeWith(icf);
                server.drf().reissuePcidOnRevert(icf);
            } else {
                server.drf().reissuePcidOnRevert(state.pcids());
            }
            return server;
        });
    }
}
