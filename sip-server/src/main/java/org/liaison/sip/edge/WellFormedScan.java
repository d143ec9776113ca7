package org.liaison.sip.edge;

/**
 * One pass over the bytes of a message's start line and header block that recognises the shape
 * real clients send (one header per line, no folding, host names and IPv4 addresses, no repeated
 * single-value header) and vouches for it without building a String, a regex Matcher or anything
 * else: {@link StrictSyntax#check} runs it on every datagram and stream block before its exact check.
 * It only ever accepts: whatever it does not recognise, legal or not (a folded line, an IPv6
 * reference, a quote in a Via, a repeated Content-Length, a quoted control character, any
 * violation), it leaves to the exact check, which decides. So the two refuse exactly the same
 * messages; {@code WellFormedScanTest} holds it to that on mutated messages.
 */
final class WellFormedScan {
    /** Kinds of header the exact check looks at, as bits (RFC 3261 §7.3.3 compact forms included). */
    private static final int OTHER = 0;
    private static final int FROM = 1;
    private static final int TO = 1 << 1;
    private static final int CALL_ID = 1 << 2;
    private static final int CSEQ = 1 << 3;
    private static final int MAX_FORWARDS = 1 << 4;
    /** Repeated with the same value is legal; the scan leaves any repeat to the exact check. */
    private static final int CONTENT_LENGTH = 1 << 5;
    private static final int VIA = 1 << 6;

    /** RFC 3261 §25.1 token characters. */
    private static final boolean[] TOKEN = table("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.!%*_+`'~-");
    /** The host names and IPv4 addresses {@code StrictSyntax.hostPortValid} takes outside brackets. */
    private static final boolean[] HOST = table("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-");
    private static final boolean[] SCHEME = table("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-");

    private WellFormedScan() {
    }

    /**
     * Whether the message in {@code message[from..length)}, which starts with its start line, is
     * certainly well formed; false means "ask the exact check", not "refuse".
     */
    static boolean accepts(byte[] message, int from, int length) {
        int pos = startLineEnd(message, from, length);
        int seen = 0;
        while (pos >= 0) {
            pos += 2; // past the CRLF of the line before
            if (pos + 1 < length && message[pos] == '\r' && message[pos + 1] == '\n') {
                return true; // the blank line: the header block ends (RFC 3261 §7)
            }
            int nameEnd = tokenEnd(message, pos, length);
            int colon = skipSpace(message, nameEnd, length);
            if (nameEnd == pos || colon >= length || message[colon] != ':') {
                return false;
            }
            int kind = kindOf(message, pos, nameEnd);
            if ((seen & kind) != 0) {
                return false;
            }
            seen |= kind == VIA ? 0 : kind;
            pos = lineEnd(message, colon + 1, length);
            if (pos >= 0 && kind == VIA && !viaValid(message, colon + 1, pos)) {
                return false;
            }
        }
        return false;
    }

    /** RFC 3261 §7.1 and §7.2: the CR ending a well-formed start line, or -1. */
    private static int startLineEnd(byte[] m, int from, int length) {
        if (startsWith(m, from, length, "SIP/", false)) {
            // Status-Line: SIP/2.0 SP 3DIGIT SP Reason-Phrase (a class 1-6 code, as the exact check wants)
            int p = from + 8;
            return p + 4 <= length && startsWith(m, from, length, "SIP/2.0 ", false) && m[p] >= '1' && m[p] <= '6'
                    && isDigit(m[p + 1]) && isDigit(m[p + 2]) && m[p + 3] == ' ' ? lineEnd(m, p + 4, length) : -1;
        }
        int methodEnd = tokenEnd(m, from, length);
        if (methodEnd == from || methodEnd >= length || m[methodEnd] != ' ') {
            return -1;
        }
        int uri = methodEnd + 1;
        int uriEnd = uri;
        while (uriEnd < length && uriCharacter(m[uriEnd])) {
            uriEnd++;
        }
        int version = uriEnd + 1;
        if (uriEnd >= length || m[uriEnd] != ' ' || !requestUriValid(m, uri, uriEnd)
                || !startsWith(m, version, length, "SIP/2.0", true)) {
            return -1;
        }
        int cr = version + 7;
        return cr + 1 < length && m[cr] == '\r' && m[cr + 1] == '\n' ? cr : -1;
    }

    /** A scheme, a colon and, for sip and sips, a host name or IPv4 address with no URI headers (RFC 3261 §19.1.1). */
    private static boolean requestUriValid(byte[] m, int from, int to) {
        int colon = from;
        while (colon < to && m[colon] != ':') {
            colon++;
        }
        if (colon == from || colon == to || !isLetter(m[from]) || !all(SCHEME, m, from, colon)) {
            return false;
        }
        int schemeLength = colon - from;
        boolean sip = (schemeLength == 3 || schemeLength == 4 && (m[from + 3] | 0x20) == 's')
                && (m[from] | 0x20) == 's' && (m[from + 1] | 0x20) == 'i' && (m[from + 2] | 0x20) == 'p';
        if (!sip) {
            return true;
        }
        int host = colon + 1;
        for (int i = to - 1; i > colon; i--) {
            if (m[i] == '@') {
                host = i + 1;
                break;
            }
        }
        int parameters = to;
        for (int i = to - 1; i >= host; i--) {
            if (m[i] == '?') {
                return false;
            }
            parameters = m[i] == ';' ? i : parameters;
        }
        return hostPortEnd(m, host, to) == parameters;
    }

