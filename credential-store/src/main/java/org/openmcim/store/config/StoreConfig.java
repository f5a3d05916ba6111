package org.openmcim.store.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.openmcim.aka.Hex;
import org.openmcim.aka.sqn.SqnPolicy;
import org.openmcim.config.ConfigException;
import org.openmcim.config.ConfigNode;
import org.openmcim.store.KeyCipher;
import org.openmcim.store.hazelcast.ClusterSettings;
import org.openmcim.store.hazelcast.DatabaseSettings;
import org.openmcim.store.hazelcast.SqnBlocks;
import org.openmcim.store.hazelcast.SqnLease;

/**
 * The store's YAML configuration ({@code config/store.yaml}), one typed record validated at
 * start-up; every problem is reported with the file, the key and what is wrong (STYLE.md point 8).
 *
 * <p>Read through {@link ConfigNode} like every other service's configuration: kebab-case keys
 * ({@code backup-count}, {@code password-env}, {@code pool-size}, {@code ind-bits}), unknown keys
 * rejected by name, errors as {@link ConfigException}. {@link #from(ConfigNode)} parses a node
 * rather than a file, so a service can embed a {@code store:} section in its own file and get the
 * same validation, with key paths such as {@code store.cluster.port} in its messages.
 *
 * <p>Value problems (ports, counts, URL, KEK source...) are collected and reported together, so
 * one edit-and-retry fixes them all; a misspelt key or a value of the wrong type stops at once.
 */
public record StoreConfig(Cluster cluster, Database database, Kek kek, Sqn sqn, String issuer, String profile) {

    /** @param members host:port of every member; @param backupCount synchronous backups (≥ 1) */
    public record Cluster(String name, String bind, Integer port, List<String> members, Integer backupCount) {
    }

    /** @param passwordEnv name of the environment variable holding the password (never the password itself) */
    public record Database(String url, String user, String passwordEnv, Integer poolSize, String table) {
    }

    /** Exactly one of {@code file} (64 hex digits inside) or {@code env} (variable name). */
    public record Kek(String file, String env) {
    }

    /**
     * @param indBits IND bits of SQN (TS 33.102 C.3.2), 0..10
     * @param lease   L, SEQ values granted from the cluster's memory per database commit
     *                ({@link SqnLease}), 0..{@link SqnLease#MAX}; 0 writes every grant through
     * @param block   B, SEQ values a member reserves per subscriber and grants from its own memory
     *                ({@link SqnBlocks}), 0..{@link SqnBlocks#MAX}; 0 (the default) grants every SQN
     *                through the cluster
     * @param blockValidity how long a member grants from a block after asking for it, 1 s..10 min
     *                (default 10 s)
     */
    public record Sqn(Integer indBits, Integer lease, Integer block, Duration blockValidity) {
    }

