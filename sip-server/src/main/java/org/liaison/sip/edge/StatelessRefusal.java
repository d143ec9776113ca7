package org.liaison.sip.edge;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The response to a request refused before any parser or transaction saw it (RFC 3261 §8.2.6, sent
 * statelessly as in §16.3 / §18.3): our status line and reason phrase, the request's Via headers
 * (all, in order), From, To (with a tag of ours when it had none, §8.2.6.2), Call-ID and CSeq,
 * copied as they came since the client matches the response by them, and no body. Nothing else of
 * the request is echoed. A response or an ACK is never answered (§17.1.1.2); a request without
 * those headers, or with a control character in one, cannot be answered and is dropped.
 */
final class StatelessRefusal {
    private static final Map<String, String> ANSWERED_WITH = Map.of("via", "via", "v", "via", "from", "from",
            "f", "from", "to", "to", "t", "to", "call-id", "call-id", "i", "call-id", "cseq", "cseq");

    private StatelessRefusal() {
    }

    /** The {@code status} response to the request in {@code message}, if it can and should be answered. */
    static Optional<byte[]> to(byte[] message, int length, int status, String phrase) {
        String text = new String(message, 0, length, StandardCharsets.ISO_8859_1).stripLeading();
        if (text.startsWith("SIP/") || text.startsWith("ACK ")) {
            return Optional.empty();
        }
        int end = text.indexOf("\r\n\r\n");
        List<String> lines = StrictSyntax.headerLines(end < 0 ? text : text.substring(0, end + 2));
        return lines == null ? Optional.empty() : to(lines, status, phrase);
    }

    /** The {@code status} response carrying the answering headers among {@code headerLines}, if all are there. */
    static Optional<byte[]> to(List<String> headerLines, int status, String phrase) {
        List<String> vias = new ArrayList<>();
        Map<String, String> others = new LinkedHashMap<>();
        for (String line : headerLines) {
            String name = ANSWERED_WITH.get(String.valueOf(StrictSyntax.nameOf(line)));
            if (name == null) {
                continue;
            }
            if (line.chars().anyMatch(c -> c < ' ' && c != '\t' || c == 0x7f)) {
                return Optional.empty();
            }
            if (name.equals("via")) {
                vias.add(line);
            } else {
                others.putIfAbsent(name, line);
            }
        }
        if (vias.isEmpty() || others.size() < 4) {
            return Optional.empty();
        }
        StringBuilder response = new StringBuilder("SIP/2.0 ").append(status).append(' ').append(phrase).append("\r\n");
        vias.forEach(via -> response.append(via).append("\r\n"));
        String to = others.get("to");
        if (!to.toLowerCase(Locale.ROOT).contains(";tag=")) {
            others.put("to", to + ";tag=" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()));
        }
        others.values().forEach(line -> response.append(line).append("\r\n"));
        response.append("Content-Length: 0\r\n\r\n");
        return Optional.of(response.toString().getBytes(StandardCharsets.ISO_8859_1));
    }
}
