package org.openmcim.aka.sqn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.openmcim.aka.AuthenticationFunctions;
import org.openmcim.aka.Milenage;
import org.openmcim.aka.UmtsVector;
import org.openmcim.aka.VectorFile;
import org.openmcim.aka.usim.Usim;

/** TS 33.102 Annex C on both sides, and the §6.3.3/§6.3.5 resynchronisation round trip. */
class SqnTest {
    private static final SqnPolicy P = SqnPolicy.DEFAULT;
    private static final byte[] AMF = {(byte) 0x80, 0x00};

    /** Keys of TS 35.208 test set 1, so the scenarios run on real Milenage. */
    private static AuthenticationFunctions subscriber() {
        VectorFile.Vector v = VectorFile.load("vectors/milenage-ts35208.txt").get(0);
        return Milenage.withOpc(v.hex("K"), v.hex("OPc"));
    }

    @Test
    void sqnSplitsIntoSeqAndInd() {
        long sqn = P.sqn(0x123456789L, 17);
        assertEquals(0x123456789L, P.seq(sqn));
        assertEquals(17, P.ind(sqn));
        assertArrayEquals(SqnPolicy.toBytes(sqn), SqnPolicy.toBytes(SqnPolicy.fromBytes(SqnPolicy.toBytes(sqn))));
        assertThrows(IllegalArgumentException.class, () -> P.sqn(1, 32));
        assertThrows(IllegalArgumentException.class, () -> SqnPolicy.toBytes(1L << 48));
    }

    @Test
    void homeIncrementsSeqAndTakesTheServingNodesInd() {
        long s1 = HomeSqn.next(P, 0, 3);
        long s2 = HomeSqn.next(P, s1, 9);
        assertEquals(1, P.seq(s1));
        assertEquals(3, P.ind(s1));
        assertEquals(2, P.seq(s2));
        assertEquals(9, P.ind(s2));
    }

    @Test
    void homeRefusesToWrapSeq() {
        long last = P.sqn(P.maxSeq(), 0);
        assertThrows(IllegalStateException.class, () -> HomeSqn.next(P, last, 1));
    }

    @Test
    void usimAcceptsFreshAndRejectsReplay() {
        SqnArray a = new SqnArray(P);
        long s = P.sqn(5, 1);
        assertEquals(SqnArray.Verdict.ACCEPTED, a.accept(s));
        assertEquals(SqnArray.Verdict.NOT_FRESH, a.accept(s));
        assertEquals(SqnArray.Verdict.NOT_FRESH, a.accept(P.sqn(4, 1)));
    }

    /** The point of the array (C.2.1): vectors fetched by two MMEs, used out of order. */
    @Test
    void usimAcceptsOlderSeqUnderAnotherInd() {
        SqnArray a = new SqnArray(P);
        assertEquals(SqnArray.Verdict.ACCEPTED, a.accept(P.sqn(10, 1)));
        assertEquals(SqnArray.Verdict.ACCEPTED, a.accept(P.sqn(7, 2)));
        assertEquals(SqnArray.Verdict.NOT_FRESH, a.accept(P.sqn(9, 1)));
    }

    /** IND values wrap: the last IND and IND 0 are independent slots. */
    @Test
    void indWrapsAroundIndependently() {
        SqnArray a = new SqnArray(P);
        int last = P.indCount() - 1;
        assertEquals(SqnArray.Verdict.ACCEPTED, a.accept(P.sqn(100, last)));
        assertEquals(SqnArray.Verdict.ACCEPTED, a.accept(P.sqn(101, 0)));
        assertEquals(SqnArray.Verdict.NOT_FRESH, a.accept(P.sqn(100, 0)));
        assertEquals(P.sqn(101, 0), a.sqnMs());
    }

    @Test
    void usimRejectsAJumpBeyondDelta() {
        SqnPolicy small = new SqnPolicy(5, 1000, Long.MAX_VALUE);
        SqnArray a = new SqnArray(small);
        assertEquals(SqnArray.Verdict.ACCEPTED, a.accept(small.sqn(50, 0)));
        assertEquals(SqnArray.Verdict.DELTA_EXCEEDED, a.accept(small.sqn(1051, 1)));
        assertEquals(SqnArray.Verdict.ACCEPTED, a.accept(small.sqn(1050, 1)));
    }

    @Test
    void usimAgeLimitWhenConfigured() {
        SqnPolicy aged = new SqnPolicy(5, 1L << 28, 10);
        SqnArray a = new SqnArray(aged);
        assertEquals(SqnArray.Verdict.ACCEPTED, a.accept(aged.sqn(100, 0)));
        assertEquals(SqnArray.Verdict.TOO_OLD, a.accept(aged.sqn(89, 1)));
        assertEquals(SqnArray.Verdict.ACCEPTED, a.accept(aged.sqn(90, 1)));
    }

