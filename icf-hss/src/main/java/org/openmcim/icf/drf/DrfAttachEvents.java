package org.openmcim.icf.drf;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

import javax.net.ssl.SSLContext;

import org.openmcim.config.ConfigException;
import org.openmcim.http.JsonHttpServer;
import org.openmcim.icf.config.IcfConfig;
import org.openmcim.icf.config.TlsFiles;
import org.openmcim.icf.gx.AttachEvents;
import org.openmcim.wire.attach.AttachEvent;
import org.openmcim.wire.attach.AttachEventCodec;


import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * TR 33.812 §5.1.3.6.2 step 6 across processes: "the RO forwards the PCID and the IP address of the
 * M2ME from its ICF to its DRF". The Gx handler's events go into a bounded queue and return at once;
 * one sender thread posts them, in order, to the DRF's {@code POST /drf/v1/attach-events} over mutual
 * TLS (the ICF's certificate, trusting only the configured roots, the DRF's host name checked).
 *
 * <p>Never in the way of a Gx answer: {@link #pcidAttached} and {@link #sessionEnded} only offer to the
 * queue. While the DRF is unreachable, overloaded or refuses this ICF's certificate (401/403), the
 * event at the head is retried with a doubling pause and the ones behind it wait; an event is dropped,
 * counted in {@code icf.drf.dropped{event, reason}} and logged (PCID and reason, nothing secret) when
 * the queue is full ({@code queue-full}), the DRF refuses the event itself (400/409/413/415/422,
 * {@code refused}), it is older than {@code max-age} ({@code expired}), it breaks the event rules
 * ({@code invalid}), or the ICF stops before it could be sent ({@code shutdown}). Delivery is at least
 * once: the DRF recognises an event it has already taken.
 */
public final class DrfAttachEvents implements AttachEvents, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DrfAttachEvents.class.getName());
    /** The DRF's route for attach events (docs/drf-dpf-api.md). */
    public static final String PATH = "/drf/v1/attach-events";
    /** Answers that are about the event itself: sending it again cannot succeed. */
    private static final Set<Integer> EVENT_REFUSED = Set.of(400, 409, 413, 415, 422);
    private static final List<String> EVENTS = List.of(AttachEvent.Attached.EVENT, AttachEvent.SessionEnded.EVENT);
    private static final List<String> DROP_REASONS = List.of("queue-full", "refused", "expired", "invalid", "shutdown");
    private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    /**
     * @param url          the DRF's operator listener, {@code https://HOST:PORT}
     * @param queue        events held while the DRF cannot take them
     * @param retryInitial first pause after a failed attempt, doubled up to {@code retryMax}
     * @param maxAge       events older than this are dropped instead of sent
     * @param timeout      connect and request timeout of one attempt
     * @param drain        how long {@link #close()} lets the sender empty the queue
     */
    public record Settings(URI url, int queue, Duration retryInitial, Duration retryMax, Duration maxAge, Duration timeout,
                           Duration drain) {
        public Settings {
            Objects.requireNonNull(url, "url");
            if (queue < 1) {
                throw new IllegalArgumentException("queue must be at least 1");
            }
        }

        public static Settings of(IcfConfig.Drf d) {
            return new Settings(d.url(), d.queue(), d.retryInitial(), d.retryMax(), d.maxAge(), d.timeout(), Duration.ofSeconds(2));
        }
    }

    private record Queued(AttachEvent event, long enqueuedNanos) {
    }

    /** One attempt's result: delivered, refused for good (status and reason), or worth retrying (why). */
    private record Attempt(boolean delivered, boolean refused, String detail) {
    }

    private final Settings settings;
    private final URI endpoint;
    private final HttpClient http;
    private final Clock clock;
    private final MeterRegistry meters;
    private final AttachEventCodec codec = new AttachEventCodec();
    private final BlockingQueue<Queued> queue;
    private final Thread sender;
    private final Counter retries;
    private final Timer delivery;
    private final AtomicLong queueFullSinceLog = new AtomicLong();
    private final AtomicLong lastQueueFullLog = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);
    private volatile boolean closing;
    // Sender thread only:
    private long failedAttempts;
    private long lastFailureLog;

    private DrfAttachEvents(Settings settings, SSLContext tls, MeterRegistry meters, Clock clock) {
        this.settings = settings;
        this.endpoint = settings.url().resolve(PATH);
        this.clock = clock;
        this.meters = meters;
        this.queue = new ArrayBlockingQueue<>(settings.queue());
        this.http = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1).connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        // Every counter exists from the start, so a scrape shows 0 rather than nothing.
        for (String e : EVENTS) {
            meters.counter("icf.drf.delivered", "event", e);
            for (String r : DROP_REASONS) {
                meters.counter("icf.drf.dropped", "event", e, "reason", r);
            }
        }
        this.retries = meters.counter("icf.drf.retries");
        this.delivery = Timer.builder("icf.drf.delivery").description("from the Gx event to the DRF's 2xx")
                .publishPercentiles(0.5, 0.99).register(meters);
        meters.gauge("icf.drf.queue", queue, BlockingQueue::size);
        this.sender = new Thread(this::run, "icf-drf-sender");
        sender.setDaemon(true);
    }

    /** Reads the ICF's certificate and the trusted roots named in {@code cfg} (relative to {@code base}) and starts sending. */
    public static DrfAttachEvents start(IcfConfig.Drf cfg, Path base, MeterRegistry meters, Clock clock) {
        return start(Settings.of(cfg), tls(cfg, base), meters, clock);
    }

    /**
     * The mutual-TLS client context of {@code cfg}: the ICF's credential, trusting only the roots given.
     * A missing or unreadable file is a {@link ConfigException} naming it.
     */
    public static SSLContext tls(IcfConfig.Drf cfg, Path base) {
        return TlsFiles.client(base, "drf", cfg.certificate(), cfg.key(), cfg.roots());
    }

    public static DrfAttachEvents start(Settings settings, SSLContext tls, MeterRegistry meters, Clock clock) {
        DrfAttachEvents d = new DrfAttachEvents(settings, tls, meters, clock);
        d.sender.start();
        return d;
    }

    /** Where events are posted. */
    public URI endpoint() {
        return endpoint;
    }

    /** Events waiting to be sent (the one being sent not included). */
    public int queued() {
        return queue.size();
    }

    // ---- called on Diameter worker threads: never block, never throw ----

    @Override
    public void pcidAttached(String imsi, InetAddress ip, String apn, Instant at) {
        AttachEvent e;
        try {
            e = new AttachEvent.Attached(imsi, ip, apn, at);
        } catch (IllegalArgumentException | NullPointerException x) {
            dropped(AttachEvent.Attached.EVENT, imsi, "invalid", x.getMessage());
            return;
        }
        enqueue(e);
    }

    @Override
    public void sessionEnded(String imsi, Instant at) {
        AttachEvent e;
        try {
            e = new AttachEvent.SessionEnded(imsi, at);
        } catch (IllegalArgumentException | NullPointerException x) {
            dropped(AttachEvent.SessionEnded.EVENT, imsi, "invalid", x.getMessage());
            return;
        }
        enqueue(e);
    }

    private void enqueue(AttachEvent e) {
        if (closing) {
            dropped(e.event(), e.pcid(), "shutdown", "the ICF is stopping");
            return;
        }
        if (queue.offer(new Queued(e, System.nanoTime()))) {
            return;
        }
        meters.counter("icf.drf.dropped", "event", e.event(), "reason", "queue-full").increment();
        // A DRF down under load would otherwise write one line per CCR: one summary per 10 s instead.
        queueFullSinceLog.incrementAndGet();
        long now = System.nanoTime();
        long last = lastQueueFullLog.get();
        if (now - last >= LOG_EVERY_NANOS && lastQueueFullLog.compareAndSet(last, now)) {
            long n = queueFullSinceLog.getAndSet(0);
            LOG.warning(n + " attach event(s) dropped: the queue to the DRF (" + endpoint + ") is full (" + settings.queue()
                    + "); the DRF has not taken events for a while");
        }
    }

    // ---- the sender thread ----

    private void run() {
        Queued current = null;
        try {
            while (true) {
                current = queue.poll(100, TimeUnit.MILLISECONDS);
                if (current == null) {
                    if (closing) {
                        return;
                    }
                    continue;
                }
                deliver(current);
                current = null;
            }
        } catch (InterruptedException e) {
            if (current != null) {
                dropped(current.event().event(), current.event().pcid(), "shutdown", "the ICF stopped while it was being sent");
            }
        } catch (RuntimeException e) {
            // Nothing here should throw; if something does, say so rather than stop delivering silently.
            LOG.log(java.util.logging.Level.SEVERE, "attach event sender stopped", e);
        }
    }

    private void deliver(Queued q) throws InterruptedException {
        AttachEvent e = q.event();
        byte[] body = codec.encode(e);
        long pause = settings.retryInitial().toMillis();
        while (true) {
            if (Duration.between(e.at(), clock.instant()).compareTo(settings.maxAge()) > 0) {
                dropped(e.event(), e.pcid(), "expired", "not delivered within max-age " + settings.maxAge().toMinutes() + " min");
                return;
            }
            Attempt a = attempt(body);
            if (a.delivered()) {
                delivery.record(System.nanoTime() - q.enqueuedNanos(), TimeUnit.NANOSECONDS);
                meters.counter("icf.drf.delivered", "event", e.event()).increment();
                if (failedAttempts > 0) {
                    LOG.info("attach events reach the DRF (" + endpoint + ") again after " + failedAttempts + " failed attempt(s)");
                    failedAttempts = 0;
                }
                return;
            }
            if (a.refused()) {
                dropped(e.event(), e.pcid(), "refused", "the DRF refused it: " + a.detail());
                return;
            }
            retries.increment();
            failedAttempts++;
            long now = System.nanoTime();
            if (failedAttempts == 1 || now - lastFailureLog >= 6 * LOG_EVERY_NANOS) {
                lastFailureLog = now;
                LOG.warning("cannot deliver attach events to the DRF (" + endpoint + "): " + a.detail() + "; retrying, pauses up to "
                        + settings.retryMax().toMillis() + " ms, " + queue.size() + " more waiting (" + failedAttempts + " failed attempts)");
            }
            if (closing) {
                dropped(e.event(), e.pcid(), "shutdown", "the ICF stopped while the DRF was unreachable");
                return;
            }
            Thread.sleep(pause);
            pause = Math.min(pause * 2, settings.retryMax().toMillis());
        }
    }

    private Attempt attempt(byte[] body) throws InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(endpoint).timeout(settings.timeout()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        try {
            HttpResponse<InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            int status = resp.statusCode();
            String reason;
            try (InputStream in = resp.body()) {
                // The DRF's answers are small JSON; read a bounded prefix for the refusal reason only.
                reason = JsonHttpServer.reasonOf(in.readNBytes(4096));
            }
            if (status / 100 == 2) {
                return new Attempt(true, false, null);
            }
            String detail = "HTTP " + status + (reason == null ? "" : " " + reason);
            return new Attempt(false, EVENT_REFUSED.contains(status), detail);
        } catch (IOException x) {
            String m = x.getMessage();
            return new Attempt(false, false, x.getClass().getSimpleName() + (m == null ? "" : ": " + (m.length() > 200 ? m.substring(0, 200) : m)));
        }
    }

    private void dropped(String event, String pcid, String reason, String why) {
        meters.counter("icf.drf.dropped", "event", event, "reason", reason).increment();
        String who = pcid != null && pcid.matches("[0-9]{1,15}") ? "PCID " + pcid : "an unreadable PCID";
        LOG.warning(event + " event for " + who + " dropped (" + reason + "): " + why);
    }

    /**
     * Stops taking events, lets the sender empty the queue for up to {@code drain}, then stops it; what
     * is left is dropped and counted ({@code shutdown}).
     */
    @Override
    public void close() {
        closing = true;
        try {
            sender.join(settings.drain().toMillis());
            if (sender.isAlive()) {
                sender.interrupt();
                sender.join(settings.timeout().toMillis() + 1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Queued> left = new ArrayList<>();
        queue.drainTo(left);
        for (Queued q : left) {
            meters.counter("icf.drf.dropped", "event", q.event().event(), "reason", "shutdown").increment();
        }
        if (!left.isEmpty()) {
            LOG.warning(left.size() + " attach event(s) not delivered to the DRF before the ICF stopped");
        }
        long unreported = queueFullSinceLog.getAndSet(0);
        if (unreported > 0) {
            LOG.warning(unreported + " more attach event(s) were dropped because the queue to the DRF was full");
        }
    }
}
