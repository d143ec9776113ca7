package org.liaison.sip.edge;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.liaison.sip.config.IpLiteral;

/**
 * The RFC 3261 §25 grammar that JAIN-SIP's parser does not enforce, checked on the raw start line and
 * header block of one message before the parser sees it (on UDP the datagram, on TCP and TLS the block
 * {@link StreamFraming} cut from the stream). The parser reads any version as SIP/2.0, keeps one of
 * two From headers, takes "INVITE  sip:x  SIP/2.0" and a bare CR as separators, and reads a datagram
 * without the blank line as a whole message; RFC 4475 §3.1.2 and RFC 5118 §4.2 want those refused
 * (400, or 505 for a version). What real clients send stays legal: compact names, repeated list
 * headers, folded lines (RFC 3261 §7.3.1), bracketed IPv6 references, any URI scheme.
 */
final class StrictSyntax {
    /** What is wrong with a message; the text is ours (logged), never the client's. */
    enum Violation {
        VERSION(505, "Version Not Supported", "unsupported SIP version"),
        START_LINE(400, "Bad Request", "malformed start line"),
        REQUEST_URI(400, "Bad Request", "malformed Request-URI"),
        LINE_ENDING(400, "Bad Request", "control character or line break other than CRLF"),
        NO_BLANK_LINE(400, "Bad Request", "no blank line after the headers"),
        HEADER_NAME(400, "Bad Request", "header line without a token name"),
        DUPLICATE_HEADER(400, "Bad Request", "single-value header repeated"),
        VIA(400, "Bad Request", "Via not SIP/2.0 over a host and port");

        final int status;
        final String phrase;
        final String description;

        Violation(int status, String phrase, String description) {
            this.status = status;
            this.phrase = phrase;
            this.description = description;
        }
    }

    /** RFC 3261 §25.1 token. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9.!%*_+`'~-]+");
    private static final Pattern SIP_VERSION = Pattern.compile("(?i)SIP/\\d+\\.\\d+");
    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern PORT = Pattern.compile("(:\\d{1,5})?");
    private static final Pattern STATUS_LINE = Pattern.compile("(?s)SIP/2\\.0 [1-6]\\d\\d .*");
    /** RFC 3261 §20.42: sent-protocol (LWS allowed around the slashes) then sent-by up to the params. */
    private static final Pattern VIA_PARM = Pattern.compile("(?is)\\s*SIP\\s*/\\s*2\\.0\\s*/\\s*[A-Za-z0-9.!%*_+`'~-]+\\s+([^;]+)(;.*)?");
    /** Long and compact (RFC 3261 §7.3.3) names of the headers that may appear once. */
    private static final Map<String, String> SINGLE = Map.of("from", "from", "f", "from", "to", "to", "t", "to",
            "call-id", "call-id", "i", "call-id", "cseq", "cseq", "max-forwards", "max-forwards");
    private static final Set<String> CONTENT_LENGTH = Set.of("content-length", "l");
    private static final Set<String> VIA_NAMES = Set.of("via", "v");

    private StrictSyntax() {
    }

    /** The first violation in the {@code length} bytes of {@code message}, if any. */
    static Optional<Violation> check(byte[] message, int length) {
        int start = 0;
        while (start + 1 < length && message[start] == '\r' && message[start + 1] == '\n') {
            start += 2; // RFC 3261 §7.5: CRLF before the start line is ignored (and alone, a keep-alive)
        }
        if (start >= length || isBlank(message, start, length) || WellFormedScan.accepts(message, start, length)) {
            return Optional.empty(); // the common case, vouched for without a String or a Matcher
        }
        return exactCheck(message, start, length);
    }

    /**
     * The first violation in {@code message[start..length)}, which starts with its start line: the
     * whole grammar, on Strings and regexes, for what {@link WellFormedScan} does not vouch for.
     */
    static Optional<Violation> exactCheck(byte[] message, int start, int length) {
        String text = new String(message, start, length - start, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return Optional.of(lineEndingsValid(text) ? Violation.NO_BLANK_LINE : Violation.LINE_ENDING);
        }
        String block = text.substring(0, end + 2);
        if (!lineEndingsValid(block)) {
            return Optional.of(Violation.LINE_ENDING);
        }
        String startLine = block.substring(0, block.indexOf("\r\n"));
        Optional<Violation> violation = startLine.startsWith("SIP/")
                ? (STATUS_LINE.matcher(startLine).matches() ? Optional.empty() : Optional.of(Violation.START_LINE))
                : requestLine(startLine);
        return violation.isPresent() ? violation : headers(block);
    }

