package org.openmcim.icf.interop;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what freeDiameter 1.2.1 prints at its default level (NOTI) about one peer: state changes
 * ({@code 'STATE_WAITCEA'	-> 'STATE_OPEN'	'hss.localdomain'}) and, with the dbg_msg_dumps
 * extension loaded, every message sent and received ({@code SND to 'hss.localdomain':} then the
 * command name and its AVPs, one per line). Turns them into events such as
 * {@code "SND Device-Watchdog-Request"}, {@code "RCV Device-Watchdog-Answer 2001"},
 * {@code "STATE_WAITCEA -> STATE_OPEN"}.
 */
final class FreeDiameterLog {
    private static final Pattern STATE = Pattern.compile("'(STATE_[A-Z_]+)'\\s+-> '?(STATE_[A-Z_]+)'?.*'([^']+)'\\s*$");
    private static final Pattern DIRECTION = Pattern.compile("\\b(SND to|RCV from) '([^']+)':\\s*$");
    private static final Pattern COMMAND = Pattern.compile("^\\s*'([A-Za-z-]+)'\\s*$");
    private static final Pattern RESULT = Pattern.compile("AVP: 'Result-Code'\\(268\\).*\\((\\d+) \\(0x");

    private FreeDiameterLog() {
    }

    /** The events concerning {@code peer}, in log order. */
    static List<String> events(String log, String peer) {
        List<String> out = new ArrayList<>();
        String[] lines = log.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String body = stripPrefix(lines[i]);
            Matcher s = STATE.matcher(body);
            if (s.find() && s.group(3).equals(peer)) {
                out.add(s.group(1) + " -> " + s.group(2));
                continue;
            }
            Matcher d = DIRECTION.matcher(body);
            if (d.find() && d.group(2).equals(peer) && i + 1 < lines.length) {
                Matcher c = COMMAND.matcher(stripPrefix(lines[i + 1]));
                if (!c.find()) {
                    continue;
                }
                String event = (d.group(1).startsWith("SND") ? "SND " : "RCV ") + c.group(1);
                // The AVPs follow until the next line that is not part of this dump.
                for (int j = i + 2; j < lines.length && stripPrefix(lines[j]).startsWith("  "); j++) {
                    Matcher r = RESULT.matcher(lines[j]);
                    if (r.find()) {
                        event += " " + r.group(1);
                        break;
                    }
                }
                out.add(event);
            }
        }
        return out;
    }

    /** Drops "10:18:37  NOTI   " (freeDiameterd) so that only the message remains. */
    private static String stripPrefix(String line) {
        Matcher m = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?\\s+[A-Z!]+\\s{1,3}").matcher(line);
        return m.find() ? line.substring(m.end()) : line;
    }

    /** Whether {@code expected} occurs in {@code events} in this order (other events may lie between). */
    static boolean inOrder(List<String> events, List<String> expected) {
        int k = 0;
        for (String e : events) {
            if (k < expected.size() && e.equals(expected.get(k))) {
                k++;
            }
        }
        return k == expected.size();
    }
}
