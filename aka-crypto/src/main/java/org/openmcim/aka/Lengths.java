package org.openmcim.aka;

import java.util.Objects;

/** Argument checks shared by the algorithms and key derivations of this module. */
public final class Lengths {
    private Lengths() {
    }

    /**
     * {@code value} itself if it is exactly {@code length} bytes.
     *
     * @throws NullPointerException     naming {@code name} if value is null
     * @throws IllegalArgumentException "NAME must be N bytes, got M"
     */
    public static byte[] require(String name, byte[] value, int length) {
        Objects.requireNonNull(value, name);
        if (value.length != length) {
            throw new IllegalArgumentException(name + " must be " + length + " bytes, got " + value.length);
        }
        return value;
    }
}
