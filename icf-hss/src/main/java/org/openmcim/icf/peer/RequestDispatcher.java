package org.openmcim.icf.peer;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.openmcim.diameter.Avp;
import org.openmcim.diameter.AvpFormatException;
import org.openmcim.diameter.BaseAvpCode;
import org.openmcim.diameter.DiameterCodec;
import org.openmcim.diameter.DiameterMessage;
import org.openmcim.diameter.ResultCode;

/**
 * Gate and hand-off for application requests. On the event loop it does the cheap edge checks —
 * duplicates (RFC 6733 §6.1.3), the request's origin against the configured peers (5003), the
 * application (3007), Session-Id (5005), unsupported mandatory AVPs (5001), the in-flight bound
 * (3004 DIAMETER_TOO_BUSY rather than an unbounded queue) — then has the handler answer at once if
 * it can without blocking ({@link ApplicationHandler#answerWithoutBlocking}), else runs it on a worker.
 */
public final class RequestDispatcher {
    private static final Logger LOG = Logger.getLogger(RequestDispatcher.class.getName());

    /** Answers kept for duplicate detection (RFC 6733 §6.1.3), and the octets they may take. */
    static final int DUPLICATES_KEPT = 65_536;
    /** 512 octets an answer: a one-vector AIA with its key is about 400. */
    static final int DUPLICATES_RING_BYTES = DUPLICATES_KEPT * 512;

    private final Map<Integer, ApplicationHandler> handlers;
    private final Executor workers;
    private final Semaphore inFlight;
    private final PeerAuthorizer authorizer;
    private final DiameterMetrics metrics;
    private final DuplicateCache duplicates;
    private final Clock clock;

    public RequestDispatcher(Map<Integer, ApplicationHandler> handlers, Executor workers, int maxInFlight,
                             PeerAuthorizer authorizer, DiameterMetrics metrics, Clock clock, DiameterCodec codec) {
        this.handlers = Map.copyOf(handlers);
        this.workers = workers;
        this.inFlight = new Semaphore(maxInFlight);
        this.authorizer = authorizer;
        this.metrics = metrics;
        this.clock = clock;
        this.duplicates = new DuplicateCache(DUPLICATES_KEPT, DUPLICATES_RING_BYTES, Duration.ofSeconds(60), clock, codec);
    }

    public DiameterMetrics metrics() {
        return metrics;
    }

