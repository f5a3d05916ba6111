package org.openmcim.diameter.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openmcim.diameter.DecodeResult;
import org.openmcim.diameter.DiameterCodec;
import org.openmcim.diameter.DiameterMessage;
import org.openmcim.diameter.InvalidMessage;
import org.openmcim.diameter.ResultCode;
import org.openmcim.diameter.TestData;

/** The Netty pieces in an EmbeddedChannel: no sockets. */
class DiameterPipelineTest {
    private final DiameterCodec codec = new DiameterCodec(TestData.DICTIONARY);

    private static EmbeddedChannel channel(DiameterCodec codec) {
        EmbeddedChannel ch = new EmbeddedChannel();
        DiameterPipeline.addCodec(ch.pipeline(), codec);
        return ch;
    }

    private static List<DecodeResult> feed(EmbeddedChannel ch, byte[]... chunks) {
        for (byte[] c : chunks) {
            ch.writeInbound(Unpooled.wrappedBuffer(c));
            ch.checkException();
        }
        List<DecodeResult> out = new ArrayList<>();
        Object o;
        while ((o = ch.readInbound()) != null) {
            out.add(assertInstanceOf(DecodeResult.class, o));
        }
        return out;
    }

    private static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        parts.forEach(s::writeBytes);
        return s.toByteArray();
    }

    private static byte[] capture(String name) {
        return TestData.captures().stream().filter(b -> b.source().equals(name)).findFirst().orElseThrow().bytes();
    }

    @Test
    void streamSplitAtEveryOffsetDecodesTheSameMessages() {
        List<byte[]> frames = TestData.captures().stream().map(TestData.Block::bytes).toList();
        byte[] stream = concat(frames);
        List<DecodeResult> expected = frames.stream().map(codec::decode).toList();
        for (int i = 0; i <= stream.length; i++) {
            EmbeddedChannel ch = channel(codec);
            List<DecodeResult> got = feed(ch, Arrays.copyOfRange(stream, 0, i), Arrays.copyOfRange(stream, i, stream.length));
            assertEquals(expected, got, "split at " + i);
            assertFalse(ch.finish());
        }
    }

    @Test
    void streamFedOneOctetAtATime() {
        byte[] stream = concat(TestData.captures().stream().map(TestData.Block::bytes).toList());
        EmbeddedChannel ch = channel(codec);
        List<DecodeResult> got = new ArrayList<>();
        for (byte b : stream) {
            got.addAll(feed(ch, new byte[] {b}));
        }
        assertEquals(TestData.captures().size(), got.size());
        got.forEach(r -> assertInstanceOf(DiameterMessage.class, r));
    }

    @Test
    void oversizeFrameIsAnsweredAndTheNextFrameDecodesOnTheSameConnection() {
        DiameterCodec small = new DiameterCodec(TestData.DICTIONARY, DiameterCodec.Config.defaults().withMaxMessageSize(128));
        byte[] cer = capture("freediameter-cer.txt"); // 188 octets
        byte[] dwr = capture("freediameter-dwr-1.txt"); // 80 octets
        byte[] stream = concat(List.of(cer, dwr));
        for (int i = 0; i <= stream.length; i++) {
            EmbeddedChannel ch = channel(small);
            List<DecodeResult> got = feed(ch, Arrays.copyOfRange(stream, 0, i), Arrays.copyOfRange(stream, i, stream.length));
            assertEquals(2, got.size(), "split at " + i);
            InvalidMessage tooBig = assertInstanceOf(InvalidMessage.class, got.get(0));
            assertEquals(ResultCode.DIAMETER_UNABLE_TO_COMPLY, tooBig.resultCode());
            assertFalse(tooBig.closeConnection());
            assertTrue(tooBig.answerable());
            assertEquals(java.nio.ByteBuffer.wrap(cer, 12, 4).getInt(), tooBig.header().hopByHop());
            assertEquals(small.decode(dwr), got.get(1));
        }
    }

    @Test
    void hugeDeclaredLengthIsSkippedAsItArrives() {
        byte[] dwr = capture("freediameter-dwr-1.txt");
        byte[] huge = dwr.clone();
        huge[1] = 0x0F; // Message Length 0x0F0050: about 1 MB, body never buffered
        EmbeddedChannel ch = channel(codec);
        List<DecodeResult> got = new ArrayList<>(feed(ch, huge));
        int remaining = 0x0F0050 - huge.length;
        byte[] chunk = new byte[4096];
        while (remaining > 0) {
            int n = Math.min(remaining, chunk.length);
            got.addAll(feed(ch, Arrays.copyOf(chunk, n)));
            remaining -= n;
        }
        got.addAll(feed(ch, dwr));
        assertEquals(2, got.size());
        assertEquals(ResultCode.DIAMETER_UNABLE_TO_COMPLY, ((InvalidMessage) got.get(0)).resultCode());
        assertInstanceOf(DiameterMessage.class, got.get(1));
    }

    @Test
    void lengthBelowTheHeaderClosesTheStream() {
        byte[] dwr = capture("freediameter-dwr-1.txt");
        byte[] bad = dwr.clone();
        bad[1] = 0;
        bad[2] = 0;
        bad[3] = 8; // Message Length 8 < 20
        EmbeddedChannel ch = channel(codec);
        List<DecodeResult> got = feed(ch, bad, dwr, dwr);
        assertEquals(1, got.size(), "nothing after the frame boundary is lost");
        InvalidMessage m = assertInstanceOf(InvalidMessage.class, got.get(0));
        assertEquals(ResultCode.DIAMETER_INVALID_MESSAGE_LENGTH, m.resultCode());
        assertTrue(m.closeConnection());
        assertTrue(m.answerable(), "the header arrived, so the handler can still answer before closing");
    }

    static Stream<TestData.Block> notDiameter() {
        return TestData.blocks("vectors/not-diameter.txt").stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notDiameter")
    void nonDiameterOctetsCloseTheStream(TestData.Block v) {
        EmbeddedChannel ch = channel(codec);
        List<DecodeResult> got = feed(ch, v.bytes(), capture("freediameter-dwr-1.txt"));
        assertEquals(1, got.size());
        InvalidMessage m = assertInstanceOf(InvalidMessage.class, got.get(0));
        assertEquals(ResultCode.DIAMETER_UNSUPPORTED_VERSION, m.resultCode());
        assertTrue(m.closeConnection());
    }

    @Test
    void truncatedHeaderAtEndOfStreamYieldsNothing() {
        byte[] dwr = capture("freediameter-dwr-1.txt");
        for (int n = 1; n < dwr.length; n++) {
            EmbeddedChannel ch = channel(codec);
            assertTrue(feed(ch, Arrays.copyOf(dwr, n)).isEmpty());
            ch.close();
            ch.checkException();
            assertNull(ch.readInbound());
        }
    }

    static Stream<TestData.Block> malformed() {
        return TestData.blocks("vectors/malformed.txt").stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedFramesThroughThePipelineMatchTheCodec(TestData.Block v) {
        DiameterCodec.Config cfg = DiameterCodec.Config.defaults();
        if (v.fields().containsKey("max-grouped-depth")) {
            cfg = cfg.withMaxGroupedDepth(Integer.parseInt(v.get("max-grouped-depth")));
        }
        DiameterCodec c = new DiameterCodec(TestData.DICTIONARY, cfg);
        byte[] good = capture("freediameter-dwa-1.txt");
        EmbeddedChannel ch = channel(c);
        List<DecodeResult> got = feed(ch, v.bytes(), good);
        DecodeResult first = got.get(0);
        if (v.bytes().length >= 20 && (v.bytes()[1] | v.bytes()[2]) == 0 && (v.bytes()[3] & 0xFF) == v.bytes().length
                && v.bytes()[0] == 1) {
            assertEquals(c.decode(v.bytes()), first);
            assertEquals(2, got.size(), "the stream goes on after a well-framed bad message");
            assertEquals(c.decode(good), got.get(1));
        } else {
            InvalidMessage m = assertInstanceOf(InvalidMessage.class, first);
            assertTrue(m.closeConnection(), v + ": unframeable input closes the stream");
            assertEquals(1, got.size());
        }
    }

    @Test
    void encoderWritesTheCodecsOctets() {
        DiameterMessage dwr = (DiameterMessage) codec.decode(capture("freediameter-dwr-1.txt"));
        DiameterMessage dwa = DiameterMessage.answerTo(dwr)
                .add(org.openmcim.diameter.Avp.unsigned32(TestData.DICTIONARY.avp("Result-Code"), ResultCode.DIAMETER_SUCCESS))
                .add(org.openmcim.diameter.Avp.diameterIdentity(TestData.DICTIONARY.avp("Origin-Host"), "hss.openmcim.test"))
                .add(org.openmcim.diameter.Avp.diameterIdentity(TestData.DICTIONARY.avp("Origin-Realm"), "openmcim.test"))
                .build();
        EmbeddedChannel ch = channel(codec);
        assertTrue(ch.writeOutbound(dwa));
        ByteBuf out = ch.readOutbound();
        assertArrayEquals(codec.encode(dwa), ByteBufUtil.getBytes(out));
        out.release();
        // And what it wrote comes back through the decoder side.
        assertEquals(List.of(dwa), feed(ch, codec.encode(dwa)));
        assertFalse(ch.finish());
    }
}
