package org.openmcim.diameter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real frames captured from two freeDiameterd 1.2.1 peers on loopback; the expected fields were
 * read back by tshark, not by this code.
 */
class CaptureTest {
    private final DiameterCodec codec = new DiameterCodec(TestData.DICTIONARY);

    static Stream<TestData.Block> captures() {
        return TestData.captures().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void decodesAsTsharkDissectedIt(TestData.Block capture) {
        DecodeResult r = codec.decode(capture.bytes());
        DiameterMessage m = assertInstanceOf(DiameterMessage.class, r, () -> "not decoded: " + r);
        assertEquals(Integer.parseInt(capture.get("command-code")), m.commandCode());
        assertEquals(Integer.decode(capture.get("flags")), m.header().flags());
        assertEquals(Long.parseLong(capture.get("application-id")), Integer.toUnsignedLong(m.applicationId()));
        assertEquals(capture.get("origin-host"), m.originHost());
        assertEquals(capture.bytes().length, m.length());
        List<Integer> expected = Arrays.stream(capture.get("avp-codes").split(",")).map(Integer::valueOf).toList();
        assertEquals(expected, flatten(m.avps()), "AVP codes, depth first, as tshark lists them");
        assertTrue(m.unsupportedMandatoryAvps().isEmpty(), "freeDiameter sends only base AVPs");
        if (!m.isRequest()) {
            assertEquals(ResultCode.DIAMETER_SUCCESS, m.resultCode());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void reEncodesToTheSameOctets(TestData.Block capture) {
        DiameterMessage m = (DiameterMessage) codec.decode(capture.bytes());
        assertArrayEquals(capture.bytes(), codec.encode(m));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void typedValuesReadBack(TestData.Block capture) {
        DiameterMessage m = (DiameterMessage) codec.decode(capture.bytes());
        assertNotNull(m.originRealm());
        assertEquals("openmcim.test", m.originRealm());
        Avp hostIp = m.first(TestData.DICTIONARY.avp("Host-IP-Address"));
        if (hostIp != null) {
            assertEquals(DiameterAddress.FAMILY_IPV4, hostIp.address().family());
        }
        Avp product = m.first(TestData.DICTIONARY.avp("Product-Name"));
        if (product != null) {
            assertEquals("freeDiameter", product.utf8String());
            assertTrue(!product.isMandatory(), "RFC 6733 §4.5: Product-Name MUST NOT have M");
        }
    }

    static List<Integer> flatten(List<Avp> avps) {
        List<Integer> out = new ArrayList<>();
        for (Avp a : avps) {
            out.add(a.code());
            if (a.definition() != null && a.definition().type() == org.openmcim.diameter.dictionary.AvpType.GROUPED) {
                out.addAll(flatten(a.grouped()));
            }
        }
        return out;
    }
}
