package org.openmcim.uesim;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

import org.openmcim.aka.kdf.PlmnId;
import org.openmcim.uesim.s1ap.S1apCodec;
import org.openmcim.uesim.s1ap.S1apDecodeError;
import org.openmcim.uesim.s1ap.S1apIes;
import org.openmcim.uesim.s1ap.S1apMessage;
import org.openmcim.uesim.transport.S1Transport;
import org.openmcim.uesim.transport.S1Transports;
import org.openmcim.uesim.transport.TransportKind;
import org.openmcim.uesim.ue.EmmState;
import org.openmcim.uesim.ue.UeAction;
import org.openmcim.uesim.ue.UeStateMachine;

/**
 * A simulated eNodeB: one S1-MME association (TS 36.412), S1 Setup (TS 36.413 §8.7.3), and any
 * number of UEs whose S1AP traffic it routes by eNB UE S1AP ID (or, for a release command without
 * it, by MME UE S1AP ID). Each UE runs attach, optionally holds the registration, then detaches;
 * the result arrives as a future. All S1AP handling happens on the transport's thread, so one UE's
 * session sees its messages in order; the end of each hold period runs on a timer thread, its own
 * unless the caller shares one among many eNBs.
 */
public final class Enb implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Enb.class.getName());

    /** Where the eNB is: PLMN, eNB id, TAC, and the address it gives as its GTP-U end point. */
    public record Config(PlmnId plmn, int enbId, int tac, byte[] gtpAddress) {
        public S1apIes.Tai tai() {
            return new S1apIes.Tai(plmn, tac);
        }

        public S1apIes.EutranCgi cgi() {
            return new S1apIes.EutranCgi(plmn, (enbId << 8) | 1);
        }
    }

    /** One UE's outcome: registered (APN, PDN address, time from first message to Attach Accept), detached. */
    public record Result(String imsi, boolean registered, Optional<String> apn, Duration attachTime, boolean detached,
                         Optional<Integer> rejectCause) {
    }

    private final S1apCodec codec = new S1apCodec();
    private final Config config;
    private final S1Transport transport;
    private final ScheduledExecutorService timers;
    private final boolean ownTimers;
    private final CompletableFuture<S1apMessage> setup = new CompletableFuture<>();
    private final Map<Long, Ue> byEnbId = new ConcurrentHashMap<>();
    private final Map<Long, Ue> byMmeId = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger registeredNow = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger peakRegistered = new java.util.concurrent.atomic.AtomicInteger();

    /** UEs registered at this moment (attach accepted, detach not yet started). */
    public int registeredNow() {
        return registeredNow.get();
    }

    /** The most UEs registered at the same time so far. */
    public int peakRegistered() {
        return peakRegistered.get();
    }

    private Enb(Config config, TransportKind kind, InetSocketAddress mme, Consumer<String> log, ScheduledExecutorService timers)
            throws Exception {
        this.config = config;
        this.ownTimers = timers == null;
        // Not CompletableFuture.delayedExecutor: on a machine with fewer than 3 CPUs its default
        // executor starts a new thread for every task, i.e. one thread per UE detach.
        this.timers = timers != null ? timers : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "enb-" + config.enbId() + "-timers");
            t.setDaemon(true);
            return t;
        });
        this.transport = S1Transports.open(kind, mme, new S1Transport.Listener() {
            @Override
            public void onPdu(byte[] pdu) {
                receive(pdu);
            }

            @Override
            public void onClosed(String reason) {
                setup.completeExceptionally(new IllegalStateException("S1 association closed: " + reason));
                byEnbId.values().forEach(u -> u.fail("S1 association closed: " + reason));
            }
        }, log);
    }

    /** Connects, performs S1 Setup, and returns once the MME accepted it; hold periods on the eNB's own timer thread. */
    public static Enb connect(Config config, TransportKind kind, InetSocketAddress mme, Duration timeout, Consumer<String> log)
            throws Exception {
        return connect(config, kind, mme, timeout, log, null);
    }

    /**
     * As {@link #connect(Config, TransportKind, InetSocketAddress, Duration, Consumer)}, with the
     * hold periods timed on {@code timers} (shared by many eNBs; the caller shuts it down), or on
     * the eNB's own timer thread when null.
     */
    public static Enb connect(Config config, TransportKind kind, InetSocketAddress mme, Duration timeout, Consumer<String> log,
            ScheduledExecutorService timers) throws Exception {
        Enb enb = new Enb(config, kind, mme, log, timers);
        enb.send(new S1apMessage.S1SetupRequest(new S1apIes.GlobalEnbId(config.plmn(), config.enbId(), false), Optional.empty(),
                List.of(new S1apIes.SupportedTa(config.tac(), List.of(config.plmn()))), 2));
        S1apMessage answer;
        try {
            answer = enb.setup.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            enb.close();
            throw new IllegalStateException("no S1 Setup answer from " + mme + ": " + e.getMessage(), e);
        }
        if (!(answer instanceof S1apMessage.S1SetupResponse)) {
            enb.close();
            throw new IllegalStateException("S1 Setup refused by " + mme + ": " + answer);
        }
        return enb;
    }

    /**
     * Runs one UE: attach, hold the registration for {@code hold}, detach. The future completes when
     * the MME released the UE context (or the attach failed and it was released).
     */
    public CompletableFuture<Result> attachAndDetach(UeStateMachine ue, String imsi, long enbUeS1apId, Duration hold) {
        return start(ue, imsi, enbUeS1apId, hold).result;
    }

    /**
     * A UE that stays registered until told to detach: what a device does while it works over its
     * PDN connection (the M2ME provisioning over the provisioning APN, TR 33.812 steps 8-20).
     */
    public final class Attachment {
        private final Ue ue;

        private Attachment(Ue ue) {
            this.ue = ue;
        }

        /** Completes true once the attach is accepted, false if it failed (the result says why). */
        public CompletableFuture<Boolean> registered() {
            return ue.registration;
        }

        /** UE-initiated detach (TS 24.301 §5.5.2.2); completes when the MME released the context. */
        public CompletableFuture<Result> detach() {
            synchronized (ue) {
                if (ue.registered && !ue.detaching && ue.session.ue().state() == EmmState.EMM_REGISTERED) {
                    ue.detaching = true;
                    registeredNow.decrementAndGet();
                    ue.apply(ue.session.detach(false));
                }
            }
            return ue.result;
        }

        /** The final outcome: after {@link #detach}, a failed attach, or a detach by the network. */
        public CompletableFuture<Result> result() {
            return ue.result;
        }
    }

    /** Attaches {@code ue} and keeps it registered until {@link Attachment#detach}. */
    public Attachment attach(UeStateMachine ue, String imsi, long enbUeS1apId) {
        return new Attachment(start(ue, imsi, enbUeS1apId, null));
    }

    private Ue start(UeStateMachine ue, String imsi, long enbUeS1apId, Duration hold) {
        Ue u = new Ue(imsi, new EnbUeSession(new EnbUeSession.Cell(config.tai(), config.cgi(),
                S1apIes.TransportLayerAddress.ipv4(config.gtpAddress())), ue, enbUeS1apId), hold);
        if (byEnbId.putIfAbsent(enbUeS1apId, u) != null) {
            throw new IllegalArgumentException("eNB UE S1AP ID " + enbUeS1apId + " in use");
        }
        synchronized (u) {
            u.started = System.nanoTime();
            u.apply(u.session.attach());
        }
        return u;
    }

    private void receive(byte[] pdu) {
        Object decoded = codec.decode(pdu);
        if (decoded instanceof S1apDecodeError err) {
            LOG.warning(() -> "undecodable S1AP from the MME: " + err);
            return;
        }
        S1apMessage m = (S1apMessage) decoded;
        if (m instanceof S1apMessage.S1SetupResponse || m instanceof S1apMessage.S1SetupFailure) {
            setup.complete(m);
            return;
        }
        Ue u = route(m);
        if (u == null) {
            LOG.fine(() -> "S1AP for no known UE: " + m.getClass().getSimpleName());
            return;
        }
        synchronized (u) {
            u.apply(u.session.onS1ap(m));
        }
    }

    private Ue route(S1apMessage m) {
        if (m instanceof S1apMessage.DownlinkNasTransport dl) {
            return remember(dl.enbUeS1apId(), dl.mmeUeS1apId());
        }
        if (m instanceof S1apMessage.InitialContextSetupRequest ics) {
            return remember(ics.enbUeS1apId(), ics.mmeUeS1apId());
        }
        if (m instanceof S1apMessage.UeContextReleaseCommand rel) {
            return rel.enbUeS1apId().isPresent() ? byEnbId.get(rel.enbUeS1apId().getAsLong()) : byMmeId.get(rel.mmeUeS1apId());
        }
        return null;
    }

    private Ue remember(long enbId, long mmeId) {
        Ue u = byEnbId.get(enbId);
        if (u != null) {
            byMmeId.put(mmeId, u);
        }
        return u;
    }

    private void send(S1apMessage m) {
        transport.send(codec.encode(m));
    }

    /** One UE's run through attach, hold, detach. Guarded by its own monitor. */
    private final class Ue {
        final String imsi;
        final EnbUeSession session;
        /** How long to stay registered before detaching; null: until {@link Attachment#detach}. */
        final Duration hold;
        final CompletableFuture<Result> result = new CompletableFuture<>();
        final CompletableFuture<Boolean> registration = new CompletableFuture<>();
        long started;
        Duration attachTime = Duration.ZERO;
        Optional<String> apn = Optional.empty();
        Optional<Integer> rejectCause = Optional.empty();
        boolean registered;
        boolean detaching;

        Ue(String imsi, EnbUeSession session, Duration hold) {
            this.imsi = imsi;
            this.session = session;
            this.hold = hold;
        }

        void apply(EnbUeSession.Step step) {
            step.send().forEach(Enb.this::send);
            for (UeAction a : step.events()) {
                if (a instanceof UeAction.Registered r) {
                    registered = true;
                    peakRegistered.accumulateAndGet(registeredNow.incrementAndGet(), Math::max);
                    apn = Optional.of(r.apn());
                    attachTime = Duration.ofNanos(System.nanoTime() - started);
                    registration.complete(true);
                } else if (a instanceof UeAction.AttachFailed f) {
                    rejectCause = Optional.of(f.emmCause());
                }
            }
            if (hold != null && registered && !detaching && session.ue().state() == EmmState.EMM_REGISTERED) {
                detaching = true;
                timers.schedule(() -> {
                    registeredNow.decrementAndGet();
                    synchronized (this) {
                        apply(session.detach(false));
                    }
                }, hold.toNanos(), TimeUnit.NANOSECONDS);
            }
            boolean byNetwork = hold == null && registered && !detaching && session.ue().state() == EmmState.EMM_DEREGISTERED;
            if (session.released() && (detaching || !registered || byNetwork)) {
                if (byNetwork) {
                    // Detached by the network (TS 24.301 §5.5.2.3), e.g. after the HSS cancelled the
                    // location of a PCID whose MCIM is installed (TR 33.812 step 20, CLR).
                    registeredNow.decrementAndGet();
                }
                byEnbId.remove(session.enbUeS1apId());
                session.mmeUeS1apId().ifPresent(byMmeId::remove);
                registration.complete(registered);
                result.complete(new Result(imsi, registered, apn, attachTime,
                        (detaching || byNetwork) && session.ue().state() == EmmState.EMM_DEREGISTERED, rejectCause));
            }
        }

        void fail(String why) {
            registration.completeExceptionally(new IllegalStateException(imsi + ": " + why));
            result.completeExceptionally(new IllegalStateException(imsi + ": " + why));
        }
    }

    @Override
    public void close() {
        transport.close();
        if (ownTimers) {
            timers.shutdownNow();
        }
    }
}
