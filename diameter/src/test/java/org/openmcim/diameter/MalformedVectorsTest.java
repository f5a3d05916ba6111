package org.openmcim.diameter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Table test over vectors/malformed.txt, plus a bounded fuzz that the decoder never throws. */
class MalformedVectorsTest {

    static Stream<TestData.Block> vectors() {
        return TestData.blocks("vectors/malformed.txt").stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void answersWithTheRfcError(TestData.Block v) {
        DiameterCodec.Config cfg = DiameterCodec.Config.defaults();
        if (v.fields().containsKey("max-grouped-depth")) {
            cfg = cfg.withMaxGroupedDepth(Integer.parseInt(v.get("max-grouped-depth")));
        }
        DiameterCodec codec = new DiameterCodec(TestData.DICTIONARY, cfg);
        DecodeResult r = codec.decode(v.bytes());
        if (v.get("result-code").equals("ok")) {
            DiameterMessage m = assertInstanceOf(DiameterMessage.class, r, () -> v + ": " + r);
            List<Integer> unsupported = m.unsupportedMandatoryAvps().stream().map(Avp::code).toList();
            assertEquals(codes(v.get("unsupported", "")), unsupported);
            for (Avp a : m.unsupportedMandatoryAvps()) {
                assertNull(a.definition());
                assertTrue(a.isMandatory());
            }
            return;
        }
        InvalidMessage bad = assertInstanceOf(InvalidMessage.class, r, () -> v + ": " + r);
        assertEquals(Integer.parseInt(v.get("result-code")), bad.resultCode(), bad.errorMessage());
        assertEquals(Boolean.parseBoolean(v.get("close")), bad.closeConnection());
        String failed = v.get("failed-avp");
        if (failed.equals("none")) {
            assertNull(bad.failedAvp());
        } else {
            assertNotNull(bad.failedAvp(), bad.errorMessage());
            assertEquals(Integer.parseInt(failed), bad.failedAvp().code());
        }
        assertEquals(codes(v.get("before-error", "")), bad.avpsBeforeError().stream().map(Avp::code).toList());
        if (bad.answerable()) {
            // RFC 6733 §7.2: the answer is well-formed and decodes cleanly. §6.2 copies the request's
            // 'P' bit, even the one that made it a 3008, so read it back without that check.
            DiameterCodec reader = new DiameterCodec(TestData.DICTIONARY,
                    DiameterCodec.Config.defaults().withCheckProxiableBit(false));
            DiameterMessage answer = bad.errorAnswer()
                    .add(Avp.diameterIdentity(TestData.DICTIONARY.avp("Origin-Host"), "hss.openmcim.test"))
                    .add(Avp.diameterIdentity(TestData.DICTIONARY.avp("Origin-Realm"), "openmcim.test"))
                    .build();
            DiameterMessage back = assertInstanceOf(DiameterMessage.class, reader.decode(codec.encode(answer)));
            assertEquals(bad.resultCode(), back.resultCode());
            assertEquals(ResultCode.isProtocolError(bad.resultCode()), back.isError());
            assertEquals(bad.header().hopByHop(), back.hopByHop());
            assertEquals(bad.header().endToEnd(), back.endToEnd());
            Avp fa = back.first(BaseAvpCode.FAILED_AVP, 0);
            assertEquals(bad.failedAvp() != null, fa != null);
            if (fa != null) {
                assertEquals(bad.failedAvp().code(), fa.grouped().get(0).code());
            }
            if (!bad.avpsBeforeError().isEmpty() && bad.avpsBeforeError().get(0).code() == BaseAvpCode.SESSION_ID) {
                assertEquals(BaseAvpCode.SESSION_ID, back.avps().get(0).code(), "RFC 6733 §6.2: Session-Id copied");
            }
        }
    }

    private static List<Integer> codes(String s) {
        return s.isBlank() ? List.of() : Arrays.stream(s.split(",")).map(String::strip).map(Integer::valueOf).toList();
    }

    /** Every prefix and a bounded, seeded set of mutations of real frames: no exception, ever. */
    @Test
    void neverThrowsOnTruncatedOrMutatedFrames() {
        DiameterCodec codec = new DiameterCodec(TestData.DICTIONARY);
        Random rnd = new Random(6733);
        int decoded = 0;
        for (TestData.Block c : TestData.captures()) {
            byte[] frame = c.bytes();
            for (int n = 0; n <= frame.length; n++) {
                assertNotNull(codec.decode(Arrays.copyOf(frame, n)));
                decoded++;
            }
            for (int i = 0; i < 2000; i++) {
                byte[] m = frame.clone();
                int flips = 1 + rnd.nextInt(4);
                for (int k = 0; k < flips; k++) {
                    m[rnd.nextInt(m.length)] = (byte) rnd.nextInt(256);
                }
                DecodeResult r = codec.decode(m);
                assertNotNull(r);
                if (r instanceof DiameterMessage dm) {
                    // Whatever decoded re-encodes to a frame of the same size.
                    assertEquals(m.length, codec.encode(dm).length);
                }
                decoded++;
            }
        }
        assertTrue(decoded > 10_000);
    }
}
