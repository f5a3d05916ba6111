package org.openmcim.sho;

import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.openmcim.aka.AuthenticationFunctions.Algorithm;
import org.openmcim.pki.Credential;
import org.openmcim.pva.PlatformValidation;
import org.openmcim.store.CredentialState;
import org.openmcim.store.CredentialStore;
import org.openmcim.store.Subscriber;
import org.openmcim.store.SubscriberKind;
import org.openmcim.wire.mcim.McimCredential;
import org.openmcim.wire.mcim.McimObject;
import org.openmcim.wire.mcim.McimObjectCodec;
import org.openmcim.wire.mcim.McimPart;

/**
 * The SHO's side of TR 33.812 steps 14-16 and 20: after the PVA says the TRE is authentic and
 * intact, generate the MCIM — an IMSI from the SHO's range, fresh K and OPc, AMF, initial SQN —
 * write it to the SHO's own HSS store first (so the device can attach the moment it has it), then
 * build the MCIMobj sealed for the TRE and signed by the SHO. A failure report withdraws the
 * subscriber again.
 */
public final class McimIssuer {
    private final CredentialStore hss;
    private final String imsiPrefix;
    private final String shoId;
    private final Credential shoCredential;
    private final McimObjectCodec codec;
    private final SecureRandom random;
    private final Clock clock;
    private final String apn;

    public McimIssuer(CredentialStore hss, String imsiPrefix, String shoId, Credential shoCredential, String apn, SecureRandom random,
                      Clock clock) {
        if (!imsiPrefix.matches("[0-9]{5,12}")) {
            throw new IllegalArgumentException("IMSI prefix must be MCC+MNC (5-6 digits) or longer, up to 12");
        }
        this.hss = hss;
        this.imsiPrefix = imsiPrefix;
        this.shoId = shoId;
        this.shoCredential = shoCredential;
        this.apn = apn;
        this.random = random;
        this.clock = clock;
        this.codec = new McimObjectCodec(random);
    }

    /** A handed-out MCIM: its IMSI, the object id and the sealed MCIMobj for the DPF. */
    public record Issued(String imsi, String objectId, String mcimObject) {
        @Override
        public String toString() {
            return "Issued[" + imsi + ", " + objectId + "]";
        }
    }

    /**
     * Issues an MCIM for {@code treId} if {@code verdict} validated that same TRE.
     *
     * @throws IllegalStateException if the PVA did not validate this TRE (nothing is stored)
     */
    public Issued issue(PlatformValidation.Verdict verdict, String treId, PublicKey trePlatformKey, String operation,
                        String authorizationToken, List<McimPart> applicationParts) {
        if (!verdict.valid() || !treId.equals(verdict.treId())) {
            throw new IllegalStateException("no MCIM without a valid PVA verdict for " + treId + " (" + verdict.reason() + ")");
        }
        byte[] k = new byte[16];
        byte[] opc = new byte[16];
        random.nextBytes(k);
        random.nextBytes(opc);
        byte[] amf = {(byte) 0x80, 0x00};
        String imsi = allocate(k, opc, amf);
        McimCredential mcim = new McimCredential(imsi, k, opc, amf, 0, "milenage", apn, null);
        List<McimPart> parts = new ArrayList<>();
        parts.add(new McimPart("mcim", McimPart.Kind.CREDENTIAL, true, mcim.toJson()));
        parts.addAll(applicationParts);
        McimObject o = new McimObject(codec.newObjectId(), treId, shoId, clock.instant(), operation, parts, authorizationToken);
        try {
            return new Issued(imsi, o.objectId(), codec.seal(o, trePlatformKey, shoCredential));
        } catch (RuntimeException e) {
            hss.delete(imsi); // nothing handed out: nothing left behind
            throw e;
        } finally {
            java.util.Arrays.fill(k, (byte) 0);
            java.util.Arrays.fill(opc, (byte) 0);
        }
    }

    /** Step 20: the DPF relays the device's report; on failure the HSS entry is withdrawn. */
    public void report(String imsi, boolean success) {
        if (!success) {
            hss.delete(imsi);
        }
    }

    /**
     * Removes a subscriber from the SHO's HSS: the old SHO after an operator change, once the grace
     * period of the IoT seed's step 15 NOTE has passed.
     */
    public void withdraw(String imsi) {
        hss.delete(imsi);
    }

    /** A random MSIN in the range, inserted atomically; a collision (insert refused) draws again. */
    private String allocate(byte[] k, byte[] opc, byte[] amf) {
        int msinDigits = 15 - imsiPrefix.length();
        for (int attempt = 0; attempt < 16; attempt++) {
            StringBuilder imsi = new StringBuilder(imsiPrefix);
            for (int i = 0; i < msinDigits; i++) {
                imsi.append((char) ('0' + random.nextInt(10)));
            }
            Subscriber s = new Subscriber(imsi.toString(), SubscriberKind.HOME, Algorithm.MILENAGE, k.clone(), opc.clone(), amf, 0,
                    CredentialState.ACTIVE, clock.instant(), null, shoId, apn, null);
            try {
                hss.insertAll(List.of(s));
                return s.imsi();
            } catch (IllegalArgumentException e) {
                // that IMSI exists already: draw another
            }
        }
        throw new IllegalStateException("IMSI range " + imsiPrefix + " is too full to allocate from");
    }

    public Optional<Subscriber> subscriber(String imsi) {
        return hss.find(imsi);
    }
}
