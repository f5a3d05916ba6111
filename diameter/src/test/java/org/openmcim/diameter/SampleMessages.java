package org.openmcim.diameter;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.List;

import org.openmcim.diameter.dictionary.Dictionary;

/**
 * Messages of the kinds the ICF/HSS exchanges (CER/CEA, S6a AIR/AIA and ULR/ULA, SWx MAR/MAA, Gx
 * CCR/CCA, an error answer), built through the public API.
 */
final class SampleMessages {
    private SampleMessages() {
    }

    static List<DiameterMessage> all(Dictionary d) {
        try {
            return build(d);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Avp host(Dictionary d, String h) {
        return Avp.diameterIdentity(d.avp("Origin-Host"), h);
    }

    private static Avp realm(Dictionary d, String r) {
        return Avp.diameterIdentity(d.avp("Origin-Realm"), r);
    }

    private static Avp vsai(Dictionary d, int app) {
        return Avp.grouped(d.avp("Vendor-Specific-Application-Id"), Avp.unsigned32(d.avp("Vendor-Id"), VendorId.THREE_GPP),
                Avp.unsigned32(d.avp("Auth-Application-Id"), app));
    }

    private static byte[] fill(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed + i * 7);
        }
        return b;
    }

    private static List<DiameterMessage> build(Dictionary d) throws UnknownHostException {
        DiameterMessage cer = DiameterMessage.request(CommandCode.CAPABILITIES_EXCHANGE, ApplicationId.COMMON)
                .hopByHop(1).endToEnd(0x100001)
                .add(host(d, "icf.openmcim.test"), realm(d, "openmcim.test"))
                .add(Avp.address(d.avp("Host-IP-Address"), DiameterAddress.of(InetAddress.getByName("127.0.0.1"))))
                .add(Avp.address(d.avp("Host-IP-Address"), DiameterAddress.of(InetAddress.getByName("::1"))))
                .add(Avp.unsigned32(d.avp("Vendor-Id"), 0))
                .add(Avp.utf8String(d.avp("Product-Name"), "OpenMCIM"))
                .add(Avp.unsigned32(d.avp("Origin-State-Id"), 7))
                .add(Avp.unsigned32(d.avp("Supported-Vendor-Id"), VendorId.THREE_GPP))
                .add(vsai(d, ApplicationId.S6A), vsai(d, ApplicationId.SWX), vsai(d, ApplicationId.GX))
                .add(Avp.unsigned32(d.avp("Firmware-Revision"), 1))
                .build();
        DiameterMessage cea = DiameterMessage.answerTo(cer)
                .add(Avp.unsigned32(d.avp("Result-Code"), ResultCode.DIAMETER_SUCCESS))
                .add(host(d, "mme.openmcim.test"), realm(d, "openmcim.test"))
                .add(Avp.address(d.avp("Host-IP-Address"), DiameterAddress.of(InetAddress.getByName("127.0.0.2"))))
                .add(Avp.unsigned32(d.avp("Vendor-Id"), 0))
                .add(Avp.utf8String(d.avp("Product-Name"), "OpenMCIM"))
                .add(vsai(d, ApplicationId.S6A))
                .build();
        DiameterMessage air = DiameterMessage.request(CommandCode.AUTHENTICATION_INFORMATION, ApplicationId.S6A)
                .proxiable(true).hopByHop(2).endToEnd(0x100002)
                .sessionId("mme.openmcim.test;1;1")
                .add(vsai(d, ApplicationId.S6A))
                .add(Avp.enumerated(d.avp("Auth-Session-State"), 1))
                .add(host(d, "mme.openmcim.test"), realm(d, "openmcim.test"))
                .add(Avp.diameterIdentity(d.avp("Destination-Realm"), "openmcim.test"))
                .add(Avp.utf8String(d.avp("User-Name"), "001010123456789"))
                .add(Avp.grouped(d.avp("Requested-EUTRAN-Authentication-Info"),
                        Avp.unsigned32(d.avp("Number-Of-Requested-Vectors"), 1),
                        Avp.unsigned32(d.avp("Immediate-Response-Preferred"), 1)))
                .add(Avp.octetString(d.avp("Visited-PLMN-Id"), new byte[] {0x00, (byte) 0xF1, 0x10}))
                .build();
        DiameterMessage aia = DiameterMessage.answerTo(air)
                .add(Avp.unsigned32(d.avp("Result-Code"), ResultCode.DIAMETER_SUCCESS))
                .add(Avp.enumerated(d.avp("Auth-Session-State"), 1))
                .add(host(d, "icf.openmcim.test"), realm(d, "openmcim.test"))
                .add(Avp.grouped(d.avp("Authentication-Info"), Avp.grouped(d.avp("E-UTRAN-Vector"),
                        Avp.octetString(d.avp("RAND"), fill(16, 1)), Avp.octetString(d.avp("XRES"), fill(8, 2)),
                        Avp.octetString(d.avp("AUTN"), fill(16, 3)), Avp.octetString(d.avp("KASME"), fill(32, 4)))))
                .build();
        DiameterMessage ulr = DiameterMessage.request(CommandCode.UPDATE_LOCATION, ApplicationId.S6A)
                .proxiable(true).hopByHop(3).endToEnd(0x100003)
                .sessionId("mme.openmcim.test;1;2")
                .add(Avp.enumerated(d.avp("Auth-Session-State"), 1))
                .add(host(d, "mme.openmcim.test"), realm(d, "openmcim.test"))
                .add(Avp.diameterIdentity(d.avp("Destination-Realm"), "openmcim.test"))
                .add(Avp.utf8String(d.avp("User-Name"), "001010123456789"))
                .add(Avp.enumerated(d.avp("RAT-Type"), 1004))
                .add(Avp.unsigned32(d.avp("ULR-Flags"), 0x22))
                .add(Avp.octetString(d.avp("Visited-PLMN-Id"), new byte[] {0x00, (byte) 0xF1, 0x10}))
                .add(Avp.grouped(d.avp("Supported-Features"), Avp.unsigned32(d.avp("Vendor-Id"), VendorId.THREE_GPP),
                        Avp.unsigned32(d.avp("Feature-List-ID"), 1), Avp.unsigned32(d.avp("Feature-List"), 0x0800_0000L)))
                .build();
        Avp arp = Avp.grouped(d.avp("Allocation-Retention-Priority"), Avp.unsigned32(d.avp("Priority-Level"), 8),
                Avp.enumerated(d.avp("Pre-emption-Capability"), 1), Avp.enumerated(d.avp("Pre-emption-Vulnerability"), 0));
        Avp ambr = Avp.grouped(d.avp("AMBR"), Avp.unsigned32(d.avp("Max-Requested-Bandwidth-UL"), 1_024_000),
                Avp.unsigned32(d.avp("Max-Requested-Bandwidth-DL"), 1_024_000));
        DiameterMessage ula = DiameterMessage.answerTo(ulr)
                .add(Avp.unsigned32(d.avp("Result-Code"), ResultCode.DIAMETER_SUCCESS))
                .add(Avp.enumerated(d.avp("Auth-Session-State"), 1))
                .add(host(d, "icf.openmcim.test"), realm(d, "openmcim.test"))
                .add(Avp.unsigned32(d.avp("ULA-Flags"), 1))
                .add(Avp.grouped(d.avp("Subscription-Data"),
                        Avp.octetString(d.avp("MSISDN"), new byte[] {0x64, 0x10, 0x32, 0x54}),
                        Avp.enumerated(d.avp("Subscriber-Status"), 0),
                        Avp.enumerated(d.avp("Network-Access-Mode"), 2),
                        Avp.unsigned32(d.avp("Access-Restriction-Data"), 0),
                        ambr,
                        Avp.unsigned32(d.avp("Subscribed-Periodic-RAU-TAU-Timer"), 3240),
                        Avp.grouped(d.avp("APN-Configuration-Profile"),
                                Avp.unsigned32(d.avp("Context-Identifier"), 1),
                                Avp.enumerated(d.avp("All-APN-Configurations-Included-Indicator"), 0),
                                Avp.grouped(d.avp("APN-Configuration"),
                                        Avp.unsigned32(d.avp("Context-Identifier"), 1),
                                        Avp.utf8String(d.avp("Service-Selection"), "provisioning"),
                                        Avp.enumerated(d.avp("PDN-Type"), 0),
                                        Avp.grouped(d.avp("EPS-Subscribed-QoS-Profile"),
                                                Avp.enumerated(d.avp("QoS-Class-Identifier"), 9), arp),
                                        ambr))))
                .build();
        DiameterMessage mar = DiameterMessage.request(CommandCode.MULTIMEDIA_AUTH, ApplicationId.SWX)
                .proxiable(true).hopByHop(4).endToEnd(0x100004)
                .sessionId("aaa.openmcim.test;1;3")
                .add(vsai(d, ApplicationId.SWX))
                .add(Avp.enumerated(d.avp("Auth-Session-State"), 1))
                .add(host(d, "aaa.openmcim.test"), realm(d, "openmcim.test"))
                .add(Avp.diameterIdentity(d.avp("Destination-Realm"), "openmcim.test"))
                .add(Avp.utf8String(d.avp("User-Name"), "0001010123456789@nai.epc.mnc001.mcc001.3gppnetwork.org"))
                .add(Avp.unsigned32(d.avp("SIP-Number-Auth-Items"), 1))
                .add(Avp.grouped(d.avp("SIP-Auth-Data-Item"),
                        Avp.utf8String(d.avp("SIP-Authentication-Scheme"), "EAP-AKA")))
                .add(Avp.enumerated(d.avp("RAT-Type"), 0))
                .build();
        DiameterMessage maa = DiameterMessage.answerTo(mar)
                .add(Avp.unsigned32(d.avp("Result-Code"), ResultCode.DIAMETER_SUCCESS))
                .add(Avp.enumerated(d.avp("Auth-Session-State"), 1))
                .add(host(d, "icf.openmcim.test"), realm(d, "openmcim.test"))
                .add(Avp.unsigned32(d.avp("SIP-Number-Auth-Items"), 1))
                .add(Avp.grouped(d.avp("SIP-Auth-Data-Item"),
                        Avp.unsigned32(d.avp("SIP-Item-Number"), 1),
                        Avp.utf8String(d.avp("SIP-Authentication-Scheme"), "EAP-AKA"),
                        Avp.octetString(d.avp("SIP-Authenticate"), fill(32, 5)),
                        Avp.octetString(d.avp("SIP-Authorization"), fill(8, 6)),
                        Avp.octetString(d.avp("Confidentiality-Key"), fill(16, 7)),
                        Avp.octetString(d.avp("Integrity-Key"), fill(16, 8))))
                .build();
        DiameterMessage ccr = DiameterMessage.request(CommandCode.CREDIT_CONTROL, ApplicationId.GX)
                .proxiable(true).hopByHop(5).endToEnd(0x100005)
                .sessionId("pgw.openmcim.test;1;4")
                .add(Avp.unsigned32(d.avp("Auth-Application-Id"), ApplicationId.GX))
                .add(host(d, "pgw.openmcim.test"), realm(d, "openmcim.test"))
                .add(Avp.diameterIdentity(d.avp("Destination-Realm"), "openmcim.test"))
                .add(Avp.enumerated(d.avp("CC-Request-Type"), 1))
                .add(Avp.unsigned32(d.avp("CC-Request-Number"), 0))
                .add(Avp.grouped(d.avp("Subscription-Id"), Avp.enumerated(d.avp("Subscription-Id-Type"), 1),
                        Avp.utf8String(d.avp("Subscription-Id-Data"), "001010123456789")))
                .add(Avp.octetString(d.avp("Framed-IP-Address"), new byte[] {10, 45, 0, 2}))
                .add(Avp.enumerated(d.avp("IP-CAN-Type"), 5))
                .add(Avp.enumerated(d.avp("RAT-Type"), 1004))
                .add(Avp.utf8String(d.avp("Called-Station-Id"), "provisioning"))
                .add(Avp.grouped(d.avp("QoS-Information"),
                        Avp.unsigned32(d.avp("APN-Aggregate-Max-Bitrate-UL"), 1_024_000),
                        Avp.unsigned32(d.avp("APN-Aggregate-Max-Bitrate-DL"), 1_024_000)))
                .add(Avp.grouped(d.avp("Default-EPS-Bearer-QoS"), Avp.enumerated(d.avp("QoS-Class-Identifier"), 9), arp))
                .add(Avp.time(d.avp("Event-Timestamp"), Instant.parse("2025-06-01T12:00:00Z")))
                .build();
        DiameterMessage cca = DiameterMessage.answerTo(ccr)
                .add(Avp.unsigned32(d.avp("Auth-Application-Id"), ApplicationId.GX))
                .add(Avp.unsigned32(d.avp("Result-Code"), ResultCode.DIAMETER_SUCCESS))
                .add(host(d, "icf.openmcim.test"), realm(d, "openmcim.test"))
                .add(Avp.enumerated(d.avp("CC-Request-Type"), 1))
                .add(Avp.unsigned32(d.avp("CC-Request-Number"), 0))
                .add(Avp.enumerated(d.avp("Bearer-Control-Mode"), 2))
                .add(Avp.enumerated(d.avp("Event-Trigger"), 2))
                .build();
        DiameterMessage userUnknown = DiameterMessage.answerTo(air)
                .add(Avp.enumerated(d.avp("Auth-Session-State"), 1))
                .add(host(d, "icf.openmcim.test"), realm(d, "openmcim.test"))
                .add(Avp.grouped(d.avp("Experimental-Result"), Avp.unsigned32(d.avp("Vendor-Id"), VendorId.THREE_GPP),
                        Avp.unsigned32(d.avp("Experimental-Result-Code"), ExperimentalResultCode.DIAMETER_ERROR_USER_UNKNOWN)))
                .build();
        // A DWR whose last AVP (Origin-State-Id) claims 64 octets: RFC 6733 §7.1.5 5014, and the
        // Failed-AVP carries its header with a zero-filled Unsigned32, which tshark can dissect.
        // (A Failed-AVP echoing a 5-octet Unsigned32 as received is correct too, but tshark flags it.)
        DiameterCodec codec = new DiameterCodec(d);
        byte[] dwr = codec.encode(DiameterMessage.request(CommandCode.DEVICE_WATCHDOG, 0).hopByHop(6).endToEnd(0x100006)
                .add(host(d, "mme.openmcim.test"), realm(d, "openmcim.test"))
                .add(Avp.unsigned32(d.avp("Origin-State-Id"), 9))
                .build());
        dwr[dwr.length - 12 + 7] = 64;
        InvalidMessage bad = (InvalidMessage) codec.decode(dwr);
        DiameterMessage invalidAvpLength = bad.errorAnswer().add(host(d, "icf.openmcim.test"), realm(d, "openmcim.test"))
                .build();
        return List.of(cer, cea, air, aia, ulr, ula, mar, maa, ccr, cca, userUnknown, invalidAvpLength);
    }
}
