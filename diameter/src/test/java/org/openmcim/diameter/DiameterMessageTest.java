package org.openmcim.diameter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.openmcim.diameter.dictionary.Dictionary;

class DiameterMessageTest {
    private final Dictionary d = TestData.DICTIONARY;
    private final DiameterCodec codec = new DiameterCodec(d);

    /** An S6a AIR as an MME sends it (TS 29.272 §7.2.5). */
    DiameterMessage air() {
        return DiameterMessage.request(CommandCode.AUTHENTICATION_INFORMATION, ApplicationId.S6A)
                .proxiable(true).hopByHop(0x1234_5678).endToEnd(0x0ABC_DEF0)
                .sessionId("mme.openmcim.test;1;42")
                .add(Avp.grouped(d.avp("Vendor-Specific-Application-Id"),
                        Avp.unsigned32(d.avp("Vendor-Id"), VendorId.THREE_GPP),
                        Avp.unsigned32(d.avp("Auth-Application-Id"), ApplicationId.S6A)))
                .add(Avp.enumerated(d.avp("Auth-Session-State"), 1))
                .add(Avp.diameterIdentity(d.avp("Origin-Host"), "mme.openmcim.test"))
                .add(Avp.diameterIdentity(d.avp("Origin-Realm"), "openmcim.test"))
                .add(Avp.diameterIdentity(d.avp("Destination-Realm"), "icf.openmcim.test"))
                .add(Avp.utf8String(d.avp("User-Name"), "001010000000001"))
                .add(Avp.grouped(d.avp("Requested-EUTRAN-Authentication-Info"),
                        Avp.unsigned32(d.avp("Number-Of-Requested-Vectors"), 1),
                        Avp.unsigned32(d.avp("Immediate-Response-Preferred"), 1)))
                .add(Avp.octetString(d.avp("Visited-PLMN-Id"), new byte[] {0x00, (byte) 0xF1, 0x10}))
                .add(Avp.grouped(d.avp("Proxy-Info"),
                        Avp.diameterIdentity(d.avp("Proxy-Host"), "dra1.openmcim.test"),
                        Avp.octetString(d.avp("Proxy-State"), new byte[] {1})))
                .add(Avp.grouped(d.avp("Proxy-Info"),
                        Avp.diameterIdentity(d.avp("Proxy-Host"), "dra2.openmcim.test"),
                        Avp.octetString(d.avp("Proxy-State"), new byte[] {2})))
                .build();
    }

    @Test
    void roundTripOfARequest() {
        DiameterMessage air = air();
        byte[] wire = codec.encode(air);
        assertEquals(air.length(), wire.length);
        assertEquals(0, wire.length % 4);
        DiameterMessage back = assertInstanceOf(DiameterMessage.class, codec.decode(wire));
        assertEquals(air, back);
        assertEquals("mme.openmcim.test;1;42", back.sessionId());
        assertEquals(BaseAvpCode.SESSION_ID, back.avps().get(0).code(), "RFC 6733 §8.8: Session-Id first");
        Avp req = back.first(d.avp("Requested-EUTRAN-Authentication-Info"));
        assertEquals(1, req.child(d.avp("Number-Of-Requested-Vectors")).unsigned32());
        assertTrue(back.unsupportedMandatoryAvps().isEmpty());
        ByteBuf buf = Unpooled.buffer();
        codec.encode(air, buf);
        assertArrayEquals(wire, io.netty.buffer.ByteBufUtil.getBytes(buf));
        buf.release();
    }

