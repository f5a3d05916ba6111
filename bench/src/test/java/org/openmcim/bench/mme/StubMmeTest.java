package org.openmcim.bench.mme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openmcim.aka.Milenage;
import org.openmcim.aka.kdf.PlmnId;
import org.openmcim.aka.sqn.SqnArray;
import org.openmcim.aka.sqn.SqnPolicy;
import org.openmcim.aka.usim.Usim;
import org.openmcim.uesim.Enb;
import org.openmcim.uesim.nas.NasIes;
import org.openmcim.uesim.transport.TransportKind;
import org.openmcim.uesim.ue.EmmState;
import org.openmcim.uesim.ue.UeStateMachine;

/**
 * The simulator's eNB and UEs against the stub MME over loopback framed TCP: the scenario the
 * attach benchmark repeats, checked once for correctness (no timing here; figures come from
 * {@code AttachLoad}).
 */
class StubMmeTest {
    private static final PlmnId PLMN = new PlmnId("001", "01");
    private final List<Subscribers.Keys> keys = Subscribers.generate(7, 3);
    private StubMme mme;

    @AfterEach
    void stop() {
        if (mme != null) {
            mme.close();
        }
    }

    private StubMme start(int eea) throws InterruptedException {
        MmeConfig d = MmeConfig.defaults();
        mme = StubMme.start(new MmeConfig(d.plmn(), d.mmeGroupId(), d.mmeCode(), eea, true, 1), new StubHss(keys),
                new InetSocketAddress("127.0.0.1", 0));
        return mme;
    }

    private static UeStateMachine ue(Subscribers.Keys k, byte[] opc) {
        return new UeStateMachine(new UeStateMachine.Profile(k.imsi(), NasIes.UeNetworkCapability.of(List.of(0, 2), List.of(2)),
                "provisioning", PLMN), new Usim(Milenage.withOpc(k.k(), opc), new SqnArray(SqnPolicy.DEFAULT)));
    }

    /**
     * The MME's S1 UE contexts once it has taken the last UE CONTEXT RELEASE COMPLETE: the eNB's run
     * ends when it sends that message, so the MME may still be handling it when the test looks
     * (a fresh-clone CI run saw 1). Polls for up to 5 s; a context that stays is still a failure.
     */
    private int s1ContextsOnceSettled() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (mme.stats().s1Contexts() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return mme.stats().s1Contexts();
    }

    private Enb enb(int id) throws Exception {
        return enb(id, null);
    }

    private Enb enb(int id, java.util.concurrent.ScheduledExecutorService timers) throws Exception {
        return Enb.connect(new Enb.Config(PLMN, id, 12345, new byte[] {127, 0, 1, 1}), TransportKind.TCP_FRAMED, mme.address(),
                Duration.ofSeconds(5), msg -> { }, timers);
    }

    /** Attach with the IMSI, detach, then attach again with the GUTI the MME gave (no identity request needed). */
    @ParameterizedTest(name = "EEA{0}")
    @ValueSource(ints = {0, 2})
    void attachDetachTwiceWithImsiThenGuti(int eea) throws Exception {
        start(eea);
        Subscribers.Keys k = keys.get(0);
        UeStateMachine ue = ue(k, k.opc());
        try (Enb enb = enb(27)) {
            for (int cycle = 0; cycle < 2; cycle++) {
                Enb.Result r = enb.attachAndDetach(ue, k.imsi(), 100, Duration.ofMillis(10)).get(10, TimeUnit.SECONDS);
                assertTrue(r.registered(), "cycle " + cycle + ": " + r);
                assertEquals(Optional.of("provisioning"), r.apn(), "the APN from ESM INFORMATION RESPONSE");
                assertTrue(r.detached(), "cycle " + cycle + ": " + r);
                assertEquals(eea, ue.securityContext().orElseThrow().eea());
            }
        }
        StubMme.Stats s = mme.stats();
        assertEquals(2, s.attaches());
        assertEquals(2, s.detaches());
        assertEquals(0, s.discarded(), "every message was expected and verified");
        assertEquals(0, s.registered());
        assertEquals(0, s1ContextsOnceSettled());
    }

    /** Several eNBs on one MME (their hold periods on one shared timer thread), several UEs each, registered at the same time. */
    @Test
    void uesOnSeveralEnbsHoldTheirRegistrationsTogether() throws Exception {
        start(2);
        java.util.concurrent.ScheduledExecutorService timers = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try (Enb a = enb(1, timers); Enb b = enb(2, timers)) {
            var f0 = a.attachAndDetach(ue(keys.get(0), keys.get(0).opc()), keys.get(0).imsi(), 1, Duration.ofMillis(300));
            var f1 = a.attachAndDetach(ue(keys.get(1), keys.get(1).opc()), keys.get(1).imsi(), 2, Duration.ofMillis(300));
            var f2 = b.attachAndDetach(ue(keys.get(2), keys.get(2).opc()), keys.get(2).imsi(), 1, Duration.ofMillis(300));
            for (var f : List.of(f0, f1, f2)) {
                Enb.Result r = f.get(10, TimeUnit.SECONDS);
                assertTrue(r.registered() && r.detached(), r.toString());
            }
            assertEquals(2, a.peakRegistered());
            assertEquals(1, b.peakRegistered());
        } finally {
            timers.shutdownNow();
        }
        assertEquals(3, mme.stats().attaches());
    }

    /** A USIM with the wrong OPc answers MAC failure (#20); the MME rejects authentication and releases. */
    @Test
    void wrongKeysEndInAuthenticationReject() throws Exception {
        start(2);
        Subscribers.Keys k = keys.get(1);
        UeStateMachine ue = ue(k, new byte[16]);
        try (Enb enb = enb(5)) {
            Enb.Result r = enb.attachAndDetach(ue, k.imsi(), 7, Duration.ofMillis(10)).get(10, TimeUnit.SECONDS);
            assertFalse(r.registered());
            assertEquals(Optional.of(-1), r.rejectCause(), "AUTHENTICATION REJECT");
            assertEquals(EmmState.EMM_DEREGISTERED, ue.state());
        }
        assertEquals(1, mme.stats().authenticationFailures());
        assertEquals(0, s1ContextsOnceSettled());
    }

    /** An IMSI the HSS does not hold: ATTACH REJECT #2, as NextEPC answers without a subscription. */
    @Test
    void unknownImsiIsRejectedWithCause2() throws Exception {
        start(2);
        Subscribers.Keys stranger = Subscribers.generate(99, 1).get(0);
        Subscribers.Keys unknown = new Subscribers.Keys(Subscribers.imsi(999), stranger.k(), stranger.opc());
        try (Enb enb = enb(6)) {
            Enb.Result r = enb.attachAndDetach(ue(unknown, unknown.opc()), unknown.imsi(), 8, Duration.ofMillis(10))
                    .get(10, TimeUnit.SECONDS);
            assertEquals(Optional.of(2), r.rejectCause());
        }
        assertEquals(1, mme.stats().attachRejects());
    }

    /** S1 Setup for a PLMN the MME does not serve fails (TS 36.413 §8.7.3.4). */
    @Test
    void s1SetupForAnotherPlmnFails() throws Exception {
        start(2);
        assertThrows(IllegalStateException.class, () -> Enb.connect(new Enb.Config(new PlmnId("999", "99"), 9, 1, new byte[] {127, 0, 1, 1}),
                TransportKind.TCP_FRAMED, mme.address(), Duration.ofSeconds(5), msg -> { }));
    }
}
