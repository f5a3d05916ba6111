package org.openmcim.icf;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

import org.openmcim.aka.sqn.IndAllocator;
import org.openmcim.diameter.ApplicationId;
import org.openmcim.diameter.DiameterCodec;
import org.openmcim.diameter.dictionary.Dictionary;
import org.openmcim.icf.chtif.CredentialFetch;
import org.openmcim.icf.config.IcfConfig;
import org.openmcim.icf.gx.AttachEvents;
import org.openmcim.icf.gx.GxHandler;
import org.openmcim.icf.gx.GxSessions;
import org.openmcim.icf.peer.ApplicationHandler;
import org.openmcim.icf.peer.DiameterMetrics;
import org.openmcim.icf.peer.DiameterServer;
import org.openmcim.icf.peer.LocalIdentity;
import org.openmcim.icf.peer.OutboundPeer;
import org.openmcim.icf.routing.ImsiRelay;
import org.openmcim.icf.peer.PeerAuthorizer;
import org.openmcim.icf.peer.PeerTable;
import org.openmcim.icf.peer.RequestDispatcher;
import org.openmcim.icf.s6a.PcidRetirement;
import org.openmcim.icf.s6a.S6aHandler;
import org.openmcim.icf.s6a.VectorService;
import org.openmcim.icf.swx.SwxHandler;
import org.openmcim.icf.swx.SwxService;
import org.openmcim.service.IoTransport;
import org.openmcim.store.CredentialStore;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;

/**
 * The ICF (or, in home mode, the SHO's HSS): one Diameter server per configured identity, sharing
 * the credential store, the vector service and a bounded worker pool. Everything it needs is
 * injected; nothing is static.
 */
