package org.openmcim.uesim.lab;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.openmcim.uesim.transport.FramedTcpTransport;
import org.openmcim.uesim.transport.S1Transport;

/**
 * Test helper: an eNB socket to the lab's real NextEPC MME over framed TCP that queues what the
 * MME sends, plus {@code lab/lab.sh} control. The MME is the real peer; nothing is mocked.
 */
public final class LabEnb implements AutoCloseable {
    public static final InetSocketAddress MME = new InetSocketAddress("127.0.0.2", 36412);

    private final BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
    private final List<String> closed = new ArrayList<>();
    private final S1Transport transport;

    public LabEnb() throws InterruptedException {
        transport = FramedTcpTransport.connect(MME, new S1Transport.Listener() {
            @Override
            public void onPdu(byte[] pdu) {
                received.add(pdu);
            }

            @Override
            public void onClosed(String reason) {
                synchronized (closed) {
                    closed.add(reason);
                }
            }
        }, 3000);
    }

    public void send(byte[] pdu) {
        transport.send(pdu);
    }

    /** The next PDU from the MME, or null after {@code millis}. */
    public byte[] next(long millis) throws InterruptedException {
        return received.poll(millis, TimeUnit.MILLISECONDS);
    }

    public boolean closedByPeer() {
        synchronized (closed) {
            return !closed.isEmpty();
        }
    }

    @Override
    public void close() {
        transport.close();
    }

    /** The repository root (ue-sim's parent), where lab/lab.sh lives. */
    public static Path repo() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("lab/lab.sh"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("lab/lab.sh not found above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    /** Runs {@code lab/lab.sh <verb>}; returns its exit status (output goes to target/lab-<verb>.log). */
    public static int lab(String verb) throws IOException, InterruptedException {
        return LabScript.run(repo(), verb, Path.of("target", "lab-" + verb + ".log"));
    }
}
