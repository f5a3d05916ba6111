package org.openmcim.uesim.lab;

import java.util.List;
import java.util.Optional;

import org.openmcim.aka.kdf.PlmnId;
import org.openmcim.uesim.Octets;
import org.openmcim.uesim.nas.NasCodec;
import org.openmcim.uesim.nas.NasIes;
import org.openmcim.uesim.nas.NasMessage;
import org.openmcim.uesim.s1ap.S1apIes;
import org.openmcim.uesim.s1ap.S1apMessage;

/** The messages the lab tests and the capture tool send: PLMN 001/01, TAC 12345 (lab/README.md). */
public final class LabScenario {
    public static final PlmnId PLMN = new PlmnId("001", "01");
    public static final int TAC = 12345;
    public static final int ENB_ID = 0x1A;
    public static final String IMSI = "001010000000001";

    private LabScenario() {
    }

    public static S1apMessage.S1SetupRequest s1SetupRequest(PlmnId plmn) {
        return new S1apMessage.S1SetupRequest(new S1apIes.GlobalEnbId(plmn, ENB_ID, false), Optional.empty(),
                List.of(new S1apIes.SupportedTa(TAC, List.of(plmn))), 2);
    }

    public static S1apIes.Tai tai() {
        return new S1apIes.Tai(PLMN, TAC);
    }

    public static S1apIes.EutranCgi cgi() {
        return new S1apIes.EutranCgi(PLMN, (ENB_ID << 8) | 1);
    }

    /** ATTACH REQUEST (EPS attach, no key) + PDN CONNECTIVITY REQUEST (IPv4, ESM info transfer flag). */
    public static byte[] attachRequest(NasIes.MobileIdentity identity) {
        NasCodec nas = new NasCodec();
        byte[] esm = nas.encode(new NasMessage.PdnConnectivityRequest(1, 1, 1, true, Optional.empty(), Optional.empty()));
        return nas.encode(new NasMessage.AttachRequest(1, NasIes.NasKsi.NO_KEY, identity,
                NasIes.UeNetworkCapability.of(List.of(0, 2), List.of(2)), Octets.of(esm)));
    }

    public static S1apMessage.InitialUeMessage initialUeMessage(long enbUeId, byte[] nas) {
        return new S1apMessage.InitialUeMessage(enbUeId, Octets.of(nas), tai(), cgi(),
                S1apIes.RrcEstablishmentCause.MO_SIGNALLING, Optional.empty());
    }
}
