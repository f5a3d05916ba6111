package org.openmcim.store;

/** IMSI text rules (TS 23.003 §2.2: MCC 3 digits, MNC 2-3, MSIN; at most 15 digits). */
public final class Imsi {
    /** 10^15: one above the largest 15-digit value. */
    private static final long DIGITS_15 = 1_000_000_000_000_000L;

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

    /**
     * The IMSI as one number that keeps its exact digit string: {@code length × 10^15 + value}.
     * The value alone would not do: test and lab PLMNs start with MCC 001 (TS 23.003 §2.2 reserves
     * nothing against a leading zero in a PCID range), so "001010000000001" and the 14-digit
     * "01010000000001" have the same value and differ only in length. 15 × 10^15 + 999 999 999 999 999
     * is below 2^63, so every valid IMSI fits in a signed BIGINT; "00101…" reads as 15 00101…, still
     * legible in psql. The inverse is {@link #fromKey}.
     *
     * @throws IllegalArgumentException if {@code imsi} is not {@link #isValid valid}
     */
    public static long key(String imsi) {
        if (!isValid(imsi)) {
            throw new IllegalArgumentException("IMSI must be 14 or 15 decimal digits, got '" + imsi + "'");
        }
        long value = 0;
        for (int i = 0; i < imsi.length(); i++) {
            value = value * 10 + (imsi.charAt(i) - '0');
        }
        return imsi.length() * DIGITS_15 + value;
    }

    /** The digit string {@link #key} encoded. */
    public static String fromKey(long key) {
        int length = (int) (key / DIGITS_15);
        long value = key % DIGITS_15;
        if (length < 14 || length > 15 || value < 0) {
            throw new IllegalArgumentException("not an IMSI key: " + key);
        }
        String digits = Long.toString(value);
        if (digits.length() > length) {
            throw new IllegalArgumentException("not an IMSI key: " + key);
        }
        return "0".repeat(length - digits.length()) + digits;
    }
}
