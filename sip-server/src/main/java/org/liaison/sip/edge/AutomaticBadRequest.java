package org.liaison.sip.edge;

import java.net.DatagramPacket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites the 400 that JAIN-SIP sends on its own for a request it cannot parse. The stack builds
 * it as text: a reason phrase quoting the parser's complaint, with the offending header, CR LF
 * included ({@code 400 Bad Request (CSeq: abc INVITE\r\n:Number format exception)}), then the
 * request's own Via, CSeq, Call-ID, From and To lines and a message/sipfrag body. That response is
 * malformed and echoes client input; what leaves is the plain status line, those five kinds of
 * header line (RFC 3261 §8.2.6: what a client needs to match the response), and no body.
 */
final class AutomaticBadRequest {
    private static final String PREFIX = "SIP/2.0 400 Bad Request (";
    /** The status line runs up to the first header line the stack copied: a Via, long or compact form. */
    private static final Pattern FIRST_VIA = Pattern.compile("\r\n(?i:via|v)[ \t]*:");
    private static final Set<String> KEPT = Set.of("via", "v", "cseq", "call-id", "i", "from", "f", "to", "t");

    private AutomaticBadRequest() {
    }

    /** {@code message} itself, or the clean 400 when it is the stack's automatic one. */
    static byte[] clean(byte[] message) {
        if (!startsWithPrefix(message, 0, message.length)) {
            return message;
        }
        String text = new String(message, StandardCharsets.ISO_8859_1);
        Matcher via = FIRST_VIA.matcher(text);
        if (!via.find()) {
            return message;
        }
        StringBuilder clean = new StringBuilder("SIP/2.0 400 Bad Request\r\n");
        int headersEnd = text.indexOf("\r\n\r\n", via.start());
        String headers = text.substring(via.start() + 2, headersEnd < 0 ? text.length() : headersEnd);
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && KEPT.contains(line.substring(0, colon).trim().toLowerCase(Locale.ROOT))) {
                clean.append(line).append("\r\n");
            }
        }
        clean.append("Content-Length: 0\r\n\r\n");
        return clean.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** {@code packet} itself, or carrying the clean 400 when it held the stack's automatic one. */
    static DatagramPacket clean(DatagramPacket packet) {
        if (startsWithPrefix(packet.getData(), packet.getOffset(), packet.getLength())) {
            int from = packet.getOffset();
            packet.setData(clean(Arrays.copyOfRange(packet.getData(), from, from + packet.getLength())));
        }
        return packet;
    }

    private static boolean startsWithPrefix(byte[] message, int offset, int length) {
        if (length < PREFIX.length()) {
            return false;
        }
        for (int i = 0; i < PREFIX.length(); i++) {
            if (message[offset + i] != PREFIX.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
