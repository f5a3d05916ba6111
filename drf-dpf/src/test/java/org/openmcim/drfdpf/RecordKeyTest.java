package org.openmcim.drfdpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.openmcim.dpf.Records;

/** The hand-written record-key check says what {@link Records#KEY} says, on the edges of its grammar. */
class RecordKeyTest {
    @Test
    void isKeyAgreesWithThePattern() {
        List<String> table = new ArrayList<>(List.of("a", "Z", "0", "_", "-", "3q2zV0mWc3xA0f9lUe1m4Q", "tre-0001", "001010000000001",
                "", " ", "a b", "a.b", "a/b", "..", "é", "\u0663", "A\u0000", "a+b", "a=b", "ab\n", "\uD83D\uDE00", "0".repeat(64),
                "0".repeat(65), "_".repeat(64) + "-"));
        for (char c = 0; c < 256; c++) {
            table.add("x" + c);
        }
        for (String k : table) {
            assertEquals(Records.KEY.matcher(k).matches(), Records.isKey(k), "key " + k.codePoints().boxed().toList());
        }
        assertFalse(Records.isKey(null));
        assertThrows(IllegalArgumentException.class, () -> Records.checkKey("a.b"));
        assertEquals("tre-0001", Records.checkKey("tre-0001"));
    }
}
