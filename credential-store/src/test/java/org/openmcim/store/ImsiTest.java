package org.openmcim.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The numeric key of schema 2 keeps the exact digit string, leading zeros and length included. */
class ImsiTest {
    @ParameterizedTest
    @ValueSource(strings = {"001010000000001", "01010000000001", "00000000000000", "000000000000000", "999999999999999",
            "99999999999999", "262019876543210", "31041012345678"})
    void keyRoundTripsTheDigitString(String imsi) {
        assertEquals(imsi, Imsi.fromKey(Imsi.key(imsi)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0010100000001", "0010100000000012", "00101000000000a", " 01010000000001"})
    void invalidImsisHaveNoKey(String imsi) {
        assertThrows(IllegalArgumentException.class, () -> Imsi.key(imsi));
    }

    @org.junit.jupiter.api.Test
    void sameValueDifferentLengthAreDifferentKeys() {
        assertNotEquals(Imsi.key("01010000000001"), Imsi.key("001010000000001"));
        assertEquals(15_001_010_000_000_001L, Imsi.key("001010000000001"));
    }
}
