package org.liaison.sip.wire;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** SIP messages found in the logs of the programs under test, for assertions and failure reports. */
final class SipLog {
    private static final Pattern START_LINE = Pattern.compile("^(SIP/2\\.0 \\d{3} .*|[A-Z]+ \\S+ SIP/2\\.0)$");
    private static final Pattern LINPHONE_TIMESTAMP = Pattern.compile("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d:\\d{3} ");

    private SipLog() {
    }

    /** A SIP message: its start line and its header fields (names lower-cased, in order). */
    record Message(String startLine, List<Map.Entry<String, String>> headers) {
        boolean isResponse() {
            return startLine.startsWith("SIP/2.0 ");
        }

        int status() {
            return Integer.parseInt(startLine.substring(8, 11));
        }

        /** The values of every header field called {@code name} (case-insensitive), in order. */
        List<String> values(String name) {
            String key = name.toLowerCase(Locale.ROOT);
            return headers.stream().filter(h -> h.getKey().equals(key)).map(Map.Entry::getValue).toList();
        }

        List<String> headerNames() {
            return headers.stream().map(Map.Entry::getKey).toList();
        }
    }

    /**
     * The messages in a sipp {@code -trace_msg} file, in order. Each message follows a line like
     * {@code UDP message received [512] bytes :} or {@code UDP message sent (512 bytes):}.
     */
    static List<Message> parseSippMessages(String log) {
        List<Message> messages = new ArrayList<>();
        List<String> lines = log.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.matches("^\\S+ message (received|sent) .*")) {
                int start = i + 1;
                while (start < lines.size() && lines.get(start).isBlank()) {
                    start++;
                }
                if (start < lines.size() && START_LINE.matcher(lines.get(start).trim()).matches()) {
                    messages.add(parse(lines, start));
                }
            }
        }
        return messages;
    }

    /** The responses among {@code messages} with this status. */
    static List<Message> responses(List<Message> messages, int status) {
        return messages.stream().filter(m -> m.isResponse() && m.status() == status).toList();
    }

    private static Message parse(List<String> lines, int start) {
        String startLine = lines.get(start).trim();
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (int i = start + 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                break;
            }
            headers.add(Map.entry(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    line.substring(colon + 1).trim()));
        }
        return new Message(startLine, headers);
    }

    /** The parameters of a digest challenge ({@code Digest realm="x", nonce="y", ...}), quotes removed. */
    static Map<String, String> challengeParameters(String challenge) {
        Map<String, String> params = new LinkedHashMap<>();
        String rest = challenge.trim();
        if (rest.regionMatches(true, 0, "Digest ", 0, 7)) {
            rest = rest.substring(7);
        }
        var matcher = Pattern.compile("\\s*([A-Za-z0-9-]+)\\s*=\\s*(\"[^\"]*\"|[^,]*)\\s*,?").matcher(rest);
        while (matcher.find()) {
            String value = matcher.group(2).trim();
            if (value.startsWith("\"") && value.endsWith("\"") && value.length() >= 2) {
                value = value.substring(1, value.length() - 1);
            }
            params.put(matcher.group(1).toLowerCase(Locale.ROOT), value);
        }
        return params;
    }

    /**
     * The SIP messages of a liblinphone log ({@code -d 6}), each under the log line that introduced
     * it: a message is a block of lines without timestamp that starts with a SIP start line.
     */
    static String messagesOfLinphone(String log) {
        StringBuilder out = new StringBuilder();
        String previous = "";
        boolean inMessage = false;
        for (String line : log.lines().toList()) {
            boolean stamped = LINPHONE_TIMESTAMP.matcher(line).find();
            if (stamped) {
                inMessage = false;
                previous = line;
            } else if (!inMessage && START_LINE.matcher(line.trim()).matches()) {
                inMessage = true;
                out.append(previous).append('\n');
            }
            if (inMessage) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }
}
