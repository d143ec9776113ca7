package org.liaison.provisioning.http;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The parameters of an {@code Authorization: Digest ...} header (RFC 7616 §3.4): comma-separated
 * {@code name=value} pairs, values a token or a quoted string with backslash escapes.
 */
final class DigestParams {
    private static final String SCHEME = "digest";

    private DigestParams() {
    }

    /** The parameters, names lower-cased; empty when the header is not a well-formed Digest header. */
    static Optional<Map<String, String>> parse(String header) {
        if (header == null || header.length() <= SCHEME.length()
                || !header.substring(0, SCHEME.length()).toLowerCase(Locale.ROOT).equals(SCHEME)
                || !Character.isWhitespace(header.charAt(SCHEME.length()))) {
            return Optional.empty();
        }
        Map<String, String> params = new LinkedHashMap<>();
        int i = SCHEME.length();
        int n = header.length();
        while (i < n) {
            while (i < n && (header.charAt(i) == ',' || Character.isWhitespace(header.charAt(i)))) {
                i++;
            }
            if (i == n) {
                break;
            }
            int eq = header.indexOf('=', i);
            if (eq < 0) {
                return Optional.empty();
            }
            String name = header.substring(i, eq).trim().toLowerCase(Locale.ROOT);
            i = eq + 1;
            while (i < n && Character.isWhitespace(header.charAt(i))) {
                i++;
            }
            StringBuilder value = new StringBuilder();
            if (i < n && header.charAt(i) == '"') {
                i++;
                while (i < n && header.charAt(i) != '"') {
                    if (header.charAt(i) == '\\' && i + 1 < n) {
                        i++;
                    }
                    value.append(header.charAt(i++));
                }
                if (i == n) {
                    return Optional.empty(); // unterminated quoted string
                }
                i++;
            } else {
                while (i < n && header.charAt(i) != ',') {
                    value.append(header.charAt(i++));
                }
            }
            if (name.isEmpty() || params.put(name, value.toString().trim()) != null) {
                return Optional.empty(); // a repeated parameter is an attempt to confuse, not a request
            }
        }
        return Optional.of(params);
    }
}
