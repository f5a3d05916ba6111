package org.openmcim.uesim.nas;

import java.util.List;
import java.util.Optional;

import org.openmcim.aka.kdf.PlmnId;
import org.openmcim.uesim.Octets;
import org.openmcim.uesim.nas.NasIes.*;
import org.openmcim.uesim.nas.NasMessage.*;

/** One or more instances of every modelled NAS message, with the direction it travels. */
public final class SampleNasMessages {
    private SampleNasMessages() {
    }

    public record Sample(NasMessage message, NasCodec.Direction direction) {
        @Override
        public String toString() {
            return message.getClass().getSimpleName() + " " + direction;
        }
    }

    public static List<Sample> all() {
        PlmnId plmn = new PlmnId("001", "01");
        Guti guti = new Guti(plmn, 2, 1, 0xc0ffee01L);
        NasCodec nas = new NasCodec();
        NasCodec.Direction up = NasCodec.Direction.UPLINK;
        NasCodec.Direction down = NasCodec.Direction.DOWNLINK;
        ActivateDefaultBearerRequest bearer = new ActivateDefaultBearerRequest(5, 1, Octets.hex("09"), new Apn("internet"),
                new PdnAddress(1, Octets.hex("0a2d0002")), Optional.of(Octets.hex("fefe0000")), Optional.empty(),
                Optional.of(Octets.hex("80000d0408080808")));
        PdnConnectivityRequest pdn = new PdnConnectivityRequest(1, 1, 1, true, Optional.empty(), Optional.empty());
        return List.of(
                new Sample(new AttachRequest(1, NasKsi.NO_KEY, new Imsi("001010000000001"),
                        UeNetworkCapability.of(List.of(0, 2), List.of(2)), Octets.of(nas.encode(pdn))), up),
                new Sample(new AttachRequest(1, new NasKsi(false, 3), guti,
                        new UeNetworkCapability(0xe0, 0x60, Octets.hex("0000")), Octets.of(nas.encode(pdn))), up),
                new Sample(new AttachAccept(1, 0x21, List.of(new Tai(plmn, 12345), new Tai(plmn, 12346)),
                        Octets.of(nas.encode(bearer)), Optional.of(guti), Optional.empty()), down),
                new Sample(new AttachComplete(Octets.of(nas.encode(new ActivateDefaultBearerAccept(5, 1, Optional.empty())))), up),
                new Sample(new AttachReject(2, Optional.empty()), down),
                new Sample(new AttachReject(19, Optional.of(Octets.hex("0201d11b"))), down),
                new Sample(new UeDetachRequest(true, 1, new NasKsi(false, 0), guti), up),
                new Sample(new UeDetachRequest(false, 1, new NasKsi(false, 0), new Imsi("001010000000001")), up),
                new Sample(new NetworkDetachRequest(1, Optional.empty()), down),
                new Sample(new NetworkDetachRequest(2, Optional.of(7)), down),
                new Sample(new DetachAccept(), up),
                new Sample(new IdentityRequest(1), down),
                new Sample(new IdentityResponse(new Imsi("001010000000001")), up),
                new Sample(new IdentityResponse(new Imsi("00101123456789")), up),
                new Sample(new AuthenticationRequest(new NasKsi(false, 0), Octets.hex("23553cbe9637a89d218ae64dae47bf35"),
                        Octets.hex("55f328b43577b9b94a9ffac354dfafb3")), down),
                new Sample(new AuthenticationResponse(Octets.hex("a54211d5e3ba50bf")), up),
                new Sample(new AuthenticationFailure(AuthenticationFailure.MAC_FAILURE, Optional.empty()), up),
                new Sample(new AuthenticationFailure(AuthenticationFailure.SYNCH_FAILURE,
                        Optional.of(Octets.hex("0102030405060708090a0b0c0d0e"))), up),
                new Sample(new AuthenticationReject(), down),
                new Sample(new SecurityModeCommand(2, 2, new NasKsi(false, 0), Octets.hex("a020"), true), down),
                new Sample(new SecurityModeCommand(0, 2, new NasKsi(false, 1), Octets.hex("e0e0"), false), down),
                new Sample(new SecurityModeComplete(Optional.of(new Imeisv("3534900698733101"))), up),
                new Sample(new SecurityModeComplete(Optional.empty()), up),
                new Sample(new SecurityModeReject(23), up),
                new Sample(new EmmInformation(Optional.of(Octets.hex("804f4d4349")), Optional.empty(),
                        Optional.of(Octets.hex("62111201000000"))), down),
                new Sample(new EmmStatus(96), up),
                new Sample(pdn, up),
                new Sample(new PdnConnectivityRequest(2, 1, 3, false, Optional.of(new Apn("mcim.provisioning")),
                        Optional.of(Octets.hex("8080211001000010810600000000830600000000000d00000a00"))), up),
                new Sample(new EsmInformationRequest(1), down),
                new Sample(new EsmInformationResponse(1, Optional.of(new Apn("internet")), Optional.empty()), up),
                new Sample(bearer, down),
                new Sample(new ActivateDefaultBearerAccept(5, 1, Optional.empty()), up));
    }
}
