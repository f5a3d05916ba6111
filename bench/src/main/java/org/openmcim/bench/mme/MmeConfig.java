package org.openmcim.bench.mme;

import java.util.Objects;

import org.openmcim.aka.kdf.PlmnId;

/**
 * What the stub MME serves and selects.
 *
 * @param plmn the served PLMN (S1 Setup is refused for eNBs that broadcast no TA in it)
 * @param mmeGroupId the GUMMEI's MME group ID (16 bits)
 * @param mmeCode the GUMMEI's MME code (8 bits)
 * @param eea the ciphering algorithm the SECURITY MODE COMMAND selects if the UE supports it
 *            (0 = EEA0, 2 = 128-EEA2), else EEA0; integrity is always 128-EIA2
 * @param emmInformation whether to send EMM INFORMATION after ATTACH COMPLETE, as NextEPC's MME does
 * @param threads event-loop threads of the S1 server
 */
public record MmeConfig(PlmnId plmn, int mmeGroupId, int mmeCode, int eea, boolean emmInformation, int threads) {
    public MmeConfig {
        Objects.requireNonNull(plmn);
        if (mmeGroupId < 0 || mmeGroupId > 0xffff || mmeCode < 0 || mmeCode > 0xff) {
            throw new IllegalArgumentException("MME group ID is 16 bits, MME code 8 bits");
        }
        if (eea != 0 && eea != 2) {
            throw new IllegalArgumentException("EEA must be 0 or 2 (the NAS layer implements EEA0 and 128-EEA2), got " + eea);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
    }

    /** The lab's PLMN 001/01, GUMMEI group 2 code 1 (as NextEPC's MME announces), EEA2, EMM INFORMATION on, one thread. */
    public static MmeConfig defaults() {
        return new MmeConfig(new PlmnId("001", "01"), 2, 1, 2, true, 1);
    }
}
