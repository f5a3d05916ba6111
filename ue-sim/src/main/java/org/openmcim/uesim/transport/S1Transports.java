package org.openmcim.uesim.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * Opens the transport named by {@code --transport}. Asking for SCTP on a machine without it
 * (kernel module or libsctp missing) falls back to framed TCP and says so through {@code log}:
 * the lab's shim is then the only way to reach the MME.
 */
public final class S1Transports {
    private S1Transports() {
    }

    public static S1Transport open(TransportKind wanted, InetSocketAddress mme, S1Transport.Listener listener,
            Consumer<String> log) throws IOException, InterruptedException {
        if (wanted == TransportKind.SCTP) {
            if (SctpTransport.available()) {
                return SctpTransport.connect(mme, listener);
            }
            log.accept("SCTP is not available on this machine (no kernel module or libsctp); "
                    + "falling back to --transport tcp-framed (4-byte length + S1AP PDU over TCP)");
        }
        return FramedTcpTransport.connect(mme, listener, 5000);
    }
}
