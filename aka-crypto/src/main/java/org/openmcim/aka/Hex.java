package org.openmcim.aka;

import java.util.Locale;

/**
 * Hex text to bytes and back, with errors a lab engineer can act on.
 *
 * <p>Spaces are accepted inside hex so that vectors can be pasted the way the 3GPP specs print
 * them ({@code 465b5ce8 b199b49f ...}).
 */
public final class Hex {
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Hex() {
    }

    /** Lower-case hex of {@code bytes}. */
    public static String encode(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = DIGITS[(bytes[i] >> 4) & 0xf];
            out[2 * i + 1] = DIGITS[bytes[i] & 0xf];
        }
        return new String(out);
    }

    /**
     * Parses hex, ignoring white space and an optional {@code 0x} prefix.
     *
     * @throws IllegalArgumentException naming the first offending character, or an odd length
     */
    public static byte[] decode(String text) {
        String s = text.strip();
        if (s.startsWith("0x") || s.startsWith("0X")) {
            s = s.substring(2);
        }
        StringBuilder digits = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                continue;
            }
            if (Character.digit(c, 16) < 0) {
                throw new IllegalArgumentException("not a hex digit: '" + c + "' at position " + (i + 1));
            }
            digits.append(c);
        }
        if (digits.length() % 2 != 0) {
            throw new IllegalArgumentException("odd number of hex digits (" + digits.length() + ")");
        }
        byte[] out = new byte[digits.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) ((Character.digit(digits.charAt(2 * i), 16) << 4) | Character.digit(digits.charAt(2 * i + 1), 16));
        }
        return out;
    }

    /**
     * Parses hex that must be exactly {@code bytes} long; {@code name} goes into the message.
     *
     * @throws IllegalArgumentException e.g. "K must be 16 bytes (32 hex digits), got 15"
     */
    public static byte[] decode(String name, String text, int bytes) {
        byte[] out;
        try {
            out = decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
        if (out.length != bytes) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s must be %d bytes (%d hex digits), got %d", name, bytes, 2 * bytes, out.length));
        }
        return out;
    }
}
