package org.liaison.sip.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** A SIP message as text, parsed just enough for tests: start line, headers in order, body. */
public record SipText(String startLine, List<Map.Entry<String, String>> headers, String body) {
    private static final Map<String, String> COMPACT = Map.of("v", "via", "f", "from", "t", "to", "i", "call-id",
            "m", "contact", "l", "content-length", "c", "content-type", "k", "supported");

    public static SipText parse(String text) {
        int end = text.indexOf("\r\n\r\n");
        String head = end < 0 ? text : text.substring(0, end);
        String body = end < 0 ? "" : text.substring(end + 4);
        String[] lines = head.split("\r\n");
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
                headers.add(Map.entry(COMPACT.getOrDefault(name, name), lines[i].substring(colon + 1).trim()));
            }
        }
        return new SipText(lines[0], headers, body);
    }

    public boolean isResponse() {
        return startLine.startsWith("SIP/2.0 ");
    }

    public int status() {
        return isResponse() ? Integer.parseInt(startLine.substring(8, 11)) : 0;
    }

    public String method() {
        return isResponse() ? cseqMethod() : startLine.substring(0, startLine.indexOf(' '));
    }

    public String requestUri() {
        String[] parts = startLine.split(" ");
        return parts[1];
    }

    public String cseqMethod() {
        String cseq = header("cseq").orElse("0 NONE");
        return cseq.substring(cseq.indexOf(' ') + 1).trim();
    }

    public Optional<String> header(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return headers.stream().filter(h -> h.getKey().equals(n)).map(Map.Entry::getValue).findFirst();
    }

    public List<String> all(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return headers.stream().filter(h -> h.getKey().equals(n)).map(Map.Entry::getValue).toList();
    }

    /** The tag parameter of a From or To header value. */
    public static String tagOf(String value) {
        int i = value.indexOf(";tag=");
        if (i < 0) {
            return null;
        }
        String rest = value.substring(i + 5);
        int end = rest.indexOf(';');
        return end < 0 ? rest.trim() : rest.substring(0, end).trim();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(startLine).append("\r\n");
        headers.forEach(h -> b.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n"));
        return b.append("\r\n").append(body).toString();
    }
}
