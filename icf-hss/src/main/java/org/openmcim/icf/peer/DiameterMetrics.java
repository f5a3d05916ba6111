package org.openmcim.icf.peer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.openmcim.diameter.ApplicationId;
import org.openmcim.diameter.CommandCode;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Per application, command and result (STYLE.md item 10): a timer {@code diameter.requests}
 * with percentiles, and counters for duplicates, overload and undecodable frames.
 */
public final class DiameterMetrics {
    private static final Map<Integer, String> APPS = Map.of(ApplicationId.S6A, "s6a", ApplicationId.SWX, "swx",
            ApplicationId.GX, "gx", ApplicationId.COMMON, "base");
    private static final Map<Integer, String> COMMANDS = Map.ofEntries(
            Map.entry(CommandCode.AUTHENTICATION_INFORMATION, "AIR"), Map.entry(CommandCode.UPDATE_LOCATION, "ULR"),
            Map.entry(CommandCode.PURGE_UE, "PUR"), Map.entry(CommandCode.NOTIFY, "NOR"),
            Map.entry(CommandCode.CANCEL_LOCATION, "CLR"), Map.entry(CommandCode.MULTIMEDIA_AUTH, "MAR"),
            Map.entry(CommandCode.SERVER_ASSIGNMENT, "SAR"), Map.entry(CommandCode.CREDIT_CONTROL, "CCR"));

    private final MeterRegistry registry;
    /**
     * The timers already registered, by application, command and result: building a Timer's id
     * (three Tags, sorted) and looking it up in the registry on every request was the largest
     * allocation of an AIR on the Hazelcast store (a JFR allocation profile, issue #3).
     */
    private final Map<TimerKey, Timer> timers = new ConcurrentHashMap<>();

    private record TimerKey(int applicationId, int commandCode, long result) {
    }

    /** Registered once: counted on the hot path of every AIR the store grants from memory. */
    private final Counter answeredOnLoop;

    public DiameterMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.answeredOnLoop = Counter.builder("diameter.answered_on_loop")
                .description("application requests answered on the event loop, without a hand-off to a worker thread")
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void request(int applicationId, int commandCode, long result, Duration took) {
        TimerKey key = new TimerKey(applicationId, commandCode, result);
        Timer timer = timers.get(key);
        if (timer == null) {
            timer = timers.computeIfAbsent(key, k -> Timer.builder("diameter.requests")
                    .description("Diameter requests answered, by application, command and result code")
                    .tag("application", APPS.getOrDefault(applicationId, Integer.toUnsignedString(applicationId)))
                    .tag("command", COMMANDS.getOrDefault(commandCode, Integer.toString(commandCode)))
                    .tag("result", Long.toString(result))
                    .publishPercentiles(0.5, 0.99)
                    .register(registry));
        }
        timer.record(took);
    }

    public void duplicate() {
        Counter.builder("diameter.duplicates").description("retransmitted requests answered from the duplicate cache")
                .register(registry).increment();
    }

    /** A request answered on the event loop, without a hand-off to a worker ({@link ApplicationHandler#answerWithoutBlocking}). */
    public void answeredOnLoop() {
        answeredOnLoop.increment();
    }

    public void tooBusy() {
        Counter.builder("diameter.too_busy").description("requests refused with 3004 DIAMETER_TOO_BUSY")
                .register(registry).increment();
    }

    public void invalid(int resultCode) {
        Counter.builder("diameter.invalid").description("frames rejected by the decoder").tag("result", Integer.toString(resultCode))
                .register(registry).increment();
    }
}
