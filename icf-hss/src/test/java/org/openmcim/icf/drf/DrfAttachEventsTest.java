package org.openmcim.icf.drf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openmcim.icf.MutableClock;
import org.junit.jupiter.api.io.TempDir;
import org.openmcim.http.JsonHttpServer;
import org.openmcim.pki.DevelopmentPki;
import org.openmcim.pki.TlsContexts;
import org.openmcim.wire.attach.AttachEvent;
import org.openmcim.wire.attach.AttachEventCodec;
import org.openmcim.wire.device.DeviceProof;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The ICF's sender of attach events (TR 33.812 step 6) against a scripted DRF: a real HTTPS server with
 * real mutual TLS (the development PKI's drf certificate, clients under ro-root) whose answers the test
 * chooses, for the cases the real DRF gives only with difficulty (overload, refusal of one event).
 * drf-dpf's AttachEventsOverNetworkTest runs the real ICF against the real DRF. Every event offered is
 * accounted for: delivered, or dropped with a reason.
 */
class DrfAttachEventsTest {
    static final String PCID = "001010000000001";
    @TempDir
    static Path tmp;
    static DevelopmentPki pki;

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final List<String> bodies = new CopyOnWriteArrayList<>();
    final List<String> callers = new CopyOnWriteArrayList<>();
    final AtomicInteger attempts = new AtomicInteger();
    /** (attempt number, body) → the scripted DRF's answer. */
    volatile BiFunction<Integer, String, JsonHttpServer.Response> script = (n, b) -> JsonHttpServer.Response.of(202, Map.of());
    JsonHttpServer drf;
    DrfAttachEvents sender;

    @BeforeAll
    static void pki() throws Exception {
        pki = DevelopmentPki.init(tmp.resolve("pki"), Instant.now().minus(Duration.ofDays(1)), new SecureRandom(), false);
    }

    @BeforeEach
    void scriptedDrf() throws Exception {
        drf = JsonHttpServer.builder("scripted-drf").tls(TlsContexts.server(pki.credential("drf"), List.of(pki.root("ro-root")), true))
                .route("POST", DrfAttachEvents.PATH, r -> {
                    String body = new String(r.body(), StandardCharsets.UTF_8);
                    bodies.add(body);
                    callers.add(DeviceProof.commonName(r.peer()));
                    return script.apply(attempts.incrementAndGet(), body);
                }).start(new InetSocketAddress("127.0.0.1", 0));
    }

    @AfterEach
    void stop() {
        if (sender != null) {
            sender.close();
        }
        drf.close();
    }

    URI drfUrl() {
        return URI.create("https://127.0.0.1:" + drf.address().getPort());
    }

    static URI deadUrl() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("https://127.0.0.1:" + s.getLocalPort()); // nothing listens once closed
        }
    }

    DrfAttachEvents start(URI url, int queue, Clock clock) {
        sender = DrfAttachEvents.start(new DrfAttachEvents.Settings(url, queue, Duration.ofMillis(20), Duration.ofMillis(100),
                        Duration.ofHours(1), Duration.ofSeconds(2), Duration.ofSeconds(10)),
                TlsContexts.jdkClient(pki.credential("icf"), List.of(pki.root("ro-root"))), meters, clock);
        return sender;
    }

    double delivered() {
        return meters.find("icf.drf.delivered").counters().stream().mapToDouble(Counter::count).sum();
    }

    double dropped(String reason) {
        return meters.find("icf.drf.dropped").tag("reason", reason).counters().stream().mapToDouble(Counter::count).sum();
    }

    double droppedAll() {
        return meters.find("icf.drf.dropped").counters().stream().mapToDouble(Counter::count).sum();
    }

    double retries() {
        return meters.get("icf.drf.retries").counter().count();
    }

    static void await(BooleanSupplier done, String what) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void overloadedDrfIsRetriedUntilItTakesTheEvent() throws Exception {
        script = (n, b) -> n <= 2 ? JsonHttpServer.Response.error(503, "overloaded", "try again later")
                : JsonHttpServer.Response.of(202, Map.of());
        Instant at = Instant.now();
        start(drfUrl(), 10, Clock.systemUTC()).pcidAttached(PCID, ip("10.45.0.2"), "provisioning", at);
        await(() -> delivered() == 1, "delivery");
        assertEquals(3, attempts.get());
        assertEquals(2, retries());
        assertEquals(0, droppedAll());
        String expected = new String(new AttachEventCodec().encode(new AttachEvent.Attached(PCID, ip("10.45.0.2"), "provisioning", at)),
                StandardCharsets.UTF_8);
        assertEquals(List.of(expected, expected, expected), bodies, "the same event each time");
        assertEquals(List.of("icf", "icf", "icf"), callers, "mutual TLS with the ICF's certificate");
        assertEquals(1, meters.get("icf.drf.delivery").timer().count());
    }

    /** A refusal of the event itself drops it (counted) and the events behind it still go, in order. */
    @Test
    void refusedEventIsDroppedAndTheNextOneGoes() throws Exception {
        script = (n, b) -> b.contains("001010000000666") ? JsonHttpServer.Response.error(409, "stale-event", "too old")
                : JsonHttpServer.Response.of(202, Map.of());
        DrfAttachEvents s = start(drfUrl(), 10, Clock.systemUTC());
        s.pcidAttached("001010000000666", ip("10.45.0.6"), "provisioning", Instant.now());
        s.pcidAttached(PCID, ip("10.45.0.2"), "provisioning", Instant.now());
        s.sessionEnded(PCID, Instant.now());
        await(() -> delivered() == 2, "delivery of the two good events");
        assertEquals(1, meters.get("icf.drf.dropped").tags("event", "attached", "reason", "refused").counter().count());
        assertEquals(1, meters.get("icf.drf.delivered").tags("event", "session-ended").counter().count());
        assertEquals(3, bodies.size());
        assertTrue(bodies.get(0).contains("001010000000666") && bodies.get(1).contains("\"attached\"")
                && bodies.get(2).contains("\"session-ended\""), bodies.toString());
        assertEquals(0, retries());
    }

    /** 403 means this ICF's certificate is not accepted: a configuration to fix, so the event waits instead of being lost. */
    @Test
    void forbiddenIsRetriedNotDropped() throws Exception {
        script = (n, b) -> JsonHttpServer.Response.error(403, "unknown-icf", "not the configured ICF");
        start(drfUrl(), 10, Clock.systemUTC()).pcidAttached(PCID, ip("10.45.0.2"), "provisioning", Instant.now());
        await(() -> retries() >= 3, "retries");
        assertEquals(0, droppedAll());
        assertEquals(0, delivered());
        sender.close();
        assertEquals(1, dropped("shutdown"), "stopping the ICF counts what it could not deliver");
    }

    /** The Gx worker never waits: a full queue drops (and counts) the newest event at once. */
    @Test
    void boundedQueueNeverBlocksTheCaller() throws Exception {
        DrfAttachEvents s = start(deadUrl(), 2, Clock.systemUTC());
        long t0 = System.nanoTime();
        for (int i = 0; i < 50; i++) {
            s.pcidAttached(String.format("0010100000%05d", i), ip("10.45.0.2"), "provisioning", Instant.now());
        }
        long took = System.nanoTime() - t0;
        assertTrue(took < Duration.ofSeconds(1).toNanos(), "50 offers took " + took / 1_000_000 + " ms");
        assertTrue(dropped("queue-full") >= 47, "at most one in flight and two queued: " + dropped("queue-full"));
        s.close();
        assertEquals(50, delivered() + droppedAll(), "every event is delivered or counted as dropped");
        assertEquals(0, delivered());
    }

    @Test
    void eventsOlderThanMaxAgeAreDropped() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        start(deadUrl(), 10, clock).pcidAttached(PCID, ip("10.45.0.2"), "provisioning", clock.instant());
        await(() -> retries() >= 1, "a failed attempt");
        clock.advance(Duration.ofMinutes(61));
        await(() -> dropped("expired") == 1, "expiry");
        assertEquals(0, sender.queued());
    }

    /** What breaks the event rules is counted at the ICF and never sent. */
    @Test
    void invalidEventsAreNeverSent() throws Exception {
        DrfAttachEvents s = start(drfUrl(), 10, Clock.systemUTC());
        s.pcidAttached(PCID, ip("10.45.0.2"), "not an apn", Instant.now());
        s.pcidAttached("0010", ip("10.45.0.2"), "provisioning", Instant.now());
        s.pcidAttached(PCID, ip("224.0.0.1"), "provisioning", Instant.now());
        s.sessionEnded(null, Instant.now());
        s.pcidAttached(PCID, ip("10.45.0.2"), "provisioning", Instant.now());
        await(() -> delivered() == 1, "the one valid event");
        assertEquals(4, dropped("invalid"));
        assertEquals(1, bodies.size());
    }

    /** Stopping the ICF lets the sender empty its queue first. */
    @Test
    void closeDrainsTheQueue() throws Exception {
        DrfAttachEvents s = start(drfUrl(), 100, Clock.systemUTC());
        for (int i = 0; i < 20; i++) {
            s.sessionEnded(String.format("0010100000%05d", i), Instant.now());
        }
        s.close();
        assertEquals(20, delivered());
        assertEquals(20, bodies.size());
        s.pcidAttached(PCID, ip("10.45.0.2"), "provisioning", Instant.now());
        assertEquals(1, dropped("shutdown"), "after close nothing is taken");
    }
}
