package org.openmcim.icf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openmcim.aka.AuthenticationFunctions.Algorithm;
import org.openmcim.aka.Milenage;
import org.openmcim.aka.VectorFile;
import org.openmcim.aka.kdf.CkIkPrime;
import org.openmcim.aka.kdf.Kdf;
import org.openmcim.aka.sqn.SqnArray;
import org.openmcim.aka.sqn.SqnPolicy;
import org.openmcim.aka.usim.Usim;
import org.openmcim.config.ConfigNode;
import org.openmcim.diameter.ApplicationId;
import org.openmcim.diameter.Avp;
import org.openmcim.diameter.BaseAvpCode;
import org.openmcim.diameter.CommandCode;
import org.openmcim.diameter.DiameterMessage;
import org.openmcim.diameter.ExperimentalResultCode;
import org.openmcim.diameter.ResultCode;
import org.openmcim.diameter.VendorId;
import org.openmcim.icf.config.IcfConfig;
import org.openmcim.store.CredentialState;
import org.openmcim.store.InMemoryCredentialStore;
import org.openmcim.store.Subscriber;
import org.openmcim.store.SubscriberKind;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * SWx (TS 29.273 §8) over real TCP with a scripted 3GPP AAA server: MAR for EAP-AKA' and EAP-AKA
 * verified by the independent USIM of aka-crypto (AUTN accepted, RES = XRES, CK'/IK' = KDF of the
 * USIM's CK/IK), resynchronisation, refusals, and SAR registration/deregistration.
 */
class SwxServerTest {
    static final String IMSI = "001010000000001";
    static final String RETIRED = "001010000000002";
    /** TS 23.003 §19.3.2 root NAIs: '6' for EAP-AKA', '0' for EAP-AKA. */
    static final String NAI_PRIME = "6" + IMSI + "@nai.epc.mnc001.mcc001.3gppnetwork.org";
    static final String NAI_AKA = "0" + IMSI + "@nai.epc.mnc001.mcc001.3gppnetwork.org";
    static final String ANID = "WLAN";
    static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    /** IND configured for aaa.localdomain below. */
    static final int AAA_IND = 4;

    InMemoryCredentialStore store;
    IcfServer icf;
    VectorFile.Vector set1 = VectorFile.load("vectors/milenage-ts35208.txt").get(0);

    static String yaml(int port) {
        return """
                mode: icf
                identities:
                  - host: hss.localdomain
                    realm: localdomain
                    listen: 127.0.0.1:%d
                    applications: [s6a, swx]
                peers:
                  - {host: aaa.localdomain, realm: localdomain}
                  - {host: aaa2.localdomain, realm: localdomain}
                imsi-ranges: ["00101"]
                sqn:
                  ind-bits: 5
                  ind: {aaa.localdomain: %d}
                subscription-profile:
                  apn: provisioning
                  pdn-type: ipv4
                  qci: 9
                  arp: {priority: 8, preemption-capability: false, preemption-vulnerability: true}
                  ambr: {uplink: 2000000, downlink: 4000000}
                limits: {max-in-flight: 100, worker-threads: 2, max-vectors-per-request: 5}
                """.formatted(port, AAA_IND);
    }

    static Subscriber pcid(String imsi, byte[] k, byte[] opc) {
        return new Subscriber(imsi, SubscriberKind.PCID, Algorithm.MILENAGE, k, opc, new byte[] {(byte) 0x80, 0}, 0,
                CredentialState.ISSUED, NOW.minus(Duration.ofDays(1)), Duration.ofDays(365), "chtif-test", "provisioning", null);
    }

    @BeforeEach
    void start() throws Exception {
        store = new InMemoryCredentialStore();
        store.insertAll(List.of(pcid(IMSI, set1.hex("K"), set1.hex("OPc")), pcid(RETIRED, set1.hex("K"), set1.hex("OPc"))));
        store.transition(RETIRED, CredentialState.ATTACHED, NOW);
        store.transition(RETIRED, CredentialState.RETIRED, NOW);
        IcfConfig config = IcfConfig.from(ConfigNode.parse("test-swx.yaml", new StringReader(yaml(IcfServerTest.freePort()))));
        icf = IcfServer.start(config, store, new SimpleMeterRegistry(), Clock.fixed(NOW, ZoneOffset.UTC), new SecureRandom());
    }

    @AfterEach
    void stop() {
        icf.close();
    }

    DiameterTestClient aaa(String host) throws IOException {
        DiameterTestClient c = new DiameterTestClient(icf.boundAddresses().get(0), host, "localdomain");
        DiameterMessage cea = c.exchange(c.cer(ApplicationId.SWX));
        assertEquals(ResultCode.DIAMETER_SUCCESS, cea.resultCode());
        return c;
    }

    Usim usim() {
        return new Usim(Milenage.withOpc(set1.hex("K"), set1.hex("OPc")), new SqnArray(SqnPolicy.DEFAULT));
    }

    /** TS 29.273 §8.2.2.1 MAR / §8.2.2.5 SAR header and common AVPs. */
    static DiameterMessage.Builder swx(DiameterTestClient c, int command, String userName) {
        return c.swx(command, userName);
    }

    static DiameterMessage.Builder mar(DiameterTestClient c, String userName, String scheme, int n, String anid, byte[] resync) {
        return c.mar(userName, scheme, n, anid, resync);
    }

    static DiameterMessage sar(DiameterTestClient c, String userName, int type) {
        return c.sar(userName, type);
    }

    static long experimentalCode(DiameterMessage m) {
        return IcfFixtures.experimentalCode(m);
    }

    /** MAA EAP-AKA' items: the USIM accepts AUTN, RES = XRES, CK'/IK' = KDF(CK, IK, ANID, SQN⊕AK) of TS 33.402 A.2. */
    @Test
    void marEapAkaPrimeVectorsAreAcceptedByTheUsim() throws Exception {
        Usim usim = usim();
        try (DiameterTestClient c = aaa("aaa.localdomain")) {
            DiameterMessage maa = c.exchange(mar(c, NAI_PRIME, "EAP-AKA'", 2, ANID, null).build());
            assertEquals(ResultCode.DIAMETER_SUCCESS, maa.resultCode());
            assertEquals(NAI_PRIME, maa.first(c.d.avp("User-Name")).utf8String());
            assertEquals(2, maa.first(c.d.avp("SIP-Number-Auth-Items")).unsigned32());
            List<Avp> items = maa.all(c.d.avp("SIP-Auth-Data-Item"));
            assertEquals(2, items.size());
            long number = 1;
            for (Avp item : items) {
                assertEquals(number++, item.child(c.d.avp("SIP-Item-Number")).unsigned32());
                assertEquals("EAP-AKA'", item.child(c.d.avp("SIP-Authentication-Scheme")).utf8String());
                byte[] challenge = item.child(c.d.avp("SIP-Authenticate")).octetString();
                assertEquals(32, challenge.length, "RAND||AUTN");
                byte[] rand = Arrays.copyOf(challenge, 16);
                byte[] autn = Arrays.copyOfRange(challenge, 16, 32);
                assertTrue((autn[6] & 0x80) != 0, "TS 33.402 §6.2: separation bit set for EAP-AKA'");
                Usim.Success ok = assertInstanceOf(Usim.Success.class, usim.authenticate(rand, autn));
                assertArrayEquals(ok.res(), item.child(c.d.avp("SIP-Authorization")).octetString());
                CkIkPrime expected = new Kdf().ckIkPrime(ok.ck(), ok.ik(), ANID, ok.sqnXorAk());
                assertArrayEquals(expected.ckPrime(), item.child(c.d.avp("Confidentiality-Key")).octetString());
                assertArrayEquals(expected.ikPrime(), item.child(c.d.avp("Integrity-Key")).octetString());
                assertFalse(Arrays.equals(ok.ck(), expected.ckPrime()), "CK' is not CK");
            }
            assertEquals(SqnPolicy.DEFAULT.sqn(2, AAA_IND), store.find(IMSI).orElseThrow().sqnHe(), "the AAA server's IND");
        }
    }

    /** MAA EAP-AKA items: plain quintets, CK/IK as the USIM computes them, separation bit clear. */
    @Test
    void marEapAkaVectorsCarryCkIk() throws Exception {
        Usim usim = usim();
        try (DiameterTestClient c = aaa("aaa.localdomain")) {
            for (String user : List.of(NAI_AKA, IMSI)) {
                DiameterMessage maa = c.exchange(mar(c, user, "EAP-AKA", 1, null, null).build());
                assertEquals(ResultCode.DIAMETER_SUCCESS, maa.resultCode(), user);
                Avp item = maa.first(c.d.avp("SIP-Auth-Data-Item"));
                assertEquals("EAP-AKA", item.child(c.d.avp("SIP-Authentication-Scheme")).utf8String());
                byte[] challenge = item.child(c.d.avp("SIP-Authenticate")).octetString();
                byte[] autn = Arrays.copyOfRange(challenge, 16, 32);
                assertEquals(0, autn[6] & 0x80, "no separation bit for EAP-AKA");
                Usim.Success ok = assertInstanceOf(Usim.Success.class, usim.authenticate(Arrays.copyOf(challenge, 16), autn));
                assertArrayEquals(ok.res(), item.child(c.d.avp("SIP-Authorization")).octetString());
                assertArrayEquals(ok.ck(), item.child(c.d.avp("Confidentiality-Key")).octetString());
                assertArrayEquals(ok.ik(), item.child(c.d.avp("Integrity-Key")).octetString());
            }
        }
    }

    /** TS 29.273 §8.1.2.1.1: RAND||AUTS in SIP-Authorization resynchronises, then fresh vectors. */
    @Test
    void resynchronisationThroughSipAuthorization() throws Exception {
        Usim usim = usim();
        usim.sqnArray().accept(SqnPolicy.DEFAULT.sqn(50, AAA_IND)); // the USIM is ahead under this IND
        try (DiameterTestClient c = aaa("aaa.localdomain")) {
            Avp item = c.exchange(mar(c, NAI_PRIME, "EAP-AKA'", 1, ANID, null).build()).first(c.d.avp("SIP-Auth-Data-Item"));
            byte[] challenge = item.child(c.d.avp("SIP-Authenticate")).octetString();
            byte[] rand = Arrays.copyOf(challenge, 16);
            Usim.SynchFailure sf = assertInstanceOf(Usim.SynchFailure.class,
                    usim.authenticate(rand, Arrays.copyOfRange(challenge, 16, 32)));
            byte[] resync = new byte[30];
            System.arraycopy(rand, 0, resync, 0, 16);
            System.arraycopy(sf.auts(), 0, resync, 16, 14);
            DiameterMessage again = c.exchange(mar(c, NAI_PRIME, "EAP-AKA'", 1, ANID, resync).build());
            assertEquals(ResultCode.DIAMETER_SUCCESS, again.resultCode());
            byte[] fresh = again.first(c.d.avp("SIP-Auth-Data-Item")).child(c.d.avp("SIP-Authenticate")).octetString();
            assertInstanceOf(Usim.Success.class, usim.authenticate(Arrays.copyOf(fresh, 16), Arrays.copyOfRange(fresh, 16, 32)));

            resync[29] ^= 1; // forged MAC-S: nothing moves, the HSS cannot comply
            assertEquals(ResultCode.DIAMETER_UNABLE_TO_COMPLY,
                    c.exchange(mar(c, NAI_PRIME, "EAP-AKA'", 1, ANID, resync).build()).resultCode());
            assertEquals(ResultCode.DIAMETER_INVALID_AVP_VALUE,
                    c.exchange(mar(c, NAI_PRIME, "EAP-AKA'", 1, ANID, new byte[29]).build()).resultCode());
        }
    }

    @Test
    void marRefusals() throws Exception {
        try (DiameterTestClient c = aaa("aaa.localdomain")) {
            DiameterMessage digest = c.exchange(mar(c, NAI_PRIME, "Digest-AKAv1-MD5", 1, ANID, null).build());
            assertEquals(ExperimentalResultCode.DIAMETER_ERROR_AUTH_SCHEME_NOT_SUPPORTED, experimentalCode(digest));
            assertEquals(ExperimentalResultCode.DIAMETER_ERROR_AUTH_SCHEME_NOT_SUPPORTED,
                    experimentalCode(c.exchange(mar(c, NAI_PRIME, "eap-aka'", 1, ANID, null).build())), "the strings are exact");
            DiameterMessage noAnid = c.exchange(mar(c, NAI_PRIME, "EAP-AKA'", 1, null, null).build());
            assertEquals(ResultCode.DIAMETER_MISSING_AVP, noAnid.resultCode());
            assertNotNull(noAnid.first(BaseAvpCode.FAILED_AVP, 0));
            assertEquals(ExperimentalResultCode.DIAMETER_ERROR_USER_UNKNOWN,
                    experimentalCode(c.exchange(mar(c, "6001010000000999@nai.epc.mnc001.mcc001.3gppnetwork.org", "EAP-AKA'", 1, ANID,
                            null).build())));
            assertEquals(ExperimentalResultCode.DIAMETER_ERROR_USER_UNKNOWN,
                    experimentalCode(c.exchange(mar(c, "310410000000001", "EAP-AKA", 1, null, null).build())), "range not served");
            assertEquals(ExperimentalResultCode.DIAMETER_ERROR_USER_NO_NON_3GPP_SUBSCRIPTION,
                    experimentalCode(c.exchange(mar(c, RETIRED, "EAP-AKA'", 1, ANID, null).build())));
            // A pseudonym (TS 23.003 §19.3.4 style) is the AAA server's to resolve, not the HSS's.
            assertEquals(ResultCode.DIAMETER_INVALID_AVP_VALUE,
                    c.exchange(mar(c, "2Xq9Jz@nai.epc.mnc001.mcc001.3gppnetwork.org", "EAP-AKA'", 1, ANID, null).build()).resultCode());
            DiameterMessage noItem = c.exchange(swx(c, CommandCode.MULTIMEDIA_AUTH, IMSI).build());
            assertEquals(ResultCode.DIAMETER_MISSING_AVP, noItem.resultCode());
            assertEquals(0L, store.find(IMSI).orElseThrow().sqnHe(), "no refusal consumed an SQN");
            assertEquals(ResultCode.DIAMETER_COMMAND_UNSUPPORTED,
                    c.exchange(swx(c, CommandCode.PUSH_PROFILE, IMSI).build()).resultCode());
        }
    }

    /** TS 29.273 §8.1.2.2.1: REGISTRATION returns Non-3GPP-User-Data and holds the user for that AAA server. */
    @Test
    void sarRegistrationUserDataAndDeregistration() throws Exception {
        try (DiameterTestClient c = aaa("aaa.localdomain"); DiameterTestClient other = aaa("aaa2.localdomain")) {
            DiameterMessage saa = c.exchange(sar(c, NAI_PRIME, 1)); // REGISTRATION
            assertEquals(ResultCode.DIAMETER_SUCCESS, saa.resultCode());
            Avp data = saa.first(c.d.avp("Non-3GPP-User-Data"));
            assertNotNull(data);
            assertEquals(0, data.child(c.d.avp("Non-3GPP-IP-Access")).enumerated(), "NON_3GPP_SUBSCRIPTION_ALLOWED");
            assertEquals(0, data.child(c.d.avp("Non-3GPP-IP-Access-APN")).enumerated(), "Non_3GPP_APNS_ENABLE");
            Avp sub = data.child(c.d.avp("Subscription-Id"));
            assertEquals(1, sub.child(c.d.avp("Subscription-Id-Type")).enumerated(), "END_USER_IMSI: a PCID has no MSISDN");
            assertEquals(IMSI, sub.child(c.d.avp("Subscription-Id-Data")).utf8String());
            assertEquals(1, data.child(c.d.avp("Context-Identifier")).unsigned32());
            Avp apn = data.child(c.d.avp("APN-Configuration"));
            assertEquals("provisioning", apn.child(c.d.avp("Service-Selection")).utf8String());
            assertEquals(4000000, data.child(c.d.avp("AMBR")).child(c.d.avp("Max-Requested-Bandwidth-DL")).unsigned32());
            assertEquals("aaa.localdomain", store.aaaServer(IMSI).orElseThrow().host());
            assertEquals(NOW, store.aaaServer(IMSI).orElseThrow().registeredAt());

            // Another AAA server is told who serves the user, for MAR and SAR alike.
            DiameterMessage busy = other.exchange(mar(other, NAI_PRIME, "EAP-AKA'", 1, ANID, null).build());
            assertEquals(ExperimentalResultCode.DIAMETER_ERROR_IDENTITY_ALREADY_REGISTERED, experimentalCode(busy));
            assertEquals("aaa.localdomain", busy.first(c.d.avp("3GPP-AAA-Server-Name")).diameterIdentity());
            assertEquals(ExperimentalResultCode.DIAMETER_ERROR_IDENTITY_ALREADY_REGISTERED, experimentalCode(other.exchange(sar(other, IMSI, 1))));
            // ...unless it says the registered one failed (AAA-Failure-Indication).
            DiameterMessage takeover = other.exchange(mar(other, NAI_PRIME, "EAP-AKA'", 1, ANID, null)
                    .add(Avp.unsigned32(c.d.avp("AAA-Failure-Indication"), 1)).build());
            assertEquals(ResultCode.DIAMETER_SUCCESS, takeover.resultCode());
            assertEquals(ResultCode.DIAMETER_SUCCESS, other.exchange(sar(other, IMSI, 1)).resultCode());
            assertEquals("aaa2.localdomain", store.aaaServer(IMSI).orElseThrow().host());

            // AAA_USER_DATA_REQUEST: data, registration unchanged.
            DiameterMessage userData = c.exchange(sar(c, IMSI, 12));
            assertEquals(ResultCode.DIAMETER_SUCCESS, userData.resultCode());
            assertNotNull(userData.first(c.d.avp("Non-3GPP-User-Data")));
            assertEquals("aaa2.localdomain", store.aaaServer(IMSI).orElseThrow().host());

            // A deregistration only releases the registrant's hold.
            assertEquals(ResultCode.DIAMETER_SUCCESS, c.exchange(sar(c, IMSI, 5)).resultCode());
            assertTrue(store.aaaServer(IMSI).isPresent());
            DiameterMessage dereg = other.exchange(sar(other, NAI_PRIME, 5)); // USER_DEREGISTRATION
            assertEquals(ResultCode.DIAMETER_SUCCESS, dereg.resultCode());
            assertNull(dereg.first(c.d.avp("Non-3GPP-User-Data")));
            assertTrue(store.aaaServer(IMSI).isEmpty());
            assertEquals(CredentialState.ISSUED, store.find(IMSI).orElseThrow().state(), "SWx does not move the PCID lifecycle");
        }
    }

    @Test
    void sarRefusals() throws Exception {
        try (DiameterTestClient c = aaa("aaa.localdomain")) {
            assertEquals(ExperimentalResultCode.DIAMETER_ERROR_USER_NO_NON_3GPP_SUBSCRIPTION, experimentalCode(c.exchange(sar(c, RETIRED, 1))));
            assertEquals(ResultCode.DIAMETER_SUCCESS, c.exchange(sar(c, RETIRED, 5)).resultCode(), "a retired PCID can be let go");
            assertEquals(ExperimentalResultCode.DIAMETER_ERROR_USER_UNKNOWN, experimentalCode(c.exchange(sar(c, "001010000000999", 1))));
            assertEquals(ResultCode.DIAMETER_INVALID_AVP_VALUE, c.exchange(sar(c, IMSI, 3)).resultCode(), "UNREGISTERED_USER is IMS-only");
            assertEquals(ResultCode.DIAMETER_MISSING_AVP, c.exchange(swx(c, CommandCode.SERVER_ASSIGNMENT, IMSI).build()).resultCode());
            assertTrue(store.aaaServer(IMSI).isEmpty());
        }
    }

    @Test
    void ceaAdvertisesS6aAndSwx() throws Exception {
        try (DiameterTestClient c = new DiameterTestClient(icf.boundAddresses().get(0), "aaa.localdomain", "localdomain")) {
            DiameterMessage cea = c.exchange(c.cer(ApplicationId.SWX));
            List<Long> apps = new ArrayList<>();
            for (Avp vsai : cea.all(c.d.avp("Vendor-Specific-Application-Id"))) {
                apps.add(vsai.child(c.d.avp("Auth-Application-Id")).unsigned32());
            }
            assertEquals(List.of((long) ApplicationId.S6A, (long) ApplicationId.SWX), apps.stream().sorted().toList());
        }
    }
}
