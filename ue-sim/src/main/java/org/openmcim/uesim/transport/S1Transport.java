package org.openmcim.uesim.transport;

import java.io.Closeable;

/**
 * One S1-MME association from the eNB to an MME, carrying whole S1AP PDUs (SCTP PPID 18, TS
 * 36.412 §7). Implementations: real SCTP ({@link SctpTransport}) and the lab's 4-byte-length
 * framed TCP ({@link FramedTcpTransport}). Received PDUs and the end of the association go to
 * the {@link Listener} given at creation, on the transport's own thread.
 */
public interface S1Transport extends Closeable {

    /** Receives what the MME sends. Must not block. */
    interface Listener {
        void onPdu(byte[] pdu);

        void onClosed(String reason);
    }

    /** Sends one S1AP PDU. */
    void send(byte[] pdu);

    /** Which transport this is (after any fallback). */
    TransportKind kind();

    @Override
    void close();
}
