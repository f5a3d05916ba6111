package org.openmcim.aka.kdf;

import java.util.Objects;

/**
 * A PLMN identity (MCC + MNC) and its 3-octet encoding.
 *
 * <p>TS 33.401 A.2 takes the serving network identity for KASME as the PLMN identity encoded as in
 * TS 24.301 (which refers to the TS 24.008 §10.5.1.13 layout):
 *
 * <pre>
 *   octet 1:  MCC digit 2 | MCC digit 1
 *   octet 2:  MNC digit 3 | MCC digit 3      (MNC digit 3 = 'F' for a two-digit MNC)
 *   octet 3:  MNC digit 2 | MNC digit 1
 * </pre>
 *
 * (high nibble | low nibble). For example MCC 001, MNC 01 is {@code 00 f1 10}.
 *
 * @param mcc three decimal digits
 * @param mnc two or three decimal digits
 */
public record PlmnId(String mcc, String mnc) {

    /** Length of the encoded form. */
    public static final int OCTETS = 3;

    public PlmnId {
        Objects.requireNonNull(mcc, "mcc");
        Objects.requireNonNull(mnc, "mnc");
        if (mcc.length() != 3 || !allDigits(mcc)) {
            throw new IllegalArgumentException("MCC must be exactly 3 decimal digits, got \"" + mcc + "\"");
        }
        if ((mnc.length() != 2 && mnc.length() != 3) || !allDigits(mnc)) {
            throw new IllegalArgumentException("MNC must be 2 or 3 decimal digits, got \"" + mnc + "\"");
        }
    }

    /**
     * Parses {@code "MCCMNC"}: 5 digits (2-digit MNC) or 6 digits (3-digit MNC), e.g. {@code "00101"}
     * or {@code "310410"}. Surrounding white space is ignored.
     *
     * @throws IllegalArgumentException naming what is wrong with the text
     */
    public static PlmnId parse(String text) {
        Objects.requireNonNull(text, "PLMN id text");
        String s = text.strip();
        if (s.length() != 5 && s.length() != 6) {
            throw new IllegalArgumentException(
                    "PLMN id must be MCC+MNC as 5 or 6 decimal digits (e.g. 00101), got \"" + text + "\" ("
                            + s.length() + " characters)");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException(
                        "PLMN id must contain only decimal digits, got '" + c + "' at position " + (i + 1)
                                + " of \"" + text + "\"");
            }
        }
        return new PlmnId(s.substring(0, 3), s.substring(3));
    }

    /**
     * Decodes the 3-octet form.
     *
     * @throws IllegalArgumentException for a wrong length or a nibble that is not a BCD digit (the
     *         'F' filler is accepted only as MNC digit 3)
     */
    public static PlmnId fromOctets(byte[] octets) {
        Objects.requireNonNull(octets, "PLMN id octets");
        if (octets.length != OCTETS) {
            throw new IllegalArgumentException("PLMN id must be 3 octets, got " + octets.length);
        }
        int mcc1 = octets[0] & 0x0f;
        int mcc2 = (octets[0] >> 4) & 0x0f;
        int mcc3 = octets[1] & 0x0f;
        int mnc3 = (octets[1] >> 4) & 0x0f;
        int mnc1 = octets[2] & 0x0f;
        int mnc2 = (octets[2] >> 4) & 0x0f;
        StringBuilder mcc = new StringBuilder(3)
                .append(bcd(mcc1, "MCC digit 1"))
                .append(bcd(mcc2, "MCC digit 2"))
                .append(bcd(mcc3, "MCC digit 3"));
        StringBuilder mnc = new StringBuilder(3)
                .append(bcd(mnc1, "MNC digit 1"))
                .append(bcd(mnc2, "MNC digit 2"));
        if (mnc3 != 0x0f) {
            mnc.append(bcd(mnc3, "MNC digit 3"));
        }
        return new PlmnId(mcc.toString(), mnc.toString());
    }

    /** Text to octets in one step: {@code encode("00101")} is {@code 00 f1 10}. */
    public static byte[] encode(String text) {
        return parse(text).toOctets();
    }

    /** Octets to text in one step: {@code decode(00 f1 10)} is {@code "00101"}. */
    public static String decode(byte[] octets) {
        return fromOctets(octets).toString();
    }

    /** The 3-octet encoding (a fresh array). */
    public byte[] toOctets() {
        int mnc3 = mnc.length() == 3 ? digit(mnc, 2) : 0x0f;
        return new byte[] {
            (byte) ((digit(mcc, 1) << 4) | digit(mcc, 0)),
            (byte) ((mnc3 << 4) | digit(mcc, 2)),
            (byte) ((digit(mnc, 1) << 4) | digit(mnc, 0)),
        };
    }

    /** {@code "MCCMNC"}, the form {@link #parse(String)} accepts. */
    @Override
    public String toString() {
        return mcc + mnc;
    }

    private static int digit(String s, int index) {
        return s.charAt(index) - '0';
    }

    private static char bcd(int nibble, String what) {
        if (nibble > 9) {
            throw new IllegalArgumentException(String.format(
                    "PLMN id octets: %s is 0x%X, not a decimal digit", what, nibble));
        }
        return (char) ('0' + nibble);
    }

    private static boolean allDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
