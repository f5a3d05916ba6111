package org.openmcim.uesim.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmcim.uesim.nas.NasCodec;
import org.openmcim.uesim.nas.NasIes;
import org.openmcim.uesim.nas.NasMessage;
import org.openmcim.uesim.s1ap.S1apCodec;
import org.openmcim.uesim.s1ap.S1apIes;
import org.openmcim.uesim.s1ap.S1apMessage;

/**
 * The simulated eNB against the lab's real NextEPC 0.3.10 MME over framed TCP. Skipped only when
 * the lab cannot start (not root, no lab/lab.sh, apt or the daemons failing); started and stopped
 * here unless it was already up.
 *
 * <p>What the MME does without an HSS (checked against its log, see ue-sim/README.md): it takes
 * the ATTACH REQUEST apart, sends an Authentication-Information-Request for the IMSI to S6a,
 * freeDiameter finds no route to hss.localdomain (3002, unable to deliver), and the MME answers
 * within ~0.1 s with DOWNLINK NAS TRANSPORT carrying ATTACH REJECT, EMM cause #2 (IMSI unknown in
 * HSS), followed by UE CONTEXT RELEASE COMMAND (cause nas normal-release) for the same UE S1AP IDs.
 * With a GUTI it does not know, it first sends IDENTITY REQUEST (IMSI).
 */
class LabAttachTest {
    private static boolean startedHere;
    private final S1apCodec s1ap = new S1apCodec();
    private final NasCodec nas = new NasCodec();

