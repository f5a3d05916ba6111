package org.openmcim.icf.peer;

import org.openmcim.diameter.DiameterMessage;

/**
 * Answers the requests of one Diameter application (S6a, SWx, Gx). {@link #answer} is called on a
 * worker thread, never on a Netty event loop, so it may block on the credential store;
 * {@link #answerWithoutBlocking} is called on the event loop first. The peer layer has already
 * checked the peer, the application, Session-Id and unsupported mandatory AVPs.
 */
public interface ApplicationHandler {

    /** The application id this handler serves. */
    int applicationId();

    /**
     * The answer to {@code request} from {@code peer}. An unsupported command is answered by
     * the handler with 3001 DIAMETER_COMMAND_UNSUPPORTED.
     */
    DiameterMessage answer(DiameterMessage request, PeerInfo peer);

    /**
     * The answer to {@code request} if this handler can make it without blocking (no store call
     * that can wait for the cluster, the database or another peer), else null, having changed
     * nothing; then {@link #answer} runs on a worker. Called on the Diameter event loop, so that a
     * request that needs no I/O costs no hand-off to a worker and back (issue #3: at part load the
     * two thread wake-ups cost more CPU than the answer). Null by default.
     */
    default DiameterMessage answerWithoutBlocking(DiameterMessage request, PeerInfo peer) {
        return null;
    }

    /**
     * Adds what this application requires in every answer, errors made by the peer layer included
     * (Gx: Auth-Application-Id, CC-Request-Type and CC-Request-Number, RFC 4006 §3.2 / TS 29.212
     * §5.6.3 — NextEPC's PGW discards a CCA without CC-Request-Type). Nothing by default.
     */
    default void completeAnswer(DiameterMessage request, DiameterMessage.Builder answer) {
    }

    /** The peer a request came from, as it identified itself in CER. */
    record PeerInfo(String host, String realm) {
    }
}