    /**
     * RFC 3261 §20.42: each via-parm of a Via value is "SIP / 2.0 / transport" (LWS around the
     * slashes), whitespace, a host name or IPv4 address, maybe a port, then parameters up to the
     * next comma.
     */
    private static boolean viaValid(byte[] m, int from, int to) {
        int p = from;
        while (true) {
            p = skipSpace(m, p, to);
            if (!startsWith(m, p, to, "SIP", true)) {
                return false;
            }
            p = skipSpace(m, p + 3, to);
            if (p >= to || m[p] != '/') {
                return false;
            }
            p = skipSpace(m, p + 1, to);
            if (!startsWith(m, p, to, "2.0", false)) {
                return false;
            }
            p = skipSpace(m, p + 3, to);
            if (p >= to || m[p] != '/') {
                return false;
            }
            p = skipSpace(m, p + 1, to);
            int transportEnd = tokenEnd(m, p, to);
            int sentBy = skipSpace(m, transportEnd, to);
            if (transportEnd == p || sentBy == transportEnd) {
                return false;
            }
            p = hostPortEnd(m, sentBy, to);
            if (p < 0) {
                return false;
            }
            p = skipSpace(m, p, to);
            if (p < to && m[p] == ';') {
                while (p < to && m[p] != ',') {
                    if (m[p] == '"') {
                        return false; // a comma may hide in quotes: the exact check splits those
                    }
                    p++;
                }
            }
            if (p == to) {
                return true;
            }
            if (m[p] != ',') {
                return false;
            }
            p++;
        }
    }

    /** Where a host name or IPv4 address starting at {@code from}, maybe with ":port" (1-5 digits), ends; -1 if none. */
    private static int hostPortEnd(byte[] m, int from, int to) {
        int p = from;
        while (p < to && m[p] >= 0 && HOST[m[p]]) {
            p++;
        }
        if (p == from) {
            return -1;
        }
        if (p < to && m[p] == ':') {
            int digits = ++p;
            while (p < to && isDigit(m[p])) {
                p++;
            }
            if (p == digits || p - digits > 5) {
                return -1;
            }
        }
        return p;
    }

    /**
     * The CR ending the line whose text starts at {@code from}, or -1 unless every byte up to it is
     * printable (or HTAB, or 0x80 and above) and the line is CRLF-terminated and not folded into the
     * next (RFC 3261 §7.3.1).
     */
    private static int lineEnd(byte[] m, int from, int length) {
        for (int p = from; p < length; p++) {
            byte b = m[p];
            if (b == '\r') {
                return p + 2 < length && m[p + 1] == '\n' && m[p + 2] != ' ' && m[p + 2] != '\t' ? p : -1;
            }
            if (b >= 0 && b < ' ' && b != '\t' || b == 0x7f) {
                return -1;
            }
        }
        return -1;
    }

    private static int kindOf(byte[] m, int from, int to) {
        return switch (to - from) {
            case 1 -> switch (m[from] | 0x20) {
                case 'f' -> FROM;
                case 't' -> TO;
                case 'i' -> CALL_ID;
                case 'l' -> CONTENT_LENGTH;
                case 'v' -> VIA;
                default -> OTHER;
            };
            case 2 -> nameIs(m, from, "to") ? TO : OTHER;
            case 3 -> nameIs(m, from, "via") ? VIA : OTHER;
            case 4 -> nameIs(m, from, "from") ? FROM : nameIs(m, from, "cseq") ? CSEQ : OTHER;
            case 7 -> nameIs(m, from, "call-id") ? CALL_ID : OTHER;
            case 12 -> nameIs(m, from, "max-forwards") ? MAX_FORWARDS : OTHER;
            case 14 -> nameIs(m, from, "content-length") ? CONTENT_LENGTH : OTHER;
            default -> OTHER;
        };
    }

    /** Whether the token at {@code from} is {@code lowerName} in any case (token bytes: no byte but a letter folds onto one). */
    private static boolean nameIs(byte[] m, int from, String lowerName) {
        for (int i = 0; i < lowerName.length(); i++) {
            if ((m[from + i] | 0x20) != lowerName.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** {@code prefix} is upper-case letters, digits and punctuation; {@code anyCase}: letters match in either case. */
    private static boolean startsWith(byte[] m, int from, int to, String prefix, boolean anyCase) {
        if (to - from < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            byte b = m[from + i];
            char c = prefix.charAt(i);
            if (b != c && !(anyCase && isLetter(b) && (b & ~0x20) == c)) {
                return false;
            }
        }
        return true;
    }

    private static int tokenEnd(byte[] m, int from, int to) {
        int p = from;
        while (p < to && m[p] >= 0 && TOKEN[m[p]]) {
            p++;
        }
        return p;
    }

    private static int skipSpace(byte[] m, int from, int to) {
        int p = from;
        while (p < to && (m[p] == ' ' || m[p] == '\t')) {
            p++;
        }
        return p;
    }

    private static boolean all(boolean[] allowed, byte[] m, int from, int to) {
        for (int i = from; i < to; i++) {
            if (m[i] < 0 || !allowed[m[i]]) {
                return false;
            }
        }
        return true;
    }

    /** What the exact check lets into a Request-URI: printable ASCII but space, angle brackets and quotes (RFC 4475 §3.1.2.7). */
    private static boolean uriCharacter(byte b) {
        return b > ' ' && b < 0x7f && b != '<' && b != '>' && b != '"';
    }

    private static boolean isLetter(byte b) {
        return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z';
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static boolean[] table(String members) {
        boolean[] table = new boolean[128];
        members.chars().forEach(c -> table[c] = true);
        return table;
    }
}
