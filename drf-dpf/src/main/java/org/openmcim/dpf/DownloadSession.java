package org.openmcim.dpf;

import java.time.Instant;
import java.util.Objects;

/**
 * One MCIMobj download (TR 33.812 steps 16-19): the object the SHO handed the DPF for one TRE, kept
 * until the device reports. Keyed by {@code objectId}; bound to {@code treId} and the TRE platform
 * certificate so that only that TRE can fetch it again after a DPF restart.
 *
 * @param treCertificate base64 DER of the TRE platform certificate that proved itself in step 10
 * @param pcidRenewal    the RO-signed renewed PCID sealed to this TRE that rides with the MCIMobj
 *                       (TR §5.1.3.7.4.3 NOTE 2; {@code org.openmcim.wire.mcim.PcidRenewalCodec}), or null
 * @param renewedPcid    the IMSI of that renewed PCID (no secret), so that the DRF's registration can
 *                       follow it once the device reports the package installed; null without a renewal
 */
public record DownloadSession(String objectId, String treId, String treCertificate, String pcid, String nonce, String shoId,
                              String mcimObject, State state, Instant createdAt, Instant closedAt, String detail,
                              String pcidRenewal, String renewedPcid) {

    public enum State {
        /** Handed to the device; it may fetch it again until it reports (step 17). */
        DELIVERED,
        /** The device reported success and the SHO was told (steps 19-20). */
        SUCCEEDED,
        /** The device reported failure and the SHO was told; the device may start over with a new bootstrap. */
        FAILED,
        /**
         * No report came within the DPF's {@code download-ttl}: the SHO was told the download failed (so
         * it withdraws the MCIM from its HSS, as for a failure report) and the device must start over
         * with a new bootstrap. Without this an unreported object would stay fetchable for ever.
         */
        EXPIRED
    }

    public DownloadSession {
        Objects.requireNonNull(objectId, "objectId");
        Objects.requireNonNull(treId, "treId");
        Objects.requireNonNull(treCertificate, "treCertificate");
        Objects.requireNonNull(mcimObject, "mcimObject");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    public DownloadSession close(boolean success, Instant at, String why) {
        return new DownloadSession(objectId, treId, treCertificate, pcid, nonce, shoId, mcimObject, success ? State.SUCCEEDED : State.FAILED,
                createdAt, at, why, pcidRenewal, renewedPcid);
    }

    /** Closed by the DPF's sweep, not by the device: see {@link State#EXPIRED}. */
    public DownloadSession expire(Instant at, String why) {
        return new DownloadSession(objectId, treId, treCertificate, pcid, nonce, shoId, mcimObject, State.EXPIRED, createdAt, at, why,
                pcidRenewal, renewedPcid);
    }

    @Override
    public String toString() {
        return "DownloadSession[" + objectId + ", " + treId + ", " + state + "]"; // the object itself stays out of logs
    }
}
