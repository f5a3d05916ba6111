package org.openmcim.dpf;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

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
 * {@code openmcim dpf --config FILE}: runs the DPF until interrupted. The configuration (and every
 * certificate and key it names) is validated before anything listens.
 */
@Command(name = "dpf", mixinStandardHelpOptions = true,
        description = {"Run the Download and Provisioning Function (TR 33.812 steps 10-11, 16-17, 19-20): devices provision,",
                "download and report; the DPF relays to the SHO over mutual TLS. Stops on Ctrl-C / SIGTERM."})
public final class DpfCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "DPF YAML, e.g. config/dpf.yaml")
    Path config;

    @Option(names = "--check", description = "validate the configuration and exit")
    boolean check;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        DpfConfig cfg = DpfConfig.load(config);
        if (check) {
            out.println("configuration OK: " + config);
            return 0;
        }
        PrometheusMeterRegistry registry = PrometheusEndpoint.newRegistry();
        StateStore.Serving<DpfServer> run;
        PrometheusEndpoint metrics;
        try (StartUp up = new StartUp()) { // a metrics address in use closes the service and its store member again
            run = up.started(launch(cfg, StoreRuntime.system(), registry));
            metrics = up.started(PrometheusEndpoint.start(registry, cfg.metrics()));
            up.succeeded();
        }
        DpfServer server = run.server();
        out.println("DPF on https://" + server.address().getHostString() + ":" + server.address().getPort() + "/dpf/v1; records "
                + cfg.state().describe());
        ServiceLifetime.untilStopped(out, metrics, "dpf", server, metrics, run.state());
        return 0;
    }


    /**
     * Opens the configured store and starts the DPF on it. With Hazelcast the DPF also reaches the
     * ICF's PCID records through its member and moves them to PROVISIONING and RETIRED.
     */
    public static StateStore.Serving<DpfServer> launch(DpfConfig cfg, StoreRuntime runtime, MeterRegistry meters) throws InterruptedException {
        return StateStore.serve(cfg.state(), runtime,
                state -> DpfServer.start(cfg, state.tables(), state.pcids(), runtime.clock(), runtime.random(), meters));
    }
}
