package org.openmcim.bench.mme;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

import org.openmcim.aka.Milenage;
import org.openmcim.aka.kdf.PlmnId;
import org.openmcim.aka.sqn.Auts;
import org.openmcim.aka.sqn.HomeSqn;
import org.openmcim.aka.sqn.SqnPolicy;
import org.openmcim.aka.vector.EutranVector;
import org.openmcim.aka.vector.VectorFactory;

/**
 * The stub MME's home network: each subscriber's Milenage functions (K and OPc, key schedule
 * expanded once) and SQN_HE, handing out one real E-UTRAN vector per authentication with the
 * project's {@link VectorFactory} (TS 33.401 §6.1.1: AMF separation bit set, KASME bound to the
 * serving network). SQN_HE moves atomically, so associations on several event loops may share
 * it; the subscriber table itself is fixed at construction.
 */
public final class StubHss {
    /** TS 33.102 C.1.2: the SQN array layout the simulated USIMs use (5 IND bits). */
    static final SqnPolicy POLICY = SqnPolicy.DEFAULT;
    /** One IND for every vector: a single serving node, used in order. */
    private static final int IND = 0;
    private static final byte[] AMF = {0, 0};

    private record Entry(Milenage functions, AtomicLong sqnHe) {
    }

    private final Map<String, Entry> subscribers;

    public StubHss(List<Subscribers.Keys> keys) {
        Map<String, Entry> m = new HashMap<>(keys.size() * 2);
        for (Subscribers.Keys k : keys) {
            m.put(k.imsi(), new Entry(Milenage.withOpc(k.k(), k.opc()), new AtomicLong()));
        }
        this.subscribers = Map.copyOf(m);
    }

    public boolean knows(String imsi) {
        return subscribers.containsKey(imsi);
    }

    public int size() {
        return subscribers.size();
    }

    /** The next vector for {@code imsi} (SQN_HE + 1 per TS 33.102 C.1.2), or empty for an unknown IMSI. */
    public Optional<EutranVector> vector(String imsi, VectorFactory factory, PlmnId servingNetwork) {
        Entry e = subscribers.get(imsi);
        if (e == null) {
            return Optional.empty();
        }
        long sqn = e.sqnHe().updateAndGet(s -> HomeSqn.next(POLICY, s, IND));
        return Optional.of(factory.eutran(e.functions(), sqn, AMF, servingNetwork));
    }

    /**
     * TS 33.102 §6.3.5: verifies MAC-S of the AUTS the USIM sent with a synch failure and, when
     * it verifies, moves SQN_HE so the next vector is accepted. False (and nothing changed) when it
     * does not verify.
     */
    public boolean resynchronise(String imsi, byte[] rand, byte[] auts) {
        Entry e = subscribers.get(imsi);
        if (e == null) {
            return false;
        }
        OptionalLong sqnMs = Auts.recover(e.functions(), rand, auts);
        if (sqnMs.isEmpty()) {
            return false;
        }
        e.sqnHe().updateAndGet(s -> HomeSqn.afterResync(POLICY, s, sqnMs.getAsLong()));
        return true;
    }
}
