package org.openmcim.icf.s6a;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.openmcim.aka.AuthenticationFunctions;
import org.openmcim.aka.AuthenticationFunctions.Algorithm;
import org.openmcim.aka.Milenage;
import org.openmcim.aka.Tuak;
import org.openmcim.aka.UmtsVector;
import org.openmcim.aka.XorTestAlgorithm;
import org.openmcim.aka.kdf.PlmnId;
import org.openmcim.aka.sqn.Auts;
import org.openmcim.aka.sqn.IndAllocator;
import org.openmcim.aka.sqn.SqnPolicy;
import org.openmcim.aka.vector.EapAkaPrimeVector;
import org.openmcim.aka.vector.EutranVector;
import org.openmcim.aka.vector.GeranTriplet;
import org.openmcim.aka.vector.GsmConversion;
import org.openmcim.aka.vector.VectorFactory;
import org.openmcim.icf.chtif.CredentialFetch;
import org.openmcim.store.CredentialStore;
import org.openmcim.store.SqnGrant;
import org.openmcim.store.Subscriber;

/**
 * The HSS/AuC behaviour behind AIR and MAR (TR 33.812 steps 2-4): verify a resynchronisation,
 * reserve SQNs atomically in the store, compute the vectors. No Diameter here: callers translate
 * requests and outcomes. Blocking (store calls): runs on worker threads, except
 * {@link #authenticationInfoWithoutBlocking}.
 */
public final class VectorService {
    private final CredentialStore store;
    private final SqnPolicy policy;
    private final IndAllocator inds;
    private final Clock clock;
    private final CredentialFetch fetch;
    private final ThreadLocal<VectorFactory> factories;

    public VectorService(CredentialStore store, SqnPolicy policy, IndAllocator inds, SecureRandom random, Clock clock) {
        this(store, policy, inds, random, clock, CredentialFetch.NONE);
    }

    /** @param fetch where the credential of a PCID the store does not hold comes from (TR 33.812 step 3 NOTE 1) */
    public VectorService(CredentialStore store, SqnPolicy policy, IndAllocator inds, SecureRandom random, Clock clock,
                         CredentialFetch fetch) {
        this.fetch = fetch;
        this.store = store;
        this.policy = policy;
        this.inds = inds;
        this.clock = clock;
        // VectorFactory reuses digests and a key schedule: one per worker thread.
        this.factories = ThreadLocal.withInitial(() -> new VectorFactory(random));
    }

    /** What was asked for, from which serving node, in which serving network. */
    public record Request(String imsi, String servingNode, PlmnId servingNetwork, int eutran, int utran, int geran,
                          Optional<Resync> resync) {
    }

    /** Re-Synchronization-Info: RAND ‖ AUTS (TS 29.272 §7.3.15). */
    public record Resync(byte[] rand, byte[] auts) {
    }

    public sealed interface Outcome permits Vectors, EapVectors, Refused {
    }

    public record EapVectors(List<EapAkaPrimeVector> vectors) implements Outcome {
    }

    public record Vectors(List<EutranVector> eutran, List<UmtsVector> utran, List<GeranTriplet> geran) implements Outcome {
    }

    /** Why no vectors: each maps to one Diameter result in the caller. */
    public record Refused(Reason reason, String detail) implements Outcome {
    }

    public enum Reason {
        /** No such IMSI: 5001 DIAMETER_ERROR_USER_UNKNOWN. */
        UNKNOWN_USER,
        /** Expired, retired or revoked PCID: 5420 DIAMETER_ERROR_UNKNOWN_EPS_SUBSCRIPTION. */
        NO_SUBSCRIPTION,
        /** AUTS did not verify, SEQ exhausted or store failure: 4181 DIAMETER_AUTHENTICATION_DATA_UNAVAILABLE. */
        UNAVAILABLE
    }

    public Outcome authenticationInfo(Request r) {
        return vectors(r, grant(r.imsi(), r.servingNode(), r.eutran() + r.utran() + r.geran(), r.resync()));
    }

    /**
     * {@link #authenticationInfo} if nothing on the way can block: no resynchronisation (the store
     * round trip of §6.3.5), a store that decides the grant in memory
     * ({@link CredentialStore#grantVectorsWithoutBlocking}) and no CHTIF fetch for an IMSI it does
     * not hold. Else empty, with nothing changed: the caller hands the request to a worker, which
     * calls {@link #authenticationInfo}. Safe on a Netty event loop (issue #3).
     */
    public Optional<Outcome> authenticationInfoWithoutBlocking(Request r) {
        if (r.resync().isPresent()) {
            return Optional.empty();
        }
        Optional<SqnGrant> g = store.grantVectorsWithoutBlocking(r.imsi(), policy, inds.indFor(r.servingNode()),
                r.eutran() + r.utran() + r.geran(), clock.instant());
        if (g.isEmpty() || (g.get() instanceof SqnGrant.Unknown && fetch.covers(r.imsi()))) {
            return Optional.empty();
        }
        return Optional.of(vectors(r, outcomeOf(g.get())));
    }

