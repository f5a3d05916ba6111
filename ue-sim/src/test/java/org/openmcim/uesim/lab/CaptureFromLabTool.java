package org.openmcim.uesim.lab;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openmcim.aka.Hex;
import org.openmcim.aka.kdf.PlmnId;
import org.openmcim.uesim.s1ap.S1apCodec;
import org.openmcim.uesim.s1ap.S1apIes;
import org.openmcim.uesim.s1ap.S1apMessage;
import org.openmcim.uesim.nas.NasIes;

/**
 * Not a test: the tool that (re)captures the PDUs under src/test/resources/captures/ from the
 * lab's real NextEPC MME. Run with the lab up:
 * {@code mvn -pl ue-sim test -Dtest=CaptureFromLabTool -Dcapture.dir=$PWD/ue-sim/src/test/resources/captures}.
 */
@EnabledIfSystemProperty(named = "capture.dir", matches = ".+")
class CaptureFromLabTool {
    private final S1apCodec s1ap = new S1apCodec();

    private void save(String name, String what, byte[] pdu) throws Exception {
        Path dir = Path.of(System.getProperty("capture.dir"));
        Files.writeString(dir.resolve(name + ".txt"), "# " + what + "\n# Captured " + LocalDate.now()
                + " over lab/lab.sh (NextEPC 0.3.10 nextepc-mmed, Debian, S1AP over the sctp-over-tcp shim)\n"
                + "# by CaptureFromLabTool; the hex is the S1AP PDU without the 4-byte length.\n\n"
                + "set: " + name + "\n" + "decoded: " + s1ap.decode(pdu) + "\n" + "hex: " + Hex.encode(pdu) + "\n");
    }

    @Test
    void capture() throws Exception {
        try (LabEnb enb = new LabEnb()) {
            byte[] req = s1ap.encode(LabScenario.s1SetupRequest(LabScenario.PLMN));
            enb.send(req);
            byte[] resp = enb.next(5000);
            assertNotNull(resp, "no S1 Setup Response");
            save("nextepc-s1-setup-response", "S1 SETUP RESPONSE from the MME to our S1 SETUP REQUEST", resp);

            // Attach with an IMSI: without an HSS the MME rejects (cause #2) and releases the UE.
            enb.send(s1ap.encode(LabScenario.initialUeMessage(1, LabScenario.attachRequest(new NasIes.Imsi(LabScenario.IMSI)))));
            byte[] reject = enb.next(5000);
            assertNotNull(reject, "no answer to the IMSI attach");
            save("nextepc-downlink-nas-attach-reject", "DOWNLINK NAS TRANSPORT with ATTACH REJECT (no HSS reachable) answering an ATTACH REQUEST with IMSI " + LabScenario.IMSI, reject);
            byte[] release1 = enb.next(5000);
            assertNotNull(release1, "no release after the reject");
            save("nextepc-ue-context-release-command-after-reject", "UE CONTEXT RELEASE COMMAND following the ATTACH REJECT", release1);
            S1apMessage.DownlinkNasTransport rj = (S1apMessage.DownlinkNasTransport) s1ap.decode(reject);
            enb.send(s1ap.encode(new S1apMessage.UeContextReleaseComplete(rj.mmeUeS1apId(), rj.enbUeS1apId())));

            // Attach with an unknown GUTI: the MME must ask for the IMSI (TS 24.301 §5.4.4).
            NasIes.Guti guti = new NasIes.Guti(LabScenario.PLMN, 2, 1, 0x12345678L);
            enb.send(s1ap.encode(LabScenario.initialUeMessage(2, LabScenario.attachRequest(guti))));
            byte[] identity = enb.next(5000);
            assertNotNull(identity, "no answer to the GUTI attach");
            save("nextepc-downlink-nas-identity-request", "DOWNLINK NAS TRANSPORT answering an ATTACH REQUEST with an unknown GUTI", identity);
            S1apMessage.DownlinkNasTransport dl = (S1apMessage.DownlinkNasTransport) s1ap.decode(identity);

            enb.send(s1ap.encode(new S1apMessage.UeContextReleaseRequest(dl.mmeUeS1apId(), dl.enbUeS1apId(),
                    S1apIes.Cause.USER_INACTIVITY)));
            byte[] release = enb.next(5000);
            assertNotNull(release, "no UE Context Release Command");
            save("nextepc-ue-context-release-command", "UE CONTEXT RELEASE COMMAND answering our UE CONTEXT RELEASE REQUEST", release);
            enb.send(s1ap.encode(new S1apMessage.UeContextReleaseComplete(dl.mmeUeS1apId(), dl.enbUeS1apId())));

            enb.send(s1ap.encode(new S1apMessage.Reset(S1apIes.Cause.RADIO_UNSPECIFIED, List.of())));
            byte[] ack = enb.next(5000);
            if (ack != null) {
                save("nextepc-reset-acknowledge", "RESET ACKNOWLEDGE answering our RESET (reset-all)", ack);
            }
            // An Uplink NAS Transport for a UE the MME does not know.
            enb.send(s1ap.encode(new S1apMessage.UplinkNasTransport(4242, 77, org.openmcim.uesim.Octets.hex("0756"),
                    LabScenario.cgi(), LabScenario.tai())));
            byte[] err = enb.next(3000);
            if (err != null) {
                save("nextepc-answer-unknown-ue", "the MME's answer to an UPLINK NAS TRANSPORT for unknown UE S1AP IDs", err);
            }
        }
        try (LabEnb enb = new LabEnb()) {
            enb.send(s1ap.encode(LabScenario.s1SetupRequest(new PlmnId("999", "99"))));
            byte[] fail = enb.next(5000);
            assertNotNull(fail, "no answer to a setup for a foreign PLMN");
            save("nextepc-s1-setup-failure", "S1 SETUP FAILURE answering an S1 SETUP REQUEST for PLMN 999/99", fail);
        }
    }
}
