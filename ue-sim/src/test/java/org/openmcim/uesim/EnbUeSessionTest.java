package org.openmcim.uesim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.openmcim.aka.Milenage;
import org.openmcim.aka.VectorFile;
import org.openmcim.aka.sqn.SqnArray;
import org.openmcim.aka.sqn.SqnPolicy;
import org.openmcim.aka.usim.Usim;
import org.openmcim.uesim.lab.LabScenario;
import org.openmcim.uesim.nas.NasCodec;
import org.openmcim.uesim.nas.NasIes;
import org.openmcim.uesim.nas.NasMessage;
import org.openmcim.uesim.s1ap.S1apIes;
import org.openmcim.uesim.s1ap.S1apMessage;
import org.openmcim.uesim.ue.EmmState;
import org.openmcim.uesim.ue.UeAction;
import org.openmcim.uesim.ue.UeStateMachine;

/** The eNB's S1AP wrapping of the UE, without sockets. */
class EnbUeSessionTest {
    private final NasCodec nas = new NasCodec();
    private final S1apIes.TransportLayerAddress enbGtp = S1apIes.TransportLayerAddress.ipv4(new byte[] {127, 0, 1, 1});

    private EnbUeSession session() {
        VectorFile.Vector set1 = VectorFile.load("vectors/milenage-ts35208.txt").get(0);
        UeStateMachine ue = new UeStateMachine(new UeStateMachine.Profile(LabScenario.IMSI,
                NasIes.UeNetworkCapability.of(List.of(0, 2), List.of(2)), "internet", LabScenario.PLMN),
                new Usim(Milenage.withOpc(set1.hex("K"), set1.hex("OPc")), new SqnArray(SqnPolicy.DEFAULT)));
        return new EnbUeSession(new EnbUeSession.Cell(LabScenario.tai(), LabScenario.cgi(), enbGtp), ue, 9);
    }

    @Test
    void firstNasGoesInInitialUeMessageThenUplinkNasTransport() {
        EnbUeSession s = session();
        S1apMessage.InitialUeMessage first = assertInstanceOf(S1apMessage.InitialUeMessage.class, s.attach().send().get(0));
        assertEquals(9, first.enbUeS1apId());
        assertInstanceOf(NasMessage.AttachRequest.class, nas.decode(first.nasPdu().toByteArray(), NasCodec.Direction.UPLINK));
        EnbUeSession.Step step = s.onS1ap(new S1apMessage.DownlinkNasTransport(77, 9, Octets.hex("075501")));
        S1apMessage.UplinkNasTransport ul = assertInstanceOf(S1apMessage.UplinkNasTransport.class, step.send().get(0));
        assertEquals(77, ul.mmeUeS1apId());
        assertEquals(new NasMessage.IdentityResponse(new NasIes.Imsi(LabScenario.IMSI)),
                nas.decode(ul.nasPdu().toByteArray(), NasCodec.Direction.UPLINK));
    }

    @Test
    void initialContextSetupIsAnsweredWithTheEnbEndPointAndTheNasGoesToTheUe() {
        EnbUeSession s = session();
        s.attach();
        S1apIes.ErabToBeSetup erab = new S1apIes.ErabToBeSetup(5, new S1apIes.ErabQos(9, 8, false, true),
                S1apIes.TransportLayerAddress.ipv4(new byte[] {127, 0, 0, 6}), Octets.hex("00000001"),
                Optional.of(Octets.hex("074402"))); // not an accept: the UE must still see it
        EnbUeSession.Step step = s.onS1ap(new S1apMessage.InitialContextSetupRequest(77, 9, 1000, 1000, List.of(erab),
                new S1apIes.UeSecurityCapabilities(0x4000, 0x4000), Octets.of(new byte[32])));
        S1apMessage.InitialContextSetupResponse r = assertInstanceOf(S1apMessage.InitialContextSetupResponse.class, step.send().get(0));
        assertEquals(5, r.erabs().get(0).erabId());
        assertEquals(enbGtp, r.erabs().get(0).transportLayerAddress());
        assertEquals(List.of(new UeAction.AttachFailed(2)), step.events());
        assertEquals(EmmState.EMM_DEREGISTERED, s.ue().state());
        EnbUeSession.Step release = s.onS1ap(new S1apMessage.UeContextReleaseCommand(77, OptionalLong.of(9), S1apIes.Cause.NAS_NORMAL_RELEASE));
        assertEquals(List.of(new S1apMessage.UeContextReleaseComplete(77, 9)), release.send());
        assertEquals(true, s.released());
    }
}