    @BeforeAll
    static void labUp() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "the lab needs root (apt-get, /dev/net/tun)");
        assumeTrue(Files.exists(LabEnb.repo().resolve("lab/lab.sh")), "no lab/lab.sh");
        if (LabEnb.lab("status") != 0) {
            int rc = LabEnb.lab("up");
            startedHere = true;
            assumeTrue(rc == 0, "lab/lab.sh up failed (" + rc + "), see " + Path.of("target/lab-up.log").toAbsolutePath());
        }
    }

    @AfterAll
    static void labDown() throws Exception {
        if (startedHere) {
            LabEnb.lab("down");
        }
    }

    private <T> T expect(LabEnb enb, Class<T> type) throws InterruptedException {
        byte[] pdu = enb.next(10_000);
        assertNotNull(pdu, "the MME sent nothing within 10 s where a " + type.getSimpleName() + " was expected");
        return assertInstanceOf(type, s1ap.decode(pdu));
    }

    private S1apMessage.S1SetupResponse setup(LabEnb enb) throws InterruptedException {
        enb.send(s1ap.encode(LabScenario.s1SetupRequest(LabScenario.PLMN)));
        S1apMessage.S1SetupResponse r = expect(enb, S1apMessage.S1SetupResponse.class);
        assertTrue(r.servedGummeis().get(0).plmns().contains(LabScenario.PLMN), "served PLMNs " + r.servedGummeis());
        return r;
    }

    /** Attach Reject #2 then release of the same UE: the MME read the IMSI and asked S6a for it. */
    private void expectRejectAndRelease(LabEnb enb, long enbUeId) throws InterruptedException {
        S1apMessage.DownlinkNasTransport dl = expect(enb, S1apMessage.DownlinkNasTransport.class);
        assertEquals(enbUeId, dl.enbUeS1apId());
        NasMessage.AttachReject reject = assertInstanceOf(NasMessage.AttachReject.class,
                nas.decode(dl.nasPdu().toByteArray(), NasCodec.Direction.DOWNLINK));
        assertEquals(2, reject.emmCause(), "EMM cause #2 IMSI unknown in HSS (no HSS connected)");
        S1apMessage.UeContextReleaseCommand release = expect(enb, S1apMessage.UeContextReleaseCommand.class);
        assertEquals(dl.mmeUeS1apId(), release.mmeUeS1apId());
        assertEquals(enbUeId, release.enbUeS1apId().orElseThrow());
        assertEquals(S1apIes.Cause.NAS_NORMAL_RELEASE, release.cause());
        enb.send(s1ap.encode(new S1apMessage.UeContextReleaseComplete(release.mmeUeS1apId(), enbUeId)));
    }

    @Test
    void imsiAttachIsRejectedWithCause2AndReleasedWithoutAnHss() throws Exception {
        try (LabEnb enb = new LabEnb()) {
            setup(enb);
            enb.send(s1ap.encode(LabScenario.initialUeMessage(101,
                    LabScenario.attachRequest(new NasIes.Imsi(LabScenario.IMSI)))));
            expectRejectAndRelease(enb, 101);
        }
    }

    @Test
    void unknownGutiAttachAsksForTheImsiThenRejects() throws Exception {
        try (LabEnb enb = new LabEnb()) {
            S1apMessage.S1SetupResponse mme = setup(enb);
            var gummei = mme.servedGummeis().get(0);
            NasIes.Guti guti = new NasIes.Guti(LabScenario.PLMN, gummei.mmeGroupIds().get(0), gummei.mmeCodes().get(0), 0x0badcafeL);
            enb.send(s1ap.encode(LabScenario.initialUeMessage(202, LabScenario.attachRequest(guti))));
            S1apMessage.DownlinkNasTransport dl = expect(enb, S1apMessage.DownlinkNasTransport.class);
            NasMessage.IdentityRequest ir = assertInstanceOf(NasMessage.IdentityRequest.class,
                    nas.decode(dl.nasPdu().toByteArray(), NasCodec.Direction.DOWNLINK));
            assertEquals(1, ir.identityType(), "identity type IMSI");
            byte[] response = nas.encode(new NasMessage.IdentityResponse(new NasIes.Imsi(LabScenario.IMSI)));
            enb.send(s1ap.encode(new S1apMessage.UplinkNasTransport(dl.mmeUeS1apId(), 202,
                    org.openmcim.uesim.Octets.of(response), LabScenario.cgi(), LabScenario.tai())));
            expectRejectAndRelease(enb, 202);
        }
    }

    /**
     * The UE state machine behind the eNB session, against the real MME: the run the ICF will
     * extend to Auth → SMC → ESM info → Attach Accept/ICS → Detach. Today it ends at ATTACH REJECT
     * #2 and the release, with the UE back in EMM-DEREGISTERED.
     */
    @Test
    void simulatedUeThroughTheEnbSessionEndsDeregisteredAfterTheReject() throws Exception {
        org.openmcim.aka.VectorFile.Vector set1 = org.openmcim.aka.VectorFile.load("vectors/milenage-ts35208.txt").get(0);
        org.openmcim.uesim.ue.UeStateMachine ue = new org.openmcim.uesim.ue.UeStateMachine(
                new org.openmcim.uesim.ue.UeStateMachine.Profile(LabScenario.IMSI,
                        NasIes.UeNetworkCapability.of(java.util.List.of(0, 2), java.util.List.of(2)), "internet", LabScenario.PLMN),
                new org.openmcim.aka.usim.Usim(org.openmcim.aka.Milenage.withOpc(set1.hex("K"), set1.hex("OPc")),
                        new org.openmcim.aka.sqn.SqnArray(org.openmcim.aka.sqn.SqnPolicy.DEFAULT)));
        org.openmcim.uesim.EnbUeSession session = new org.openmcim.uesim.EnbUeSession(new org.openmcim.uesim.EnbUeSession.Cell(
                LabScenario.tai(), LabScenario.cgi(), S1apIes.TransportLayerAddress.ipv4(new byte[] {127, 0, 1, 1})), ue, 303);
        java.util.List<org.openmcim.uesim.ue.UeAction> events = new java.util.ArrayList<>();
        try (LabEnb enb = new LabEnb()) {
            setup(enb);
            org.openmcim.uesim.EnbUeSession.Step step = session.attach();
            for (int i = 0; i < 10 && !session.released(); i++) {
                step.send().forEach(m -> enb.send(s1ap.encode(m)));
                events.addAll(step.events());
                byte[] pdu = enb.next(10_000);
                assertNotNull(pdu, "the MME went silent; events so far " + events);
                step = session.onS1ap(assertInstanceOf(S1apMessage.class, s1ap.decode(pdu)));
            }
            step.send().forEach(m -> enb.send(s1ap.encode(m)));
            events.addAll(step.events());
        }
        assertTrue(session.released(), "UE context released");
        assertEquals(java.util.List.of(new org.openmcim.uesim.ue.UeAction.AttachFailed(2)), events);
        assertEquals(org.openmcim.uesim.ue.EmmState.EMM_DEREGISTERED, ue.state());
    }
}
