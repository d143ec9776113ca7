package org.liaison.sip.edge;

import java.net.DatagramPacket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites the 400 that JAIN-SIP sends on its own for a request it cannot parse. The stack builds
 * it as text: a reason phrase quoting the parser's complaint, with the offending header, CR LF
 * included ({@code 400 Bad Request (CSeq: abc INVITE\r\n:Number format exception)}), then the
 * request's own Via, CSeq, Call-ID, From and To lines and a message/sipfrag body. That response is
 * malformed and echoes client input; what leaves is the {@link StatelessRefusal} built from those
 * header lines (RFC 3261 §8.2.6: what a client needs to match the response), without a body.
 */
final class AutomaticBadRequest {
    private static final String PREFIX = "SIP/2.0 400 Bad Request (";
    /** The status line runs up to the first header line the stack copied: a Via, long or compact form. */
    private static final Pattern FIRST_VIA = Pattern.compile("\r\n(?i:via|v)[ \t]*:");

    private AutomaticBadRequest() {
    }

    /**
     * {@code message} itself; or when it is the stack's automatic 400, the clean one, or null if
     * that cannot be answered cleanly (a copied header carries a control character).
     */
    static byte[] clean(byte[] message) {
        if (!startsWithPrefix(message, 0, message.length)) {
            return message;
        }
        String text = new String(message, StandardCharsets.ISO_8859_1);
        Matcher via = FIRST_VIA.matcher(text);
        if (!via.find()) {
            return null;
        }
        int headersEnd = text.indexOf("\r\n\r\n", via.start());
        String headers = text.substring(via.start(), headersEnd < 0 ? text.length() : headersEnd + 2);
        return StatelessRefusal.to(StrictSyntax.headerLines(headers), 400, "Bad Request").orElse(null);
    }

    /** Whether {@code packet} holds the stack's automatic 400. */
    static boolean isOne(DatagramPacket packet) {
        return startsWithPrefix(packet.getData(), packet.getOffset(), packet.getLength());
    }

    /**
     * {@code packet} itself, or carrying the clean 400 when it held the stack's automatic one; null
     * when that cannot be answered cleanly.
     */
    static DatagramPacket clean(DatagramPacket packet) {
        if (isOne(packet)) {
            int from = packet.getOffset();
            byte[] clean = clean(Arrays.copyOfRange(packet.getData(), from, from + packet.getLength()));
            if (clean == null) {
                return null;
            }
            packet.setData(clean);
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
