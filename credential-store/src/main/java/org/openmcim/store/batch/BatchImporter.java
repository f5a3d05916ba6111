package org.openmcim.store.batch;

import java.io.BufferedReader;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

import org.openmcim.aka.AuthenticationFunctions.Algorithm;
import org.openmcim.store.CredentialState;
import org.openmcim.store.CredentialStore;
import org.openmcim.store.Imsi;
import org.openmcim.store.Subscriber;
import org.openmcim.store.SubscriberKind;

/**
 * Imports a supplier's PCID batch (the CCIF/CHTIF side of the IoT seed: credentials generated
 * by the M2ME supplier and handed to the registration operator). CSV, one subscriber per line,
 * header required: {@code imsi,k,opc} and optionally {@code amf,sqn,algorithm,lifetime}, in any
 * order. K, OPc, AMF and SQN are hex (SQN up to 12 digits, 48 bits); lifetime is an ISO-8601
 * duration such as {@code P365D}. No quoting: none of the fields can contain a comma.
 *
 * <p>All or nothing: every bad line is reported with its line number, and if there is any,
 * nothing from the file is stored; otherwise one {@link CredentialStore#insertAll}, which stores all
 * or none (and, in the Hazelcast store, commits them in one database transaction, so a process that
 * dies during the import leaves none of the file behind).
 */
public final class BatchImporter {
    static final List<String> REQUIRED = List.of("imsi", "k", "opc");
    static final List<String> OPTIONAL = List.of("amf", "sqn", "algorithm", "lifetime");

    private final CredentialStore store;
    private final Clock clock;
    private final Defaults defaults;

    /** Values for columns a file leaves out, and the record fields a file never carries. */
    public record Defaults(byte[] amf, Algorithm algorithm, Duration lifetime, String issuer, String profile) {
        public Defaults {
            Objects.requireNonNull(amf, "amf");
            Objects.requireNonNull(algorithm, "algorithm");
        }

        public static Defaults of(String issuer, String profile) {
            return new Defaults(new byte[] {(byte) 0x80, 0}, Algorithm.MILENAGE, Duration.ofDays(365), issuer, profile);
        }
    }

    /** What happened: how many were stored, or why none were. */
    public record Report(int imported, List<LineError> errors) {
        public boolean ok() {
            return errors.isEmpty();
        }

        /** Whether every problem is an IMSI the store holds already (the file itself is well formed). */
        public boolean onlyExisting() {
            return !errors.isEmpty() && errors.stream().allMatch(e -> e.kind() == LineError.Kind.EXISTS);
        }
    }

