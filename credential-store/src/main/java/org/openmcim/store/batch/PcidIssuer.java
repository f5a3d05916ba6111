package org.openmcim.store.batch;

import java.io.IOException;
import java.io.Writer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.openmcim.aka.AuthenticationFunctions.Algorithm;
import org.openmcim.aka.Hex;
import org.openmcim.store.CredentialState;
import org.openmcim.store.CredentialStore;
import org.openmcim.store.Subscriber;
import org.openmcim.store.SubscriberKind;

/**
 * The CHTIF's batch issuance (IoT seed, "Call Home Triple Issuing Function", pre-provisioned
 * mode): N PCIDs in IMSI format under the given MCC+MNC prefixes (TS 23.003 §2.2), each with a
 * fresh K and OPc from the injected SecureRandom, stored all or nothing, then written as the
 * supplier's batch CSV ({@code imsi,k,opc,amf,sqn,algorithm,lifetime}) so the devices can be
 * personalised with the same credentials.
 */
public final class PcidIssuer {
    public static final String CSV_HEADER = "imsi,k,opc,amf,sqn,algorithm,lifetime";
    private static final int MAX_ATTEMPTS = 3;

    private final CredentialStore store;
    private final SecureRandom random;
    private final Clock clock;

    public PcidIssuer(CredentialStore store, SecureRandom random, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * What to issue; {@code ranges} are MCC+MNC prefixes of 5 or 6 digits, used in turn. No IMSI is
     * drawn under an {@code excluded} prefix (a CHTIF's range inside the PLMN: those IMSIs are its
     * to issue); a range wholly inside one is refused.
     */
    public record Request(int count, List<String> ranges, byte[] amf, Duration lifetime, String issuer, String profile,
                          List<String> excluded) {
        public Request {
            if (count < 1 || count > 10_000_000) {
                throw new IllegalArgumentException("count must be 1..10000000, got " + count);
            }
            if (ranges == null || ranges.isEmpty()) {
                throw new IllegalArgumentException("at least one MCC+MNC range is needed");
            }
            for (String r : ranges) {
                if (r == null || !r.matches("\\d{5,6}")) {
                    throw new IllegalArgumentException("range must be MCC+MNC, 5 or 6 digits (TS 23.003 §2.2), got '" + r + "'");
                }
            }
            ranges = List.copyOf(ranges);
            excluded = List.copyOf(excluded);
            for (String r : ranges) {
                for (String e : excluded) {
                    if (r.startsWith(e)) {
                        throw new IllegalArgumentException("range " + r + " lies inside the excluded prefix " + e);
                    }
                }
            }
            if (amf == null || amf.length != 2) {
                throw new IllegalArgumentException("AMF must be 2 bytes");
            }
        }

        /** Nothing excluded. */
        public Request(int count, List<String> ranges, byte[] amf, Duration lifetime, String issuer, String profile) {
            this(count, ranges, amf, lifetime, issuer, profile, List.of());
        }
    }

    /**
     * Issues and stores the PCIDs (MILENAGE, SQN 0, state ISSUED). MSINs are random, so a draw may
     * hit an IMSI that exists: such IMSIs are redrawn before the insert.
     */
    public List<Subscriber> issue(Request req) {
        for (int attempt = 1; ; attempt++) {
            Map<String, Subscriber> batch = new LinkedHashMap<>();
            int i = 0;
            while (batch.size() < req.count()) {
                String range = req.ranges().get(i++ % req.ranges().size());
                String imsi = range + msin(15 - range.length());
                if (batch.containsKey(imsi) || excluded(imsi, req)) {
                    continue;
                }
                batch.put(imsi, newPcid(imsi, req));
            }
            Set<String> taken = store.existing(batch.keySet());
            while (!taken.isEmpty()) {
                for (String imsi : taken) {
                    batch.remove(imsi);
                }
                List<String> fresh = new ArrayList<>();
                while (batch.size() < req.count()) {
                    String range = req.ranges().get(i++ % req.ranges().size());
                    String imsi = range + msin(15 - range.length());
                    if (!batch.containsKey(imsi) && !excluded(imsi, req)) {
                        batch.put(imsi, newPcid(imsi, req));
                        fresh.add(imsi);
                    }
                }
                taken = store.existing(fresh);
            }
            try {
                store.insertAll(batch.values());
                return List.copyOf(batch.values());
            } catch (IllegalArgumentException e) {
                if (attempt == MAX_ATTEMPTS) {
                    throw e; // someone keeps issuing into the same ranges at the same time
                }
            }
        }
    }

    /**
     * A renewed initial credential for {@code oldPcid} (TR 33.812 §5.1.3.7.4.3 NOTE 2): a new PCID
     * under {@code range} with a fresh K and OPc, the old PCID's AMF, stored and recorded as its
     * renewal awaiting delivery ({@link CredentialStore#issueRenewal}). Nothing is written for a
     * supplier: the credential reaches the device only sealed to its TRE, in the next MCIM package.
     *
     * @throws IllegalArgumentException if the store refuses (unknown old PCID, renewal pending), or
     *                                  three draws in a row hit IMSIs stored meanwhile
     */
    public Subscriber renew(String oldPcid, String range, Duration lifetime, String issuer, String profile, List<String> excluded) {
        Subscriber old = store.find(oldPcid).orElseThrow(() -> new IllegalArgumentException("PCID " + oldPcid + " is not in the store"));
        Request req = new Request(1, List.of(range), old.amf(), lifetime, issuer, profile, excluded);
        for (int attempt = 1; ; attempt++) {
            String imsi;
            do {
                imsi = range + msin(15 - range.length());
            } while (excluded(imsi, req) || imsi.equals(oldPcid) || !store.existing(List.of(imsi)).isEmpty());
            Subscriber fresh = newPcid(imsi, req);
            try {
                store.issueRenewal(oldPcid, fresh, clock.instant());
                return fresh;
            } catch (IllegalArgumentException e) {
                if (attempt == MAX_ATTEMPTS || store.find(imsi).isEmpty()) {
                    throw e; // not a collision on the new IMSI: the store's reason stands
                }
            }
        }
    }

    private static boolean excluded(String imsi, Request req) {
        for (String e : req.excluded()) {
            if (imsi.startsWith(e)) {
                return true;
            }
        }
        return false;
    }

    private Subscriber newPcid(String imsi, Request req) {
        byte[] k = new byte[16];
        byte[] opc = new byte[16];
        random.nextBytes(k);
        random.nextBytes(opc);
        return new Subscriber(imsi, SubscriberKind.PCID, Algorithm.MILENAGE, k, opc, req.amf().clone(), 0,
                CredentialState.ISSUED, clock.instant(), req.lifetime(), req.issuer(), req.profile(), null);
    }

    private String msin(int digits) {
        char[] c = new char[digits];
        for (int d = 0; d < digits; d++) {
            c[d] = (char) ('0' + random.nextInt(10));
        }
        return new String(c);
    }

    /** The supplier's batch file: this carries clear K/OPc, so the caller writes it owner-only. */
    public static void writeCsv(List<Subscriber> subs, Writer out) throws IOException {
        out.write(CSV_HEADER);
        out.write('\n');
        for (Subscriber s : subs) {
            out.write(String.join(",", batchFields(s).values()));
            out.write('\n');
        }
    }

    /**
     * One subscriber as the columns of {@link #CSV_HEADER}, in that order: a batch line, and the
     * members of the same credential in JSON (the admin API's issue answer, a CHTIF's fetch
     * answer), so every form carries the same text. Clear K/OPc: for the supplier only.
     */
    public static Map<String, String> batchFields(Subscriber s) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("imsi", s.imsi());
        f.put("k", Hex.encode(s.k()));
        f.put("opc", Hex.encode(s.opc()));
        f.put("amf", Hex.encode(s.amf()));
        f.put("sqn", String.format("%012x", s.sqnHe()));
        f.put("algorithm", s.algorithm().name());
        f.put("lifetime", s.lifetime() == null ? "" : s.lifetime().toString());
        return f;
    }
}