    /** Defaults for keys left out. */
    public static final String DEFAULT_DB_URL = "jdbc:h2:file:./.work/store/credentials";
    private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9.\\-]+:\\d{1,5}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._\\-]{1,64}");

    private static final List<String> TOP_KEYS = List.of("cluster", "database", "kek", "sqn", "issuer", "profile");
    private static final List<String> CLUSTER_KEYS = List.of("name", "bind", "port", "members", "backup-count");
    private static final List<String> DATABASE_KEYS = List.of("url", "user", "password-env", "pool-size", "table");
    private static final List<String> KEK_KEYS = List.of("file", "env");
    private static final List<String> SQN_KEYS = List.of("ind-bits", "lease", "block", "block-validity");

    /** Reads and validates {@code file}. @throws ConfigException naming file, key and problem */
    public static StoreConfig load(Path file) {
        return from(ConfigNode.load(file));
    }

    /**
     * Reads and validates a store section: the top of {@code config/store.yaml}, or a section of
     * another service's file (e.g. the ICF's {@code store:}). Keys the caller has already read
     * from {@code node} (its own selectors such as {@code type}) count as known.
     *
     * @throws ConfigException naming file, key path and problem
     */
    public static StoreConfig from(ConfigNode node) {
        // A document with none of our keys is almost certainly the wrong file (or an empty one):
        // say so instead of complaining about the KEK alone. Unknown keys are reported first.
        boolean any = TOP_KEYS.stream().anyMatch(node::has);

        List<String> problems = new ArrayList<>();

        ConfigNode c = node.optionalChild("cluster").orElse(null);
        String name = c == null ? "openmcim-store" : c.string("name", "openmcim-store");
        String bind = c == null ? "127.0.0.1" : c.string("bind", "127.0.0.1");
        // Read with the widest bounds and checked below, so every bad value is collected.
        long port = c == null ? 5701 : c.integer("port", Long.MIN_VALUE, Long.MAX_VALUE, 5701);
        List<String> members = c != null && c.has("members") ? membersOf(c, problems) : List.of(bind + ":" + port);
        long backupCount = c == null ? 1 : c.integer("backup-count", Long.MIN_VALUE, Long.MAX_VALUE, 1);
        if (c != null) {
            rejectUnknownKeys(c, CLUSTER_KEYS);
        }

        ConfigNode d = node.optionalChild("database").orElse(null);
        String url = d == null ? DEFAULT_DB_URL : d.string("url", DEFAULT_DB_URL);
        String user = d == null ? "sa" : d.string("user", "sa");
        String passwordEnv = d == null ? null : d.optionalString("password-env").orElse(null);
        long poolSize = d == null ? 4 : d.integer("pool-size", Long.MIN_VALUE, Long.MAX_VALUE, 4);
        String table = d == null ? "subscriber" : d.string("table", "subscriber");
        if (d != null) {
            rejectUnknownKeys(d, DATABASE_KEYS);
        }

        ConfigNode k = node.optionalChild("kek").orElse(null);
        Kek kek = null;
        if (k != null) {
            kek = new Kek(k.optionalString("file").orElse(null), k.optionalString("env").orElse(null));
            rejectUnknownKeys(k, KEK_KEYS);
        }

        ConfigNode s = node.optionalChild("sqn").orElse(null);
        long indBits = s == null ? SqnPolicy.DEFAULT.indBits()
                : s.integer("ind-bits", Long.MIN_VALUE, Long.MAX_VALUE, SqnPolicy.DEFAULT.indBits());
        long lease = s == null ? SqnLease.DEFAULT : s.integer("lease", Long.MIN_VALUE, Long.MAX_VALUE, SqnLease.DEFAULT);
        long block = s == null ? 0 : s.integer("block", Long.MIN_VALUE, Long.MAX_VALUE, 0);
        Duration blockValidity = s == null ? SqnBlocks.Settings.DEFAULT_VALIDITY
                : s.duration("block-validity", SqnBlocks.Settings.DEFAULT_VALIDITY);
        if (s != null) {
            rejectUnknownKeys(s, SQN_KEYS);
        }

        String issuer = node.string("issuer", "chtif-1");
        String profile = node.string("profile", "provisioning");
        rejectUnknownKeys(node, TOP_KEYS);
        if (!any) {
            throw node.error(node.path().isEmpty() ? "empty file" : "empty section");
        }

        if (!NAME.matcher(name).matches()) {
            problems.add(msg(node, c, "cluster", "name", "must be 1-64 letters, digits, '.', '_' or '-'"));
        }
        if (port < 1 || port > 65535) {
            problems.add(msg(node, c, "cluster", "port", "must be 1..65535, got " + port));
        }
        if (members != null && members.isEmpty()) {
            problems.add(msg(node, c, "cluster", "members", "must list at least this member"));
        }
        for (int i = 0; members != null && i < members.size(); i++) {
            String m = members.get(i);
            if (m == null || !HOST_PORT.matcher(m).matches()) {
                problems.add(msg(node, c, "cluster", "members[" + i + "]", "must be host:port, got '" + m + "'"));
            }
        }
        if (backupCount < 1 || backupCount > 6) {
            problems.add(msg(node, c, "cluster", "backup-count",
                    "must be 1..6 (one member may die without loss), got " + backupCount));
        }
        if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
            problems.add(msg(node, d, "database", "url", "must start with jdbc:h2: or jdbc:postgresql:, got '" + url + "'"));
        }
        if (poolSize < 1 || poolSize > 64) {
            problems.add(msg(node, d, "database", "pool-size", "must be 1..64, got " + poolSize));
        }
        // 60 at most: the schema migration adds _v1 / _v2 within PostgreSQL's 63 (SubscriberTable).
        if (!table.matches("[a-z_][a-z0-9_]{0,59}")) {
            problems.add(msg(node, d, "database", "table", "must be a lower-case SQL identifier of at most 60 characters, got '"
                    + table + "'"));
        }
        if (kek == null || (kek.file() == null) == (kek.env() == null)) {
            problems.add(node.error("kek",
                    "set exactly one of kek.file (path of a file with 64 hex digits) or kek.env (variable name)").getMessage());
        }
        if (indBits < 0 || indBits > 10) {
            problems.add(msg(node, s, "sqn", "ind-bits", "must be 0..10 (TS 33.102 C.3.2), got " + indBits));
        }
        if (lease < 0 || lease > SqnLease.MAX) {
            problems.add(msg(node, s, "sqn", "lease", "must be 0.." + SqnLease.MAX
                    + " SEQ values (a full restart skips up to this many; 0 writes every grant through), got " + lease));
        }
        if (block < 0 || block > SqnBlocks.MAX) {
            problems.add(msg(node, s, "sqn", "block", "must be 0.." + SqnBlocks.MAX
                    + " SEQ values (reserved per subscriber by each member; a member's crash skips up to this many;"
                    + " 0 grants every SQN through the cluster), got " + block));
        }
        if (!SqnBlocks.Settings.validValidity(blockValidity)) {
            problems.add(msg(node, s, "sqn", "block-validity", "must be 1s..10m (a state change whose drop a member"
                    + " does not answer waits this long), got " + blockValidity.toMillis() + " ms"));
        }
        if (!NAME.matcher(issuer).matches()) {
            problems.add(node.error("issuer", "must be 1-64 letters, digits, '.', '_' or '-'").getMessage());
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(String.join("; ", problems));
        }
        return new StoreConfig(new Cluster(name, bind, (int) port, List.copyOf(members), (int) backupCount),
                new Database(url, user, passwordEnv, (int) poolSize, table), kek,
                new Sqn((int) indBits, (int) lease, (int) block, blockValidity), issuer,
                profile);
    }

    /**
     * The member list, or null after adding the problem (not a list, or a null or non-scalar
     * entry) to {@code problems}, so it is reported with the others; null never reaches a config.
     */
    private static List<String> membersOf(ConfigNode cluster, List<String> problems) {
        try {
            return cluster.strings("members");
        } catch (ConfigException e) {
            problems.add(e.getMessage());
            return null;
        }
    }

    /**
     * The message for {@code section.key}: through the section's node when it is present, else
     * through the parent (a default can only be wrong when derived, e.g. members from bind/port).
     */
    private static String msg(ConfigNode parent, ConfigNode section, String sectionKey, String key, String problem) {
        return section != null ? section.error(key, problem).getMessage()
                : parent.error(sectionKey + "." + key, problem).getMessage();
    }

    /**
     * {@link ConfigNode#rejectUnknownKeys()}, with the keys this section does know appended: a
     * misspelling (or a camelCase key from before the kebab-case change) is then fixed at a glance.
     */
    private static void rejectUnknownKeys(ConfigNode n, List<String> known) {
        try {
            n.rejectUnknownKeys();
        } catch (ConfigException e) {
            throw new ConfigException(e.getMessage() + " (known here: "
                    + String.join(", ", known.stream().sorted().toList()) + ")");
        }
    }

    public ClusterSettings clusterSettings(Map<String, String> hazelcastProperties) {
        return new ClusterSettings(cluster.name(), cluster.bind(), cluster.port(), cluster.members(),
                cluster.backupCount(), hazelcastProperties);
    }

    /** @param env environment lookup (System::getenv in services) */
    public DatabaseSettings databaseSettings(Function<String, String> env) {
        String password = "";
        if (database.passwordEnv() != null) {
            password = env.apply(database.passwordEnv());
            if (password == null) {
                throw new ConfigException("database.password-env: environment variable " + database.passwordEnv() + " is not set");
            }
        }
        return new DatabaseSettings(database.url(), database.user(), password, database.poolSize(), database.table());
    }

    public SqnPolicy sqnPolicy() {
        return new SqnPolicy(sqn.indBits(), SqnPolicy.DEFAULT.delta(), SqnPolicy.DEFAULT.ageLimit());
    }

    /** L of {@link SqnLease}, for {@link org.openmcim.store.hazelcast.StoreMember#start}. */
    public int sqnLease() {
        return sqn.lease();
    }

    /** B of {@link SqnBlocks}. */
    public int sqnBlock() {
        return sqn.block();
    }

    /** B and validity of {@link SqnBlocks}, for {@link org.openmcim.store.hazelcast.StoreMember#start}. */
    public SqnBlocks.Settings sqnBlocks() {
        return new SqnBlocks.Settings(sqn.block(), sqn.blockValidity());
    }

    /**
     * Checks L and B against the Δ of the service that grants with this store (its own
     * {@code sqn.delta}): a full restart skips up to L SEQ values, plus one unused block per member
     * holding one (each member's block lies below the ceiling), and a USIM refuses a jump beyond Δ
     * (TS 33.102 C.2.2), so L + members × B must stay well below it. Half of Δ leaves the other half
     * for vectors fetched but not yet used when the cluster went down.
     *
     * @param leaseKey names this file's key for the message, e.g. {@code "config/store.yaml: sqn.lease"}
     *                 (the message names {@code sqn.block} beside it when B counts)
     * @param deltaKey names the service's key, e.g. {@code "config/icf.yaml: sqn.delta"}
     * @throws ConfigException if L + members × B exceeds Δ / 2
     */
    public void checkLeaseAgainst(SqnPolicy policy, String leaseKey, String deltaKey) {
        long skip = sqn.lease() + (long) cluster.members().size() * sqn.block();
        if (skip > policy.delta() / 2) {
            String what = sqn.block() == 0 ? sqn.lease() + " SEQ values"
                    : sqn.lease() + " + " + cluster.members().size() + " members × sqn.block " + sqn.block() + " = "
                            + skip + " SEQ values";
            throw new ConfigException(leaseKey + ": " + what + " is more than half of Δ = " + policy.delta() + " ("
                    + deltaKey + "); a full restart skips up to L SEQ values plus one block per member, and a USIM"
                    + " refuses jumps beyond Δ (TS 33.102 C.2.2)");
        }
    }

    /**
     * Loads the KEK from its file or environment variable (never from the store). Messages name
     * the source, never the value.
     *
     * @param base directory relative {@code kek.file} paths resolve against
     */
    public byte[] loadKek(Path base, Function<String, String> env) {
        String text;
        String where;
        if (kek.file() != null) {
            Path p = base.resolve(kek.file());
            where = "kek.file: " + p;
            try {
                text = Files.readString(p);
            } catch (IOException e) {
                throw new ConfigException(where + ": cannot read (" + e.getClass().getSimpleName() + ")");
            }
        } else {
            where = "kek.env: " + kek.env();
            text = env.apply(kek.env());
            if (text == null) {
                throw new ConfigException(where + ": environment variable is not set");
            }
        }
        String hex = text.strip();
        if (!hex.matches("[0-9a-fA-F]{" + 2 * KeyCipher.KEK_BYTES + "}")) {
            throw new ConfigException(where + ": must hold exactly " + 2 * KeyCipher.KEK_BYTES
                    + " hex digits (a 256-bit AES key), found " + hex.length() + " characters");
        }
        return Hex.decode(hex);
    }
}
