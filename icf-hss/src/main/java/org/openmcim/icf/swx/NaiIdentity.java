package org.openmcim.icf.swx;

import java.util.Optional;

/**
 * The IMSI inside an SWx User-Name (TS 29.273 §8.2.2.1: "IMSI, in the form of an NAI or the
 * bare IMSI"). TS 23.003 §19.3.2: the root NAI of a permanent identity is {@code 0<IMSI>@realm}
 * for EAP-AKA and {@code 6<IMSI>@realm} for EAP-AKA' (RFC 5448 §3). Pseudonyms and fast
 * re-authentication identities (other leading digits or letters) are the AAA server's to resolve;
 * they never reach the HSS, so they are refused here.
 */
public final class NaiIdentity {
    private NaiIdentity() {
    }

    /** The IMSI of {@code userName}, or empty if it is neither a permanent NAI nor an IMSI. */
    public static Optional<String> imsiOf(String userName) {
        if (userName == null) {
            return Optional.empty();
        }
        int at = userName.indexOf('@');
        String user = userName;
        if (at >= 0) {
            if (at == 0 || at == userName.length() - 1 || userName.indexOf('@', at + 1) >= 0) {
                return Optional.empty();
            }
            user = userName.substring(0, at);
            char prefix = user.charAt(0);
            if (prefix != '0' && prefix != '6') {
                return Optional.empty();
            }
            user = user.substring(1);
        } else if (user.length() == 16 && (user.charAt(0) == '0' || user.charAt(0) == '6')) {
            // A decorated username without realm (some AAA servers strip it): prefix + 15 digits.
            user = user.substring(1);
        }
        return isImsi(user) ? Optional.of(user) : Optional.empty();
    }

    /** TS 23.003 §2.2: MCC (3) + MNC (2-3) + MSIN, at most 15 digits; PCIDs use 14 or 15. */
    static boolean isImsi(String s) {
        if (s.length() < 14 || s.length() > 15) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
