package org.openmcim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DemoCommandTest {

    @Test
    void everyDeviceCompletesTheStepsThatExist() {
        AkaCommandTest.Run r = AkaCommandTest.run("demo", "--devices", "4");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("4 of 4 device(s) completed"), r.out());
        assertTrue(r.out().contains("Not wired into this demo yet"), "the demo says what it does not show");
        long akaLines = r.out().lines().filter(l -> l.contains("RES matches XRES, KASME equal")).count();
        assertEquals(8, akaLines, "two AKA runs per device (initial and after resync)");
    }

    @Test
    void rejectsBadDeviceCount() {
        assertEquals(2, AkaCommandTest.run("demo", "--devices", "0").exit());
        assertEquals(2, AkaCommandTest.run("demo", "--plmn", "1").exit());
    }
}
