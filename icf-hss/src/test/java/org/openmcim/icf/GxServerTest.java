package org.openmcim.icf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openmcim.aka.AuthenticationFunctions.Algorithm;
import org.openmcim.config.ConfigNode;
import org.openmcim.diameter.ApplicationId;
import org.openmcim.diameter.Avp;
import org.openmcim.diameter.BaseAvpCode;
import org.openmcim.diameter.CommandCode;
import org.openmcim.diameter.DiameterMessage;
import org.openmcim.diameter.ResultCode;
import org.openmcim.icf.config.IcfConfig;
import org.openmcim.icf.gx.AttachEvents;
import org.openmcim.icf.gx.InProcessAttachEvents;
import org.openmcim.store.CredentialState;
import org.openmcim.store.InMemoryCredentialStore;
import org.openmcim.store.Subscriber;
import org.openmcim.store.SubscriberKind;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Gx (TS 29.212) over real TCP on the ICF's PCRF identity: the CCR-Initial and CCR-Termination
 * NextEPC 0.3.10's PGW sends (bytes under {@code gx/}), the attach events they produce, CCR-Update,
 * and the refusals.
 */
class GxServerTest {
    static final String IMSI = "001010000000001";
    static final String RETIRED = "001010000000002";
    static final String HOME = "001010000000003";
    static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

    InMemoryCredentialStore store;
    IcfServer icf;
    InProcessAttachEvents events;
    final List<String> heard = new CopyOnWriteArrayList<>();

    static String yaml(int s6aPort, int gxPort) {
        return """
                mode: icf
                identities:
                  - host: hss.localdomain
                    realm: localdomain
                    listen: 127.0.0.1:%d
                    applications: [s6a]
                  - host: pcrf.localdomain
                    realm: localdomain
                    listen: 127.0.0.1:%d
                    applications: [gx]
                peers:
                  - {host: pgw.localdomain, realm: localdomain}
                imsi-ranges: ["00101"]
                subscription-profile:
                  apn: provisioning
                  pdn-type: ipv4
                  qci: 8
                  arp: {priority: 7, preemption-capability: false, preemption-vulnerability: true}
                  ambr: {uplink: 2000000, downlink: 4000000}
                limits: {max-in-flight: 100, worker-threads: 2, max-vectors-per-request: 5}
                routes:   # an SHO's MCIM range; nothing listens there, the Gx side does not need it
                  - {imsi-prefix: "99970", host: hss.sho1.localdomain, realm: localdomain, connect: 127.0.0.1:9}
                """.formatted(s6aPort, gxPort);
    }

    static Subscriber subscriber(String imsi, SubscriberKind kind, CredentialState state) {
        return new Subscriber(imsi, kind, Algorithm.MILENAGE, new byte[16], new byte[16], new byte[] {(byte) 0x80, 0}, 0, state,
                NOW.minus(Duration.ofDays(1)), Duration.ofDays(365), "chtif-test", "provisioning", null);
    }

    @BeforeEach
    void start() throws Exception {
        store = new InMemoryCredentialStore();
        store.insertAll(List.of(subscriber(IMSI, SubscriberKind.PCID, CredentialState.ISSUED),
                subscriber(RETIRED, SubscriberKind.PCID, CredentialState.ATTACHED),
                subscriber(HOME, SubscriberKind.HOME, CredentialState.ACTIVE)));
        store.transition(IMSI, CredentialState.ATTACHED, NOW); // as the ULR left it
        store.transition(RETIRED, CredentialState.RETIRED, NOW);
        events = new InProcessAttachEvents();
        events.subscribe(new AttachEvents() {
            @Override
            public void pcidAttached(String imsi, InetAddress ip, String apn, Instant at) {
                heard.add("attached " + imsi + " " + ip.getHostAddress() + " " + apn + " " + at);
            }

            @Override
            public void sessionEnded(String imsi, Instant at) {
                heard.add("ended " + imsi + " " + at);
            }
        });
        IcfConfig config = IcfConfig.from(ConfigNode.parse("test-gx.yaml",
                new StringReader(yaml(IcfServerTest.freePort(), IcfServerTest.freePort()))));
        icf = IcfServer.start(config, store, new SimpleMeterRegistry(), Clock.fixed(NOW, ZoneOffset.UTC), new SecureRandom(), events);
    }

