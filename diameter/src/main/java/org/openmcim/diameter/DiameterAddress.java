package org.openmcim.diameter;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The Address format (RFC 6733 §4.3.1): a two-octet AddressType holding an IANA address family
 * number, then the address, most significant octet first.
 */
public final class DiameterAddress {
    /** IANA Address Family Numbers: IP version 4. */
    public static final int FAMILY_IPV4 = 1;
    /** IANA Address Family Numbers: IP version 6. */
    public static final int FAMILY_IPV6 = 2;

    private final int family;
    private final byte[] address;

    public DiameterAddress(int family, byte[] address) {
        if (family < 0 || family > 0xFFFF) {
            throw new IllegalArgumentException("address family does not fit 16 bits: " + family);
        }
        if (family == FAMILY_IPV4 && address.length != 4 || family == FAMILY_IPV6 && address.length != 16) {
            throw new IllegalArgumentException("address of " + address.length + " octets for family " + family);
        }
        this.family = family;
        this.address = address.clone();
    }

    /** The family and octets of an IPv4 or IPv6 address. */
    public static DiameterAddress of(InetAddress a) {
        byte[] b = a.getAddress();
        return new DiameterAddress(b.length == 4 ? FAMILY_IPV4 : FAMILY_IPV6, b);
    }

    public int family() {
        return family;
    }

    /** A copy of the address octets. */
    public byte[] address() {
        return address.clone();
    }

    /** The address as an {@link InetAddress}; only for families 1 (IPv4) and 2 (IPv6). */
    public InetAddress toInetAddress() {
        if (family != FAMILY_IPV4 && family != FAMILY_IPV6) {
            throw new IllegalStateException("address family " + family + " is not IP");
        }
        try {
            return InetAddress.getByAddress(address);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    int encodedLength() {
        return 2 + address.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DiameterAddress d && d.family == family && Arrays.equals(d.address, address);
    }

    @Override
    public int hashCode() {
        return family * 31 + Arrays.hashCode(address);
    }

    @Override
    public String toString() {
        if (family == FAMILY_IPV4 || family == FAMILY_IPV6) {
            return toInetAddress().getHostAddress();
        }
        return "family " + family + ":" + HexFormat.of().formatHex(address);
    }
}
