package org.openmcim.bench.mme;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.openmcim.uesim.nas.NasIes;
import org.openmcim.uesim.s1ap.S1apIes;

/**
 * What the stub MME's associations share: configuration, the HSS, the GUTI table (a UE that
 * re-attaches with its GUTI may come through any eNB), the identifier allocators and the
 * counters. Everything here is thread-safe; per-UE state is not (it lives on one association).
 */
final class MmeNetwork {
    final MmeConfig config;
    final StubHss hss;
    /** The S-GW end of every default bearer (S1-U is not carried: GTP-U is out of scope). */
    final S1apIes.TransportLayerAddress sgwAddress = S1apIes.TransportLayerAddress.ipv4(new byte[] {127, 0, 0, 2});

    private final Map<Long, String> imsiByMTmsi = new ConcurrentHashMap<>();
    private final AtomicLong mmeUeS1apIds = new AtomicLong();
    private final AtomicLong mTmsis = new AtomicLong(0xc000_0000L);
    private final AtomicLong teids = new AtomicLong();
    private final AtomicInteger ipv4Hosts = new AtomicInteger();

    final LongAdder attaches = new LongAdder();
    final LongAdder detaches = new LongAdder();
    final LongAdder attachRejects = new LongAdder();
    final LongAdder authenticationFailures = new LongAdder();
    final LongAdder discarded = new LongAdder();
    final AtomicInteger registered = new AtomicInteger();
    final AtomicInteger s1Contexts = new AtomicInteger();

    MmeNetwork(MmeConfig config, StubHss hss) {
        this.config = config;
        this.hss = hss;
    }

    /** TS 36.413 §9.2.3.4: 32 bits, unique within the MME while the context lives. */
    long nextMmeUeS1apId() {
        return mmeUeS1apIds.getAndIncrement() & S1apIes.MAX_MME_UE_S1AP_ID;
    }

    /** A new GUTI for {@code imsi} (TS 23.003 §2.8); the one the UE attached with, if any, is forgotten. */
    NasIes.Guti allocateGuti(String imsi, Optional<NasIes.Guti> previous) {
        previous.ifPresent(g -> imsiByMTmsi.remove(g.mTmsi(), imsi));
        long tmsi = mTmsis.getAndIncrement() & 0xffff_ffffL;
        imsiByMTmsi.put(tmsi, imsi);
        return new NasIes.Guti(config.plmn(), config.mmeGroupId(), config.mmeCode(), tmsi);
    }

    /** The IMSI behind a GUTI this MME allocated, if it still knows it. */
    Optional<String> imsiFor(NasIes.Guti guti) {
        if (!guti.plmn().equals(config.plmn()) || guti.mmeGroupId() != config.mmeGroupId() || guti.mmeCode() != config.mmeCode()) {
            return Optional.empty();
        }
        return Optional.ofNullable(imsiByMTmsi.get(guti.mTmsi()));
    }

    /** The S-GW's S1-U TEID for a new bearer (TS 29.281: 4 octets). */
    byte[] nextTeid() {
        long t = teids.incrementAndGet();
        return new byte[] {(byte) (t >>> 24), (byte) (t >>> 16), (byte) (t >>> 8), (byte) t};
    }

    /** An IPv4 address in 10.0.0.0/8 for the UE's PDN connection (never returned: it is a stub). */
    byte[] nextUeAddress() {
        int h = ipv4Hosts.incrementAndGet() & 0xff_ffff;
        return new byte[] {10, (byte) (h >>> 16), (byte) (h >>> 8), (byte) h};
    }

    /** The counters at this moment. */
    StubMme.Stats stats() {
        return new StubMme.Stats(attaches.sum(), detaches.sum(), attachRejects.sum(), authenticationFailures.sum(),
                discarded.sum(), registered.get(), s1Contexts.get());
    }
}
