package org.openmcim.diameter.dictionary;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * AVP, command and application definitions, loaded from tab-separated data files.
 *
 * <p>The bundled files ({@code avps.tsv}, {@code commands.tsv}, {@code applications.tsv} beside
 * this class) hold the RFC 6733 base protocol, S6a/S6d (TS 29.272), SWx (TS 29.273 / TS 29.229)
 * and Gx (TS 29.212) definitions, each row with its spec clause. An instance is immutable; there is
 * no shared global one: load it once at start-up with {@link #standard()} and pass it to whatever
 * needs it.
 */
public final class Dictionary {

    private static final String AVPS = "avps.tsv";
    private static final String COMMANDS = "commands.tsv";
    private static final String APPLICATIONS = "applications.tsv";

    /**
     * AVPs by {@link AvpDefinition#key}, in an open-addressing table of primitive keys: the decoder
     * looks up every AVP it reads, and a {@code Map<Long, ...>} boxed the key and probed a
     * clustered table for each (JFR: a tenth of the ICF's CPU under AIR load, issue #3).
     */
    private final long[] avpKeys;
    private final AvpDefinition[] avpValues;
    private final Map<String, AvpDefinition> avpsByName;
    private final Map<Long, CommandDefinition> commands;
    private final Map<Integer, ApplicationDefinition> applications;
    private final List<AvpDefinition> avpList;
    private final List<CommandDefinition> commandList;
    private final List<ApplicationDefinition> applicationList;

    private Dictionary(List<AvpDefinition> avps, List<CommandDefinition> commands,
                       List<ApplicationDefinition> applications) {
        Map<Long, AvpDefinition> byKey = new HashMap<>();
        Map<String, AvpDefinition> byName = new HashMap<>();
        for (AvpDefinition d : avps) {
            AvpDefinition old = byKey.putIfAbsent(d.key(), d);
            if (old != null) {
                throw new IllegalArgumentException("AVP " + d + " defined twice (also as " + old.name() + ")");
            }
            if (byName.putIfAbsent(d.name(), d) != null) {
                throw new IllegalArgumentException("AVP name " + d.name() + " defined twice");
            }
        }
        Map<Long, CommandDefinition> cmds = new HashMap<>();
        for (CommandDefinition c : commands) {
            if (cmds.putIfAbsent(CommandDefinition.key(c.code(), c.applicationId()), c) != null) {
                throw new IllegalArgumentException("command " + c + " defined twice");
            }
        }
        Map<Integer, ApplicationDefinition> apps = new HashMap<>();
        for (ApplicationDefinition a : applications) {
            if (apps.putIfAbsent(a.id(), a) != null) {
                throw new IllegalArgumentException("application " + Integer.toUnsignedString(a.id()) + " defined twice");
            }
        }
        int slots = Integer.highestOneBit(Math.max(4, byKey.size() * 4) - 1) << 1; // load factor <= 1/4
        this.avpKeys = new long[slots];
        this.avpValues = new AvpDefinition[slots];
        for (AvpDefinition d : byKey.values()) {
            int i = slot(d.key(), slots);
            while (avpValues[i] != null) {
                i = (i + 1) & (slots - 1);
            }
            avpKeys[i] = d.key();
            avpValues[i] = d;
        }
        this.avpsByName = Map.copyOf(byName);
        this.commands = Map.copyOf(cmds);
        this.applications = Map.copyOf(apps);
        this.avpList = List.copyOf(avps);
        this.commandList = List.copyOf(commands);
        this.applicationList = List.copyOf(applications);
    }

    /** A new dictionary from the bundled data files. */
    public static Dictionary standard() {
        try (Reader avps = resource(AVPS); Reader cmds = resource(COMMANDS); Reader apps = resource(APPLICATIONS)) {
            return load(avps, AVPS, cmds, COMMANDS, apps, APPLICATIONS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A dictionary from readers in the bundled files' formats. Fails fast with the source name, the
     * line number and what is wrong.
     */
    public static Dictionary load(Reader avps, String avpsName, Reader commands, String commandsName,
                                  Reader applications, String applicationsName) throws IOException {
        List<AvpDefinition> a = new ArrayList<>();
        for (Row r : rows(avps, avpsName, 6)) {
            try {
                a.add(new AvpDefinition(parseUnsigned(r.cols[0]), parseUnsigned(r.cols[1]), r.cols[2],
                        AvpType.fromSpecName(r.cols[3]), MandatoryRule.valueOf(r.cols[4]), r.cols[5]));
            } catch (IllegalArgumentException e) {
                throw r.error(e.getMessage());
            }
        }
        List<CommandDefinition> c = new ArrayList<>();
        for (Row r : rows(commands, commandsName, 7)) {
            try {
                int code = parseUnsigned(r.cols[0]);
                if (code < 0 || code > 0xFF_FFFF) {
                    throw new IllegalArgumentException("command code does not fit 24 bits");
                }
                c.add(new CommandDefinition(code, parseUnsigned(r.cols[1]), r.cols[2], r.cols[3], r.cols[4],
                        parseBoolean(r.cols[5]), r.cols[6]));
            } catch (IllegalArgumentException e) {
                throw r.error(e.getMessage());
            }
        }
        List<ApplicationDefinition> p = new ArrayList<>();
        for (Row r : rows(applications, applicationsName, 4)) {
            try {
                p.add(new ApplicationDefinition(parseUnsigned(r.cols[0]), parseUnsigned(r.cols[1]), r.cols[2], r.cols[3]));
            } catch (IllegalArgumentException e) {
                throw r.error(e.getMessage());
            }
        }
        return new Dictionary(a, c, p);
    }

    /** The AVP {@code code} in {@code vendorId}'s code space, or null if unknown. */
    public AvpDefinition avp(int code, int vendorId) {
        long key = AvpDefinition.key(code, vendorId);
        int mask = avpKeys.length - 1;
        for (int i = slot(key, avpKeys.length); ; i = (i + 1) & mask) {
            AvpDefinition d = avpValues[i];
            if (d == null || avpKeys[i] == key) {
                return d;
            }
        }
    }

    /** Home slot of {@code key}: a multiplicative hash, so that code and vendor bits both spread. */
    private static int slot(long key, int slots) {
        long h = key * 0x9E37_79B9_7F4A_7C15L;
        return (int) (h >>> 32) & (slots - 1);
    }

    /** The AVP called {@code name}; throws if there is none (names are fixed at start-up). */
    public AvpDefinition avp(String name) {
        AvpDefinition d = avpsByName.get(name);
        if (d == null) {
            throw new IllegalArgumentException("no AVP named '" + name + "' in the dictionary");
        }
        return d;
    }

    /** The command {@code code} of application {@code applicationId}, or null if unknown. */
    public CommandDefinition command(int code, int applicationId) {
        return commands.get(CommandDefinition.key(code, applicationId));
    }

    /** The application {@code id}, or null if unknown. */
    public ApplicationDefinition application(int id) {
        return applications.get(id);
    }

    /** Every AVP definition, in file order. */
    public List<AvpDefinition> avps() {
        return avpList;
    }

    /** Every command definition, in file order. */
    public List<CommandDefinition> commands() {
        return commandList;
    }

    /** Every application definition, in file order. */
    public List<ApplicationDefinition> applications() {
        return applicationList;
    }

    private static Reader resource(String name) {
        InputStream in = Dictionary.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("dictionary resource " + name + " missing from the class path");
        }
        return new InputStreamReader(in, StandardCharsets.UTF_8);
    }

    private record Row(String source, int line, String[] cols) {
        IllegalArgumentException error(String what) {
            return new IllegalArgumentException(source + ":" + line + ": " + what);
        }
    }

    private static List<Row> rows(Reader reader, String source, int columns) throws IOException {
        Objects.requireNonNull(reader, source);
        List<Row> rows = new ArrayList<>();
        BufferedReader in = new BufferedReader(reader);
        String line;
        int n = 0;
        while ((line = in.readLine()) != null) {
            n++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] cols = line.split("\t", -1);
            if (cols.length != columns) {
                throw new IllegalArgumentException(source + ":" + n + ": expected " + columns
                        + " tab-separated columns, found " + cols.length);
            }
            for (int i = 0; i < cols.length; i++) {
                cols[i] = cols[i].strip();
                if (cols[i].isEmpty()) {
                    throw new IllegalArgumentException(source + ":" + n + ": column " + (i + 1) + " is empty");
                }
            }
            rows.add(new Row(source, n, cols));
        }
        return Collections.unmodifiableList(rows);
    }

    private static int parseUnsigned(String s) {
        try {
            return Integer.parseUnsignedInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not an unsigned 32-bit number");
        }
    }

    private static boolean parseBoolean(String s) {
        return switch (s) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("'" + s + "' is neither true nor false");
        };
    }
}