    /**
     * The header lines of {@code block} (its start line excluded) with folded lines joined (RFC 3261
     * §7.3.1), or null when the first one is a continuation with nothing to continue.
     */
    static List<String> headerLines(String block) {
        List<String> lines = new ArrayList<>();
        String[] raw = block.split("\r\n");
        for (int i = 1; i < raw.length; i++) {
            String line = raw[i];
            if (line.startsWith(" ") || line.startsWith("\t")) {
                if (lines.isEmpty()) {
                    return null;
                }
                lines.set(lines.size() - 1, lines.get(lines.size() - 1) + " " + line.strip());
            } else if (!line.isEmpty()) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** The lower-case name of a header line, or null when it has no colon or the name is not a token. */
    static String nameOf(String line) {
        int colon = line.indexOf(':');
        if (colon < 0) {
            return null;
        }
        String name = line.substring(0, colon).stripTrailing();
        return TOKEN.matcher(name).matches() ? name.toLowerCase(Locale.ROOT) : null;
    }

    static String valueOf(String line) {
        return line.substring(line.indexOf(':') + 1).strip();
    }

    /** RFC 3261 §7.1: Method SP Request-URI SP SIP-Version, one space each, nothing after. */
    private static Optional<Violation> requestLine(String line) {
        String[] parts = line.split(" ", -1);
        if (parts.length != 3 || !TOKEN.matcher(parts[0]).matches()) {
            return Optional.of(Violation.START_LINE);
        }
        if (!parts[2].equalsIgnoreCase("SIP/2.0")) {
            return Optional.of(SIP_VERSION.matcher(parts[2]).matches() ? Violation.VERSION : Violation.START_LINE);
        }
        return requestUriValid(parts[1]) ? Optional.empty() : Optional.of(Violation.REQUEST_URI);
    }

    /**
     * Any absolute URI without space or angle brackets (RFC 4475 §3.1.2.7, §3.1.2.8); a SIP or SIPS
     * one with a valid host and port (RFC 5118 §4.2: an IPv6 address only in brackets) and no
     * headers, which a Request-URI may not carry (RFC 3261 §19.1.1, RFC 4475 §3.1.2.11).
     */
    private static boolean requestUriValid(String uri) {
        int colon = uri.indexOf(':');
        if (colon <= 0 || !SCHEME.matcher(uri.substring(0, colon)).matches()
                || uri.chars().anyMatch(c -> c <= ' ' || c == '<' || c == '>' || c == '"' || c >= 0x7f)) {
            return false;
        }
        String scheme = uri.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!scheme.equals("sip") && !scheme.equals("sips")) {
            return true;
        }
        String rest = uri.substring(colon + 1);
        String hostPart = rest.substring(rest.lastIndexOf('@') + 1);
        if (hostPart.indexOf('?') >= 0) {
            return false;
        }
        int params = hostPart.indexOf(';');
        return hostPortValid(params < 0 ? hostPart : hostPart.substring(0, params));
    }

    /** RFC 3261 §25.1 hostport: a host name or IPv4 address, or an IPv6 reference in brackets, then maybe a port. */
    static boolean hostPortValid(String hostPort) {
        String port;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0 || IpLiteral.parse(hostPort.substring(0, close + 1)) == null) {
                return false;
            }
            port = hostPort.substring(close + 1);
        } else {
            int colon = hostPort.indexOf(':');
            String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
            if (!HOST.matcher(host).matches()) {
                return false;
            }
            port = colon < 0 ? "" : hostPort.substring(colon);
        }
        return PORT.matcher(port).matches();
    }

    private static Optional<Violation> headers(String block) {
        List<String> lines = headerLines(block);
        if (lines == null) {
            return Optional.of(Violation.HEADER_NAME);
        }
        Map<String, String> seen = new HashMap<>();
        for (String line : lines) {
            String name = nameOf(line);
            if (name == null) {
                return Optional.of(Violation.HEADER_NAME);
            }
            String single = SINGLE.get(name);
            if (single != null && seen.put(single, "") != null) {
                return Optional.of(Violation.DUPLICATE_HEADER);
            }
            if (CONTENT_LENGTH.contains(name)) {
                String earlier = seen.put("content-length", valueOf(line));
                if (earlier != null && !earlier.equals(valueOf(line))) {
                    return Optional.of(Violation.DUPLICATE_HEADER);
                }
            }
            if (VIA_NAMES.contains(name) && !viaValid(valueOf(line))) {
                return Optional.of(Violation.VIA);
            }
        }
        return Optional.empty();
    }

    /** Each via-parm of a Via (a comma-separated list, commas inside quotes aside). */
    private static boolean viaValid(String value) {
        boolean quoted = false;
        int from = 0;
        for (int i = 0; i <= value.length(); i++) {
            char c = i < value.length() ? value.charAt(i) : ',';
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                Matcher m = VIA_PARM.matcher(value.substring(from, i));
                if (!m.matches() || !hostPortValid(m.group(1).replaceAll("\\s", ""))) {
                    return false;
                }
                from = i + 1;
            }
        }
        return true;
    }

    /**
     * Every CR is followed by LF and every LF preceded by CR; no other control character but HTAB,
     * unless escaped as a quoted-pair (RFC 3261 §25.1; RFC 4475 §3.1.1.4 quotes a NUL and a BEL).
     */
    private static boolean lineEndingsValid(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = c == '\r' ? i + 1 < text.length() && text.charAt(i + 1) == '\n'
                    : c == '\n' ? i > 0 && text.charAt(i - 1) == '\r'
                    : c >= ' ' && c != 0x7f || c == '\t' || i > 0 && text.charAt(i - 1) == '\\';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean isBlank(byte[] message, int from, int to) {
        for (int i = from; i < to; i++) {
            if (message[i] != '\r' && message[i] != '\n' && message[i] != ' ' && message[i] != '\t') {
                return false;
            }
        }
        return true;
    }
}
