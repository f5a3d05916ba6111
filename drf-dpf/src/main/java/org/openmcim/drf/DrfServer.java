package org.openmcim.drf;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.openmcim.dpf.DirectoryRecords;
import org.openmcim.dpf.NonceLedger;
import org.openmcim.dpf.StateStore;
import org.openmcim.http.JsonHttpServer;
import org.openmcim.pki.TlsContexts;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * A running DRF: the registry and nonce ledger in the state directory, the device-facing listener
 * (pull) and the operators' one (mutual TLS: SHO registrations, the ICF's attach events). An ICF in the
 * same process calls {@link #listener()} on "PCID attached at IP" (step 6); one elsewhere posts
 * {@code /drf/v1/attach-events} to {@link #operatorAddress()}.
 */
public final class DrfServer implements AutoCloseable {
    private final Drf drf;
    private final JsonHttpServer device;
    private final JsonHttpServer operator;
    private final org.openmcim.dpf.StateExpiry expiry;
    private final List<AutoCloseable> owned = new java.util.concurrent.CopyOnWriteArrayList<>();

    private DrfServer(Drf drf, JsonHttpServer device, JsonHttpServer operator, org.openmcim.dpf.StateExpiry expiry) {
        this.drf = drf;
        this.device = device;
        this.operator = operator;
        this.expiry = expiry;
    }

    /** With the tables of a {@code type: directory} store (for Hazelcast, open a {@link StateStore} and pass its tables). */
    public static DrfServer start(DrfConfig cfg, Clock clock, SecureRandom random, MeterRegistry meters) throws InterruptedException {
        if (cfg.state().type() != StateStore.Type.DIRECTORY) {
            throw new IllegalArgumentException("store type " + cfg.state().type() + ": open a StateStore and pass its tables");
        }
        return start(cfg, name -> new DirectoryRecords(cfg.state().stateDir().resolve(name), random), clock, random, meters);
    }

    /**
     * With other tables ({@code registry}, {@code nonces-issued}, {@code nonces-used}; e.g.
     * {@code name -> HazelcastRecords.of(storeMember.hazelcast(), name)}).
     */
    public static DrfServer start(DrfConfig cfg, java.util.function.Function<String, org.openmcim.dpf.Records> tables, Clock clock,
                                  SecureRandom random, MeterRegistry meters) throws InterruptedException {
        Registry registry = new Registry(tables.apply("registry"));
        for (Registration r : cfg.registrations()) {
            registry.put(new Registration(r.pcid(), r.treId(), r.shoId(), r.shoName(), r.shoUrl(), r.dpfUrl(), r.operation(), r.applications(),
                    clock.instant()));
        }
        NonceLedger ledger = new NonceLedger(tables.apply("nonces-issued"), tables.apply("nonces-used"));
        Drf drf = new Drf(cfg.settings(), cfg.signer(), registry, ledger, clock, random, meters);
        org.openmcim.pki.TlsProvider tls = cfg.tlsProvider().effective("drf");
        JsonHttpServer device = null;
        try {
            device = drf.deviceRoutes(JsonHttpServer.builder("drf-device").meters(meters).maxBody(cfg.limits().maxBody())
                    .workers(cfg.limits().workers(), cfg.limits().queue()).tls(TlsContexts.server(cfg.tls(), List.of(), false, tls, cfg.tlsGroups())))
                    .start(cfg.deviceListen());
            // Mutual TLS admits a client under any of these roots; which endpoint it may use is decided per
            // request from its CN and the root its chain validates to (Drf.authenticatedSho / authenticatedIcf).
            List<java.security.cert.X509Certificate> operatorRoots = new ArrayList<>(cfg.settings().shoRoots().values());
            cfg.settings().icf().ifPresent(i -> operatorRoots.add(i.root()));
            JsonHttpServer operator = drf.operatorRoutes(JsonHttpServer.builder("drf-operator").meters(meters).maxBody(cfg.limits().maxBody())
                    .workers(cfg.limits().workers(), cfg.limits().queue())
                    .tls(TlsContexts.server(cfg.tls(), operatorRoots, true, tls, cfg.tlsGroups())))
                    .start(cfg.operatorListen());
            return new DrfServer(drf, device, operator, org.openmcim.dpf.StateExpiry.drf(ledger, clock));
        } catch (InterruptedException | RuntimeException e) {
            if (device != null) {
                device.close();
            }
            drf.close();
            throw e;
        }
    }

    /** The DRF's input from the ICF. */
    public PcidAttachedListener listener() {
        return drf;
    }

    public Drf drf() {
        return drf;
    }

    public InetSocketAddress deviceAddress() {
        return device.address();
    }

    public InetSocketAddress operatorAddress() {
        return operator.address();
    }

    /** Closes {@code resource} with the server, after its listeners (e.g. a client the DRF's flows call). */
    public void closeWith(AutoCloseable resource) {
        owned.add(resource);
    }

    @Override
    public void close() {
        expiry.close();
        device.close();
        operator.close();
        drf.close();
        for (AutoCloseable r : owned) {
            try {
                r.close();
            } catch (Exception e) {
                java.util.logging.Logger.getLogger(DrfServer.class.getName()).warning("closing " + r.getClass().getSimpleName() + ": " + e);
            }
        }
    }
}
