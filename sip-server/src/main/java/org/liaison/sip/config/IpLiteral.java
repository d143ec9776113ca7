package org.liaison.sip.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * IP address literals, parsed without ever asking DNS. Called for every request (its source address), so the shape
 * is checked by a loop over the characters rather than by regular expressions (issue 12, docs/BENCHMARKS.md).
 */
public final class IpLiteral {
    private static final int MAX_IPV4_DIGITS = 3;

    private IpLiteral() {
    }

    /** The address written in {@code text} ({@code [::1]} accepted), or null if it is not a literal. */
    public static InetAddress parse(String text) {
        String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (!hasLiteralShape(t)) {
            return null;
        }
        try {
            return InetAddress.getByName(t); // a literal: no lookup happens
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Whether {@code t} looks like an IPv4 or IPv6 literal, so that InetAddress parses it without DNS. */
    static boolean hasLiteralShape(String t) {
        return looksLikeIpv4(t) || looksLikeIpv6(t);
    }

    /** Four groups of 1 to 3 decimal digits separated by dots. */
    private static boolean looksLikeIpv4(String t) {
        int groups = 1;
        int digits = 0;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c >= '0' && c <= '9') {
                if (++digits > MAX_IPV4_DIGITS) {
                    return false;
                }
            } else if (c == '.' && digits > 0) {
                groups++;
                digits = 0;
            } else {
                return false;
            }
        }
        return groups == 4 && digits > 0;
    }

    /** Only hex digits, colons and dots (an embedded IPv4 address), with at least one colon. */
    private static boolean looksLikeIpv6(String t) {
        boolean colon = false;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == ':') {
                colon = true;
            } else if (c != '.' && !isAsciiHexDigit(c)) {
                return false;
            }
        }
        return colon;
    }

    private static boolean isAsciiHexDigit(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }
}
