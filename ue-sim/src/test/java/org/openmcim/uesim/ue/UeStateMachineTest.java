package org.openmcim.uesim.ue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openmcim.aka.Milenage;
import org.openmcim.aka.VectorFile;
import org.openmcim.aka.VectorFile.Vector;
import org.openmcim.aka.kdf.Kdf;
import org.openmcim.aka.kdf.PlmnId;
import org.openmcim.aka.sqn.Auts;
import org.openmcim.aka.sqn.SqnArray;
import org.openmcim.aka.sqn.SqnPolicy;
import org.openmcim.aka.usim.Usim;
import org.openmcim.aka.vector.EutranVector;
import org.openmcim.aka.vector.VectorFactory;
import org.openmcim.uesim.Octets;
import org.openmcim.uesim.nas.NasCodec;
import org.openmcim.uesim.nas.NasIes;
import org.openmcim.uesim.nas.NasMessage;
import org.openmcim.uesim.nas.NasMessage.*;
import org.openmcim.uesim.nas.security.NasAlgorithms;
import org.openmcim.uesim.nas.security.NasCount;
import org.openmcim.uesim.nas.security.NasSecurityContext;
import org.openmcim.uesim.nas.security.SecurityHeaderType;

/**
 * The UE logic through a whole attach and detach without sockets. The network side is played
 * here with the real crypto core: vectors from aka-crypto's VectorFactory for the TS 35.208 test
 * set 1 subscriber, a network NAS security context from the vector's KASME. This is the flow the
 * lab test will run once the ICF answers the MME's S6a requests.
 */
class UeStateMachineTest {
    private static final PlmnId PLMN = new PlmnId("001", "01");
    private static final byte[] AMF_EUTRAN = VectorFactory.withSeparationBit(new byte[] {0, 0});

    private final NasCodec nas = new NasCodec();
    private Milenage subscriber;
    private UeStateMachine ue;
    private final VectorFactory hss = new VectorFactory(new SecureRandom());

    @BeforeEach
    void setUp() {
        Vector set1 = VectorFile.load("vectors/milenage-ts35208.txt").get(0);
        subscriber = Milenage.withOpc(set1.hex("K"), set1.hex("OPc"));
        ue = new UeStateMachine(new UeStateMachine.Profile("001010000000001",
                NasIes.UeNetworkCapability.of(List.of(0, 2), List.of(2)), "internet", PLMN),
                new Usim(subscriber, new SqnArray(SqnPolicy.DEFAULT)));
    }

    private static byte[] sent(List<UeAction> actions) {
        return assertInstanceOf(UeAction.SendNas.class, actions.get(0), actions::toString).pdu().toByteArray();
    }

    private NasMessage plain(byte[] pdu) {
        return assertInstanceOf(NasMessage.class, nas.decode(pdu, NasCodec.Direction.UPLINK));
    }

    /** The MME's side of an uplink protected message: check MAC (DIRECTION 0) and decipher. */
    private NasMessage uplink(byte[] kasme, int eea, int eia, byte[] pdu, int expectedHeader, long count) {
        assertEquals(expectedHeader, (pdu[0] & 0xff) >>> 4);
        Kdf kdf = new Kdf();
        byte[] mac = NasAlgorithms.mac(eia, kdf.kNasInt(kasme, eia), count, 0, 0,
                Arrays.copyOfRange(pdu, 5, pdu.length), 8L * (pdu.length - 5));
        assertTrue(MessageDigest.isEqual(mac, Arrays.copyOfRange(pdu, 1, 5)), "uplink MAC");
        byte[] body = Arrays.copyOfRange(pdu, 6, pdu.length);
        return plain(NasAlgorithms.cipher(eea, kdf.kNasEnc(kasme, eea), count, 0, 0, body, 8L * body.length));
    }

