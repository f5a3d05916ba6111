package org.openmcim.icf.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jdiameter.api.ApplicationId;
import org.jdiameter.api.Avp;
import org.jdiameter.api.AvpSet;
import org.jdiameter.api.DisconnectCause;
import org.jdiameter.api.Message;
import org.jdiameter.api.Peer;
import org.jdiameter.api.PeerState;
import org.jdiameter.api.PeerTable;
import org.jdiameter.api.Request;
import org.jdiameter.api.Session;
import org.jdiameter.api.SessionFactory;
import org.jdiameter.api.Stack;
import org.jdiameter.client.impl.StackImpl;
import org.jdiameter.client.impl.helpers.XMLConfiguration;
import org.junit.jupiter.api.Test;
import org.openmcim.aka.Milenage;
import org.openmcim.aka.kdf.CkIkPrime;
import org.openmcim.aka.kdf.Kdf;
import org.openmcim.aka.kdf.PlmnId;
import org.openmcim.aka.sqn.SqnArray;
import org.openmcim.aka.sqn.SqnPolicy;
import org.openmcim.aka.usim.Usim;
import org.openmcim.icf.IcfServer;
import org.openmcim.store.InMemoryCredentialStore;

/**
 * jDiameter 1.7.1 (Restcomm's Java Diameter stack, test scope only) as an independent client of
 * the ICF over TCP: its own capabilities exchange, an S6a AIR it encodes from raw AVPs (jDiameter
 * ships no S6a dictionary), the AIA decoded by jDiameter, and the vectors checked by the
 * software USIM of aka-crypto with the test's own K/OPc (TS 35.208 test set 1) — a separate code
 * path from the ICF's batch Milenage: AUTN must verify (TS 33.102 §6.3.3), RES must equal XRES
 * and KASME must match TS 33.401 Annex A.2.
 *
 * <p>jDiameter's Origin-Host comes from its local URI: with UseUriAsFqdn true it sends the whole
 * URI ("aaa://host:port", which the ICF rightly refuses with 3010); with false, the URI's host
 * as written, without a DNS lookup — so aaa://mme.localdomain:port works although
 * mme.localdomain does not resolve here (no /etc/hosts entry).
 *
 * <p>SWx (TS 29.273 §8) likewise: jDiameter as a 3GPP AAA server sends MAR for EAP-AKA' and
 * EAP-AKA from raw AVPs, and SAR REGISTRATION; the MAA's SIP-Auth-Data-Items are checked by the
 * software USIM and by aka-crypto's own KDF (CK'/IK' bound to the ANID, TS 33.402 Annex A.2),
 * never against answers written into the test.
 */
class JDiameterInteropTest {
    static final int VENDOR_3GPP = 10415;
    static final int S6A = 16777251;
    static final int AIR = 318;

    static final int SWX = 16777265;
    static final int MAR = 303;
    static final int SAR = 301;

    static String config(int icfPort) {
        return config(icfPort, "mme.localdomain", S6A);
    }

    /** jDiameter as {@code host} in realm localdomain, advertising auth application {@code app} of 3GPP. */
    static String config(int icfPort, String host, int app) {
        return """
                <?xml version="1.0"?>
                <Configuration xmlns="http://www.jdiameter.org/jdiameter-client">
                  <LocalPeer>
                    <URI value="aaa://%s:%d"/>
                    <IPAddress value="127.0.0.1"/>
                    <Realm value="localdomain"/>
                    <VendorID value="0"/>
                    <ProductName value="jDiameter"/>
                    <FirmwareRevision value="1"/>
                    <Applications>
                      <ApplicationID><VendorId value="10415"/><AuthApplId value="%d"/><AcctApplId value="0"/></ApplicationID>
                    </Applications>
                  </LocalPeer>
                  <Parameters>
                    <UseUriAsFqdn value="false"/>
                    <QueueSize value="1000"/>
                    <MessageTimeOut value="5000"/>
                    <StopTimeOut value="5000"/>
                    <CeaTimeOut value="5000"/>
                    <IacTimeOut value="30000"/>
                    <DwaTimeOut value="5000"/>
                    <DpaTimeOut value="3000"/>
                    <RecTimeOut value="5000"/>
                  </Parameters>
                  <Network>
                    <Peers>
                      <Peer name="aaa://127.0.0.1:%d" rating="1"/>
                    </Peers>
                    <Realms>
                      <Realm name="localdomain" peers="127.0.0.1" local_action="LOCAL" dynamic="false" exp_time="1">
                        <ApplicationID><VendorId value="10415"/><AuthApplId value="%d"/><AcctApplId value="0"/></ApplicationID>
                      </Realm>
                    </Realms>
                  </Network>
                  <Extensions/>
                </Configuration>
                """.formatted(host, Interop.freePortUnchecked(), app, icfPort, app);
    }

