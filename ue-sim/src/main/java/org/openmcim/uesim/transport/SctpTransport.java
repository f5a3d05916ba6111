package org.openmcim.uesim.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;

import com.sun.nio.sctp.MessageInfo;
import com.sun.nio.sctp.SctpChannel;

/**
 * S1AP over real SCTP with the JDK's {@code com.sun.nio.sctp} (module jdk.sctp), PPID 18 on
 * stream 0 for non-UE-associated signalling and stream 1 for UE-associated (TS 36.412 §7 asks
 * for one stream pair reserved to the former). Needs the kernel's SCTP module; see {@link
 * #available()}. A reader thread hands each received message to the listener.
 */
public final class SctpTransport implements S1Transport {
    /** TS 36.412 §7: the S1AP payload protocol identifier. */
    public static final int PPID_S1AP = 18;

    private final SctpChannel channel;
    private final Thread reader;

    private SctpTransport(SctpChannel channel, Listener listener) {
        this.channel = channel;
        this.reader = new Thread(() -> readLoop(listener), "s1-sctp-reader");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /**
     * Whether an SCTP socket can be opened here: the JDK throws {@link
     * UnsupportedOperationException} without libsctp and an {@link IOException} (protocol not
     * supported) without the kernel module.
     */
    public static boolean available() {
        try {
            SctpChannel.open().close();
            return true;
        } catch (UnsupportedOperationException | IOException | LinkageError e) {
            return false;
        }
    }

    public static SctpTransport connect(InetSocketAddress mme, Listener listener) throws IOException {
        SctpChannel ch = SctpChannel.open();
        try {
            ch.connect(mme, 2, 2);
            return new SctpTransport(ch, listener);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private void readLoop(Listener listener) {
        ByteBuffer buf = ByteBuffer.allocateDirect(FramedTcpTransport.MAX_PDU);
        try {
            while (true) {
                buf.clear();
                MessageInfo info = channel.receive(buf, null, null);
                if (info == null || info.bytes() < 0) {
                    break;
                }
                buf.flip();
                byte[] pdu = new byte[buf.remaining()];
                buf.get(pdu);
                listener.onPdu(pdu);
            }
            listener.onClosed("association shut down");
        } catch (IOException e) {
            listener.onClosed("association failed: " + e.getMessage());
        }
    }

    @Override
    public synchronized void send(byte[] pdu) {
        // Stream 0 carries the non-UE-associated procedures; byte 1 is the procedure code.
        int code = pdu.length > 1 ? pdu[1] & 0xff : 0;
        boolean nonUe = Arrays.asList(14, 15, 17).contains(code);
        MessageInfo info = MessageInfo.createOutgoing(null, nonUe ? 0 : 1).payloadProtocolID(PPID_S1AP);
        try {
            channel.send(ByteBuffer.wrap(pdu), info);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public TransportKind kind() {
        return TransportKind.SCTP;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing: nothing left to do
        }
    }
}
