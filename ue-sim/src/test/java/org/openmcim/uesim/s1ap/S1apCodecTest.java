package org.openmcim.uesim.s1ap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openmcim.aka.VectorFile;
import org.openmcim.aka.VectorFile.Vector;
import org.openmcim.uesim.lab.LabScenario;

/**
 * S1AP codec tables: PDUs captured from NextEPC's MME decode to what was recorded and re-encode to
 * the same octets (the MME's asn1c encoder and ours agree bit for bit); PDUs built from TS 36.413
 * and checked with tshark decode as recorded; every sample round-trips; bad input is an error value.
 */
class S1apCodecTest {
    private final S1apCodec codec = new S1apCodec();

    static Stream<Arguments> captures() throws IOException, URISyntaxException {
        Path dir = Path.of(S1apCodecTest.class.getClassLoader().getResource("captures").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".txt")).sorted().toList();
            return names.stream().flatMap(n -> VectorFile.arguments("captures/" + n));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void captureDecodesAsRecordedAndReencodesIdentically(Vector v) {
        byte[] pdu = v.hex("hex");
        S1apDecodeResult r = codec.decode(pdu);
        S1apMessage m = assertInstanceOf(S1apMessage.class, r, () -> r.toString());
        assertEquals(v.get("decoded"), m.toString());
        assertArrayEquals(pdu, codec.encode(m));
    }

    static Stream<S1apMessage> samples() {
        return SampleS1apMessages.all().stream();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void everySampleRoundTrips(S1apMessage m) {
        byte[] pdu = codec.encode(m);
        assertEquals(m, codec.decode(pdu));
        assertEquals(codec.toPdu(m), codec.decodePdu(pdu));
    }

    @Test
    void s1SetupRequestIsTheOneLabS1apClientPyBuildsByHand() {
        Vector v = VectorFile.load("vectors/s1ap-client-py.txt").get(0);
        assertArrayEquals(v.hex("hex"), codec.encode(LabScenario.s1SetupRequest(LabScenario.PLMN)));
    }

    @ParameterizedTest
    @MethodSource("samples")
    void everyTruncationIsAnErrorValue(S1apMessage m) {
        byte[] pdu = codec.encode(m);
        for (int n = 0; n < pdu.length; n++) {
            byte[] cut = java.util.Arrays.copyOf(pdu, n);
            assertInstanceOf(S1apDecodeError.class, codec.decode(cut), "prefix of " + n + " octets");
        }
        byte[] longer = java.util.Arrays.copyOf(pdu, pdu.length + 1);
        assertInstanceOf(S1apDecodeError.class, codec.decode(longer), "one octet too many");
    }

    @ParameterizedTest
    @MethodSource("samples")
    void randomCorruptionNeverThrows(S1apMessage m) {
        byte[] pdu = codec.encode(m);
        Random random = new Random(pdu.length);
        for (int i = 0; i < 2000; i++) {
            byte[] bad = pdu.clone();
            bad[random.nextInt(bad.length)] ^= (byte) (1 << random.nextInt(8));
            S1apDecodeResult r = codec.decode(bad);
            if (r instanceof S1apMessage ok) {
                codec.encode(ok); // whatever decodes must be encodable again
            }
        }
    }

    @Test
    void missingMandatoryIeIsReportedWithThePdu() {
        S1apPdu pdu = codec.toPdu(SampleS1apMessages.all().get(7)); // Downlink NAS Transport
        S1apPdu withoutNas = new S1apPdu(pdu.type(), pdu.procedureCode(), pdu.criticality(), pdu.ies().subList(0, 2));
        S1apDecodeError e = assertInstanceOf(S1apDecodeError.class, codec.decode(codec.encodePdu(withoutNas)));
        assertEquals(withoutNas, e.pdu().orElseThrow());
        assertEquals(true, e.reason().contains("26"), e.reason());
    }

    @Test
    void unknownProcedureIsKeptWhole() {
        S1apPdu paging = new S1apPdu(PduType.INITIATING_MESSAGE, 10, Criticality.IGNORE,
                List.of(new ProtocolIe(80, Criticality.IGNORE, org.openmcim.uesim.Octets.hex("0102"))));
        assertEquals(new S1apMessage.Unmodelled(paging), codec.decode(codec.encodePdu(paging)));
    }

    @Test
    void emptyInputIsAnError() throws IOException {
        assertInstanceOf(S1apDecodeError.class, codec.decode(new byte[0]));
        try (InputStream in = InputStream.nullInputStream()) {
            assertInstanceOf(S1apDecodeError.class, codec.decode(in.readAllBytes()));
        }
    }
}
