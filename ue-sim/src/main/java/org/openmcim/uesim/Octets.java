package org.openmcim.uesim;

import java.util.Arrays;

import org.openmcim.aka.Hex;

/**
 * An immutable octet string, so that protocol records (S1AP IEs, NAS IEs, keys on the wire) can
 * be value objects with {@code equals} and never share a mutable array with their caller.
 */
public final class Octets {
    public static final Octets EMPTY = new Octets(new byte[0]);

    private final byte[] bytes;

    private Octets(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A copy of {@code bytes}. */
    public static Octets of(byte[] bytes) {
        return new Octets(bytes.clone());
    }

    /** A copy of {@code bytes[from..to)}. */
    public static Octets of(byte[] bytes, int from, int to) {
        return new Octets(Arrays.copyOfRange(bytes, from, to));
    }

    /** Parses hex, spaces allowed. */
    public static Octets hex(String hex) {
        return new Octets(Hex.decode(hex));
    }

    /** A fresh copy the caller owns. */
    public byte[] toByteArray() {
        return bytes.clone();
    }

    public int length() {
        return bytes.length;
    }

    public int get(int index) {
        return bytes[index] & 0xff;
    }

    /** Writes the octets into {@code out} at {@code offset}. */
    public void copyTo(byte[] out, int offset) {
        System.arraycopy(bytes, 0, out, offset, bytes.length);
    }

    public String hex() {
        return Hex.encode(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Octets other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return hex();
    }
}
