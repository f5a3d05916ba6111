package org.openmcim.aka;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.provider.Arguments;

/**
 * Reads test-vector data files under {@code src/test/resources/vectors/}.
 *
 * <p>The format keeps vectors the way the specs print them: blocks of {@code name: value} lines
 * separated by blank lines, {@code #} starts a comment. Values may contain spaces (hex groups
 * {@code 465b5ce8 b199b49f}); a line that starts with white space continues the previous value.
 * Each block must have a {@code set:} line naming it (e.g. "TS 35.208 4.3.1 test set 1").
 */
public final class VectorFile {
    private VectorFile() {
    }

    /** One block of a vector file. */
    public record Vector(String file, String name, Map<String, String> fields) {
        public String get(String key) {
            String v = fields.get(key);
            if (v == null) {
                throw new IllegalArgumentException(file + " [" + name + "]: no field '" + key + "'");
            }
            return v;
        }

        public boolean has(String key) {
            return fields.containsKey(key);
        }

        public byte[] hex(String key) {
            return Hex.decode(get(key));
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** All vectors of a classpath resource, e.g. {@code vectors/milenage-ts35208.txt}. */
    public static List<Vector> load(String resource) {
        try (InputStream in = VectorFile.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + resource);
            }
            return parse(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** For {@code @MethodSource}: one {@link Arguments} per vector. */
    public static Stream<Arguments> arguments(String resource) {
        return load(resource).stream().map(Arguments::of);
    }

    static List<Vector> parse(String file, String text) {
        List<Vector> out = new ArrayList<>();
        Map<String, String> fields = new LinkedHashMap<>();
        String last = null;
        int lineNo = 0;
        for (String raw : text.split("\n", -1)) {
            lineNo++;
            int hash = raw.indexOf('#');
            String line = hash >= 0 ? raw.substring(0, hash) : raw;
            if (line.isBlank()) {
                if (hash < 0) { // a blank line ends a block; a comment line does not
                    flush(file, fields, out);
                    last = null;
                }
                continue;
            }
            if (Character.isWhitespace(line.charAt(0)) && last != null) {
                fields.put(last, fields.get(last) + " " + line.strip());
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException(file + ":" + lineNo + ": expected 'name: value'");
            }
            last = line.substring(0, colon).strip();
            if (fields.containsKey(last)) {
                throw new IllegalArgumentException(file + ":" + lineNo + ": field '" + last + "' twice in one block");
            }
            fields.put(last, line.substring(colon + 1).strip());
        }
        flush(file, fields, out);
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + ": no vectors");
        }
        return Collections.unmodifiableList(out);
    }

    private static void flush(String file, Map<String, String> fields, List<Vector> out) {
        if (fields.isEmpty()) {
            return;
        }
        String name = fields.get("set");
        if (name == null) {
            throw new IllegalArgumentException(file + ": a block without 'set:' (" + fields.keySet() + ")");
        }
        out.add(new Vector(file, name, Collections.unmodifiableMap(new LinkedHashMap<>(fields))));
        fields.clear();
    }
}
