package org.openmcim.icf.chtif;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

import javax.net.ssl.SSLContext;

import org.openmcim.config.ConfigException;
import org.openmcim.http.JsonHttpServer;
import org.openmcim.icf.config.IcfConfig;
import org.openmcim.icf.config.TlsFiles;
import org.openmcim.pki.Credential;
import org.openmcim.store.CredentialStore;
import org.openmcim.store.Imsi;
import org.openmcim.store.Subscriber;
import org.openmcim.store.batch.BatchImporter;
import org.openmcim.store.batch.PcidIssuer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * TR 33.812 §5.1.3.6.2 step 3 NOTE 1 over HTTPS: the ICF asks the CHTIF that issued a PCID for its
 * credential, {@code GET {url}/chtif/v1/credentials/{imsi}} with mutual TLS (the ICF's certificate;
 * only the configured roots trusted; the CHTIF's host name checked), and stores the answer the way a
 * batch import does (same rules and defaults, {@link BatchImporter#subscriber}; K/OPc encrypted at rest
 * by the store). The API: docs/chtif-fetch-api.md, docs/openapi/chtif.yaml.
 *
 * <p>Bounded in every direction, so an AIR for an unknown PCID never hangs:
 * <ul>
 * <li>one fetch per IMSI at a time: concurrent AIRs for the same PCID wait for the same answer;</li>
 * <li>the whole fetch (connect, TLS, answer, store) has {@code timeout}; past it every waiter gets
 *     {@link Outcome.Unavailable} (4181) and the fetch thread is interrupted;</li>
 * <li>at most {@code maxFetches} fetches run at once; beyond, 4181 at once, so a flood of unknown
 *     IMSIs cannot open connections to the CHTIF without bound;</li>
 * <li>answers are read up to 64 KiB; anything that is not one well-formed credential for the IMSI
 *     asked about stores nothing.</li>
 * </ul>
 * The AIRs waiting for a fetch wait on Diameter worker threads (never on a Netty event loop), as a
 * relay to a home HSS does: while the CHTIF is slow, each holds its worker for up to {@code timeout}.
 * {@code limits.worker-threads} should leave room for that.
 *
 * <p>Only a 404 whose reason is {@value #UNKNOWN_REASON} means "no such PCID" (5001): any other refusal,
 * a 404 from a wrong URL included, is the CHTIF being unavailable (4181), so a misconfiguration does not
 * tell devices they do not exist. Each fetch is counted once, as what its waiting AIRs got, in
 * {@code icf.chtif.fetches{outcome}} ({@link #OUTCOMES}); a stored credential is logged per PCID,
 * failures (IMSI and reason, never a key) at most one line per outcome every 10 s.
 */
public final class ChtifClient implements CredentialFetch, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ChtifClient.class.getName());
    /** The CHTIF's credential resource; the IMSI follows. */
    public static final String PATH = "/chtif/v1/credentials/";
    /** The CHTIF's reason for an IMSI it never issued. */
    public static final String UNKNOWN_REASON = "unknown-imsi";
    /** Members of an answer: the columns of a supplier batch (PcidIssuer.CSV_HEADER). */
    static final List<String> MEMBERS = List.of(PcidIssuer.CSV_HEADER.split(","));
    static final List<String> OUTCOMES = List.of("stored", "stored-meanwhile", "unknown", "unknown-cached", "malformed", "refused",
            "unreachable", "timeout", "busy", "store-failed");
    private static final int MAX_ANSWER = 64 * 1024;
    private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param url        {@code https://HOST:PORT} of the CHTIF
     * @param imsiRanges IMSI prefixes fetched from it
     * @param timeout    the whole fetch
     * @param maxFetches fetches at once
     * @param issuer     recorded as the issuer of what is fetched
     * @param profile    recorded as the subscription profile of what is fetched
     * @param unknownTtl how long the CHTIF's "unknown IMSI" is remembered (0: not)
     * @param unknownMax at most this many remembered (oldest dropped first)
     */
    public record Settings(URI url, List<String> imsiRanges, Duration timeout, int maxFetches, String issuer, String profile,
                           Duration unknownTtl, int unknownMax) {
        public Settings {
            Objects.requireNonNull(url, "url");
            imsiRanges = List.copyOf(imsiRanges);
            if (maxFetches < 1) {
                throw new IllegalArgumentException("maxFetches must be at least 1");
            }
            Objects.requireNonNull(unknownTtl, "unknownTtl");
            if (unknownTtl.isNegative() || unknownMax < 0) {
                throw new IllegalArgumentException("unknownTtl and unknownMax must not be negative");
            }
        }

        public static Settings of(IcfConfig.Chtif c, String profile) {
            return new Settings(c.url(), c.imsiRanges(), c.timeout(), c.maxFetches(), c.issuer(), profile, c.unknownTtl(),
                    c.unknownMax());
        }
    }

    private final Settings settings;
    private final HttpClient http;
    private final CredentialStore store;
    private final BatchImporter rules;
    private final MeterRegistry meters;
    private final Timer fetchTime;
    private final Semaphore slots;
    private final ExecutorService fetchers;
    private final Map<String, CompletableFuture<Outcome>> inFlight = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lastLog = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> unlogged = new ConcurrentHashMap<>();
    /**
     * IMSIs the CHTIF said it never issued, with when that stops counting: a flood of requests for a
     * bogus PCID gets 5001 from here instead of a GET each. Bounded by {@code unknownMax}, the oldest
     * dropped first (insertion order); guarded by itself.
     */
    private final LinkedHashMap<String, Instant> unknown = new LinkedHashMap<>();
    private final Clock clock;

    private ChtifClient(Settings settings, SSLContext tls, CredentialStore store, MeterRegistry meters, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.store = store;
        this.meters = meters;
        this.rules = new BatchImporter(store, clock, BatchImporter.Defaults.of(settings.issuer(), settings.profile()));
        this.http = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1).connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.slots = new Semaphore(settings.maxFetches());
        AtomicInteger n = new AtomicInteger();
        this.fetchers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "icf-chtif-fetch-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        for (String o : OUTCOMES) {
            meters.counter("icf.chtif.fetches", "outcome", o);
        }
        this.fetchTime = Timer.builder("icf.chtif.fetch").description("GET to the CHTIF, answer read and stored")
                .publishPercentiles(0.5, 0.99).register(meters);
    }

    /**
     * The mutual-TLS client context of {@code cfg}: the ICF's credential, trusting only the roots given.
     * A missing or unreadable file is a {@link ConfigException} naming it.
     */
    public static SSLContext tls(IcfConfig.Chtif cfg, Path base) {
        return TlsFiles.client(base, "chtif", cfg.certificate(), cfg.key(), cfg.roots());
    }

    public static ChtifClient start(Settings settings, SSLContext tls, CredentialStore store, MeterRegistry meters, Clock clock) {
        return new ChtifClient(settings, tls, store, meters, clock);
    }

    /** The CHTIF's base URL. */
    public URI url() {
        return settings.url();
    }

    /** A well-formed IMSI (it becomes part of the URL) in one of the CHTIF's ranges. */
    @Override
    public boolean covers(String imsi) {
        if (!Imsi.isValid(imsi)) {
            return false;
        }
        for (String r : settings.imsiRanges()) {
            if (imsi.startsWith(r)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Outcome fetch(String imsi) {
        if (!covers(imsi)) {
            return new Outcome.Unknown(imsi + " is not in a range of the CHTIF");
        }
        if (knownUnknown(imsi)) {
            meters.counter("icf.chtif.fetches", "outcome", "unknown-cached").increment();
            return new Outcome.Unknown(imsi + ": the CHTIF said it never issued it (remembered for "
                    + settings.unknownTtl().toSeconds() + " s)");
        }
        CompletableFuture<Outcome> mine = new CompletableFuture<>();
        CompletableFuture<Outcome> shared = inFlight.putIfAbsent(imsi, mine);
        if (shared == null) {
            shared = mine;
            launch(imsi, mine);
        }
        try {
            // The fetch completes itself by the timeout; the margin only guards against a bug there.
            return shared.get(settings.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return new Outcome.Unavailable("no answer within " + settings.timeout().toMillis() + " ms");
        } catch (ExecutionException e) {
            return new Outcome.Unavailable("fetch failed: " + e.getCause().getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome.Unavailable("interrupted");
        }
    }

    /** One fetch's result and the name it is counted under. */
    private record Done(String outcome, Outcome result) {
    }

    /**
     * Starts the one fetch of {@code imsi}; {@code result} completes by the timeout whatever the CHTIF
     * does. Whichever comes first, the fetch's own end or the deadline, settles it: counted and logged
     * once, before the waiting AIRs are answered.
     */
    private void launch(String imsi, CompletableFuture<Outcome> result) {
        result.whenComplete((o, e) -> inFlight.remove(imsi, result));
        if (!slots.tryAcquire()) {
            settle(imsi, result, new AtomicBoolean(), new Done("busy",
                    new Outcome.Unavailable(settings.maxFetches() + " fetches from the CHTIF in flight")));
            return;
        }
        AtomicBoolean settled = new AtomicBoolean();
        Future<?> task;
        try {
            task = fetchers.submit(() -> {
                long start = System.nanoTime();
                try {
                    settle(imsi, result, settled, fetchNow(imsi));
                } catch (InterruptedException e) {
                    // abandoned at the deadline, or the ICF is stopping: settled already
                } catch (RuntimeException e) {
                    settle(imsi, result, settled, new Done("unreachable", new Outcome.Unavailable("fetch failed: "
                            + e.getClass().getSimpleName())));
                } finally {
                    fetchTime.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                    slots.release();
                }
            });
        } catch (RejectedExecutionException e) {
            slots.release();
            result.complete(new Outcome.Unavailable("the ICF is stopping"));
            return;
        }
        // The JDK client's own timeouts end at the answer's headers; a CHTIF trickling its body
        // would hold the fetch past them. This deadline covers everything and interrupts what is left.
        CompletableFuture.delayedExecutor(settings.timeout().toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (settle(imsi, result, settled, new Done("timeout", new Outcome.Unavailable("the CHTIF did not answer within "
                    + settings.timeout().toMillis() + " ms")))) {
                task.cancel(true);
            }
        });
    }

    /** Reports and completes with {@code d} unless the fetch was settled already; whether it was this call that settled it. */
    /** Whether the CHTIF's "unknown" for {@code imsi} still counts (and drops it if not). */
    private boolean knownUnknown(String imsi) {
        if (settings.unknownMax() == 0 || settings.unknownTtl().isZero()) {
            return false;
        }
        synchronized (unknown) {
            Instant until = unknown.get(imsi);
            if (until == null) {
                return false;
            }
            if (clock.instant().isBefore(until)) {
                return true;
            }
            unknown.remove(imsi);
            return false;
        }
    }

    private void rememberUnknown(String imsi) {
        if (settings.unknownMax() == 0 || settings.unknownTtl().isZero()) {
            return;
        }
        synchronized (unknown) {
            unknown.remove(imsi); // re-inserted at the young end
            unknown.put(imsi, clock.instant().plus(settings.unknownTtl()));
            while (unknown.size() > settings.unknownMax()) {
                unknown.remove(unknown.keySet().iterator().next());
            }
        }
    }

    /** How many "unknown" answers are remembered now (tests, metrics). */
    public int rememberedUnknown() {
        synchronized (unknown) {
            return unknown.size();
        }
    }

    private boolean settle(String imsi, CompletableFuture<Outcome> result, AtomicBoolean settled, Done d) {
        if (!settled.compareAndSet(false, true)) {
            return false;
        }
        if (d.result() instanceof Outcome.Unknown) {
            rememberUnknown(imsi); // only the CHTIF's own "never issued"; failures are never remembered
        }
        report(imsi, d);
        result.complete(d.result());
        return true;
    }

    private Done fetchNow(String imsi) throws InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(settings.url().resolve(PATH + imsi)).timeout(settings.timeout())
                .header("Accept", "application/json").GET().build();
        int status;
        byte[] body;
        try {
            HttpResponse<InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            status = resp.statusCode();
            try (InputStream in = resp.body()) {
                body = in.readNBytes(MAX_ANSWER + 1);
            }
        } catch (HttpTimeoutException e) {
            return new Done("timeout", new Outcome.Unavailable("the CHTIF did not answer within " + settings.timeout().toMillis() + " ms"));
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException();
            }
            return new Done("unreachable", new Outcome.Unavailable("cannot reach the CHTIF: " + describe(e)));
        }
        if (status == 404 && UNKNOWN_REASON.equals(JsonHttpServer.reasonOf(body))) {
            return new Done("unknown", new Outcome.Unknown("the CHTIF does not know " + imsi));
        }
        if (status != 200) {
            String reason = JsonHttpServer.reasonOf(body);
            return new Done("refused", new Outcome.Unavailable("the CHTIF answered HTTP " + status + (reason == null ? "" : " " + reason)));
        }
        List<String> problems = new ArrayList<>();
        Subscriber s = null;
        if (body.length > MAX_ANSWER) {
            problems.add("answer larger than " + MAX_ANSWER + " bytes");
        } else {
            s = credential(imsi, body, problems);
        }
        if (s == null) {
            return new Done("malformed", new Outcome.Unavailable("malformed answer from the CHTIF: " + String.join("; ", problems)));
        }
        try {
            store.insertAll(List.of(s));
        } catch (IllegalArgumentException e) {
            // Stored meanwhile (an import, another ICF member's fetch): the store's copy is the one to serve.
            return new Done("stored-meanwhile", new Outcome.Stored());
        } catch (RuntimeException e) {
            return new Done("store-failed", new Outcome.Unavailable("cannot store the fetched credential: " + describe(e)));
        }
        return new Done("stored", new Outcome.Stored());
    }

    /**
     * The credential in a 200 answer, with the rules of a batch line, or null with the problems: a
     * JSON object of string members from {@link #MEMBERS} only, for {@code imsi} and no other. A
     * member the ICF does not know is refused rather than ignored: the two organisations' contract
     * changed, and a credential half understood is not one to hand out vectors for.
     */
    private Subscriber credential(String imsi, byte[] body, List<String> problems) {
        JsonNode n;
        try {
            n = JSON.readTree(body);
        } catch (IOException e) {
            problems.add("not JSON");
            return null;
        }
        if (n == null || !n.isObject()) {
            problems.add("not a JSON object");
            return null;
        }
        Map<String, String> fields = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!MEMBERS.contains(e.getKey())) {
                problems.add("unknown member '" + printable(e.getKey()) + "'");
            } else if (!e.getValue().isTextual()) {
                problems.add(e.getKey() + " must be a string");
            } else {
                fields.put(e.getKey(), e.getValue().asText());
            }
        }
        String answered = fields.get("imsi");
        if (answered != null && !answered.equals(imsi)) {
            problems.add("answers for another IMSI");
        }
        if (!problems.isEmpty()) {
            return null;
        }
        return rules.subscriber(fields::get, problems);
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + (m.length() > 200 ? m.substring(0, 200) : m));
    }

    private static String printable(String s) {
        String t = s.length() > 40 ? s.substring(0, 40) + "…" : s;
        return t.replaceAll("[^\\x20-\\x7e…]", "?");
    }

    /**
     * Counts the outcome and logs it: a stored credential always (one line per PCID fetched), the
     * rest at most one line per outcome every 10 s (a flood of unknown IMSIs is one line).
     */
    private void report(String imsi, Done d) {
        meters.counter("icf.chtif.fetches", "outcome", d.outcome()).increment();
        if (d.result() instanceof Outcome.Stored) {
            LOG.info(() -> "PCID " + imsi + " fetched from the CHTIF " + settings.url() + ": " + d.outcome() + " (issuer "
                    + settings.issuer() + ")");
            return;
        }
        long now = System.nanoTime();
        AtomicLong last = lastLog.computeIfAbsent(d.outcome(), k -> new AtomicLong(now - LOG_EVERY_NANOS));
        AtomicLong skipped = unlogged.computeIfAbsent(d.outcome(), k -> new AtomicLong());
        long l = last.get();
        if (now - l < LOG_EVERY_NANOS || !last.compareAndSet(l, now)) {
            skipped.incrementAndGet();
            return;
        }
        long more = skipped.getAndSet(0);
        String why = d.result() instanceof Outcome.Unavailable u ? u.reason() : ((Outcome.Unknown) d.result()).detail();
        String line = "CHTIF fetch of PCID " + imsi + ": " + d.outcome() + " (" + why + ")"
                + (more > 0 ? "; " + more + " more " + d.outcome() + " since the last such line" : "");
        if (d.result() instanceof Outcome.Unknown) {
            LOG.info(line);
        } else {
            LOG.warning(line);
        }
    }

    /** Stops fetching: fetches in flight are interrupted, their waiters get 4181 (the Diameter side stops first). */
    @Override
    public void close() {
        fetchers.shutdownNow();
        for (CompletableFuture<Outcome> f : inFlight.values()) {
            f.complete(new Outcome.Unavailable("the ICF is stopping"));
        }
    }
}
