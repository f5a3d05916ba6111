package org.openmcim.icf.gx;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import org.openmcim.store.CredentialStore;
import org.openmcim.store.Subscriber;
import org.openmcim.store.SubscriberKind;

/**
 * The PCRF side of Gx IP-CAN sessions (TS 29.212 §4.5.1 establishment, §4.5.2 modification,
 * §4.5.3 termination) without Diameter: who may have a session, the per-Session-Id state needed
 * to answer later CCRs, and the attach events for the DRF. State is in memory: a restarted ICF
 * answers the PGW's next CCR-U/T with 5002 and the PGW re-establishes.
 *
 * <p>Moving a PCID from ATTACHED to PROVISIONING is not done here: that is the DPF's step.
 */
public final class GxSessions {
    /** Bound on remembered sessions, so a PCEF that never terminates cannot exhaust memory. */
    static final int MAX_SESSIONS = 1_000_000;

    private final CredentialStore store;
    private final Predicate<String> servedLocally;
    private final Predicate<String> visitor;
    private final AttachEvents events;
    private final Clock clock;
    private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();

    /**
     * @param visitor IMSIs of the ranges relayed to an SHO's HSS (MCIM subscribers). The PGW in the RO's
     *                network breaks them out locally after their re-attach (TR 33.812 step 21), so this
     *                PCRF acts as their visited PCRF (TS 29.213 §4.0, local breakout) and admits the
     *                session without a local record: the home HSS authenticated them, and their
     *                subscription reached the MME through the relayed ULA. No attach event: not a PCID.
     */
    public GxSessions(CredentialStore store, Predicate<String> servedLocally, Predicate<String> visitor, AttachEvents events, Clock clock) {
        this.store = store;
        this.servedLocally = servedLocally;
        this.visitor = visitor;
        this.events = events;
        this.clock = clock;
    }

    /** One IP-CAN session, by its Gx Session-Id. */
    public record Session(String sessionId, String imsi, InetAddress ip, String apn, Instant established) {
    }

    public sealed interface Outcome permits Established, Refused {
    }

    public record Established(Session session) implements Outcome {
    }

    public record Refused(Reason reason, String detail) implements Outcome {
    }

    public enum Reason {
        /** Unknown IMSI or not a served range: RFC 4006 §9.1 5030 DIAMETER_USER_UNKNOWN. */
        USER_UNKNOWN,
        /** Retired, expired or revoked credential: RFC 6733 §7.1.5 5003 DIAMETER_AUTHORIZATION_REJECTED. */
        NOT_AUTHORIZED,
        /** {@link #MAX_SESSIONS} reached: 5012 DIAMETER_UNABLE_TO_COMPLY. */
        FULL
    }

    /** CCR-Initial: checks the subscriber, remembers the session, announces a PCID's address. */
    public Outcome initial(String sessionId, String imsi, InetAddress ip, String apn) {
        if (!servedLocally.test(imsi) && visitor.test(imsi)) {
            return admit(new Session(sessionId, imsi, ip, apn, clock.instant()));
        }
        if (!servedLocally.test(imsi)) {
            return new Refused(Reason.USER_UNKNOWN, "IMSI range not served here");
        }
        Optional<Subscriber> found = store.find(imsi);
        if (found.isEmpty()) {
            return new Refused(Reason.USER_UNKNOWN, "unknown IMSI");
        }
        Subscriber s = found.get();
        Instant now = clock.instant();
        if (!s.state().servesVectors() || (s.kind() == SubscriberKind.PCID && s.expiredAt(now))) {
            return new Refused(Reason.NOT_AUTHORIZED, "credential is " + s.state());
        }
        Outcome admitted = admit(new Session(sessionId, imsi, ip, apn, now));
        if (admitted instanceof Established && s.kind() == SubscriberKind.PCID) {
            // TR 33.812 step 6: the RO now knows where to reach the M2ME for the bootstrap.
            events.pcidAttached(imsi, ip, apn, now);
        }
        return admitted;
    }

    private Outcome admit(Session session) {
        if (sessions.size() >= MAX_SESSIONS && !sessions.containsKey(session.sessionId())) {
            return new Refused(Reason.FULL, "too many Gx sessions");
        }
        sessions.put(session.sessionId(), session);
        return new Established(session);
    }

    /** CCR-Update: the session, if known. */
    public Optional<Session> update(String sessionId) {
        return Optional.ofNullable(sessions.get(sessionId));
    }

    /** CCR-Termination: forgets the session and announces the end for a PCID. */
    public Optional<Session> terminate(String sessionId) {
        Session s = sessions.remove(sessionId);
        if (s != null && servedLocally.test(s.imsi()) && store.find(s.imsi()).map(x -> x.kind() == SubscriberKind.PCID).orElse(true)) {
            events.sessionEnded(s.imsi(), clock.instant());
        }
        return Optional.ofNullable(s);
    }

    /** Sessions held. */
    public int size() {
        return sessions.size();
    }
}
