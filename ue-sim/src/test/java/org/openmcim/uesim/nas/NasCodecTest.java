package org.openmcim.uesim.nas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.Arrays;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openmcim.aka.VectorFile;
import org.openmcim.aka.VectorFile.Vector;
import org.openmcim.uesim.nas.SampleNasMessages.Sample;

/** NAS codec tables: NAS PDUs from NextEPC and spec encodings from a data file, round trips, totality. */
class NasCodecTest {
    private final NasCodec codec = new NasCodec();

    static Stream<Arguments> vectors() {
        return VectorFile.arguments("vectors/nas-pdus.txt");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void decodesAsRecordedAndReencodesIdentically(Vector v) {
        byte[] pdu = v.hex("hex");
        NasDecodeResult r = codec.decode(pdu, NasCodec.Direction.valueOf(v.get("direction")));
        NasMessage m = assertInstanceOf(NasMessage.class, r, r::toString);
        assertEquals(v.get("decoded"), m.toString());
        assertArrayEquals(pdu, codec.encode(m));
    }

    static Stream<Sample> samples() {
        return SampleNasMessages.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void roundTrips(Sample s) {
        assertEquals(s.message(), codec.decode(codec.encode(s.message()), s.direction()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void truncationIsAnErrorValueNeverAnException(Sample s) {
        byte[] pdu = codec.encode(s.message());
        for (int n = 0; n < pdu.length; n++) {
            NasDecodeResult r = codec.decode(Arrays.copyOf(pdu, n), s.direction());
            // A cut inside the optional part may leave a shorter valid message; a cut in the
            // mandatory part must be an error.
            if (r instanceof NasMessage m) {
                assertArrayEquals(Arrays.copyOf(pdu, codec.encode(m).length), codec.encode(m), "prefix " + n);
            }
        }
    }

    @Test
    void protectedMessageMustBeUnprotectedFirst() {
        assertInstanceOf(NasDecodeError.class, codec.decode(new byte[] {0x27, 1, 2, 3, 4, 0, 0x07, 0x45}, NasCodec.Direction.DOWNLINK));
    }

    @Test
    void emptyAndUnknownDiscriminatorAreErrors() {
        assertInstanceOf(NasDecodeError.class, codec.decode(new byte[0], NasCodec.Direction.UPLINK));
        assertEquals(NasDecodeError.MESSAGE_TYPE_NON_EXISTENT,
                assertInstanceOf(NasDecodeError.class, codec.decode(new byte[] {0x05, 0x01}, NasCodec.Direction.UPLINK)).emmCause());
    }
}
