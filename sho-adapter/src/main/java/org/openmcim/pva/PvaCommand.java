package org.openmcim.pva;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;

import org.openmcim.metrics.PrometheusEndpoint;
import org.openmcim.service.ServiceLifetime;
import org.openmcim.service.StartUp;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code openmcim pva --config FILE}: runs the Platform Validation Authority until interrupted. */
@Command(name = "pva", mixinStandardHelpOptions = true,
        description = {"Run the Platform Validation Authority (TR 33.812 steps 12-14): HTTPS with mutual TLS for SHOs,",
                "signed verdicts, reference values, revocation and status. Stops on Ctrl-C / SIGTERM."})
public final class PvaCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "PVA YAML, e.g. config/pva.yaml")
    Path config;

    @Option(names = "--check", description = "validate the configuration and the files it names, and exit")
    boolean check;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PvaConfig cfg = PvaConfig.load(config);
        PvaService.Settings settings = cfg.settings();
        PlatformValidation validation = cfg.validation();
        PlatformCredentialIssuer issuer = cfg.issuer(new java.security.SecureRandom()).orElse(null);
        if (check) {
            out.println("configuration OK: " + config);
            return 0;
        }
        PrometheusMeterRegistry registry = PrometheusEndpoint.newRegistry();
        PrometheusEndpoint metrics;
        PvaService pva;
        try (StartUp up = new StartUp()) { // a failed start closes what started (the metrics server would keep the JVM alive)
            metrics = up.started(PrometheusEndpoint.start(registry, cfg.metrics()));
            pva = up.started(PvaService.start(settings, validation, issuer, registry, Clock.systemUTC()));
            up.succeeded();
        }
        out.println("pva listening on https://" + pva.address().getHostString() + ":" + pva.address().getPort() + "/pva/v1/");
        ServiceLifetime.untilStopped(out, metrics, "pva", pva, metrics);
        return 0;
    }
}
