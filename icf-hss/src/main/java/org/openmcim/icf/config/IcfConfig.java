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
 */
public record IcfConfig(Mode mode, List<Identity> identities, List<Peer> peers, List<String> imsiRanges, Sqn sqn,
                        SubscriptionProfile profile, Limits limits, Duration watchdog, Optional<InetSocketAddress> metrics,
                        Store store, List<Route> routes, Duration reconnect, Optional<Drf> drf) {

    public enum Mode { ICF, HOME }

    /** The Diameter applications an identity can serve. */
    public enum Application { S6A, SWX, GX }

    public record Identity(String host, String realm, InetSocketAddress listen, Set<Application> applications) {
    }

    public record Peer(String host, String realm) {
    }

    /** IMSIs starting with {@code imsiPrefix} are relayed to the home HSS {@code host} at {@code connect}. */
    public record Route(String imsiPrefix, String host, String realm, InetSocketAddress connect) {
    }

    public record Sqn(SqnPolicy policy, Map<String, Integer> indByServingNode) {
    }

    public record Limits(int maxInFlight, int workerThreads, int maxVectorsPerRequest) {
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
            if (!listenKeys.add(listen.getHostString() + ":" + listen.getPort())) {
                throw n.error("listen", "two identities cannot listen on " + listen.getHostString() + ":" + listen.getPort());
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
            identities.add(new Identity(host, realm, listen, Set.copyOf(apps)));
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
                    (int) n.integer("worker-threads", 1, 512, Math.max(2, Runtime.getRuntime().availableProcessors())),
                    (int) n.integer("max-vectors-per-request", 1, 32, 5));
            n.rejectUnknownKeys();
        } else {
            limits = new Limits(10_000, Math.max(2, Runtime.getRuntime().availableProcessors()), 5);
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
        root.rejectUnknownKeys();
        return new IcfConfig(mode, List.copyOf(identities), List.copyOf(peers), List.copyOf(ranges), sqn, profile, limits,
                watchdog, metrics, store, List.copyOf(routes), reconnect, drf);
    }

    private static Drf parseDrf(ConfigNode n) {
        URI url = n.parsed("url", v -> {
            URI u = URI.create(v);
            if (!"https".equals(u.getScheme()) || u.getHost() == null) {
                throw new IllegalArgumentException("expected https://HOST:PORT (the DRF's operator-listen), got \"" + v + "\"");
            }
            if (u.getRawUserInfo() != null || u.getRawQuery() != null || u.getRawFragment() != null
                    || !(u.getRawPath() == null || u.getRawPath().isEmpty() || u.getRawPath().equals("/"))) {
                throw new IllegalArgumentException("give only https://HOST:PORT; the path /drf/v1/attach-events is fixed, got \"" + v + "\"");
            }
            return u;
        });
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