    private EutranVector authenticate() {
        AttachRequest attach = assertInstanceOf(AttachRequest.class, plain(sent(ue.attach())));
        assertEquals(new NasIes.Imsi("001010000000001"), attach.identity());
        assertEquals(EmmState.EMM_REGISTERED_INITIATED, ue.state());
        EutranVector v = hss.eutran(subscriber, 0x20, AMF_EUTRAN, PLMN);
        byte[] req = nas.encode(new AuthenticationRequest(new NasIes.NasKsi(false, 0), Octets.of(v.rand()), Octets.of(v.autn())));
        AuthenticationResponse res = assertInstanceOf(AuthenticationResponse.class, plain(sent(ue.onDownlink(req))));
        assertArrayEquals(v.xres(), res.res().toByteArray(), "RES = XRES");
        return v;
    }

    private byte[] smc(NasSecurityContext mme, String replayed) {
        byte[] smc = nas.encode(new SecurityModeCommand(2, 2, new NasIes.NasKsi(false, 0), Octets.hex(replayed), false));
        return mme.protectDownlink(smc, SecurityHeaderType.INTEGRITY_PROTECTED_NEW_CONTEXT, new NasCount(0, 0));
    }

    @Test
    void fullAttachThenDetach() {
        EutranVector v = authenticate();
        NasSecurityContext mme = NasSecurityContext.fromKasme(v.kasme(), 0, 2, 2);
        // Security mode: checked with K_NASint from KASME; complete comes back type 4, count 0.
        byte[] complete = sent(ue.onDownlink(smc(mme, "a020")));
        assertInstanceOf(SecurityModeComplete.class, uplink(v.kasme(), 2, 2, complete, 4, 0));
        // ESM information (the PDN CONNECTIVITY REQUEST asked for it): APN, protected.
        byte[] esmReq = mme.protectDownlink(nas.encode(new EsmInformationRequest(1)), SecurityHeaderType.INTEGRITY_PROTECTED_CIPHERED, new NasCount(0, 1));
        EsmInformationResponse esm = assertInstanceOf(EsmInformationResponse.class, uplink(v.kasme(), 2, 2, sent(ue.onDownlink(esmReq)), 2, 1));
        assertEquals(Optional.of(new NasIes.Apn("internet")), esm.apn());
        // Attach accept with the default bearer; attach complete carries the bearer accept.
        NasIes.Guti guti = new NasIes.Guti(PLMN, 2, 1, 0xc0ffee01L);
        byte[] bearer = nas.encode(new ActivateDefaultBearerRequest(5, 1, Octets.hex("09"), new NasIes.Apn("internet"),
                new NasIes.PdnAddress(1, Octets.hex("0a2d0002")), Optional.of(Octets.hex("fefe0000")), Optional.empty(), Optional.empty()));
        byte[] accept = mme.protectDownlink(nas.encode(new AttachAccept(1, 0x21, List.of(new NasIes.Tai(PLMN, 12345)),
                Octets.of(bearer), Optional.of(guti), Optional.empty())), SecurityHeaderType.INTEGRITY_PROTECTED_CIPHERED, new NasCount(0, 2));
        List<UeAction> actions = ue.onDownlink(accept);
        AttachComplete ac = assertInstanceOf(AttachComplete.class, uplink(v.kasme(), 2, 2, sent(actions), 2, 2));
        assertEquals(new ActivateDefaultBearerAccept(5, 1, Optional.empty()), nas.decode(ac.esmContainer().toByteArray(), NasCodec.Direction.UPLINK));
        assertEquals(new UeAction.Registered(Optional.of(guti), new NasIes.PdnAddress(1, Octets.hex("0a2d0002")), "internet", 5), actions.get(1));
        assertEquals(EmmState.EMM_REGISTERED, ue.state());
        // Normal detach with the GUTI, then the network's accept.
        UeDetachRequest detach = assertInstanceOf(UeDetachRequest.class, uplink(v.kasme(), 2, 2, sent(ue.detach(false)), 2, 3));
        assertEquals(guti, detach.identity());
        assertEquals(EmmState.EMM_DEREGISTERED_INITIATED, ue.state());
        byte[] detachAccept = mme.protectDownlink(nas.encode(new DetachAccept()), SecurityHeaderType.INTEGRITY_PROTECTED_CIPHERED, new NasCount(0, 3));
        assertEquals(List.of(new UeAction.Deregistered("detach accepted")), ue.onDownlink(detachAccept));
        assertEquals(EmmState.EMM_DEREGISTERED, ue.state());
    }