    /** The vectors of {@code r} from a {@link SqnGrant.Granted}, or the {@link Refused} as it is. */
    private Outcome vectors(Request r, Object granted) {
        if (granted instanceof Refused refused) {
            return refused;
        }
        SqnGrant.Granted g = (SqnGrant.Granted) granted;
        Subscriber s = g.subscriber();
        VectorFactory factory = factories.get();
        long[] sqns = g.sqns();
        List<EutranVector> eutran = new ArrayList<>(r.eutran());
        if (r.eutran() > 0) {
            long[] eSqns = Arrays.copyOfRange(sqns, 0, r.eutran());
            if (s.algorithm() == Algorithm.MILENAGE && eSqns.length >= 3) {
                // From three vectors up, a four-lane batch (one key schedule, five AES calls per four
                // vectors) beats the single path (two AES calls per vector after one key schedule).
                for (int from = 0; from < eSqns.length; from += 4) {
                    int n = Math.min(4, eSqns.length - from);
                    byte[][] k = new byte[n][];
                    byte[][] opc = new byte[n][];
                    Arrays.fill(k, s.k());
                    Arrays.fill(opc, s.opc());
                    eutran.addAll(List.of(factory.eutranMilenage(k, opc, Arrays.copyOfRange(eSqns, from, from + n), s.amf(),
                            r.servingNetwork())));
                }
            } else {
                AuthenticationFunctions f = functions(s);
                for (long sqn : eSqns) {
                    eutran.add(factory.eutran(f, sqn, s.amf(), r.servingNetwork()));
                }
            }
        }
        List<UmtsVector> utran = new ArrayList<>(r.utran());
        List<GeranTriplet> geran = new ArrayList<>(r.geran());
        if (r.utran() + r.geran() > 0) {
            AuthenticationFunctions f = functions(s);
            // TS 33.102 Annex H: UTRAN/GERAN vectors carry the separation bit cleared.
            byte[] amf = {(byte) (s.amf()[0] & 0x7F), s.amf()[1]};
            for (int i = 0; i < r.utran(); i++) {
                utran.add(factory.utran(f, sqns[r.eutran() + i], amf));
            }
            for (int i = 0; i < r.geran(); i++) {
                UmtsVector q = factory.utran(f, sqns[r.eutran() + r.utran() + i], amf);
                geran.add(new GeranTriplet(q.rand(), GsmConversion.c2(q.xres()), GsmConversion.c3(q.ck(), q.ik())));
            }
        }
        return new Vectors(eutran, utran, geran);
    }

    /** EAP-AKA' vectors for SWx MAR (TS 33.402 §6.2): CK'/IK' bound to the access network identity. */
    public Outcome eapAkaPrime(String imsi, String servingNode, String accessNetworkIdentity, int count, Optional<Resync> resync) {
        Object granted = grant(imsi, servingNode, count, resync);
        if (granted instanceof Refused refused) {
            return refused;
        }
        SqnGrant.Granted g = (SqnGrant.Granted) granted;
        AuthenticationFunctions f = functions(g.subscriber());
        List<EapAkaPrimeVector> out = new ArrayList<>(count);
        for (long sqn : g.sqns()) {
            out.add(factories.get().eapAkaPrime(f, sqn, g.subscriber().amf(), accessNetworkIdentity));
        }
        return new EapVectors(out);
    }

    /**
     * EAP-AKA vectors for SWx MAR (RFC 4187 over TS 33.402 §8.2.2, untrusted access through an
     * ePDG): plain UMTS quintets in {@link Vectors#utran()}. Unlike EAP-AKA' nothing binds them to
     * an access network, so they carry the separation bit cleared as UTRAN vectors do
     * (TS 33.102 Annex H; TS 33.402 §6.2 sets it for EAP-AKA' only).
     */
    public Outcome eapAka(String imsi, String servingNode, int count, Optional<Resync> resync) {
        Object granted = grant(imsi, servingNode, count, resync);
        if (granted instanceof Refused refused) {
            return refused;
        }
        SqnGrant.Granted g = (SqnGrant.Granted) granted;
        Subscriber s = g.subscriber();
        AuthenticationFunctions f = functions(s);
        byte[] amf = {(byte) (s.amf()[0] & 0x7F), s.amf()[1]};
        List<UmtsVector> out = new ArrayList<>(count);
        for (long sqn : g.sqns()) {
            out.add(factories.get().utran(f, sqn, amf));
        }
        return new Vectors(List.of(), out, List.of());
    }

