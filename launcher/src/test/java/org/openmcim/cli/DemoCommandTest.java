package org.openmcim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

class DemoCommandTest {

    /**
     * The README's main command end to end (root only: it runs the NextEPC lab): every device
     * prints every step of the journey, the summary says all finished, the exit code is 0.
     */
    @Test
    void theDemoWalksEveryDeviceThroughTheWholeJourney() {
        assumeTrue("root".equals(System.getProperty("user.name")), "the demo runs the NextEPC lab: root only");
        Path repo = Path.of("").toAbsolutePath();
        while (repo != null && !Files.exists(repo.resolve("lab/lab.sh"))) {
            repo = repo.getParent();
        }
        assumeTrue(repo != null);
        AkaCommandTest.Run r = AkaCommandTest.run("demo", "--devices", "2", "--repo", repo.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("2 of 2 device(s) finished the journey"), r.out());
        for (String step : List.of("manufacture", "contract", "steps 1-5", "step 6", "steps 7-8", "steps 10-17", "step 18", "steps 19-20",
                "step 21", "op-change 1-2", "op-change 3-9", "op-change 10", "op-change 11-12", "op-change 15-17", "done")) {
            long devices = r.out().lines().filter(l -> l.startsWith("device ") && l.substring(27).startsWith(step + " ")).count();
            assertEquals(2, devices, () -> "each device prints '" + step + "' once:\n" + r.out());
        }
        assertEquals(2, r.out().lines().filter(l -> l.matches("[12] +tre-demo-000[12] +00101\\d{10} +99970\\d{10} +99971\\d{10} .*finished")).count(),
                r.out());
    }

    @Test
    void rejectsBadDeviceCounts() {
        assertEquals(2, AkaCommandTest.run("demo", "--devices", "0").exit());
        assertEquals(2, AkaCommandTest.run("demo", "--devices", "101").exit());
        assertEquals(2, AkaCommandTest.run("demo", "--parallel", "9").exit());
    }
}