    @Test
    void policyBounds() {
        assertThrows(IllegalArgumentException.class, () -> new SqnPolicy(11, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new SqnPolicy(5, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new SqnArray(P, new long[3]));
    }

    @Test
    void indAllocatorHonoursConfigAndIsStable() {
        IndAllocator alloc = new IndAllocator(P, Map.of("mme.localdomain", 7));
        assertEquals(7, alloc.indFor("mme.localdomain"));
        int h = alloc.indFor("mme2.visited.example");
        assertEquals(h, alloc.indFor("mme2.visited.example"));
        assertTrue(h >= 0 && h < P.indCount());
        assertThrows(IllegalArgumentException.class, () -> new IndAllocator(P, Map.of("x", 32)));
        Set<Integer> seen = new HashSet<>();
        for (String n : List.of("a", "b", "c", "d", "e", "f", "g", "h")) {
            seen.add(alloc.indFor("mme-" + n));
        }
        assertTrue(seen.size() > 1, "hashing spreads nodes over IND values");
    }

    /** HSS vector → USIM accepts, RES = XRES; the same vector again → synch failure. */
    @Test
    void usimAcceptsHssVectorOnceThenReportsSynchFailure() {
        AuthenticationFunctions f = subscriber();
        Usim usim = new Usim(f, new SqnArray(P));
        byte[] rand = new byte[16];
        rand[15] = 1;
        UmtsVector v = f.quintet(rand, SqnPolicy.toBytes(HomeSqn.next(P, 0, 2)), AMF);
        Usim.Result r = usim.authenticate(v.rand(), v.autn());
        Usim.Success ok = assertInstanceOf(Usim.Success.class, r);
        assertArrayEquals(v.xres(), ok.res());
        assertArrayEquals(v.ck(), ok.ck());
        assertArrayEquals(v.ik(), ok.ik());
        Usim.SynchFailure again = assertInstanceOf(Usim.SynchFailure.class, usim.authenticate(v.rand(), v.autn()));
        assertEquals(SqnArray.Verdict.NOT_FRESH, again.reason());
    }

    @Test
    void tamperedAutnIsAMacFailureAndChangesNothing() {
        AuthenticationFunctions f = subscriber();
        SqnArray array = new SqnArray(P);
        Usim usim = new Usim(f, array);
        UmtsVector v = f.quintet(new byte[16], SqnPolicy.toBytes(HomeSqn.next(P, 0, 0)), AMF);
        byte[] autn = v.autn().clone();
        autn[15] ^= 1;
        assertInstanceOf(Usim.MacFailure.class, usim.authenticate(v.rand(), autn));
        assertEquals(0, array.highestSeq());
    }

    /**
     * §6.3.5 end to end: the HE lost its SQN (restored from an old backup), the USIM answers with
     * AUTS, the HE verifies MAC-S, recovers SQN_MS, resets, and the next vector is accepted.
     */
    @Test
    void resynchronisationRoundTrip() {
        AuthenticationFunctions f = subscriber();
        Usim usim = new Usim(f, new SqnArray(P));
        long sqnHe = 0;
        for (int i = 0; i < 40; i++) { // the USIM has seen SEQ up to 40
            sqnHe = HomeSqn.next(P, sqnHe, i % 4);
            byte[] rand = new byte[16];
            rand[0] = (byte) i;
            UmtsVector v = f.quintet(rand, SqnPolicy.toBytes(sqnHe), AMF);
            assertInstanceOf(Usim.Success.class, usim.authenticate(v.rand(), v.autn()));
        }
        long restoredHe = P.sqn(12, 0); // stale HE state
        long sqn = HomeSqn.next(P, restoredHe, 1);
        byte[] rand = new byte[16];
        rand[1] = 0x55;
        UmtsVector stale = f.quintet(rand, SqnPolicy.toBytes(sqn), AMF);
        Usim.SynchFailure fail = assertInstanceOf(Usim.SynchFailure.class, usim.authenticate(stale.rand(), stale.autn()));
        assertEquals(Auts.LENGTH, fail.auts().length);

        OptionalLong sqnMs = Auts.recover(f, stale.rand(), fail.auts());
        assertTrue(sqnMs.isPresent());
        assertEquals(40, P.seq(sqnMs.getAsLong()));
        assertFalse(HomeSqn.inRange(P, sqn, sqnMs.getAsLong()));
        long newHe = HomeSqn.afterResync(P, sqn, sqnMs.getAsLong());
        long fresh = HomeSqn.next(P, newHe, 1);
        UmtsVector v = f.quintet(stale.rand(), SqnPolicy.toBytes(fresh), AMF);
        assertInstanceOf(Usim.Success.class, usim.authenticate(v.rand(), v.autn()));
    }

    @Test
    void autsWithBadMacSIsIgnored() {
        AuthenticationFunctions f = subscriber();
        byte[] rand = new byte[16];
        byte[] auts = Auts.generate(f, rand, P.sqn(77, 3));
        assertEquals(P.sqn(77, 3), Auts.recover(f, rand, auts).getAsLong());
        auts[13] ^= 0x40;
        assertTrue(Auts.recover(f, rand, auts).isEmpty());
        byte[] otherRand = rand.clone();
        otherRand[0] = 1;
        assertTrue(Auts.recover(f, otherRand, Auts.generate(f, rand, P.sqn(77, 3))).isEmpty());
    }

    @Test
    void inRangeKeepsAheadHe() {
        long sqnMs = P.sqn(40, 2);
        long he = P.sqn(45, 1);
        assertTrue(HomeSqn.inRange(P, he, sqnMs));
        assertEquals(he, HomeSqn.afterResync(P, he, sqnMs));
        assertNotEquals(he, HomeSqn.afterResync(P, P.sqn(10, 0), sqnMs));
    }
}