    @AfterEach
    void stop() {
        icf.close();
    }

    DiameterTestClient pgw() throws IOException {
        DiameterTestClient c = new DiameterTestClient(icf.boundAddresses().get(1), "pgw.localdomain", "localdomain");
        DiameterMessage cea = c.exchange(c.cer(ApplicationId.GX));
        assertEquals(ResultCode.DIAMETER_SUCCESS, cea.resultCode());
        assertEquals("pcrf.localdomain", cea.originHost());
        return c;
    }

    /** A text2pcap hexdump under src/test/resources: '#' comments, then offset and octets per line. */
    static byte[] hexdump(String resource) throws IOException {
        try (InputStream in = GxServerTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertNotNull(in, resource);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.trim().split("\\s+");
                for (int i = 1; i < f.length; i++) {
                    out.write(Integer.parseInt(f[i], 16));
                }
            }
            return out.toByteArray();
        }
    }

    static DiameterMessage.Builder ccr(DiameterTestClient c, String sessionId, int type, int number) {
        return c.gxRequest(sessionId, type, number);
    }

    static DiameterMessage ccrInitial(DiameterTestClient c, String sessionId, String imsi, byte[] ip) {
        return c.ccrInitial(sessionId, imsi, ip, "provisioning");
    }

    static void assertCcaHeader(DiameterTestClient c, DiameterMessage cca, int type, long number) {
        assertEquals(CommandCode.CREDIT_CONTROL, cca.commandCode());
        assertEquals(ApplicationId.GX, cca.first(c.d.avp("Auth-Application-Id")).unsigned32());
        assertEquals(type, cca.first(c.d.avp("CC-Request-Type")).enumerated());
        assertEquals(number, cca.first(c.d.avp("CC-Request-Number")).unsigned32());
    }

    /**
     * Errors made before the Gx handler runs (peer-layer checks) still carry what every CCA must:
     * the PGW discards a CCA without CC-Request-Type (RFC 4006 §3.2, TS 29.212 §5.6.3).
     */
    @Test
    void peerLayerErrorsAreStillProperCcas() throws Exception {
        try (DiameterTestClient c = pgw()) {
            DiameterMessage noSession = DiameterMessage.request(CommandCode.CREDIT_CONTROL, ApplicationId.GX).proxiable(true)
                    .hopByHop(c.nextId()).endToEnd(0x7777)
                    .add(c.originHost(), c.originRealm(), Avp.unsigned32(c.d.avp("Auth-Application-Id"), ApplicationId.GX),
                            Avp.enumerated(c.d.avp("CC-Request-Type"), 1), Avp.unsigned32(c.d.avp("CC-Request-Number"), 0))
                    .build();
            DiameterMessage cca = c.exchange(noSession);
            assertEquals(org.openmcim.diameter.ResultCode.DIAMETER_MISSING_AVP, cca.resultCode());
            assertCcaHeader(c, cca, 1, 0);
        }
    }

    /** What NextEPC 0.3.10's PGW sends (3GPP-MS-TimeZone with the M bit included) gets the CCA it needs. */
    @Test
    void nextEpcCcrInitialAndTermination() throws Exception {
        try (DiameterTestClient c = pgw()) {
            c.sendRaw(hexdump("gx/nextepc-ccr-initial.hex"));
            DiameterMessage cca = c.receive();
            assertEquals(ResultCode.DIAMETER_SUCCESS, cca.resultCode(), () -> "CCA " + cca);
            assertEquals("pgw.localdomain;1543311441;1;app_gx", cca.sessionId());
            assertEquals("pcrf.localdomain", cca.originHost());
            assertCcaHeader(c, cca, 1, 0);
            Avp qos = cca.first(c.d.avp("Default-EPS-Bearer-QoS"));
            assertEquals(8, qos.child(c.d.avp("QoS-Class-Identifier")).enumerated());
            Avp arp = qos.child(c.d.avp("Allocation-Retention-Priority"));
            assertEquals(7, arp.child(c.d.avp("Priority-Level")).unsigned32());
            assertEquals(1, arp.child(c.d.avp("Pre-emption-Capability")).enumerated(), "DISABLED");
            assertEquals(0, arp.child(c.d.avp("Pre-emption-Vulnerability")).enumerated(), "ENABLED");
            Avp ambr = cca.first(c.d.avp("QoS-Information"));
            assertEquals(2000000, ambr.child(c.d.avp("APN-Aggregate-Max-Bitrate-UL")).unsigned32());
            assertEquals(4000000, ambr.child(c.d.avp("APN-Aggregate-Max-Bitrate-DL")).unsigned32());
            assertEquals(0, cca.first(c.d.avp("Bearer-Control-Mode")).enumerated(), "UE_ONLY");
            Avp sf = cca.first(c.d.avp("Supported-Features"));
            assertEquals(1, sf.child(c.d.avp("Feature-List-ID")).unsigned32());
            assertEquals(1, sf.child(c.d.avp("Feature-List")).unsigned32(), "0x0b offered, Rel8 agreed");
            assertNull(cca.first(c.d.avp("Charging-Rule-Install")), "no dedicated bearers on the provisioning APN");

            InProcessAttachEvents.Attached at = assertInstanceOf(InProcessAttachEvents.Attached.class, events.last(IMSI).orElseThrow());
            assertEquals(InetAddress.getByName("10.45.0.2"), at.ip());
            assertEquals("provisioning", at.apn());
            assertEquals(List.of("attached " + IMSI + " 10.45.0.2 provisioning " + NOW), heard);
            assertEquals(CredentialState.ATTACHED, store.find(IMSI).orElseThrow().state(), "PROVISIONING is the DPF's move");

            c.sendRaw(hexdump("gx/nextepc-ccr-termination.hex"));
            DiameterMessage cct = c.receive();
            assertEquals(ResultCode.DIAMETER_SUCCESS, cct.resultCode());
            assertCcaHeader(c, cct, 3, 1);
            assertNull(cct.first(c.d.avp("Default-EPS-Bearer-QoS")));
            assertInstanceOf(InProcessAttachEvents.Ended.class, events.last(IMSI).orElseThrow());
            assertEquals("ended " + IMSI + " " + NOW, heard.get(1));
        }
    }

    @Test
    void updateEchoesTheNumberAndUnknownSessionsAre5002() throws Exception {
        try (DiameterTestClient c = pgw()) {
            String sid = "pgw.localdomain;1;2;app_gx";
            DiameterMessage cca = c.exchange(ccrInitial(c, sid, IMSI, new byte[] {10, 45, 0, 7}));
            assertEquals(ResultCode.DIAMETER_SUCCESS, cca.resultCode());
            assertNull(cca.first(c.d.avp("Supported-Features")), "none offered, none answered");
            DiameterMessage ccu = c.exchange(ccr(c, sid, 2, 1).build());
            assertEquals(ResultCode.DIAMETER_SUCCESS, ccu.resultCode());
            assertCcaHeader(c, ccu, 2, 1);
            assertEquals(ResultCode.DIAMETER_SUCCESS, c.exchange(ccr(c, sid, 3, 2).build()).resultCode());

            DiameterMessage again = c.exchange(ccr(c, sid, 2, 3).build());
            assertEquals(ResultCode.DIAMETER_UNKNOWN_SESSION_ID, again.resultCode(), "terminated sessions are gone");
            assertCcaHeader(c, again, 2, 3);
            assertEquals(ResultCode.DIAMETER_UNKNOWN_SESSION_ID,
                    c.exchange(ccr(c, "pgw.localdomain;never", 3, 1).build()).resultCode());
            assertEquals(2, heard.size(), "one attach, one end: " + heard);
        }
    }

    @Test
    void refusals() throws Exception {
        try (DiameterTestClient c = pgw()) {
            DiameterMessage noSub = c.exchange(ccrInitial(c, "s;1", null, new byte[] {10, 45, 0, 8}));
            assertEquals(ResultCode.DIAMETER_MISSING_AVP, noSub.resultCode());
            assertNotNull(noSub.first(BaseAvpCode.FAILED_AVP, 0));
            assertCcaHeader(c, noSub, 1, 0);
            assertEquals(ResultCode.DIAMETER_MISSING_AVP, c.exchange(ccrInitial(c, "s;2", IMSI, null)).resultCode());
            assertEquals(ResultCode.DIAMETER_INVALID_AVP_VALUE, c.exchange(ccrInitial(c, "s;3", IMSI, new byte[3])).resultCode());
            // RFC 4006 §9.1 DIAMETER_USER_UNKNOWN, an IETF code in Result-Code.
            DiameterMessage unknown = c.exchange(ccrInitial(c, "s;4", "001010000000999", new byte[] {10, 45, 0, 9}));
            assertEquals(ResultCode.DIAMETER_USER_UNKNOWN, unknown.resultCode());
            assertNull(unknown.first(BaseAvpCode.EXPERIMENTAL_RESULT, 0));
            assertEquals(ResultCode.DIAMETER_USER_UNKNOWN,
                    c.exchange(ccrInitial(c, "s;5", "310410000000001", new byte[] {10, 45, 0, 9})).resultCode());
            assertEquals(ResultCode.DIAMETER_AUTHORIZATION_REJECTED,
                    c.exchange(ccrInitial(c, "s;6", RETIRED, new byte[] {10, 45, 0, 9})).resultCode());
            assertEquals(ResultCode.DIAMETER_INVALID_AVP_VALUE, c.exchange(ccr(c, "s;7", 4, 0).build()).resultCode(), "EVENT_REQUEST");
            DiameterMessage noType = c.exchange(DiameterMessage.request(CommandCode.CREDIT_CONTROL, ApplicationId.GX).proxiable(true)
                    .hopByHop(c.nextId()).endToEnd(4711).sessionId("s;8").add(c.originHost(), c.originRealm()).build());
            assertEquals(ResultCode.DIAMETER_MISSING_AVP, noType.resultCode());
            assertTrue(heard.isEmpty(), "no refused CCR announced an attach: " + heard);
            // A HOME subscriber (the SHO's HSS mode) gets its session but is no PCID to bootstrap.
            assertEquals(ResultCode.DIAMETER_SUCCESS, c.exchange(ccrInitial(c, "s;9", HOME, new byte[] {10, 45, 0, 10})).resultCode());
            assertTrue(heard.isEmpty());
            assertTrue(events.last(HOME).isEmpty());
        }
    }

    /**
     * After the MCIM is installed the device re-attaches with its SHO IMSI through the same PGW
     * (TR 33.812 step 21, local breakout): this PCRF admits the relayed range as a visited PCRF
     * would, with no record of its own and no bootstrap trigger, and still refuses ranges it neither
     * serves nor relays.
     */
    @Test
    void mcimSubscribersOfARelayedRangeGetSessionsButNoBootstrap() throws Exception {
        try (DiameterTestClient c = pgw()) {
            String sid = "pgw.localdomain;9;9;app_gx";
            DiameterMessage cca = c.exchange(ccrInitial(c, sid, "999700000000042", new byte[] {10, 45, 0, 11}));
            assertEquals(ResultCode.DIAMETER_SUCCESS, cca.resultCode());
            assertCcaHeader(c, cca, 1, 0);
            assertNotNull(cca.first(c.d.avp("Default-EPS-Bearer-QoS")), "the PGW needs the default bearer QoS to open the session");
            assertEquals(ResultCode.DIAMETER_SUCCESS, c.exchange(ccr(c, sid, 3, 1).build()).resultCode());
            assertTrue(heard.isEmpty(), "an MCIM subscriber is no PCID: nothing to announce: " + heard);
            assertEquals(ResultCode.DIAMETER_USER_UNKNOWN,
                    c.exchange(ccrInitial(c, "s;10", "999710000000042", new byte[] {10, 45, 0, 12})).resultCode());
        }
    }
}
