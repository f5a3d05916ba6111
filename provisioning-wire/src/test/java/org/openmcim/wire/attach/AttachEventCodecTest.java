package org.openmcim.wire.attach;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The ICF → DRF attach event (TR 33.812 step 6) as JSON, without sockets. */
class AttachEventCodecTest {
    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    final AttachEventCodec codec = new AttachEventCodec();

    AttachEvent decode(String json) {
        return codec.decode(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void roundTrips() throws Exception {
        AttachEvent a = new AttachEvent.Attached("001010000000001", InetAddress.getByName("10.45.0.2"), "provisioning",
                T0.plusNanos(123_456_789));
        assertEquals(a, codec.decode(codec.encode(a)));
        assertEquals("{\"event\":\"attached\",\"pcid\":\"001010000000001\",\"ip\":\"10.45.0.2\",\"apn\":\"provisioning\","
                + "\"at\":\"2026-11-23T10:00:00.123456789Z\"}", new String(codec.encode(a), StandardCharsets.UTF_8));
        AttachEvent v6 = new AttachEvent.Attached("00101000000001", InetAddress.getByName("2001:db8::7"), "internet.mnc001.mcc001.gprs", T0);
        assertEquals(v6, codec.decode(codec.encode(v6)));
        AttachEvent e = new AttachEvent.SessionEnded("001010000000001", T0);
        assertEquals("{\"event\":\"session-ended\",\"pcid\":\"001010000000001\",\"at\":\"2026-11-23T10:00:00Z\"}",
                new String(codec.encode(e), StandardCharsets.UTF_8));
        assertEquals(e, codec.decode(codec.encode(e)));
    }

    /** Every malformed body is an IllegalArgumentException saying what is wrong, never anything else. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not JSON                | {                                                                             | not JSON",
            "not an object           | [1]                                                                           | JSON object",
            "no event                | {'pcid':'001010000000001','at':'2026-11-23T10:00:00Z'}                       | missing \"event\"",
            "unknown event           | {'event':'detached','pcid':'001010000000001','at':'2026-11-23T10:00:00Z'}    | event must be",
            "pcid a number           | {'event':'session-ended','pcid':1010000000001,'at':'2026-11-23T10:00:00Z'}  | must be a string",
            "pcid too short          | {'event':'session-ended','pcid':'00101','at':'2026-11-23T10:00:00Z'}        | 14 or 15 digits",
            "pcid with letters       | {'event':'session-ended','pcid':'00101000000000x','at':'2026-11-23T10:00:00Z'} | 14 or 15 digits",
            "no ip                   | {'event':'attached','pcid':'001010000000001','apn':'a','at':'2026-11-23T10:00:00Z'} | missing \"ip\"",
            "host name as ip         | {'event':'attached','pcid':'001010000000001','ip':'localhost','apn':'a','at':'2026-11-23T10:00:00Z'} | literal",
            "leading zeros           | {'event':'attached','pcid':'001010000000001','ip':'010.1.1.1','apn':'a','at':'2026-11-23T10:00:00Z'} | literal",
            "three octets            | {'event':'attached','pcid':'001010000000001','ip':'10.1.1','apn':'a','at':'2026-11-23T10:00:00Z'} | literal",
            "octet out of range      | {'event':'attached','pcid':'001010000000001','ip':'10.1.1.256','apn':'a','at':'2026-11-23T10:00:00Z'} | literal",
            "zone id                 | {'event':'attached','pcid':'001010000000001','ip':'fe80::1%eth0','apn':'a','at':'2026-11-23T10:00:00Z'} | literal",
            "bad ipv6                | {'event':'attached','pcid':'001010000000001','ip':'2001:db8:::1:','apn':'a','at':'2026-11-23T10:00:00Z'} | literal",
            "wildcard                | {'event':'attached','pcid':'001010000000001','ip':'0.0.0.0','apn':'a','at':'2026-11-23T10:00:00Z'} | unicast",
            "multicast               | {'event':'attached','pcid':'001010000000001','ip':'224.0.0.1','apn':'a','at':'2026-11-23T10:00:00Z'} | unicast",
            "broadcast               | {'event':'attached','pcid':'001010000000001','ip':'255.255.255.255','apn':'a','at':'2026-11-23T10:00:00Z'} | unicast",
            "apn with space          | {'event':'attached','pcid':'001010000000001','ip':'10.0.0.1','apn':'pro visioning','at':'2026-11-23T10:00:00Z'} | TS 23.003",
            "empty label             | {'event':'attached','pcid':'001010000000001','ip':'10.0.0.1','apn':'a..b','at':'2026-11-23T10:00:00Z'} | TS 23.003",
            "no at                   | {'event':'session-ended','pcid':'001010000000001'}                           | missing \"at\"",
            "at not ISO              | {'event':'session-ended','pcid':'001010000000001','at':'yesterday'}          | ISO-8601",
            "at without zone         | {'event':'session-ended','pcid':'001010000000001','at':'2026-11-23T10:00:00'} | ISO-8601",
            "ip in an ended event    | {'event':'session-ended','pcid':'001010000000001','ip':'10.0.0.1','at':'2026-11-23T10:00:00Z'} | unknown member \"ip\"",
            "unknown member          | {'event':'attached','pcid':'001010000000001','ip':'10.0.0.1','apn':'a','at':'2026-11-23T10:00:00Z','imei':'1'} | unknown member"})
    void malformed(String name, String json, String says) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> decode(json.strip().replace('\'', '"')));
        assertTrue(e.getMessage().contains(says.strip()), e.getMessage());
    }

    @Test
    void longApnRefused() {
        String apn = ("a".repeat(50) + ".").repeat(2) + "b";
        assertTrue(apn.length() > AttachEvent.MAX_APN);
        assertThrows(IllegalArgumentException.class, () -> new AttachEvent.Attached("001010000000001", InetAddress.getLoopbackAddress(), apn, T0));
    }

    /** Literals only: nothing here may trigger a DNS lookup. */
    @ParameterizedTest
    @ValueSource(strings = {"example.com", "a:b", ".:1", "1e100", "0x7f.1", "::ffff:zz"})
    void neverResolved(String s) {
        assertThrows(IllegalArgumentException.class, () -> AttachEventCodec.ipLiteral(s));
    }

    @Test
    void refusedValuesAreEchoedPrintablyAndShort() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AttachEventCodec.ipLiteral("\u0000\n" + "x".repeat(500)));
        assertTrue(e.getMessage().length() < 150, e.getMessage());
        assertTrue(e.getMessage().contains("??xxx"), e.getMessage());
    }
}
