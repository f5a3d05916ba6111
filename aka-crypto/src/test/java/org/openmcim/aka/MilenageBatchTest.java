package org.openmcim.aka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The four-lane batch against the TS 35.208 sets, in every batch size and lane position. */
class MilenageBatchTest {
    private static final List<VectorFile.Vector> SETS = VectorFile.load("vectors/milenage-ts35208.txt");

    static Stream<Arguments> windows() {
        // Every run of 1..4 consecutive sets (wrapping), so each set sits in every lane.
        return IntStream.rangeClosed(1, 4).boxed().flatMap(size -> IntStream.range(0, SETS.size())
                .mapToObj(start -> Arguments.of(size, start)));
    }

    @ParameterizedTest(name = "batch of {0} from set index {1}")
    @MethodSource("windows")
    void batchMatchesSpec(int size, int start) {
        List<VectorFile.Vector> sets = new ArrayList<>();
        List<MilenageBatch.Request> requests = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            VectorFile.Vector v = SETS.get((start + i) % SETS.size());
            sets.add(v);
            requests.add(new MilenageBatch.Request(v.hex("K"), v.hex("OPc"), v.hex("RAND"), v.hex("SQN"), v.hex("AMF")));
        }
        UmtsVector[] q = new MilenageBatch().quintets(requests);
        assertEquals(size, q.length);
        for (int i = 0; i < size; i++) {
            VectorFile.Vector v = sets.get(i);
            assertArrayEquals(v.hex("f1"), q[i].macA(), v.name());
            assertArrayEquals(v.hex("f2"), q[i].xres(), v.name());
            assertArrayEquals(v.hex("f3"), q[i].ck(), v.name());
            assertArrayEquals(v.hex("f4"), q[i].ik(), v.name());
            byte[] sqn = v.hex("SQN"), ak = v.hex("f5"), sqnXorAk = q[i].sqnXorAk();
            for (int b = 0; b < 6; b++) {
                assertEquals((byte) (sqn[b] ^ ak[b]), sqnXorAk[b], v.name());
            }
        }
    }

    @Test
    void batchSizeBounds() {
        MilenageBatch b = new MilenageBatch();
        assertThrows(IllegalArgumentException.class, () -> b.quintets(List.of()));
        VectorFile.Vector v = SETS.get(0);
        MilenageBatch.Request r = new MilenageBatch.Request(v.hex("K"), v.hex("OPc"), v.hex("RAND"), v.hex("SQN"), v.hex("AMF"));
        assertThrows(IllegalArgumentException.class, () -> b.quintets(List.of(r, r, r, r, r)));
        assertThrows(IllegalArgumentException.class, () -> new MilenageBatch.Request(new byte[15], v.hex("OPc"), v.hex("RAND"),
                v.hex("SQN"), v.hex("AMF")));
    }
}