    @Test
    void answerCopiesIdentifiersSessionIdAndProxyInfo() {
        DiameterMessage air = air();
        DiameterMessage aia = DiameterMessage.answerTo(air)
                .add(Avp.unsigned32(d.avp("Result-Code"), ResultCode.DIAMETER_SUCCESS))
                .add(Avp.diameterIdentity(d.avp("Origin-Host"), "icf.openmcim.test"))
                .add(Avp.grouped(d.avp("Authentication-Info"),
                        Avp.grouped(d.avp("E-UTRAN-Vector"),
                                Avp.octetString(d.avp("RAND"), new byte[16]),
                                Avp.octetString(d.avp("XRES"), new byte[8]),
                                Avp.octetString(d.avp("AUTN"), new byte[16]),
                                Avp.octetString(d.avp("KASME"), new byte[32]))))
                .build();
        // RFC 6733 §6.2
        assertFalse(aia.isRequest());
        assertTrue(aia.isProxiable());
        assertEquals(air.hopByHop(), aia.hopByHop());
        assertEquals(air.endToEnd(), aia.endToEnd());
        assertEquals(air.commandCode(), aia.commandCode());
        assertEquals(air.applicationId(), aia.applicationId());
        assertEquals(air.sessionId(), aia.sessionId());
        assertEquals(BaseAvpCode.SESSION_ID, aia.avps().get(0).code());
        List<Avp> proxies = aia.all(d.avp("Proxy-Info"));
        assertEquals(air.all(d.avp("Proxy-Info")), proxies, "same Proxy-Info, same order");
        DiameterMessage back = (DiameterMessage) codec.decode(codec.encode(aia));
        Avp vector = back.first(d.avp("Authentication-Info")).child(d.avp("E-UTRAN-Vector"));
        assertEquals(32, vector.child(d.avp("KASME")).dataLength());
        assertEquals(ResultCode.DIAMETER_SUCCESS, back.resultCode());
    }

    @Test
    void headerRulesAtBuildTime() {
        assertThrows(IllegalStateException.class,
                () -> DiameterMessage.request(CommandCode.DEVICE_WATCHDOG, 0).error(true).build());
        assertThrows(IllegalArgumentException.class, () -> DiameterMessage.answerTo(
                DiameterMessage.answerTo(air()).build()));
        assertThrows(IllegalArgumentException.class, () -> DiameterMessage.request(0x100_0000, 0));
    }

    @Test
    void unknownMandatoryAvpInsideAKnownGroupIsListed() {
        DiameterMessage m = DiameterMessage.request(CommandCode.UPDATE_LOCATION, ApplicationId.S6A).proxiable(true)
                .add(Avp.grouped(d.avp("Subscription-Data"),
                        Avp.of(4242, VendorId.THREE_GPP, Avp.FLAG_MANDATORY, new byte[4]),
                        Avp.of(4243, VendorId.THREE_GPP, 0, new byte[4])))
                .build();
        DiameterMessage back = (DiameterMessage) codec.decode(codec.encode(m));
        assertEquals(1, back.unsupportedMandatoryAvps().size());
        Avp u = back.unsupportedMandatoryAvps().get(0);
        assertEquals(4242, u.code());
        assertEquals(VendorId.THREE_GPP, u.vendorId());
    }

    @Test
    void strictMandatoryBitCheckIsOptIn() {
        // RAT-Type is MUST NOT M (TS 29.212 §5.3.31); a peer sets it anyway.
        DiameterMessage m = DiameterMessage.request(CommandCode.UPDATE_LOCATION, ApplicationId.S6A).proxiable(true)
                .add(Avp.enumerated(d.avp("RAT-Type"), 1004).withMandatory(true)).build();
        byte[] wire = codec.encode(m);
        assertInstanceOf(DiameterMessage.class, codec.decode(wire), "TS 29.272 §7.3.1: ignored by default");
        DiameterCodec strict = new DiameterCodec(d, DiameterCodec.Config.defaults().withCheckMandatoryBit(true));
        InvalidMessage bad = assertInstanceOf(InvalidMessage.class, strict.decode(wire));
        assertEquals(ResultCode.DIAMETER_INVALID_AVP_BITS, bad.resultCode());
    }

    @Test
    void codecLimitsItsInput() {
        DiameterCodec small = new DiameterCodec(d, DiameterCodec.Config.defaults().withMaxMessageSize(64));
        InvalidMessage bad = assertInstanceOf(InvalidMessage.class, small.decode(codec.encode(air())));
        assertEquals(ResultCode.DIAMETER_UNABLE_TO_COMPLY, bad.resultCode());
        assertEquals(0x1234_5678, bad.header().hopByHop());
        assertThrows(IllegalArgumentException.class, () -> DiameterCodec.Config.defaults().withMaxMessageSize(1 << 24));
    }
}
