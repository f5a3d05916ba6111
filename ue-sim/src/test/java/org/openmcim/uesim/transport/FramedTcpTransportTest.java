package org.openmcim.uesim.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.openmcim.aka.Hex;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

/** The framed-TCP pipeline in an EmbeddedChannel: every split offset, several frames, oversize. */
class FramedTcpTransportTest {
    private static final byte[] PDU_A = Hex.decode("201100170000020069000b000000f11000000002000100574001ff");
    private static final byte[] PDU_B = Hex.decode("200e0003000000");

    private static final class Recorder implements S1Transport.Listener {
        final List<byte[]> pdus = new ArrayList<>();
        final List<String> closed = new ArrayList<>();

        @Override
        public void onPdu(byte[] pdu) {
            pdus.add(pdu);
        }

        @Override
        public void onClosed(String reason) {
            closed.add(reason);
        }
    }

    private static byte[] framed(byte[]... pdus) {
        ByteBuf b = Unpooled.buffer();
        for (byte[] p : pdus) {
            b.writeInt(p.length).writeBytes(p);
        }
        return ByteBufUtil.getBytes(b);
    }

    @Test
    void decodesAtEverySplitOffset() {
        byte[] stream = framed(PDU_A, PDU_B);
        for (int split = 0; split <= stream.length; split++) {
            Recorder r = new Recorder();
            EmbeddedChannel ch = new EmbeddedChannel();
            FramedTcpTransport.initPipeline(ch, r);
            ch.writeInbound(Unpooled.wrappedBuffer(stream, 0, split));
            ch.writeInbound(Unpooled.wrappedBuffer(stream, split, stream.length - split));
            assertEquals(2, r.pdus.size(), "split at " + split);
            assertArrayEquals(PDU_A, r.pdus.get(0));
            assertArrayEquals(PDU_B, r.pdus.get(1));
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void octetAtATime() {
        Recorder r = new Recorder();
        EmbeddedChannel ch = new EmbeddedChannel();
        FramedTcpTransport.initPipeline(ch, r);
        for (byte b : framed(PDU_B, PDU_A)) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        assertEquals(2, r.pdus.size());
        assertArrayEquals(PDU_A, r.pdus.get(1));
        ch.finishAndReleaseAll();
    }

    @Test
    void prependsTheFourOctetLength() {
        EmbeddedChannel ch = new EmbeddedChannel();
        FramedTcpTransport.initPipeline(ch, new Recorder());
        ch.writeOutbound(Unpooled.wrappedBuffer(PDU_B));
        ByteBuf out = Unpooled.buffer();
        for (Object o; (o = ch.readOutbound()) != null;) {
            out.writeBytes((ByteBuf) o);
            ((ByteBuf) o).release();
        }
        assertArrayEquals(framed(PDU_B), ByteBufUtil.getBytes(out));
    }

    @Test
    void oversizeFrameClosesTheAssociation() {
        Recorder r = new Recorder();
        EmbeddedChannel ch = new EmbeddedChannel();
        FramedTcpTransport.initPipeline(ch, r);
        ch.writeInbound(Unpooled.buffer().writeInt(FramedTcpTransport.MAX_PDU + 1).writeZero(16));
        assertFalse(ch.isOpen());
        assertEquals(List.of("connection closed"), r.closed);
        assertEquals(0, r.pdus.size());
    }

    @Test
    void transportOptionParses() {
        assertEquals(TransportKind.SCTP, TransportKind.parse("sctp"));
        assertEquals(TransportKind.TCP_FRAMED, TransportKind.parse("tcp-framed"));
        assertThrows(IllegalArgumentException.class, () -> TransportKind.parse("udp"));
    }

    /**
     * Without kernel SCTP (this CI machine) asking for SCTP falls back to framed TCP and says so;
     * the framed connection then carries a PDU to a real local socket, length first.
     */
    @Test
    void sctpFallsBackToFramedTcpWhenTheKernelHasNone() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(SctpTransport.available(), "this machine has SCTP");
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            List<String> log = new ArrayList<>();
            try (S1Transport t = S1Transports.open(TransportKind.SCTP,
                    new java.net.InetSocketAddress(server.getInetAddress(), server.getLocalPort()), new Recorder(), log::add);
                    java.net.Socket peer = server.accept()) {
                assertEquals(TransportKind.TCP_FRAMED, t.kind());
                assertEquals(1, log.size());
                org.junit.jupiter.api.Assertions.assertTrue(log.get(0).contains("falling back to --transport tcp-framed"), log.get(0));
                t.send(PDU_B);
                peer.setSoTimeout(5000);
                assertArrayEquals(framed(PDU_B), peer.getInputStream().readNBytes(4 + PDU_B.length));
            }
        }
    }
}