public final class IcfServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(IcfServer.class.getName());

    private final EventLoopGroup group;
    private final ExecutorService workers;
    private final List<DiameterServer> servers = new ArrayList<>();
    private final List<InetSocketAddress> bound = new ArrayList<>();
    private final PeerTable peers = new PeerTable();
    private final List<OutboundPeer> outbound = new ArrayList<>();
    private final DiameterMetrics metrics;
    private PcidRetirement retirement;

    /** The applications with a handler, by the configuration's name for them. */
    private static final Map<IcfConfig.Application, Integer> IMPLEMENTED = Map.of(IcfConfig.Application.S6A, ApplicationId.S6A,
            IcfConfig.Application.SWX, ApplicationId.SWX, IcfConfig.Application.GX, ApplicationId.GX);

    private IcfServer(IcfConfig config, CredentialStore store, MeterRegistry registry, Clock clock, SecureRandom random,
                      AttachEvents attachEvents, CredentialFetch fetch) throws InterruptedException {
        this.metrics = new DiameterMetrics(registry);
        // Named so that thread dumps and per-thread CPU (bench-attach) tell the ICF's loops apart.
        // Native epoll where it loads (IoTransport); NIO when a listener runs SCTP, which Netty has
        // only on NIO channels, so that every listener and relay connection shares these loops
        // (limits.io-threads).
        IoTransport io = config.identities().stream().anyMatch(id -> id.transport() == IcfConfig.Transport.SCTP)
                ? IoTransport.NIO : IoTransport.preferred();
        this.group = io.group(config.limits().ioThreads(), new io.netty.util.concurrent.DefaultThreadFactory("icf-io"));
        AtomicInteger n = new AtomicInteger();
        IcfConfig.Limits limits = config.limits();
        if (limits.workerThreads() == 0 && (!(store instanceof org.openmcim.store.InMemoryCredentialStore) || fetch != CredentialFetch.NONE)) {
            // The event loops must never block (issue #3): a cluster or database call, or a CHTIF fetch, can.
            throw new IllegalArgumentException("limits.worker-threads: 0 answers on the Diameter event loops, which is only safe with "
                    + "the in-memory store and no CHTIF fetch");
        }
        // worker-threads 0: the handler runs on the event loop that decoded the request, saving two
        // thread hand-offs per request; with two cores these are a large share of an AIR's cost.
        this.workers = limits.workerThreads() == 0 ? null : new ThreadPoolExecutor(limits.workerThreads(), limits.workerThreads(), 0,
                TimeUnit.SECONDS, new LinkedBlockingQueue<>(limits.maxInFlight()), r -> {
                    Thread t = new Thread(r, "icf-worker-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        Dictionary dictionary = Dictionary.standard();
        DiameterCodec codec = new DiameterCodec(dictionary);
        PeerAuthorizer authorizer = PeerAuthorizer.of(config.peers());
        VectorService vectors = new VectorService(store, config.sqn().policy(),
                new IndAllocator(config.sqn().policy(), config.sqn().indByServingNode()), random, clock, fetch);
        long originStateId = clock.instant().getEpochSecond();
        // A listener that cannot start (address in use, SCTP asked of a kernel without it) must not leave
        // the others bound or the event loops (non-daemon threads) running behind the exception.
        try {
            for (IcfConfig.Identity id : config.identities()) {
                Set<Integer> served = new HashSet<>();
                for (IcfConfig.Application app : id.applications()) {
                    Integer appId = IMPLEMENTED.get(app);
                    if (appId == null) {
                        // Advertise only what is implemented: a CEA must not promise an application.
                        LOG.warning(() -> id.host() + ": application " + app + " is configured but not implemented yet; not advertised");
                    } else {
                        served.add(appId);
                    }
                }
                LocalIdentity local = new LocalIdentity(id.host(), id.realm(), hostIps(id.listen()), Set.copyOf(served), originStateId,
                        dictionary);
                if (served.contains(ApplicationId.S6A) && retirement == null) {
                    retirement = new PcidRetirement(store, peers, local, clock);
                }
                Map<Integer, ApplicationHandler> handlers = new HashMap<>();
                for (IcfConfig.Application app : id.applications()) {
                    ApplicationHandler h = handlerFor(app, local, vectors, store, config, clock, attachEvents);
                    if (h != null) {
                        handlers.put(h.applicationId(), h);
                    }
                }
                if (handlers.containsKey(ApplicationId.S6A) && !config.routes().isEmpty()) {
                    handlers.put(ApplicationId.S6A, new ImsiRelay(handlers.get(ApplicationId.S6A), local, relayRoutes(local, codec, config),
                            Duration.ofSeconds(5)));
                }
                RequestDispatcher dispatcher = new RequestDispatcher(handlers, workers == null ? Runnable::run : workers, limits.maxInFlight(), authorizer, metrics, clock, codec);
                DiameterServer server = new DiameterServer(local, id.listen(), id.transport(), authorizer, dispatcher, peers, codec,
                        config.watchdog(), group);
                servers.add(server);
                bound.add(server.start());
                LOG.info(() -> id.host() + " (realm " + id.realm() + ") listening on " + bound.get(bound.size() - 1));
            }
        } catch (RuntimeException | InterruptedException e) {
            close();
            throw e;
        }
    }

    /** One outbound connection per home HSS, opened from the identity that serves S6a. */
    private List<ImsiRelay.Route> relayRoutes(LocalIdentity local, DiameterCodec codec, IcfConfig config) {
        List<ImsiRelay.Route> routes = new ArrayList<>();
        for (IcfConfig.Route r : config.routes()) {
            OutboundPeer peer = new OutboundPeer(local, r.host(), r.connect(), codec, group, config.watchdog(), config.reconnect());
            outbound.add(peer);
            peer.start();
            routes.add(new ImsiRelay.Route(r.imsiPrefix(), peer));
        }
        return routes;
    }

    private static ApplicationHandler handlerFor(IcfConfig.Application app, LocalIdentity local, VectorService vectors,
                                                 CredentialStore store, IcfConfig config, Clock clock,
                                                 AttachEvents attachEvents) {
        switch (app) {
            case S6A:
                return new S6aHandler(local, vectors, store, config.profile(), config.limits().maxVectorsPerRequest(),
                        config::servesLocally, clock);
            // --- SWx and Gx (issue #3) ---
            case SWX:
                return new SwxHandler(local, new SwxService(vectors, store, config::servesLocally, clock), config.profile(),
                        config.limits().maxVectorsPerRequest());
            case GX:
                return new GxHandler(local, new GxSessions(store, config::servesLocally, config::isRelayed, attachEvents, clock), config.profile());
            // --- end SWx and Gx ---
            default:
                return null;
        }
    }

    public static IcfServer start(IcfConfig config, CredentialStore store, MeterRegistry registry, Clock clock, SecureRandom random)
            throws InterruptedException {
        return start(config, store, registry, clock, random, AttachEvents.NONE);
    }

    /** As above, with the sink that learns from Gx where PCIDs attached (TR 33.812 step 6; the DRF subscribes). */
    public static IcfServer start(IcfConfig config, CredentialStore store, MeterRegistry registry, Clock clock, SecureRandom random,
                                  AttachEvents attachEvents) throws InterruptedException {
        return start(config, store, registry, clock, random, attachEvents, CredentialFetch.NONE);
    }

    /**
     * As above, with where the credential of a PCID the store does not hold comes from (TR 33.812
     * §5.1.3.6.2 step 3 NOTE 1: a {@link org.openmcim.icf.chtif.ChtifClient} for the configured {@code chtif}).
     */
    public static IcfServer start(IcfConfig config, CredentialStore store, MeterRegistry registry, Clock clock, SecureRandom random,
                                  AttachEvents attachEvents, CredentialFetch fetch) throws InterruptedException {
        return new IcfServer(config, store, registry, clock, random, attachEvents, fetch);
    }

    /**
     * Waits until every one of {@code hosts} has an open Diameter connection with this server (CER/CEA
     * done), at most {@code timeout}; whether they all did. A visited MME or PGW dials in on its own
     * schedule (NextEPC's freeDiameter retries every Tc seconds).
     */
    public boolean awaitPeers(Duration timeout, String... hosts) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!java.util.Arrays.stream(hosts).allMatch(h -> peers.find(h).isPresent())) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }

    /** Retires PCIDs and sends Cancel-Location; null if no identity serves S6a. */
    public PcidRetirement pcidRetirement() {
        return retirement;
    }

    /** Whether every relay connection to a home HSS has completed its capabilities exchange. */
    public boolean relaysOpen() {
        return outbound.stream().allMatch(OutboundPeer::isOpen);
    }

    /** Where each identity listens, in configuration order. */
    public List<InetSocketAddress> boundAddresses() {
        return List.copyOf(bound);
    }

    public PeerTable peers() {
        return peers;
    }

    public DiameterMetrics metrics() {
        return metrics;
    }

    private static List<InetAddress> hostIps(InetSocketAddress listen) {
        try {
            InetAddress a = InetAddress.getByName(listen.getHostString());
            return List.of(a.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : a);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve listen address " + listen.getHostString(), e);
        }
    }

    @Override
    public void close() {
        outbound.forEach(OutboundPeer::close);
        servers.forEach(DiameterServer::close);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        if (workers != null) {
            workers.shutdownNow();
        }
    }
}
