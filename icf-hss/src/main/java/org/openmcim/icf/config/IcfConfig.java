package org.openmcim.icf.config;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.openmcim.aka.sqn.SqnPolicy;
import org.openmcim.config.ConfigNode;
import org.openmcim.config.PkiFiles;

/**
 * The ICF/HSS configuration ({@code config/icf.yaml}, {@code config/lab/icf.yaml}), validated at
 * start-up: every problem names the file and key.
 *
 * @param mode       {@code icf}: the RO's Initial Connectivity Function serving PCIDs; {@code home}:
 *                   the SHO's HSS serving MCIM IMSIs (TR 33.812 step 20 onwards)
 * @param identities the Diameter identities this node answers as (NextEPC's lab: hss.localdomain
 *                   for S6a/SWx and pcrf.localdomain for Gx, on separate addresses)
 * @param peers      the only Origin-Host/Origin-Realm pairs served (DESIGN.md: "the ICF answers
 *                   only configured Diameter peers/realms")
 * @param imsiRanges IMSI prefixes (MCC+MNC or longer) served locally
 * @param sqn        SQN policy (TS 33.102 Annex C) and per-serving-node IND
 * @param profile    the subscription handed out in ULA (the restricted provisioning APN for PCIDs)
 * @param limits     back-pressure: requests in flight before 3004 DIAMETER_TOO_BUSY
 * @param watchdog   Tw of RFC 3539 §3.4.1 (DWR after this much silence)
 * @param metrics    where the Prometheus endpoint listens, if anywhere
 * @param drf        where "PCID attached at IP" goes when the DRF runs in another process (TR 33.812
 *                   §5.1.3.6.2 step 6); empty: nowhere, or to a DRF in this process
 * @param admin      the admin API's listener (issue, import, inspect, revoke PCIDs over mutual TLS); empty: none
 * @param chtif      the CHTIF asked for PCIDs of its ranges the store does not hold (TR 33.812 §5.1.3.6.2
 *                   step 3 NOTE 1); empty: an unknown PCID is 5001
 */