    /**
     * TR 33.812 §5.1.3.6.2 step 3 NOTE 1 for a caller that looks the subscriber up before asking for
     * vectors (the SWx MAR checks the subscription first, TS 29.273 §8.1.2.1.1): if the store does
     * not hold {@code imsi} and a CHTIF covers it, fetch and store it as an AIR would.
     *
     * @return empty if the store holds the credential now; else why not (UNKNOWN_USER: not covered,
     *         or the CHTIF does not know it either; UNAVAILABLE: the CHTIF failed)
     */
    public Optional<Refused> obtainIfUnknown(String imsi) {
        if (store.find(imsi).isPresent()) {
            return Optional.empty();
        }
        if (!fetch.covers(imsi)) {
            return Optional.of(new Refused(Reason.UNKNOWN_USER, "unknown IMSI"));
        }
        CredentialFetch.Outcome fetched = fetch.fetch(imsi);
        if (fetched instanceof CredentialFetch.Outcome.Unavailable u) {
            return Optional.of(new Refused(Reason.UNAVAILABLE, u.reason()));
        }
        if (fetched instanceof CredentialFetch.Outcome.Unknown) {
            return Optional.of(new Refused(Reason.UNKNOWN_USER, "unknown IMSI (the CHTIF does not know it either)"));
        }
        return Optional.empty();
    }

    /** Resync if asked, then reserve SQNs: a {@link SqnGrant.Granted} or a {@link Refused}. */
    private Object grant(String imsi, String servingNode, int count, Optional<Resync> resync) {
        if (resync.isPresent()) {
            Optional<Refused> failed = resync(imsi, resync.get());
            if (failed.isPresent()) {
                return failed.get();
            }
        }
        SqnGrant grant = store.grantVectors(imsi, policy, inds.indFor(servingNode), count, clock.instant());
        if (grant instanceof SqnGrant.Unknown && fetch.covers(imsi)) {
            // TR 33.812 §5.1.3.6.2 step 3 NOTE 1: not yet in possession of this PCID's credential, the
            // ICF obtains it from the CHTIF that issued it, stores it, then grants as for any other.
            CredentialFetch.Outcome fetched = fetch.fetch(imsi);
            if (fetched instanceof CredentialFetch.Outcome.Unavailable u) {
                return new Refused(Reason.UNAVAILABLE, u.reason());
            }
            if (fetched instanceof CredentialFetch.Outcome.Unknown) {
                return new Refused(Reason.UNKNOWN_USER, "unknown IMSI (the CHTIF does not know it either)");
            }
            grant = store.grantVectors(imsi, policy, inds.indFor(servingNode), count, clock.instant());
        }
        return outcomeOf(grant);
    }

    /** A {@link SqnGrant.Granted} as it is, any other grant outcome as its {@link Refused}. */
    private static Object outcomeOf(SqnGrant grant) {
        if (grant instanceof SqnGrant.Unknown) {
            return new Refused(Reason.UNKNOWN_USER, "unknown IMSI");
        }
        if (grant instanceof SqnGrant.NotServing ns) {
            return new Refused(Reason.NO_SUBSCRIPTION, "credential is " + ns.state());
        }
        if (grant instanceof SqnGrant.Unavailable u) {
            return new Refused(Reason.UNAVAILABLE, u.reason());
        }
        return grant;
    }

    /**
     * TS 33.102 §6.3.5: verify MAC-S in AUTS with the subscriber's keys; only a verified AUTS moves
     * SQN_HE (to SQN_MS, unless the next SQN would be accepted anyway).
     */
    private Optional<Refused> resync(String imsi, Resync resync) {
        Optional<Subscriber> s = store.find(imsi);
        if (s.isEmpty()) {
            return Optional.of(new Refused(Reason.UNKNOWN_USER, "unknown IMSI"));
        }
        OptionalLong sqnMs = Auts.recover(functions(s.get()), resync.rand(), resync.auts());
        if (sqnMs.isEmpty()) {
            return Optional.of(new Refused(Reason.UNAVAILABLE, "AUTS does not verify"));
        }
        store.resync(imsi, policy, sqnMs.getAsLong());
        return Optional.empty();
    }

    static AuthenticationFunctions functions(Subscriber s) {
        switch (s.algorithm()) {
            case MILENAGE:
                return Milenage.withOpc(s.k(), s.opc());
            case TUAK:
                return Tuak.builder().key(s.k()).topc(s.opc()).build();
            case XOR:
                return new XorTestAlgorithm(s.k());
            default:
                throw new IllegalStateException("algorithm " + s.algorithm());
        }
    }
}
