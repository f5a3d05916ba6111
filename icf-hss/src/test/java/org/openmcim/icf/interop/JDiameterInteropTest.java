package org.openmcim.icf.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
import org.openmcim.aka.kdf.Kdf;
import org.openmcim.aka.kdf.PlmnId;
import org.openmcim.aka.sqn.SqnArray;
import org.openmcim.aka.sqn.SqnPolicy;
import org.openmcim.aka.usim.Usim;
import org.openmcim.icf.IcfServer;

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
 * mme.localdomain does not resolve here (no /etc/hosts entry). SWx (MAR/MAA) is not exercised:
 * it is not in this
 * branch of the ICF.
 */
class JDiameterInteropTest {
    static final int VENDOR_3GPP = 10415;
    static final int S6A = 16777251;
    static final int AIR = 318;

    static String config(int icfPort) {
        return """
                <?xml version="1.0"?>
                <Configuration xmlns="http://www.jdiameter.org/jdiameter-client">
                  <LocalPeer>
                    <URI value="aaa://mme.localdomain:%d"/>
                    <IPAddress value="127.0.0.1"/>
                    <Realm value="localdomain"/>
                    <VendorID value="0"/>
                    <ProductName value="jDiameter"/>
                    <FirmwareRevision value="1"/>
                    <Applications>
                      <ApplicationID><VendorId value="10415"/><AuthApplId value="16777251"/><AcctApplId value="0"/></ApplicationID>
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
                        <ApplicationID><VendorId value="10415"/><AuthApplId value="16777251"/><AcctApplId value="0"/></ApplicationID>
                      </Realm>
                    </Realms>
                  </Network>
                  <Extensions/>
                </Configuration>
                """.formatted(Interop.freePortUnchecked(), icfPort);
    }

    @Test
    void jDiameterAirGetsVectorsTheUsimAccepts() throws Exception {
        int icfPort = Interop.freePort();
        try (Interop.IcfLog icfLog = new Interop.IcfLog();
             IcfServer icf = Interop.start(Interop.config("hss.localdomain", "127.0.0.1:" + icfPort, "30s", "mme.localdomain", "localdomain"))) {
            Stack stack = new StackImpl();
            try {
                SessionFactory sessions = stack.init(new XMLConfiguration(
                        new ByteArrayInputStream(config(icfPort).getBytes(StandardCharsets.UTF_8))));
                stack.start();
                // start() returns before the capabilities exchange is over: wait for jDiameter's
                // peer to be OKAY (its name for the RFC 6733 §5.6 I-Open state).
                PeerTable table = stack.unwrap(PeerTable.class);
                assertTrue(Interop.await(Duration.ofSeconds(10), () -> {
                    List<Peer> peers = table.getPeerTable();
                    return !peers.isEmpty() && peers.get(0).getState(PeerState.class) == PeerState.OKAY;
                }), "jDiameter's peer never became OKAY; ICF log: " + icfLog.lines);
                assertTrue(icf.peers().find("mme.localdomain").isPresent(), "the ICF's peer table has jDiameter");
                Peer peer = table.getPeerTable().get(0);
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
                        rands.add(java.util.HexFormat.of().formatHex(rand));
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
}
