package org.openmcim.store.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import org.openmcim.aka.Hex;
import org.openmcim.aka.sqn.SqnPolicy;
import org.openmcim.store.KeyCipher;
import org.openmcim.store.hazelcast.ClusterSettings;
import org.openmcim.store.hazelcast.DatabaseSettings;

/**
 * The store's YAML configuration ({@code config/store.yaml}), one typed record validated at
 * start-up; every problem is reported with the file, the key and what is wrong (STYLE.md point 8).
 * Parsed with Jackson's YAML module into records: the same library family the services already
 * use for JSON, unknown keys rejected by name, positions in parse errors.
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

    /** @param indBits IND bits of SQN (TS 33.102 C.3.2), 0..10 */
    public record Sqn(Integer indBits) {
    }

    /** Defaults for keys left out. */
    public static final String DEFAULT_DB_URL = "jdbc:h2:file:./.work/store/credentials";
    private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9.\\-]+:\\d{1,5}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._\\-]{1,64}");

    /** Reads and validates {@code file}. @throws ConfigException naming file, key and problem */
    public static StoreConfig load(Path file) {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        StoreConfig raw;
        try {
            raw = yaml.readValue(Files.readAllBytes(file), StoreConfig.class);
        } catch (com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException e) {
            throw new ConfigException(file + ": " + keyPath(e) + ": unknown key (known here: "
                    + String.join(", ", e.getKnownPropertyIds().stream().map(Object::toString).sorted().toList()) + ")"
                    + lineOf(e));
        } catch (JsonMappingException e) {
            throw new ConfigException(file + ": " + keyPath(e) + ": " + e.getOriginalMessage().split("\n")[0]
                    + lineOf(e));
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        if (raw == null) {
            throw new ConfigException(file + ": empty file");
        }
        return raw.withDefaults().validated(file);
    }

    private static String keyPath(JsonMappingException e) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                b.append(b.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.length() == 0 ? "(document)" : b.toString();
    }

    private static String lineOf(JsonMappingException e) {
        return e.getLocation() == null ? "" : " (near line " + e.getLocation().getLineNr() + ")";
    }

    private StoreConfig withDefaults() {
        Cluster c = cluster == null ? new Cluster(null, null, null, null, null) : cluster;
        c = new Cluster(c.name() == null ? "openmcim-store" : c.name(), c.bind() == null ? "127.0.0.1" : c.bind(),
                c.port() == null ? 5701 : c.port(),
                c.members() == null ? List.of((c.bind() == null ? "127.0.0.1" : c.bind()) + ":" + (c.port() == null ? 5701 : c.port())) : c.members(),
                c.backupCount() == null ? 1 : c.backupCount());
        Database d = database == null ? new Database(null, null, null, null, null) : database;
        d = new Database(d.url() == null ? DEFAULT_DB_URL : d.url(), d.user() == null ? "sa" : d.user(), d.passwordEnv(),
                d.poolSize() == null ? 4 : d.poolSize(), d.table() == null ? "subscriber" : d.table());
        Sqn s = sqn == null || sqn.indBits() == null ? new Sqn(SqnPolicy.DEFAULT.indBits()) : sqn;
        return new StoreConfig(c, d, kek, s, issuer == null ? "chtif-1" : issuer, profile == null ? "provisioning" : profile);
    }

    private StoreConfig validated(Path file) {
        List<String> problems = new ArrayList<>();
        if (!NAME.matcher(cluster.name()).matches()) {
            problems.add("cluster.name: must be 1-64 letters, digits, '.', '_' or '-'");
        }
        if (cluster.port() < 1 || cluster.port() > 65535) {
            problems.add("cluster.port: must be 1..65535, got " + cluster.port());
        }
        if (cluster.members().isEmpty()) {
            problems.add("cluster.members: must list at least this member");
        }
        for (int i = 0; i < cluster.members().size(); i++) {
            String m = cluster.members().get(i);
            if (m == null || !HOST_PORT.matcher(m).matches()) {
                problems.add("cluster.members[" + i + "]: must be host:port, got '" + m + "'");
            }
        }
        if (cluster.backupCount() < 1 || cluster.backupCount() > 6) {
            problems.add("cluster.backupCount: must be 1..6 (one member may die without loss), got " + cluster.backupCount());
        }
        if (!database.url().startsWith("jdbc:h2:") && !database.url().startsWith("jdbc:postgresql:")) {
            problems.add("database.url: must start with jdbc:h2: or jdbc:postgresql:, got '" + database.url() + "'");
        }
        if (database.poolSize() < 1 || database.poolSize() > 64) {
            problems.add("database.poolSize: must be 1..64, got " + database.poolSize());
        }
        if (!database.table().matches("[a-z_][a-z0-9_]{0,62}")) {
            problems.add("database.table: must be a lower-case SQL identifier, got '" + database.table() + "'");
        }
        if (kek == null || (kek.file() == null) == (kek.env() == null)) {
            problems.add("kek: set exactly one of kek.file (path of a file with 64 hex digits) or kek.env (variable name)");
        }
        if (sqn.indBits() < 0 || sqn.indBits() > 10) {
            problems.add("sqn.indBits: must be 0..10 (TS 33.102 C.3.2), got " + sqn.indBits());
        }
        if (!NAME.matcher(issuer).matches()) {
            problems.add("issuer: must be 1-64 letters, digits, '.', '_' or '-'");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(file + ": " + String.join("; " + file + ": ", problems));
        }
        return this;
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
                throw new ConfigException("database.passwordEnv: environment variable " + database.passwordEnv() + " is not set");
            }
        }
        return new DatabaseSettings(database.url(), database.user(), password, database.poolSize(), database.table());
    }

    public SqnPolicy sqnPolicy() {
        return new SqnPolicy(sqn.indBits(), SqnPolicy.DEFAULT.delta(), SqnPolicy.DEFAULT.ageLimit());
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

    /** A configuration problem; the message names file or source, key and problem. */
    public static final class ConfigException extends RuntimeException {
        public ConfigException(String message) {
            super(message);
        }
    }
}