    public BatchImporter(CredentialStore store, Clock clock, Defaults defaults) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.defaults = Objects.requireNonNull(defaults, "defaults");
    }

    public Report importCsv(BufferedReader in) throws IOException {
        List<LineError> errors = new ArrayList<>();
        String header = in.readLine();
        if (header == null) {
            return new Report(0, List.of(new LineError(1, "empty file: expected a header with imsi,k,opc")));
        }
        Map<String, Integer> col = new HashMap<>();
        String[] names = header.strip().split(",", -1);
        for (int i = 0; i < names.length; i++) {
            String n = names[i].strip().toLowerCase(Locale.ROOT);
            if (!REQUIRED.contains(n) && !OPTIONAL.contains(n)) {
                errors.add(new LineError(1, "unknown column '" + names[i].strip() + "' (known: imsi,k,opc,amf,sqn,algorithm,lifetime)"));
            } else if (col.put(n, i) != null) {
                errors.add(new LineError(1, "column '" + n + "' appears twice"));
            }
        }
        for (String r : REQUIRED) {
            if (!col.containsKey(r)) {
                errors.add(new LineError(1, "missing required column '" + r + "'"));
            }
        }
        if (!errors.isEmpty()) {
            return new Report(0, errors);
        }

        // Lines are read in blocks; the lines of a block are checked and decoded in parallel (hex,
        // lengths, durations: most of a large file's parsing), then taken in file order, so the
        // duplicate check and the errors are exactly those of one pass over the file.
        Map<String, Integer> firstLine = new HashMap<>();
        List<Subscriber> batch = new ArrayList<>();
        int lineNo = 1;
        List<String> block = new ArrayList<>(PARSE_BLOCK);
        boolean more = true;
        while (more) {
            block.clear();
            String line;
            while (block.size() < PARSE_BLOCK && (line = in.readLine()) != null) {
                block.add(line);
            }
            more = block.size() == PARSE_BLOCK;
            int first = lineNo + 1;
            List<Parsed> parsed = java.util.stream.IntStream.range(0, block.size()).parallel()
                    .mapToObj(i -> parse(block.get(i), names.length, col)).toList();
            for (int i = 0; i < parsed.size(); i++) {
                lineNo = first + i;
                Parsed p = parsed.get(i);
                if (p == null) {
                    continue; // blank line
                }
                List<String> problems = p.problems();
                if (p.imsi() != null) {
                    Integer dup = firstLine.putIfAbsent(p.imsi(), lineNo);
                    if (dup != null && Imsi.isValid(p.imsi())) {
                        problems = new ArrayList<>(problems);
                        problems.add("IMSI " + p.imsi() + " duplicates line " + dup);
                    }
                }
                if (!problems.isEmpty()) {
                    errors.add(new LineError(lineNo, String.join("; ", problems)));
                } else if (p.subscriber() != null) {
                    batch.add(p.subscriber()); // its first line is firstLine's (a later one is a duplicate)
                }
            }
            lineNo = first + block.size() - 1;
        }
        if (lineNo == 1) {
            errors.add(new LineError(1, "no subscriber lines after the header"));
        }
        if (errors.isEmpty()) {
            // No look-up before the insert: the store refuses the whole batch if any IMSI exists
            // (its primary key is the guard), and only then are the existing ones looked up, for
            // their line numbers. A pass of IN queries over a million IMSIs that are almost always
            // new was a second or more of every large import.
            try {
                store.insertAll(batch);
                return new Report(batch.size(), List.of());
            } catch (IllegalArgumentException e) {
                if (!existingLines(batch, firstLine, errors)) {
                    // Stored and removed again between the insert and the look-up: still nothing stored.
                    return new Report(0, List.of(new LineError(0, e.getMessage(), LineError.Kind.EXISTS)));
                }
            }
        } else {
            existingLines(batch, firstLine, errors); // refused anyway; say everything that is wrong at once
        }
        errors.sort((a, b) -> Integer.compare(a.line(), b.line()));
        return new Report(0, errors);
    }

    /** Adds an EXISTS error per IMSI of {@code batch} the store holds; returns whether there was any. */
    private boolean existingLines(List<Subscriber> batch, Map<String, Integer> lineOf, List<LineError> errors) {
        Set<String> existing = store.existing(batch.stream().map(Subscriber::imsi).toList());
        for (String imsi : existing) {
            errors.add(new LineError(lineOf.get(imsi), "IMSI " + imsi + " already exists in the store", LineError.Kind.EXISTS));
        }
        return !existing.isEmpty();
    }

    /** Lines per block of {@link #importCsv}: enough to keep both cores busy, small enough to hold. */
    private static final int PARSE_BLOCK = 8192;

    /** One non-blank line: its IMSI field (null if the line has the wrong field count), the subscriber or its problems. */
    private record Parsed(String imsi, Subscriber subscriber, List<String> problems) {
    }

    /** One line on its own (no duplicate check: that needs the lines before it); null if blank. */
    private Parsed parse(String line, int fields, Map<String, Integer> col) {
        if (line.isBlank()) {
            return null;
        }
        String[] f = line.split(",", -1);
        if (f.length != fields) {
            return new Parsed(null, null, List.of("expected " + fields + " fields, found " + f.length));
        }
        List<String> problems = new ArrayList<>(0);
        Subscriber s = subscriber(name -> col.containsKey(name) ? f[col.get(name)] : null, problems);
        return new Parsed(f[col.get("imsi")].strip(), s, problems);
    }

    /**
     * One subscriber from the batch columns by name ({@code imsi,k,opc} and optionally
     * {@code amf,sqn,algorithm,lifetime}), with the rules and defaults of a batch line: the CSV
     * importer's per-line parser, and what the ICF applies to a credential fetched from a CHTIF
     * (TR 33.812 §5.1.3.6.2 step 3 NOTE 1), so both admit exactly the same credentials. Nothing is
     * stored.
     *
     * @param field    the text of a column, or null where the source has none (the default applies;
     *                 a missing imsi, k or opc is a problem)
     * @param problems gets one sentence per problem, never a key's value
     * @return the subscriber (ISSUED, issued now, SQN 0 unless given), or null if there were problems
     */
    public Subscriber subscriber(Function<String, String> field, List<String> problems) {
        int before = problems.size();
        for (String r : REQUIRED) {
            if (field.apply(r) == null) {
                problems.add("missing " + r);
            }
        }
        if (problems.size() > before) {
            return null;
        }
        String imsi = field.apply("imsi").strip();
        if (!Imsi.isValid(imsi)) {
            problems.add("IMSI must be 14 or 15 decimal digits, got '" + imsi + "'");
        }
        Algorithm algorithm = defaults.algorithm();
        if (field.apply("algorithm") != null) {
            String a = field.apply("algorithm").strip();
            try {
                algorithm = Algorithm.valueOf(a.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problems.add("unknown algorithm '" + a + "' (MILENAGE, TUAK or XOR)");
                algorithm = null;
            }
        }
        // Lengths by algorithm (TS 35.206 Milenage K/OPc 128 bits; TS 35.231 TUAK K 128/256, TOPc 256).
        byte[] k = hex(field.apply("k"), "K", algorithm == Algorithm.TUAK ? new int[] {16, 32} : new int[] {16}, problems);
        byte[] opc = hex(field.apply("opc"), "OPc", algorithm == Algorithm.TUAK ? new int[] {32} : new int[] {16}, problems);
        byte[] amf = field.apply("amf") != null ? hex(field.apply("amf"), "AMF", new int[] {2}, problems) : defaults.amf().clone();
        long sqn = 0;
        if (field.apply("sqn") != null) {
            String t = field.apply("sqn").strip();
            if (t.isEmpty() || t.length() > 12 || !isHex(t)) {
                problems.add("SQN must be 1-12 hex digits (48 bits), got '" + t + "'");
            } else {
                sqn = Long.parseLong(t, 16);
            }
        }
        Duration lifetime = defaults.lifetime();
        if (field.apply("lifetime") != null) {
            String t = field.apply("lifetime").strip();
            try {
                lifetime = Duration.parse(t);
                if (lifetime.isNegative() || lifetime.isZero()) {
                    problems.add("lifetime must be positive, got '" + t + "'");
                }
            } catch (DateTimeParseException e) {
                problems.add("lifetime must be an ISO-8601 duration such as P365D, got '" + t + "'");
            }
        }
        if (problems.size() > before || algorithm == null) {
            return null;
        }
        return new Subscriber(imsi, SubscriberKind.PCID, algorithm, k, opc, amf, sqn, CredentialState.ISSUED,
                clock.instant(), lifetime, defaults.issuer(), defaults.profile(), null);
    }

    /**
     * Only hex digits (or empty). A loop rather than {@code String.matches}, which compiled its
     * pattern on every call: three to four fields per line made it a tenth of a 1M-line import.
     */
    private static boolean isHex(String t) {
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                return false;
            }
        }
        return true;
    }

    /** Hex of one of the allowed byte lengths; the message never repeats a key's value. */
    private static byte[] hex(String field, String name, int[] lengths, List<String> problems) {
        String t = field.strip();
        if (!isHex(t) || t.length() % 2 != 0) {
            problems.add(name + " is not hex");
            return null;
        }
        for (int len : lengths) {
            if (t.length() == 2 * len) {
                return org.openmcim.aka.Hex.decode(t);
            }
        }
        StringBuilder want = new StringBuilder();
        for (int len : lengths) {
            want.append(want.length() == 0 ? "" : " or ").append(len);
        }
        problems.add(name + " must be " + want + " bytes, got " + t.length() / 2.0 + "");
        return null;
    }
}
