package org.openmcim.config;

import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * A node of a YAML configuration file with its path, so every error names file and key.
 *
 * <p>Typed configuration records are built from nodes at start-up; anything missing, mistyped,
 * out of bounds or unknown (a misspelt key is an error, not silently ignored) fails fast with a
 * {@link ConfigException}. Reads are tracked so {@link #rejectUnknownKeys()} can report keys the
 * service did not look at.
 */
public final class ConfigNode {
    private final String file;
    private final String path;
    private final Map<String, Object> map;
    private final Set<String> read = new LinkedHashSet<>();

    private ConfigNode(String file, String path, Map<String, Object> map) {
        this.file = file;
        this.path = path;
        this.map = map;
    }

    /** Parses {@code file} (YAML, a mapping at the top). */
    public static ConfigNode load(Path file) {
        String name = file.toString();
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(name + ": no such file");
        }
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(name, r);
        } catch (IOException e) {
            throw new ConfigException(name + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Parses YAML text; {@code name} stands for the file in messages. */
    public static ConfigNode parse(String name, Reader yaml) {
        Object root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        } catch (YAMLException e) {
            throw new ConfigException(name + ": not valid YAML: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        if (root == null) {
            return new ConfigNode(name, "", Map.of());
        }
        if (!(root instanceof Map<?, ?> m)) {
            throw new ConfigException(name + ": the top level must be a mapping of keys");
        }
        return new ConfigNode(name, "", stringKeys(name, "", m));
    }

    public String file() {
        return file;
    }

    /** This node's path, e.g. {@code identities[0]}. */
    public String path() {
        return path;
    }

    private String keyPath(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** A {@link ConfigException} about {@code key} under this node. */
    public ConfigException error(String key, String problem) {
        return new ConfigException(file + ": " + keyPath(key) + ": " + problem);
    }

    /** A {@link ConfigException} about this node itself. */
    public ConfigException error(String problem) {
        return new ConfigException(file + ": " + (path.isEmpty() ? "" : path + ": ") + problem);
    }

    public boolean has(String key) {
        return map.containsKey(key) && map.get(key) != null;
    }

    private Object raw(String key) {
        read.add(key);
        return map.get(key);
    }

    private Object required(String key) {
        Object v = raw(key);
        if (v == null) {
            throw error(key, "required");
        }
        return v;
    }

    public String string(String key) {
        Object v = required(key);
        if (v instanceof Map || v instanceof List) {
            throw error(key, "expected a value, got a " + (v instanceof Map ? "mapping" : "list"));
        }
        return v.toString();
    }

    public String string(String key, String defaultValue) {
        return has(key) ? string(key) : markRead(key, defaultValue);
    }

    public Optional<String> optionalString(String key) {
        return has(key) ? Optional.of(string(key)) : Optional.empty();
    }

    public long integer(String key, long min, long max) {
        Object v = required(key);
        long n;
        if (v instanceof Integer || v instanceof Long) {
            n = ((Number) v).longValue();
        } else {
            try {
                n = Long.parseLong(v.toString().replace("_", ""));
            } catch (NumberFormatException e) {
                throw error(key, "expected an integer, got \"" + v + "\"");
            }
        }
        if (n < min || n > max) {
            throw error(key, "must be " + min + ".." + max + ", got " + n);
        }
        return n;
    }

    public long integer(String key, long min, long max, long defaultValue) {
        return has(key) ? integer(key, min, max) : markRead(key, defaultValue);
    }

    public boolean bool(String key, boolean defaultValue) {
        if (!has(key)) {
            return markRead(key, defaultValue);
        }
        Object v = raw(key);
        if (v instanceof Boolean b) {
            return b;
        }
        throw error(key, "expected true or false, got \"" + v + "\"");
    }

    /** A duration such as {@code 30s}, {@code 500ms}, {@code 5m}, {@code 2h}, {@code 365d}. */
    public Duration duration(String key) {
        return parseDuration(key, string(key));
    }

    public Duration duration(String key, Duration defaultValue) {
        return has(key) ? duration(key) : markRead(key, defaultValue);
    }

    /** {@code HOST:PORT} (IPv6 as {@code [::1]:3868}), not resolved. */
    public InetSocketAddress hostPort(String key) {
        String v = string(key);
        int colon = v.lastIndexOf(':');
        if (colon <= 0 || colon == v.length() - 1) {
            throw error(key, "expected HOST:PORT, got \"" + v + "\"");
        }
        String host = v.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(v.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw error(key, "expected HOST:PORT, got \"" + v + "\"");
        }
        if (port < 1 || port > 65535) {
            throw error(key, "port must be 1..65535, got " + port);
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    /** One of {@code allowed} (case-insensitive), returned in lower case. */
    public String oneOf(String key, String defaultValue, String... allowed) {
        String v = (has(key) ? string(key) : markRead(key, defaultValue)).toLowerCase(Locale.ROOT);
        for (String a : allowed) {
            if (a.equals(v)) {
                return v;
            }
        }
        throw error(key, "must be one of " + String.join(", ", allowed) + ", got \"" + v + "\"");
    }

    public ConfigNode child(String key) {
        Object v = required(key);
        if (!(v instanceof Map<?, ?> m)) {
            throw error(key, "expected a mapping");
        }
        return new ConfigNode(file, keyPath(key), stringKeys(file, keyPath(key), m));
    }

    public Optional<ConfigNode> optionalChild(String key) {
        if (!has(key)) {
            read.add(key);
            return Optional.empty();
        }
        return Optional.of(child(key));
    }

    /** A list of mappings; empty if the key is absent. */
    public List<ConfigNode> children(String key) {
        if (!has(key)) {
            read.add(key);
            return List.of();
        }
        Object v = raw(key);
        if (!(v instanceof List<?> list)) {
            throw error(key, "expected a list");
        }
        List<ConfigNode> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String p = keyPath(key) + "[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> m)) {
                throw new ConfigException(file + ": " + p + ": expected a mapping");
            }
            out.add(new ConfigNode(file, p, stringKeys(file, p, m)));
        }
        return Collections.unmodifiableList(out);
    }

    /** A list of scalars as text; empty if absent. */
    public List<String> strings(String key) {
        if (!has(key)) {
            read.add(key);
            return List.of();
        }
        Object v = raw(key);
        if (!(v instanceof List<?> list)) {
            throw error(key, "expected a list");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Object e = list.get(i);
            if (e == null || e instanceof Map || e instanceof List) {
                throw new ConfigException(file + ": " + keyPath(key) + "[" + i + "]: expected a value");
            }
            out.add(e.toString());
        }
        return Collections.unmodifiableList(out);
    }

    /** A mapping of scalar values as text (e.g. serving node → IND); empty if absent. */
    public Map<String, String> stringMap(String key) {
        if (!has(key)) {
            read.add(key);
            return Map.of();
        }
        ConfigNode c = child(key);
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : c.map.keySet()) {
            out.put(k, c.string(k));
        }
        return Collections.unmodifiableMap(out);
    }

    /** Maps {@code string(key)} through {@code parser}, turning its IllegalArgumentException into a config error. */
    public <T> T parsed(String key, Function<String, T> parser) {
        String v = string(key);
        try {
            return parser.apply(v);
        } catch (IllegalArgumentException e) {
            throw error(key, e.getMessage());
        }
    }

    /** Fails on any key of this node that was never read: a misspelt key is a mistake, not a default. */
    public void rejectUnknownKeys() {
        for (String k : map.keySet()) {
            if (!read.contains(k)) {
                throw error(k, "unknown key");
            }
        }
    }

    private <T> T markRead(String key, T value) {
        read.add(key);
        return value;
    }

    private Duration parseDuration(String key, String v) {
        String s = v.strip().toLowerCase(Locale.ROOT);
        try {
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            long n = Long.parseLong(s.substring(0, s.length() - 1));
            switch (s.charAt(s.length() - 1)) {
                case 's':
                    return Duration.ofSeconds(n);
                case 'm':
                    return Duration.ofMinutes(n);
                case 'h':
                    return Duration.ofHours(n);
                case 'd':
                    return Duration.ofDays(n);
                default:
                    break;
            }
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            // fall through to the error below
        }
        throw error(key, "expected a duration like 500ms, 30s, 5m, 2h or 365d, got \"" + v + "\"");
    }

    private static Map<String, Object> stringKeys(String file, String path, Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (e.getKey() == null) {
                throw new ConfigException(file + ": " + (path.isEmpty() ? "" : path + ": ") + "a key is empty");
            }
            out.put(e.getKey().toString(), e.getValue());
        }
        return out;
    }
}