    /**
     * Starts {@code stack} with {@code xml} and waits until its one peer, the ICF, is OKAY:
     * start() returns before the capabilities exchange is over, and OKAY is jDiameter's name for
     * the RFC 6733 §5.6 I-Open state.
     */
    static SessionFactory open(Stack stack, String xml, Interop.IcfLog icfLog) throws Exception {
        SessionFactory sessions = stack.init(new XMLConfiguration(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8))));
        stack.start();
        PeerTable table = stack.unwrap(PeerTable.class);
        assertTrue(Interop.await(Duration.ofSeconds(10), () -> {
            List<Peer> peers = table.getPeerTable();
            return !peers.isEmpty() && peers.get(0).getState(PeerState.class) == PeerState.OKAY;
        }), "jDiameter's peer never became OKAY; ICF log: " + icfLog.lines);
        return sessions;
    }

    @Test
    void jDiameterAirGetsVectorsTheUsimAccepts() throws Exception {
        int icfPort = Interop.freePort();
        try (Interop.IcfLog icfLog = new Interop.IcfLog();
             IcfServer icf = Interop.start(Interop.config("hss.localdomain", "127.0.0.1:" + icfPort, "30s", "mme.localdomain", "localdomain"))) {
            Stack stack = new StackImpl();
            try {
                SessionFactory sessions = open(stack, config(icfPort), icfLog);
                assertTrue(icf.peers().find("mme.localdomain").isPresent(), "the ICF's peer table has jDiameter");
                Peer peer = stack.unwrap(PeerTable.class).getPeerTable().get(0);
                assertEquals(icfPort, peer.getUri().getPort());
                Usim usim = new Usim(Milenage.withOpc(Interop.SET1.hex("K"), Interop.SET1.hex("OPc")), new SqnArray(SqnPolicy.DEFAULT));
                for (int round = 1; round <= 2; round++) {
                    Session session = sessions.getNewSession();
                    Request air = session.createRequest(AIR, ApplicationId.createByAuthAppId(VENDOR_3GPP, S6A), "localdomain");
                    // TS 29.272 §7.2.5 AIR: P bit (the CCF says PXY), Auth-Session-State, User-Name,
                    // Requested-EUTRAN-Authentication-Info, Visited-PLMN-Id (001/01).
                    air.setProxiable(true);
                    AvpSet avps = air.getAvps();
                    avps.addAvp(Avp.AUTH_SESSION_STATE, 1, true, false);
                    avps.addAvp(Avp.USER_NAME, Interop.IMSI, true, false, false);
                    AvpSet req = avps.addGroupedAvp(1408, VENDOR_3GPP, true, false);
                    req.addAvp(1410, 2L * round - 1, VENDOR_3GPP, true, false, true); // Number-Of-Requested-Vectors 1, then 3
                    req.addAvp(1412, 1L, VENDOR_3GPP, true, false, true);             // Immediate-Response-Preferred
                    avps.addAvp(1407, new byte[] {0x00, (byte) 0xf1, 0x10}, VENDOR_3GPP, true, false);

                    Message aia = session.send(air).get(10, TimeUnit.SECONDS);
                    assertEquals(2001, aia.getAvps().getAvp(Avp.RESULT_CODE).getUnsigned32(), "AIA Result-Code");
                    assertEquals("hss.localdomain", aia.getAvps().getAvp(Avp.ORIGIN_HOST).getDiameterIdentity());
                    assertEquals(session.getSessionId(), aia.getAvps().getAvp(Avp.SESSION_ID).getUTF8String());
                    Avp info = aia.getAvps().getAvp(1413, VENDOR_3GPP);
                    assertNotNull(info, "Authentication-Info");
                    AvpSet vectors = info.getGrouped().getAvps(1414, VENDOR_3GPP);
                    assertEquals(2 * round - 1, vectors.size(), "E-UTRAN-Vectors");
                    List<String> rands = new ArrayList<>();
                    for (Avp v : vectors) {
                        AvpSet e = v.getGrouped();
                        byte[] rand = e.getAvp(1447, VENDOR_3GPP).getOctetString();
                        byte[] xres = e.getAvp(1448, VENDOR_3GPP).getOctetString();
                        byte[] autn = e.getAvp(1449, VENDOR_3GPP).getOctetString();
                        byte[] kasme = e.getAvp(1450, VENDOR_3GPP).getOctetString();
                        rands.add(HexFormat.of().formatHex(rand));
                        // TS 33.401 §6.1.1: the AMF separation bit is set in E-UTRAN vectors.
                        assertTrue((autn[6] & 0x80) != 0, "AMF separation bit");
                        Usim.Success ok = assertInstanceOf(Usim.Success.class, usim.authenticate(rand, autn),
                                "the USIM rejects AUTN (MAC or SQN)");
                        assertArrayEquals(xres, ok.res(), "XRES = RES");
                        assertArrayEquals(kasme, new Kdf().kasme(ok.ck(), ok.ik(), PlmnId.parse("00101"), ok.sqnXorAk()), "KASME");
                    }
                    assertEquals(rands.size(), rands.stream().distinct().count(), "fresh RAND per vector");
                }
            } finally {
                // RFC 6733 §5.4: jDiameter's stop sends DPR to its open peer.
                stack.stop(5, TimeUnit.SECONDS, DisconnectCause.REBOOTING);
                stack.destroy();
            }
            assertTrue(Interop.await(Duration.ofSeconds(5), () -> icf.peers().find("mme.localdomain").isEmpty()),
                    "jDiameter's connection outlived its stack");
            assertTrue(icfLog.contains("hss.localdomain: DPR from mme.localdomain"), "no DPR from jDiameter: " + icfLog.lines);
        }
    }

    /** TS 29.273 §8.2.2.1 MAR with one SIP-Auth-Data-Item naming {@code scheme}; RAT-Type WLAN; ANID if given. */
    static Request mar(Session session, String userName, String scheme, long items, String anid) throws Exception {
        Request mar = session.createRequest(MAR, ApplicationId.createByAuthAppId(VENDOR_3GPP, SWX), "localdomain");
        mar.setProxiable(true);
        AvpSet avps = mar.getAvps();
        avps.addAvp(Avp.AUTH_SESSION_STATE, 1, true, false);
        avps.addAvp(Avp.USER_NAME, userName, true, false, false);
        avps.addAvp(607, items, VENDOR_3GPP, true, false, true); // SIP-Number-Auth-Items
        AvpSet item = avps.addGroupedAvp(612, VENDOR_3GPP, true, false); // SIP-Auth-Data-Item
        item.addAvp(608, scheme, VENDOR_3GPP, true, false, false); // SIP-Authentication-Scheme
        avps.addAvp(1032, 0, VENDOR_3GPP, false, false); // RAT-Type WLAN (TS 29.212 §5.3.31)
        if (anid != null) {
            avps.addAvp(1504, anid, VENDOR_3GPP, true, false, false); // ANID (TS 29.273 §5.2.3.7)
        }
        return mar;
    }

    /**
     * jDiameter as a 3GPP AAA server: MAR for EAP-AKA' (two items, ANID "WLAN") and EAP-AKA (one
     * item, no ANID), then SAR REGISTRATION. Each item's RAND||AUTN must be accepted by the USIM,
     * SIP-Authorization must be its RES, and the keys must be what aka-crypto derives from the
     * USIM's own CK/IK: CK'/IK' = KDF(CK, IK, ANID, SQN⊕AK) for EAP-AKA' (TS 33.402 Annex A.2),
     * CK/IK themselves for EAP-AKA.
     */
    @Test
    void jDiameterMarGetsEapAkaPrimeAndEapAkaItemsAndSarRegisters() throws Exception {
        int icfPort = Interop.freePort();
        String anid = "WLAN";
        String naiPrime = "6" + Interop.IMSI + "@nai.epc.mnc001.mcc001.3gppnetwork.org"; // TS 23.003 §19.3.2
        InMemoryCredentialStore store = Interop.store();
        try (Interop.IcfLog icfLog = new Interop.IcfLog();
             IcfServer icf = IcfServer.start(Interop.configServing("[s6a, swx]", "hss.localdomain", "127.0.0.1:" + icfPort, "30s",
                             "aaa.localdomain", "localdomain"), store, new SimpleMeterRegistry(),
                     Clock.systemUTC(), new SecureRandom())) {
            Stack stack = new StackImpl();
            try {
                SessionFactory sessions = open(stack, config(icfPort, "aaa.localdomain", SWX), icfLog);
                Usim usim = new Usim(Milenage.withOpc(Interop.SET1.hex("K"), Interop.SET1.hex("OPc")), new SqnArray(SqnPolicy.DEFAULT));
                record Case(String user, String scheme, long items, String anid) {
                }
                for (Case c : List.of(new Case(naiPrime, "EAP-AKA'", 2, anid), new Case(Interop.IMSI, "EAP-AKA", 1, null))) {
                    Session session = sessions.getNewSession();
                    Message maa = session.send(mar(session, c.user(), c.scheme(), c.items(), c.anid())).get(10, TimeUnit.SECONDS);
                    assertEquals(2001, maa.getAvps().getAvp(Avp.RESULT_CODE).getUnsigned32(), c.scheme() + " MAA Result-Code");
                    assertEquals(session.getSessionId(), maa.getAvps().getAvp(Avp.SESSION_ID).getUTF8String());
                    assertEquals(c.user(), maa.getAvps().getAvp(Avp.USER_NAME).getUTF8String());
                    assertEquals(c.items(), maa.getAvps().getAvp(607, VENDOR_3GPP).getUnsigned32(), "SIP-Number-Auth-Items");
                    AvpSet items = maa.getAvps().getAvps(612, VENDOR_3GPP);
                    assertEquals(c.items(), items.size(), "SIP-Auth-Data-Items");
                    long number = 1;
                    for (Avp a : items) {
                        AvpSet item = a.getGrouped();
                        assertEquals(number++, item.getAvp(613, VENDOR_3GPP).getUnsigned32(), "SIP-Item-Number");
                        assertEquals(c.scheme(), item.getAvp(608, VENDOR_3GPP).getUTF8String());
                        byte[] challenge = item.getAvp(609, VENDOR_3GPP).getOctetString();
                        assertEquals(32, challenge.length, "SIP-Authenticate = RAND||AUTN");
                        byte[] rand = Arrays.copyOf(challenge, 16);
                        byte[] autn = Arrays.copyOfRange(challenge, 16, 32);
                        // TS 33.402 §6.2: the AMF separation bit is set for EAP-AKA' only.
                        assertEquals(c.anid() != null, (autn[6] & 0x80) != 0, "AMF separation bit");
                        Usim.Success ok = assertInstanceOf(Usim.Success.class, usim.authenticate(rand, autn),
                                "the USIM rejects AUTN (MAC or SQN)");
                        assertArrayEquals(ok.res(), item.getAvp(610, VENDOR_3GPP).getOctetString(), "SIP-Authorization = XRES = RES");
                        byte[] ck = item.getAvp(625, VENDOR_3GPP).getOctetString();
                        byte[] ik = item.getAvp(626, VENDOR_3GPP).getOctetString();
                        if (c.anid() != null) {
                            CkIkPrime expected = new Kdf().ckIkPrime(ok.ck(), ok.ik(), c.anid(), ok.sqnXorAk());
                            assertArrayEquals(expected.ckPrime(), ck, "Confidentiality-Key = CK'");
                            assertArrayEquals(expected.ikPrime(), ik, "Integrity-Key = IK'");
                            assertTrue(!Arrays.equals(ok.ck(), ck), "CK' is bound to the ANID, not CK");
                        } else {
                            assertArrayEquals(ok.ck(), ck, "Confidentiality-Key = CK");
                            assertArrayEquals(ok.ik(), ik, "Integrity-Key = IK");
                        }
                    }
                }

                // SAR REGISTRATION (TS 29.273 §8.1.2.2.1): user data back, the AAA server recorded.
                Session session = sessions.getNewSession();
                Request sar = session.createRequest(SAR, ApplicationId.createByAuthAppId(VENDOR_3GPP, SWX), "localdomain");
                sar.setProxiable(true);
                sar.getAvps().addAvp(Avp.AUTH_SESSION_STATE, 1, true, false);
                sar.getAvps().addAvp(Avp.USER_NAME, naiPrime, true, false, false);
                sar.getAvps().addAvp(614, 1, VENDOR_3GPP, true, false); // Server-Assignment-Type REGISTRATION
                Message saa = session.send(sar).get(10, TimeUnit.SECONDS);
                assertEquals(2001, saa.getAvps().getAvp(Avp.RESULT_CODE).getUnsigned32(), "SAA Result-Code");
                Avp data = saa.getAvps().getAvp(1500, VENDOR_3GPP);
                assertNotNull(data, "Non-3GPP-User-Data");
                Avp subscription = data.getGrouped().getAvp(Avp.SUBSCRIPTION_ID);
                assertNotNull(subscription, "Subscription-Id");
                assertEquals(Interop.IMSI, subscription.getGrouped().getAvp(Avp.SUBSCRIPTION_ID_DATA).getUTF8String());
                assertEquals("aaa.localdomain", store.aaaServer(Interop.IMSI).orElseThrow().host());
            } finally {
                stack.stop(5, TimeUnit.SECONDS, DisconnectCause.REBOOTING);
                stack.destroy();
            }
        }
    }
}