    @Test
    void tamperedAutnGivesMacFailure20() {
        ue.attach();
        EutranVector v = hss.eutran(subscriber, 0x20, AMF_EUTRAN, PLMN);
        byte[] autn = v.autn();
        autn[15] ^= 1;
        byte[] req = nas.encode(new AuthenticationRequest(new NasIes.NasKsi(false, 0), Octets.of(v.rand()), Octets.of(autn)));
        assertEquals(new AuthenticationFailure(20, Optional.empty()), plain(sent(ue.onDownlink(req))));
    }

    @Test
    void staleSqnGivesSynchFailure21WithAutsTheHssCanVerify() {
        authenticate(); // SQN 0x20 accepted by the USIM
        EutranVector stale = hss.eutran(subscriber, 0x20, AMF_EUTRAN, PLMN); // same SQN again: replay
        byte[] req = nas.encode(new AuthenticationRequest(new NasIes.NasKsi(false, 1), Octets.of(stale.rand()), Octets.of(stale.autn())));
        AuthenticationFailure f = assertInstanceOf(AuthenticationFailure.class, plain(sent(ue.onDownlink(req))));
        assertEquals(21, f.emmCause());
        assertEquals(0x20, Auts.recover(subscriber, stale.rand(), f.auts().orElseThrow().toByteArray()).orElseThrow(),
                "the HE recovers SQN_MS from AUTS (TS 33.102 §6.3.5)");
    }

    @Test
    void smcWithWrongReplayedCapabilitiesIsRejected23() {
        EutranVector v = authenticate();
        NasSecurityContext mme = NasSecurityContext.fromKasme(v.kasme(), 0, 2, 2);
        assertEquals(new SecurityModeReject(23), plain(sent(ue.onDownlink(smc(mme, "e0e0")))));
        assertTrue(ue.securityContext().isEmpty());
    }

    @Test
    void smcWithWrongKeyIsDiscarded() {
        authenticate();
        NasSecurityContext wrong = NasSecurityContext.fromKasme(new byte[32], 0, 2, 2);
        assertInstanceOf(UeAction.Discarded.class, ue.onDownlink(smc(wrong, "a020")).get(0));
        assertTrue(ue.securityContext().isEmpty());
    }

    @Test
    void plainAttachAcceptIsNotAccepted() {
        authenticate();
        byte[] accept = nas.encode(new AttachAccept(1, 0x21, List.of(new NasIes.Tai(PLMN, 1)), Octets.hex("5201c1"), Optional.empty(), Optional.empty()));
        assertInstanceOf(UeAction.Discarded.class, ue.onDownlink(accept).get(0));
        assertEquals(EmmState.EMM_REGISTERED_INITIATED, ue.state());
    }

    @Test
    void attachRejectAsNextEpcSendsItWithoutAnHss() {
        ue.attach();
        assertEquals(List.of(new UeAction.AttachFailed(2)), ue.onDownlink(Octets.hex("074402").toByteArray()));
        assertEquals(EmmState.EMM_DEREGISTERED, ue.state());
    }

    @Test
    void identityRequestIsAnsweredWithTheImsi() {
        ue.attach();
        assertEquals(new IdentityResponse(new NasIes.Imsi("001010000000001")),
                plain(sent(ue.onDownlink(Octets.hex("075501").toByteArray()))));
    }
}