public record IcfConfig(Mode mode, List<Identity> identities, List<Peer> peers, List<String> imsiRanges, Sqn sqn,
                        SubscriptionProfile profile, Limits limits, Duration watchdog, Optional<InetSocketAddress> metrics,
                        Store store, List<Route> routes, Duration reconnect, Optional<Drf> drf, Optional<Admin> admin,
                        Optional<Chtif> chtif) {

    public enum Mode { ICF, HOME }

    /** The Diameter applications an identity can serve. */
    public enum Application { S6A, SWX, GX }

    /** How an identity's Diameter connections are carried (RFC 6733 §2.1): TCP, or SCTP where the kernel has it. */
    public enum Transport { TCP, SCTP }

    public record Identity(String host, String realm, InetSocketAddress listen, Set<Application> applications, Transport transport) {
        public Identity(String host, String realm, InetSocketAddress listen, Set<Application> applications) {
            this(host, realm, listen, applications, Transport.TCP);
        }
    }

    public record Peer(String host, String realm) {
    }

    /** IMSIs starting with {@code imsiPrefix} are relayed to the home HSS {@code host} at {@code connect}. */
    public record Route(String imsiPrefix, String host, String realm, InetSocketAddress connect) {
    }

    public record Sqn(SqnPolicy policy, Map<String, Integer> indByServingNode) {
    }

    /**
     * @param ioThreads the Diameter event loops shared by every listener and relay peer: each
     *                  connection is served by one of them, and AIRs granted from memory are answered
     *                  there (issue #3)
     */
    public record Limits(int maxInFlight, int workerThreads, int maxVectorsPerRequest, int ioThreads) {
        /** The loops when not configured: two, as the ICF always ran. */
        public static final int DEFAULT_IO_THREADS = 2;
    }

    /**
     * Store selection: {@code memory} (a lab; supplier CSV files from {@code imports} loaded at start)
     * or {@code hazelcast}, whose cluster, database and KEK come from the store file {@code config}.
     */
    public record Store(String type, List<Path> imports, Optional<Path> config) {
    }

    /**
     * The DRF's operator listener and how to reach it. The certificate files are recorded here and read
     * when the ICF starts (so {@code --check} needs no PKI), relative to the configuration file.
     *
     * @param url          {@code https://HOST:PORT} of the DRF's operator-listen; events go to
     *                     {@code POST /drf/v1/attach-events}
     * @param certificate  the ICF's client certificate chain (the development PKI's {@code icf})
     * @param key          its private key
     * @param roots        the DRF's server certificate must chain to one of these
     * @param queue        events held while the DRF is unreachable; beyond this, new events are dropped
     *                     and counted (the Gx answer never waits for the DRF)
     * @param retryInitial first pause after a failed delivery, doubled each time up to {@code retryMax}
     * @param maxAge       an event not delivered this long after the CCR is dropped and counted (the
     *                     DRF answers pulls only within its attach-validity anyway)
     * @param timeout      connect and request timeout of one delivery attempt
     */
    public record Drf(URI url, Path certificate, Path key, List<Path> roots, int queue, Duration retryInitial, Duration retryMax,
                      Duration maxAge, Duration timeout) {
    }

    /**
     * The admin API (docs/icf-admin-api.md): HTTPS on {@code listen}, mutual TLS. The certificate
     * files are read when the ICF starts, relative to the configuration file.
     *
     * @param certificate the ICF's server certificate chain (the development PKI's {@code icf})
     * @param roots       an administrator's client certificate must chain to one of these ...
     * @param names       ... and have one of these CNs
     * @param maxBody     largest request body (an import batch), bytes; beyond: 413
     * @param maxIssue    most PCIDs one issue request may ask for (its answer carries them all)
     * @param reissuers   CNs (under {@code roots}) allowed the re-issue route only: the RO's DRF, which
     *                    re-issues a PCID when an SHO registers a revert to the pristine state
     */
    public record Admin(InetSocketAddress listen, Path certificate, Path key, List<Path> roots, Set<String> names, int maxBody,
                        int maxIssue, Set<String> reissuers) {
        public Admin {
            reissuers = Set.copyOf(reissuers);
        }
    }

    /**
     * The CHTIF that issues the PCIDs of {@code imsiRanges} and answers for one the ICF does not hold
     * (TR 33.812 §5.1.3.6.2 step 3 NOTE 1; the IoT seed's Call Home Triple Issuing Function), over
     * HTTPS with mutual TLS: {@code GET {url}/chtif/v1/credentials/{imsi}} (docs/chtif-fetch-api.md).
     *
     * @param url         {@code https://HOST:PORT} of the CHTIF
     * @param imsiRanges  IMSI prefixes whose unknown PCIDs are fetched; each inside a locally served range
     * @param certificate the ICF's client certificate chain (the development PKI's {@code icf})
     * @param roots       the CHTIF's server certificate must chain to one of these
     * @param timeout     the whole fetch (connect, TLS, answer): past it the AIR gets 4181 and the fetch is abandoned
     * @param maxFetches  fetches in flight at once; beyond: 4181 at once rather than worker threads waiting
     * @param issuer      recorded as the issuer of fetched PCIDs (default: the URL's host)
     * @param unknownTtl  how long a CHTIF "unknown IMSI" answer is remembered (0: not at all)
     * @param unknownMax  how many such answers are remembered at most (the oldest go first)
     */
    public record Chtif(URI url, List<String> imsiRanges, Path certificate, Path key, List<Path> roots, Duration timeout,
                        int maxFetches, String issuer, Duration unknownTtl, int unknownMax) {
    }

    public static IcfConfig load(Path file) {
        return from(ConfigNode.load(file));
    }

    public static IcfConfig from(ConfigNode root) {
        Mode mode = Mode.valueOf(root.oneOf("mode", "icf", "icf", "home").toUpperCase(java.util.Locale.ROOT));

        List<Identity> identities = new ArrayList<>();
        Set<String> listenKeys = new HashSet<>();
        for (ConfigNode n : root.children("identities")) {
            String host = n.string("host");
            String realm = n.string("realm");
            InetSocketAddress listen = n.hostPort("listen");
            Transport transport = Transport.valueOf(n.oneOf("transport", "tcp", "tcp", "sctp").toUpperCase(java.util.Locale.ROOT));
            if (!listenKeys.add(transport + " " + listen.getHostString() + ":" + listen.getPort())) {
                throw n.error("listen", "two identities cannot listen on " + transport.name().toLowerCase(java.util.Locale.ROOT) + " "
                        + listen.getHostString() + ":" + listen.getPort());
            }
            Set<Application> apps = EnumSet.noneOf(Application.class);
            for (String a : n.strings("applications")) {
                try {
                    apps.add(Application.valueOf(a.toUpperCase(java.util.Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw n.error("applications", "unknown application \"" + a + "\" (s6a, swx, gx)");
                }
            }
            if (apps.isEmpty()) {
                throw n.error("applications", "at least one of s6a, swx, gx");
            }
            n.rejectUnknownKeys();
            identities.add(new Identity(host, realm, listen, Set.copyOf(apps), transport));
        }
        if (identities.isEmpty()) {
            throw root.error("identities", "at least one Diameter identity is required");
        }

        List<Peer> peers = new ArrayList<>();
        for (ConfigNode n : root.children("peers")) {
            peers.add(new Peer(n.string("host"), n.string("realm")));
            n.rejectUnknownKeys();
        }
        if (peers.isEmpty()) {
            throw root.error("peers", "at least one allowed peer is required (the ICF answers configured peers only)");
        }

        List<String> ranges = root.strings("imsi-ranges");
        for (String r : ranges) {
            if (!r.matches("[0-9]{5,15}")) {
                throw root.error("imsi-ranges", "\"" + r + "\" is not an IMSI prefix (5 to 15 digits, MCC+MNC first)");
            }
        }
        if (ranges.isEmpty()) {
            throw root.error("imsi-ranges", "at least one IMSI prefix served locally is required");
        }

        Sqn sqn = parseSqn(root.optionalChild("sqn").orElse(null));
        SubscriptionProfile profile = SubscriptionProfile.from(root.child("subscription-profile"));

        Limits limits;
        Optional<ConfigNode> ln = root.optionalChild("limits");
        if (ln.isPresent()) {
            ConfigNode n = ln.get();
            limits = new Limits((int) n.integer("max-in-flight", 1, 1_000_000, 10_000),
                    (int) n.integer("worker-threads", 0, 512, Math.max(2, Runtime.getRuntime().availableProcessors())),
                    (int) n.integer("max-vectors-per-request", 1, 32, 5),
                    (int) n.integer("io-threads", 1, 64, Limits.DEFAULT_IO_THREADS));
            n.rejectUnknownKeys();
        } else {
            limits = new Limits(10_000, Math.max(2, Runtime.getRuntime().availableProcessors()), 5, Limits.DEFAULT_IO_THREADS);
        }
        Duration watchdog = root.duration("watchdog", Duration.ofSeconds(30));
        if (watchdog.compareTo(Duration.ofSeconds(6)) < 0) {
            // RFC 3539 §3.4.1: Tw must not be set below 6 seconds.
            throw root.error("watchdog", "must be at least 6s (RFC 3539 §3.4.1), got " + watchdog.toSeconds() + "s");
        }
        Optional<InetSocketAddress> metrics = root.has("metrics") ? Optional.of(root.hostPort("metrics")) : Optional.empty();

        Store store;
        Optional<ConfigNode> sn = root.optionalChild("store");
        if (sn.isPresent()) {
            ConfigNode n = sn.get();
            String type = n.oneOf("type", "memory", "memory", "hazelcast");
            List<Path> imports = n.strings("import").stream().map(Path::of).toList();
            Optional<Path> storeFile = n.optionalString("config").map(Path::of);
            if (type.equals("hazelcast") && storeFile.isEmpty()) {
                throw n.error("config", "required for type hazelcast: the store file (e.g. config/store.yaml)");
            }
            n.rejectUnknownKeys();
            store = new Store(type, imports, storeFile);
        } else {
            store = new Store("memory", List.of(), Optional.empty());
        }
        List<Route> routes = new ArrayList<>();
        for (ConfigNode n : root.children("routes")) {
            String prefix = n.string("imsi-prefix");
            if (!prefix.matches("[0-9]{5,15}")) {
                throw n.error("imsi-prefix", "\"" + prefix + "\" is not an IMSI prefix (5 to 15 digits)");
            }
            for (String r : ranges) {
                if (prefix.startsWith(r) || r.startsWith(prefix)) {
                    throw n.error("imsi-prefix", prefix + " overlaps the locally served range " + r);
                }
            }
            routes.add(new Route(prefix, n.string("host"), n.string("realm"), n.hostPort("connect")));
            n.rejectUnknownKeys();
        }
        Duration reconnect = root.duration("reconnect", Duration.ofSeconds(5));
        Optional<Drf> drf = Optional.empty();
        Optional<ConfigNode> dn = root.optionalChild("drf");
        if (dn.isPresent()) {
            if (mode != Mode.ICF) {
                throw root.error("drf", "only the RO's ICF (mode: icf) reports PCIDs attached; an SHO's HSS serves no PCIDs");
            }
            if (identities.stream().noneMatch(i -> i.applications().contains(Application.GX))) {
                // TR 33.812 step 6: the ICF learns "PCID attached at IP" from Gx CCR-Initial only.
                throw root.error("drf", "no identity serves gx, so there would be no attach event to deliver");
            }
            drf = Optional.of(parseDrf(dn.get()));
        }
        Optional<Admin> admin = Optional.empty();
        Optional<ConfigNode> an = root.optionalChild("admin");
        if (an.isPresent()) {
            if (mode != Mode.ICF) {
                throw root.error("admin", "the admin API issues and imports PCIDs: only the RO's ICF (mode: icf) has one");
            }
            admin = Optional.of(parseAdmin(an.get()));
        }
        Optional<Chtif> chtif = Optional.empty();
        Optional<ConfigNode> cn = root.optionalChild("chtif");
        if (cn.isPresent()) {
            if (mode != Mode.ICF) {
                throw root.error("chtif", "only the RO's ICF (mode: icf) serves PCIDs; an SHO's HSS has no CHTIF");
            }
            chtif = Optional.of(parseChtif(cn.get(), ranges));
        }
        if (limits.workerThreads() == 0 && (!store.type().equals("memory") || chtif.isPresent())) {
            // No blocking call on an event-loop thread (issue #3): a Hazelcast or database call and a
            // CHTIF fetch can block, so only the in-memory store answers on the event loops.
            throw root.error("limits", "worker-threads: 0 (answer on the Diameter event loops) needs store type memory and no chtif");
        }
        root.rejectUnknownKeys();
        return new IcfConfig(mode, List.copyOf(identities), List.copyOf(peers), List.copyOf(ranges), sqn, profile, limits,
                watchdog, metrics, store, List.copyOf(routes), reconnect, drf, admin, chtif);
    }

    /**
     * {@code https://HOST:PORT} and nothing else: the paths behind it are fixed by the API, so a path
     * here is a mistake (a copied endpoint URL) rather than something to append to.
     */
    private static URI httpsBase(ConfigNode n, String key, String what, String fixedPath) {
        return n.parsed(key, v -> {
            URI u = URI.create(v);
            if (!"https".equals(u.getScheme()) || u.getHost() == null) {
                throw new IllegalArgumentException("expected https://HOST:PORT (" + what + "), got \"" + v + "\"");
            }
            if (u.getRawUserInfo() != null || u.getRawQuery() != null || u.getRawFragment() != null
                    || !(u.getRawPath() == null || u.getRawPath().isEmpty() || u.getRawPath().equals("/"))) {
                throw new IllegalArgumentException("give only https://HOST:PORT; the path " + fixedPath + " is fixed, got \"" + v + "\"");
            }
            return u;
        });
    }

    private static Admin parseAdmin(ConfigNode n) {
        InetSocketAddress listen = n.hostPort("listen");
        ConfigNode tls = n.child("tls");
        Path certificate = Path.of(tls.string("certificate"));
        Path key = Path.of(tls.string("key"));
        tls.rejectUnknownKeys();
        List<Path> roots = PkiFiles.rootFiles(n, "roots");
        List<String> names = n.strings("names");
        if (names.isEmpty()) {
            throw n.error("names", "at least one administrator CN (a certificate from the roots with another CN gets 403)");
        }
        int maxBody = (int) n.integer("max-body", 1024, 256L << 20, 16L << 20);
        int maxIssue = (int) n.integer("max-issue", 1, 1_000_000, 100_000);
        List<String> reissuers = n.has("reissuers") ? n.strings("reissuers") : List.of();
        for (String r : reissuers) {
            if (names.contains(r)) {
                throw n.error("reissuers", r + " is an administrator already (names); list here only CNs limited to re-issuing");
            }
        }
        n.rejectUnknownKeys();
        return new Admin(listen, certificate, key, roots, Set.copyOf(names), maxBody, maxIssue, Set.copyOf(reissuers));
    }

    private static Chtif parseChtif(ConfigNode n, List<String> served) {
        URI url = httpsBase(n, "url", "the CHTIF", "/chtif/v1/credentials/{imsi}");
        List<String> ranges = n.strings("imsi-ranges");
        if (ranges.isEmpty()) {
            throw n.error("imsi-ranges", "at least one IMSI prefix whose PCIDs the CHTIF issues");
        }
        for (String r : ranges) {
            if (!r.matches("[0-9]{5,15}")) {
                throw n.error("imsi-ranges", "\"" + r + "\" is not an IMSI prefix (5 to 15 digits, MCC+MNC first)");
            }
            // A PCID outside the served ranges is refused (5001) before its credential is looked for.
            if (served.stream().noneMatch(r::startsWith)) {
                throw n.error("imsi-ranges", r + " is not inside a locally served range (imsi-ranges: " + served + ")");
            }
        }
        ConfigNode tls = n.child("tls");
        Path certificate = Path.of(tls.string("certificate"));
        Path key = Path.of(tls.string("key"));
        tls.rejectUnknownKeys();
        List<Path> roots = PkiFiles.rootFiles(n, "roots");
        Duration timeout = n.duration("timeout", Duration.ofSeconds(2));
        // The MME is waiting for the AIA: a fetch longer than its Diameter request timer (a few
        // seconds; RFC 6733 §5.5 leaves it to the implementation) only holds a worker.
        if (timeout.compareTo(Duration.ofMillis(100)) < 0 || timeout.compareTo(Duration.ofSeconds(30)) > 0) {
            throw n.error("timeout", "must be 100ms..30s, got " + timeout.toMillis() + "ms");
        }
        int maxFetches = (int) n.integer("max-fetches", 1, 1024, 16);
        String issuer = n.string("issuer", url.getHost());
        if (!issuer.matches("[A-Za-z0-9._\\-]{1,64}")) {
            throw n.error("issuer", "must be 1-64 letters, digits, '.', '_' or '-'");
        }
        // A flood of AIRs/MARs for a PCID nobody issued would otherwise reach the CHTIF each time; a
        // PCID the CHTIF issues later is fetched once the TTL is over (or at once if imported meanwhile).
        Duration unknownTtl = n.duration("unknown-ttl", Duration.ofSeconds(30));
        if (unknownTtl.isNegative() || unknownTtl.compareTo(Duration.ofHours(1)) > 0) {
            throw n.error("unknown-ttl", "must be 0s..1h, got " + unknownTtl);
        }
        int unknownMax = (int) n.integer("unknown-max", 0, 1_000_000, 10_000);
        n.rejectUnknownKeys();
        return new Chtif(url, List.copyOf(ranges), certificate, key, roots, timeout, maxFetches, issuer, unknownTtl, unknownMax);
    }

    private static Drf parseDrf(ConfigNode n) {
        URI url = httpsBase(n, "url", "the DRF's operator-listen", "/drf/v1/attach-events");
        ConfigNode tls = n.child("tls");
        Path certificate = Path.of(tls.string("certificate"));
        Path key = Path.of(tls.string("key"));
        tls.rejectUnknownKeys();
        List<Path> roots = PkiFiles.rootFiles(n, "roots");
        int queue = (int) n.integer("queue", 1, 1_000_000, 10_000);
        Duration initial = Duration.ofMillis(200);
        Duration max = Duration.ofSeconds(30);
        Optional<ConfigNode> rn = n.optionalChild("retry");
        if (rn.isPresent()) {
            ConfigNode r = rn.get();
            initial = r.duration("initial", initial);
            max = r.duration("max", max);
            if (initial.isZero() || initial.isNegative()) {
                throw r.error("initial", "must be positive");
            }
            if (max.compareTo(initial) < 0 || max.compareTo(Duration.ofHours(1)) > 0) {
                throw r.error("max", "must lie between retry.initial (" + initial.toMillis() + "ms) and 1h");
            }
            r.rejectUnknownKeys();
        }
        Duration maxAge = n.duration("max-age", Duration.ofHours(1));
        if (maxAge.isZero() || maxAge.isNegative()) {
            throw n.error("max-age", "must be positive");
        }
        Duration timeout = n.duration("timeout", Duration.ofSeconds(5));
        if (timeout.isZero() || timeout.isNegative() || timeout.compareTo(Duration.ofMinutes(5)) > 0) {
            throw n.error("timeout", "must be positive and at most 5m");
        }
        n.rejectUnknownKeys();
        return new Drf(url, certificate, key, roots, queue, initial, max, maxAge, timeout);
    }

    private static Sqn parseSqn(ConfigNode n) {
        if (n == null) {
            return new Sqn(SqnPolicy.DEFAULT, Map.of());
        }
        int indBits = (int) n.integer("ind-bits", 0, 10, 5);
        long delta = n.integer("delta", 1, 1L << 43, 1L << 28);
        SqnPolicy policy = new SqnPolicy(indBits, delta, Long.MAX_VALUE);
        Map<String, Integer> ind = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : n.stringMap("ind").entrySet()) {
            int v;
            try {
                v = Integer.parseInt(e.getValue());
            } catch (NumberFormatException ex) {
                throw n.error("ind." + e.getKey(), "expected an integer, got \"" + e.getValue() + "\"");
            }
            if (v < 0 || v >= policy.indCount()) {
                throw n.error("ind." + e.getKey(), "IND must be 0.." + (policy.indCount() - 1) + ", got " + v);
            }
            ind.put(e.getKey(), v);
        }
        n.rejectUnknownKeys();
        return new Sqn(policy, Map.copyOf(ind));
    }

    /** Whether {@code imsi} falls in a locally served range. */
    public boolean servesLocally(String imsi) {
        for (String r : imsiRanges) {
            if (imsi.startsWith(r)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code imsi} belongs to a range relayed to a home HSS ({@code routes}): an MCIM of an SHO. */
    public boolean isRelayed(String imsi) {
        for (Route r : routes) {
            if (imsi.startsWith(r.imsiPrefix())) {
                return true;
            }
        }
        return false;
    }

    /** The configured peer with this identity, if any. */
    public boolean isAllowedPeer(String host, String realm) {
        for (Peer p : peers) {
            if (p.host().equalsIgnoreCase(host) && p.realm().equalsIgnoreCase(realm)) {
                return true;
            }
        }
        return false;
    }
}
