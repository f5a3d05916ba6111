package org.openmcim.icf.peer;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;

import org.openmcim.diameter.Avp;
import org.openmcim.diameter.DiameterMessage;
import org.openmcim.diameter.ResultCode;
import org.openmcim.diameter.dictionary.Dictionary;

/**
 * Who this node is on one listening address: its Diameter identity, the applications it
 * advertises in CEA, and the helpers that stamp answers with Origin-Host/Origin-Realm.
 *
 * @param applicationIds 3GPP application ids advertised as Vendor-Specific-Application-Id
 *                       (NextEPC's MME will not route S6a to a peer whose CEA lacks it)
 * @param originStateId  RFC 6733 §8.16: changes on every restart, so peers can tell
 */
public record LocalIdentity(String host, String realm, List<InetAddress> hostIps, Set<Integer> applicationIds,
                            long originStateId, Dictionary dictionary) {

    public static final String PRODUCT_NAME = "OpenMCIM";
    public static final int VENDOR_ID = 0;
    public static final int FIRMWARE_REVISION = 1;

    public Avp originHost() {
        return Avp.diameterIdentity(dictionary.avp("Origin-Host"), host);
    }

    public Avp originRealm() {
        return Avp.diameterIdentity(dictionary.avp("Origin-Realm"), realm);
    }

    /** An answer to {@code request} with Result-Code {@code code} (E bit for protocol errors, 3xxx). */
    public DiameterMessage.Builder answer(DiameterMessage request, long code) {
        DiameterMessage.Builder b = DiameterMessage.answerTo(request);
        // RFC 6733 §7.1.3: protocol errors (3xxx) are answered with the E bit set.
        b.error(code >= 3000 && code < 4000);
        return b.add(Avp.unsigned32(dictionary.avp("Result-Code"), code), originHost(), originRealm());
    }

    /** An answer carrying Experimental-Result (TS 29.272 §7.4.3: 3GPP codes with Vendor-Id 10415). */
    public DiameterMessage.Builder experimental(DiameterMessage request, long code) {
        return DiameterMessage.answerTo(request)
                .add(Avp.grouped(dictionary.avp("Experimental-Result"),
                        Avp.unsigned32(dictionary.avp("Vendor-Id"), org.openmcim.diameter.VendorId.THREE_GPP),
                        Avp.unsigned32(dictionary.avp("Experimental-Result-Code"), code)))
                .add(originHost(), originRealm());
    }

    /** Result-Code answer with a Failed-AVP naming what was wrong (RFC 6733 §7.5). */
    public DiameterMessage failed(DiameterMessage request, long code, Avp failedAvp, String errorMessage) {
        return failedBuilder(request, code, failedAvp, errorMessage).build();
    }

    /** {@link #failed} before {@code build()}, for callers that add AVPs of their own. */
    public DiameterMessage.Builder failedBuilder(DiameterMessage request, long code, Avp failedAvp, String errorMessage) {
        DiameterMessage.Builder b = answer(request, code);
        if (errorMessage != null) {
            b.add(Avp.utf8String(dictionary.avp("Error-Message"), errorMessage));
        }
        if (failedAvp != null) {
            b.add(Avp.grouped(dictionary.avp("Failed-AVP"), failedAvp));
        }
        return b;
    }

    public static boolean isSuccess(long code) {
        return code == ResultCode.DIAMETER_SUCCESS || code == ResultCode.DIAMETER_LIMITED_SUCCESS;
    }
}
