package org.openmcim.aka.kdf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openmcim.aka.VectorFile;
import org.openmcim.aka.VectorFile.Vector;

class PlmnIdTest {

    static Stream<Arguments> valid() {
        return VectorFile.load("vectors/plmn.txt").stream().filter(v -> !v.has("error")).map(Arguments::of);
    }

    static Stream<Arguments> invalid() {
        return VectorFile.load("vectors/plmn.txt").stream().filter(v -> v.has("error")).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void convertsBothWays(Vector v) {
        String text = v.get("text");
        byte[] octets = v.hex("octets");
        assertArrayEquals(octets, PlmnId.encode(text));
        assertEquals(text, PlmnId.decode(octets));
        PlmnId id = PlmnId.parse(text);
        assertEquals(text.substring(0, 3), id.mcc());
        assertEquals(text.substring(3), id.mnc());
        assertEquals(id, PlmnId.fromOctets(octets));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void rejects(Vector v) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> {
                    if (v.has("text")) {
                        PlmnId.parse(v.get("text"));
                    } else {
                        PlmnId.fromOctets(v.hex("octets"));
                    }
                });
        assertTrue(e.getMessage().contains(v.get("error")), () -> "message was: " + e.getMessage());
    }

    @Test
    void componentsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new PlmnId("01", "01"));
        assertThrows(IllegalArgumentException.class, () -> new PlmnId("001", "1"));
        assertThrows(IllegalArgumentException.class, () -> new PlmnId("001", "1x1"));
        assertThrows(NullPointerException.class, () -> PlmnId.parse(null));
    }

    @Test
    void surroundingWhiteSpaceIsIgnored() {
        assertEquals(PlmnId.parse("00101"), PlmnId.parse(" 00101\t"));
    }
}