    void dispatch(DiameterMessage request, ApplicationHandler.PeerInfo peer, LocalIdentity local, Consumer<DiameterMessage> reply) {
        long start = System.nanoTime();
        ApplicationHandler handler = handlers.get(request.applicationId());
        String originHost;
        String originRealm;
        try {
            originHost = request.originHost();
            originRealm = request.originRealm();
        } catch (AvpFormatException e) {
            originHost = null;
            originRealm = null;
        }
        if (originHost == null || originRealm == null) {
            finish(request, complete(handler, request, local.failedBuilder(request, ResultCode.DIAMETER_MISSING_AVP,
                    Avp.of(originHost == null ? BaseAvpCode.ORIGIN_HOST : BaseAvpCode.ORIGIN_REALM, 0, Avp.FLAG_MANDATORY, new byte[0]),
                    "Origin-Host and Origin-Realm are required")), start, reply);
            return;
        }
        DiameterMessage cached = duplicates.find(originHost, request.endToEnd());
        if (cached != null) {
            metrics.duplicate();
            reply.accept(cached.withHopByHop(request.hopByHop()));
            return;
        }
        if (!authorizer.allowed(originHost, originRealm)) {
            finish(request, complete(handler, request, local.failedBuilder(request, ResultCode.DIAMETER_AUTHORIZATION_REJECTED, null,
                    "origin " + originHost + " is not a configured peer")), start, reply);
            return;
        }
        if (handler == null || !local.applicationIds().contains(request.applicationId())) {
            finish(request, local.answer(request, ResultCode.DIAMETER_APPLICATION_UNSUPPORTED).build(), start, reply);
            return;
        }
        if (request.first(BaseAvpCode.SESSION_ID, 0) == null) {
            // S6a, SWx and Gx are session-based: TS 29.272 §7.2, TS 29.273 §8.2.2, TS 29.212 §5.6.
            finish(request, complete(handler, request, local.failedBuilder(request, ResultCode.DIAMETER_MISSING_AVP,
                    Avp.of(BaseAvpCode.SESSION_ID, 0, Avp.FLAG_MANDATORY, new byte[0]), "Session-Id is required")), start, reply);
            return;
        }
        if (!request.unsupportedMandatoryAvps().isEmpty()) {
            // RFC 6733 §7.1.5 DIAMETER_AVP_UNSUPPORTED with the offending AVP.
            finish(request, complete(handler, request, local.failedBuilder(request, ResultCode.DIAMETER_AVP_UNSUPPORTED,
                    request.unsupportedMandatoryAvps().get(0), null)), start, reply);
            return;
        }
        if (!inFlight.tryAcquire()) {
            metrics.tooBusy();
            finish(request, complete(handler, request, local.answer(request, ResultCode.DIAMETER_TOO_BUSY)), start, reply);
            return;
        }
        String origin = originHost;
        DiameterMessage now;
        try {
            now = handler.answerWithoutBlocking(request, peer);
        } catch (RuntimeException e) {
            now = handlerFailed(handler, request, local, e);
        }
        if (now != null) {
            // Answered here, on the event loop: no worker woken, no task back to this loop.
            inFlight.release();
            metrics.answeredOnLoop();
            duplicates.put(origin, request.endToEnd(), now);
            finish(request, now, start, reply);
            return;
        }
        try {
            workers.execute(() -> {
                DiameterMessage answer;
                try {
                    answer = handler.answer(request, peer);
                } catch (RuntimeException e) {
                    answer = handlerFailed(handler, request, local, e);
                } finally {
                    inFlight.release();
                }
                duplicates.put(origin, request.endToEnd(), answer);
                finish(request, answer, start, reply);
            });
        } catch (RejectedExecutionException e) {
            inFlight.release();
            metrics.tooBusy();
            finish(request, complete(handler, request, local.answer(request, ResultCode.DIAMETER_TOO_BUSY)), start, reply);
        }
    }

    /** A handler bug must not leave the peer waiting: 5012 DIAMETER_UNABLE_TO_COMPLY, no detail to the wire. */
    private static DiameterMessage handlerFailed(ApplicationHandler handler, DiameterMessage request, LocalIdentity local,
                                                RuntimeException e) {
        LOG.log(Level.WARNING, "handler failed on command " + request.commandCode(), e);
        return complete(handler, request, local.answer(request, ResultCode.DIAMETER_UNABLE_TO_COMPLY));
    }

    /** The application's mandatory answer AVPs on an answer the peer layer made (see ApplicationHandler). */
    private static DiameterMessage complete(ApplicationHandler handler, DiameterMessage request, DiameterMessage.Builder answer) {
        if (handler != null) {
            handler.completeAnswer(request, answer);
        }
        return answer.build();
    }

    private void finish(DiameterMessage request, DiameterMessage answer, long startNanos, Consumer<DiameterMessage> reply) {
        metrics.request(request.applicationId(), request.commandCode(), resultOf(answer), Duration.ofNanos(System.nanoTime() - startNanos));
        reply.accept(answer);
    }

    /** Result-Code, or the Experimental-Result-Code inside Experimental-Result. */
    static long resultOf(DiameterMessage answer) {
        try {
            Avp rc = answer.first(BaseAvpCode.RESULT_CODE, 0);
            if (rc != null) {
                return rc.unsigned32();
            }
            Avp er = answer.first(BaseAvpCode.EXPERIMENTAL_RESULT, 0);
            if (er != null) {
                for (Avp c : er.grouped()) {
                    if (c.code() == BaseAvpCode.EXPERIMENTAL_RESULT_CODE) {
                        return c.unsigned32();
                    }
                }
            }
        } catch (AvpFormatException e) {
            return -1;
        }
        return -1;
    }

    Clock clock() {
        return clock;
    }
}
