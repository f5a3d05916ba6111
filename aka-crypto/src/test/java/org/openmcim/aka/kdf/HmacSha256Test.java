package org.openmcim.aka.kdf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openmcim.aka.VectorFile;
import org.openmcim.aka.VectorFile.Vector;

class HmacSha256Test {

    static Stream<Arguments> rfc4231() {
        return VectorFile.arguments("vectors/hmac-sha256-rfc4231.txt");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rfc4231")
    void matchesRfc4231(Vector v) {
        byte[] expected = v.hex("hmac");
        byte[] mac = new HmacSha256().mac(v.hex("key"), v.hex("data"));
        // Test case 5 publishes only a 128-bit prefix.
        assertArrayEquals(expected, Arrays.copyOf(mac, expected.length));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rfc4231")
    void instanceIsReusableAcrossKeys(Vector v) {
        HmacSha256 hmac = new HmacSha256();
        hmac.mac(new byte[] {1, 2, 3}, new byte[100]); // leave state from another key behind
        byte[] expected = v.hex("hmac");
        byte[] data = v.hex("data");
        hmac.start(v.hex("key"));
        hmac.update(data, 0, data.length / 2);
        hmac.update(data, data.length / 2, data.length - data.length / 2);
        byte[] mac = new byte[HmacSha256.MAC_BYTES];
        hmac.finish(mac, 0);
        assertArrayEquals(expected, Arrays.copyOf(mac, expected.length));
    }
}
