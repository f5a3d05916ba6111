package org.openmcim.diameter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.openmcim.diameter.dictionary.Dictionary;

/**
 * Reads protocol test data: blocks of {@code key: value} lines separated by {@code ---}, where
 * {@code hex:} is followed by hex lines (spaces allowed) up to the end of the block.
 */
public final class TestData {
    private TestData() {
    }

    /** One block: its fields and, if any, the bytes after {@code hex:}. */
    public record Block(String source, Map<String, String> fields, byte[] bytes) {
        public String get(String key) {
            String v = fields.get(key);
            if (v == null) {
                throw new IllegalArgumentException(source + ": no '" + key + "'");
            }
            return v;
        }

        public String get(String key, String dflt) {
            return fields.getOrDefault(key, dflt);
        }

        @Override
        public String toString() {
            return fields.getOrDefault("name", source);
        }
    }

    /** Shared, immutable, loaded once per test class is fine: tests never mutate it. */
    public static final Dictionary DICTIONARY = Dictionary.standard();

    public static Path resource(String path) {
        URL u = TestData.class.getClassLoader().getResource(path);
        if (u == null) {
            throw new IllegalArgumentException("test resource " + path + " missing");
        }
        try {
            return Path.of(u.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static List<Block> blocks(String path) {
        Path p = resource(path);
        try {
            return parse(p.getFileName().toString(), Files.readAllLines(p, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every capture file under {@code captures/}, one block each, sorted by name. */
    public static List<Block> captures() {
        try (Stream<Path> s = Files.list(resource("captures"))) {
            List<Block> out = new ArrayList<>();
            for (Path p : s.sorted().toList()) {
                List<Block> b = parse(p.getFileName().toString(), Files.readAllLines(p, StandardCharsets.UTF_8));
                Map<String, String> f = new LinkedHashMap<>(b.get(0).fields());
                f.putIfAbsent("name", p.getFileName().toString());
                out.add(new Block(p.getFileName().toString(), f, b.get(0).bytes()));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Block> parse(String source, List<String> lines) {
        List<Block> out = new ArrayList<>();
        Map<String, String> fields = new LinkedHashMap<>();
        StringBuilder hex = null;
        for (String raw : lines) {
            String line = raw.strip();
            if (line.startsWith("#")) {
                continue;
            }
            if (line.equals("---")) {
                if (!fields.isEmpty() || hex != null) {
                    out.add(new Block(source, fields, hex == null ? null : HexFormat.of().parseHex(hex)));
                }
                fields = new LinkedHashMap<>();
                hex = null;
                continue;
            }
            if (line.isEmpty()) {
                continue;
            }
            if (hex != null) {
                hex.append(line.replaceAll("\\s+", ""));
            } else if (line.equals("hex:")) {
                hex = new StringBuilder();
            } else {
                int c = line.indexOf(':');
                if (c < 0) {
                    throw new IllegalArgumentException(source + ": not 'key: value': " + line);
                }
                fields.put(line.substring(0, c).strip(), line.substring(c + 1).strip());
            }
        }
        if (!fields.isEmpty() || hex != null) {
            out.add(new Block(source, fields, hex == null ? null : HexFormat.of().parseHex(hex)));
        }
        return out;
    }
}
