package org.openmcim.diameter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.openmcim.diameter.dictionary.Dictionary;

class AvpTest {
    private final Dictionary dict = TestData.DICTIONARY;

    @Test
    void flagsFollowTheDictionary() {
        Avp rand = Avp.octetString(dict.avp("RAND"), new byte[16]);
        assertTrue(rand.isVendorSpecific());
        assertTrue(rand.isMandatory());
        assertEquals(10415, rand.vendorId());
        assertEquals(12 + 16, rand.length());
        Avp product = Avp.utf8String(dict.avp("Product-Name"), "OpenMCIM");
        assertFalse(product.isMandatory(), "RFC 6733 §4.5: Product-Name MUST NOT M");
        assertFalse(product.isVendorSpecific());
        Avp fl = Avp.unsigned32(dict.avp("Feature-List"), 1);
        assertFalse(fl.isMandatory(), "TS 29.229 §6.3.31: Feature-List MUST NOT M");
    }

    @Test
    void integerFormats() {
        assertEquals(0xFFFF_FFFFL, Avp.unsigned32(dict.avp("Result-Code"), 0xFFFF_FFFFL).unsigned32());
        assertEquals(-7, Avp.integer32(dict.avp("Disconnect-Cause"), -7).integer32());
        assertEquals(-1L, Avp.unsigned64(dict.avp("Accounting-Sub-Session-Id"), -1L).unsigned64());
        assertEquals(2, Avp.enumerated(dict.avp("RAT-Type"), 2).enumerated());
        assertThrows(IllegalArgumentException.class, () -> Avp.unsigned32(dict.avp("Result-Code"), -1));
        assertThrows(IllegalArgumentException.class, () -> Avp.unsigned32(dict.avp("Origin-Host"), 1),
                "the factory refuses a format the dictionary does not give the AVP");
    }

    @Test
    void paddingToFourOctets() {
        Avp host = Avp.diameterIdentity(dict.avp("Origin-Host"), "a.openmcim.test"); // 15 octets
        assertEquals(23, host.length());
        assertEquals(24, host.paddedLength());
        byte[] out = new byte[24];
        assertEquals(24, host.writeTo(out, 0));
        assertEquals(0, out[23]);
    }

    @Test
    void addressFamilies() throws Exception {
        Avp v4 = Avp.address(dict.avp("Host-IP-Address"), DiameterAddress.of(InetAddress.getByName("192.0.2.7")));
        assertEquals(6, v4.dataLength());
        assertEquals(DiameterAddress.FAMILY_IPV4, v4.address().family());
        assertEquals("192.0.2.7", v4.address().toString());
        Avp v6 = Avp.address(dict.avp("Host-IP-Address"), DiameterAddress.of(InetAddress.getByName("2001:db8::1")));
        assertEquals(18, v6.dataLength());
        assertEquals(InetAddress.getByName("2001:db8::1"), v6.address().toInetAddress());
        Avp e164 = Avp.address(dict.avp("Host-IP-Address"), new DiameterAddress(8, new byte[] {0x12, 0x34}));
        assertEquals(8, e164.address().family());
        Avp bad = Avp.of(257, 0, Avp.FLAG_MANDATORY, new byte[] {0, 1, 127, 0, 0});
        AvpFormatException e = assertThrows(AvpFormatException.class, bad::address);
        assertEquals(ResultCode.DIAMETER_INVALID_AVP_LENGTH, e.resultCode());
    }

    @Test
    void timeAcrossTheNtpEraBoundary() {
        // RFC 6733 §4.3.1 / RFC 4330 §3: 2036-02-07T06:28:16Z is NTP 0 of era 1.
        Instant eraStart = Instant.parse("2036-02-07T06:28:16Z");
        Avp t = Avp.time(dict.avp("Event-Timestamp"), eraStart);
        assertArrayEquals(new byte[4], t.data());
        assertEquals(eraStart, t.time());
        Instant now = Instant.parse("2025-06-01T12:00:00Z");
        assertEquals(now, Avp.time(dict.avp("Event-Timestamp"), now).time());
        // 0x80000000 is 1968-01-20T03:14:08Z
        Avp raw = Avp.of(55, 0, Avp.FLAG_MANDATORY, new byte[] {(byte) 0x80, 0, 0, 0});
        assertEquals(Instant.parse("1968-01-20T03:14:08Z"), raw.time());
    }

    @Test
    void wrongLengthAndBadUtf8AreReportedWithTheirResultCode() {
        Avp shortU32 = Avp.of(268, 0, Avp.FLAG_MANDATORY, new byte[3]);
        assertEquals(ResultCode.DIAMETER_INVALID_AVP_LENGTH,
                assertThrows(AvpFormatException.class, shortU32::unsigned32).resultCode());
        Avp badUtf8 = Avp.of(263, 0, Avp.FLAG_MANDATORY, new byte[] {(byte) 0xC3, 0x28});
        AvpFormatException e = assertThrows(AvpFormatException.class, badUtf8::utf8String);
        assertEquals(ResultCode.DIAMETER_INVALID_AVP_VALUE, e.resultCode());
        assertEquals(badUtf8, e.avp());
        Avp spaceInHost = Avp.of(264, 0, Avp.FLAG_MANDATORY, "a b".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThrows(AvpFormatException.class, spaceInHost::diameterIdentity);
    }

    @Test
    void groupedOnDemandAndBuilt() {
        Avp vsai = Avp.grouped(dict.avp("Vendor-Specific-Application-Id"),
                Avp.unsigned32(dict.avp("Vendor-Id"), 10415),
                Avp.unsigned32(dict.avp("Auth-Application-Id"), ApplicationId.S6A));
        assertEquals(8 + 12 + 12, vsai.length());
        // Re-read the children from the raw octets, without a dictionary.
        Avp raw = Avp.of(vsai.code(), 0, vsai.flags(), vsai.data());
        List<Avp> kids = raw.grouped();
        assertEquals(2, kids.size());
        assertEquals(ApplicationId.S6A, kids.get(1).unsigned32());
        assertEquals(vsai.grouped(), kids);
        Avp broken = Avp.of(260, 0, Avp.FLAG_MANDATORY, new byte[] {0, 0, 1, 10, 0x40, 0, 0, 0});
        assertEquals(ResultCode.DIAMETER_INVALID_AVP_LENGTH,
                assertThrows(AvpFormatException.class, broken::grouped).resultCode());
    }

    @Test
    void toStringLeavesKeysOut() {
        Avp kasme = Avp.octetString(dict.avp("KASME"), new byte[] {(byte) 0xAB, (byte) 0xCD, (byte) 0xEF});
        assertFalse(kasme.toString().toLowerCase().contains("abcdef"), kasme.toString());
    }
}
