package org.openmcim.dpf;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;

import org.openmcim.http.JsonHttpServer;
import org.openmcim.pki.TlsContexts;

import io.micrometer.core.instrument.MeterRegistry;

/** A running DPF: its state directory, its SHO client and its device-facing HTTPS listener (closed together). */
public final class DpfServer implements AutoCloseable {
    private final Dpf dpf;
    private final JsonHttpServer http;
    private final StateExpiry expiry;
    private final ShoClient sho;

    private DpfServer(Dpf dpf, JsonHttpServer http, StateExpiry expiry, ShoClient sho) {
        this.dpf = dpf;
        this.http = http;
        this.expiry = expiry;
        this.sho = sho;
    }

    /** With the tables of a {@code type: directory} store (for Hazelcast, open a {@link StateStore} and pass its tables). */
    public static DpfServer start(DpfConfig cfg, Clock clock, SecureRandom random, MeterRegistry meters) throws InterruptedException {
        if (cfg.state().type() != StateStore.Type.DIRECTORY) {
            throw new IllegalArgumentException("store type " + cfg.state().type() + ": open a StateStore and pass its tables");
        }
        return start(cfg, name -> new DirectoryRecords(cfg.state().stateDir().resolve(name), random), PcidLifecycle.none(), clock, random,
                meters);
    }

    /**
     * With other tables ({@code nonces-issued}, {@code nonces-used}, {@code sessions}; e.g.
     * {@code name -> HazelcastRecords.of(storeMember.hazelcast(), name)}) and the ICF's credential
     * store (PCID → PROVISIONING → RETIRED), in an RO process that runs the ICF too.
     */
    public static DpfServer start(DpfConfig cfg, java.util.function.Function<String, Records> tables, PcidLifecycle pcids, Clock clock,
                                  SecureRandom random, MeterRegistry meters) throws InterruptedException {
        NonceLedger ledger = new NonceLedger(tables.apply("nonces-issued"), tables.apply("nonces-used"));
        SessionStore sessions = new SessionStore(tables.apply("sessions"));
        List<java.security.cert.X509Certificate> shoRoots = cfg.settings().shos().values().stream().map(DpfSettings.Sho::root).distinct().toList();
        // The SHO client on the same TLS stack as the listener (tls.provider), with the same policy (TlsContexts).
        ShoClient sho = new ShoClient(TlsContexts.client(cfg.tls(), shoRoots, cfg.tlsProvider().effective("dpf"), cfg.tlsGroups()), cfg.shoConnectTimeout(),
                cfg.shoTimeout());
        Dpf dpf = new Dpf(cfg.settings(), ledger, sessions, sho, pcids, clock, random, meters);
        // The DRF's registry lives in the same state (state-dir or store cluster): renewals move it.
        dpf.followRenewalsIn(new org.openmcim.drf.Registry(tables.apply("registry")));
        JsonHttpServer http = dpf.routes(JsonHttpServer.builder("dpf").meters(meters).maxBody(cfg.limits().maxBody())
                        .workers(cfg.limits().workers(), cfg.limits().queue())
                        .tls(TlsContexts.server(cfg.tls(), List.of(), false, cfg.tlsProvider().effective("dpf"), cfg.tlsGroups())))
                .start(cfg.listen());
        return new DpfServer(dpf, http, StateExpiry.dpf(dpf, sessions, ledger, clock), sho);
    }

    public Dpf dpf() {
        return dpf;
    }

    public InetSocketAddress address() {
        return http.address();
    }

    @Override
    public void close() {
        expiry.close();
        http.close();
        sho.close();
    }
}
