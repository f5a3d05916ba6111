package org.openmcim.uesim.s1ap;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

import org.openmcim.aka.kdf.PlmnId;
import org.openmcim.uesim.Octets;
import org.openmcim.uesim.lab.LabScenario;
import org.openmcim.uesim.nas.NasCodec;
import org.openmcim.uesim.nas.NasIes;
import org.openmcim.uesim.nas.NasMessage;
import org.openmcim.uesim.s1ap.S1apIes.*;
import org.openmcim.uesim.s1ap.S1apMessage.*;

/** One instance of every modelled S1AP message, both directions, with NAS PDUs inside. */
final class SampleS1apMessages {
    private SampleS1apMessages() {
    }

    static final PlmnId PLMN = LabScenario.PLMN;

    static List<S1apMessage> all() {
        Tai tai = LabScenario.tai();
        EutranCgi cgi = LabScenario.cgi();
        TransportLayerAddress sgw = TransportLayerAddress.ipv4(new byte[] {127, 0, 0, 6});
        TransportLayerAddress enb = TransportLayerAddress.ipv4(new byte[] {127, 0, 1, 1});
        byte[] attach = LabScenario.attachRequest(new NasIes.Imsi(LabScenario.IMSI));
        NasCodec nas = new NasCodec();
        NasIes.Guti guti = new NasIes.Guti(PLMN, 2, 1, 0xc0ffee01L);
        byte[] detach = nas.encode(new NasMessage.UeDetachRequest(true, 1, new NasIes.NasKsi(false, 0), guti));
        byte[] identity = nas.encode(new NasMessage.IdentityResponse(new NasIes.Imsi(LabScenario.IMSI)));
        byte[] bearer = nas.encode(new NasMessage.ActivateDefaultBearerRequest(5, 1, Octets.hex("09"),
                new NasIes.Apn("internet"), new NasIes.PdnAddress(1, Octets.hex("0a2d0002")),
                Optional.of(Octets.hex("fefe0000")), Optional.empty(), Optional.empty()));
        byte[] accept = nas.encode(new NasMessage.AttachAccept(1, 0x21, List.of(new NasIes.Tai(PLMN, LabScenario.TAC)),
                Octets.of(bearer), Optional.of(guti), Optional.empty()));
        return List.of(
                LabScenario.s1SetupRequest(PLMN),
                new S1SetupRequest(new GlobalEnbId(PLMN, 0x1234567, true), Optional.of("openmcim-enb"),
                        List.of(new SupportedTa(1, List.of(PLMN, new PlmnId("310", "410"))), new SupportedTa(0xfffe, List.of(PLMN))), 0),
                new S1SetupResponse(Optional.of("mme.localdomain"),
                        List.of(new ServedGummei(List.of(PLMN), List.of(2, 0x8001), List.of(1, 255))), 255),
                new S1SetupFailure(Cause.MISC_UNKNOWN_PLMN, OptionalInt.of(3)),
                new S1SetupFailure(Cause.protocol(6), OptionalInt.empty()),
                new InitialUeMessage(1, Octets.of(attach), tai, cgi, RrcEstablishmentCause.MO_SIGNALLING, Optional.empty()),
                new InitialUeMessage(0xffffff, Octets.of(detach), tai, cgi, RrcEstablishmentCause.MO_DATA,
                        Optional.of(new STmsi(1, 0xc0ffee01L))),
                new DownlinkNasTransport(0xffffffffL, 1, Octets.hex("075501")),
                new UplinkNasTransport(7, 1, Octets.of(identity), cgi, tai),
                new InitialContextSetupRequest(7, 1, 1_000_000_000L, 500_000_000L,
                        List.of(new ErabToBeSetup(5, new ErabQos(9, 8, false, true), sgw, Octets.hex("00000001"),
                                Optional.of(Octets.of(accept)))),
                        new UeSecurityCapabilities(0xe000, 0xe000), Octets.hex("00112233445566778899aabbccddeeff"
                                + "00112233445566778899aabbccddeeff")),
                new InitialContextSetupRequest(8, 2, 0, S1apIes.MAX_BIT_RATE,
                        List.of(new ErabToBeSetup(5, new ErabQos(9, 15, true, false), sgw, Octets.hex("deadbeef"), Optional.empty()),
                                new ErabToBeSetup(6, new ErabQos(1, 1, false, false), new TransportLayerAddress(
                                        Octets.hex("20010db8000000000000000000000001"), 128), Octets.hex("01020304"), Optional.empty())),
                        new UeSecurityCapabilities(0x4000, 0x4000), Octets.of(new byte[32])),
                new InitialContextSetupResponse(7, 1, List.of(new ErabSetup(5, enb, Octets.hex("0000abcd")))),
                new InitialContextSetupFailure(7, 1, Cause.radioNetwork(32)),
                new UeContextReleaseRequest(7, 1, Cause.USER_INACTIVITY),
                new UeContextReleaseCommand(7, OptionalLong.of(1), Cause.NAS_DETACH),
                new UeContextReleaseCommand(7, OptionalLong.empty(), Cause.NAS_NORMAL_RELEASE),
                new UeContextReleaseComplete(7, 1),
                new ErrorIndication(OptionalLong.of(7), OptionalLong.of(1), Optional.of(Cause.protocol(0))),
                new ErrorIndication(OptionalLong.empty(), OptionalLong.empty(), Optional.empty()),
                new Reset(Cause.RADIO_UNSPECIFIED, List.of()),
                new Reset(Cause.misc(2), List.of(new UeAssociatedConnection(OptionalLong.of(7), OptionalLong.of(1)),
                        new UeAssociatedConnection(OptionalLong.empty(), OptionalLong.of(3)))),
                new ResetAcknowledge(List.of()),
                new ResetAcknowledge(List.of(new UeAssociatedConnection(OptionalLong.of(7), OptionalLong.empty()))));
    }
}
