package org.openmcim.store;

/** IMSI text rules (TS 23.003 §2.2: MCC 3 digits, MNC 2-3, MSIN; at most 15 digits). */
public final class Imsi {
    private Imsi() {
    }

    /** 14 or 15 decimal digits: the range the issue and TS 23.003 allow for PCIDs and MCIM IMSIs. */
    public static boolean isValid(String imsi) {
        if (imsi == null || imsi.length() < 14 || imsi.length() > 15) {
            return false;
        }
        for (int i = 0; i < imsi.length(); i++) {
            char c = imsi.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
