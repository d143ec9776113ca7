package org.liaison.sip.registrar;

import java.util.Locale;
import java.util.Optional;

/** Reduces a SIP URI to the part that identifies where it points: {@code user@host:port}. */
final class ContactUris {
    private ContactUris() {
    }

    /** {@link #normalize}d, or empty when {@code uri} is not a SIP URI (a lookup by it finds nothing). */
    static Optional<String> normalized(String uri) {
        try {
            return Optional.of(normalize(uri));
        } catch (IllegalArgumentException notSip) {
            return Optional.empty();
        }
    }

    /**
     * {@code user@host:port} of a {@code sip:} or {@code sips:} URI (angle brackets allowed):
     * parameters, headers and any password dropped, host lower-cased, a missing port made explicit
     * (5060, or 5061 for {@code sips:}). The user part keeps its case (RFC 3261 §19.1.4).
     *
     * <p>Stricter than RFC 3261 §19.1.4 in one way, on purpose: it ignores URI parameters such as
     * {@code transport} or {@code ob}, because a UA does not repeat them consistently in the
     * Request-URIs of requests sent to its Contact; and looser in another: a missing port equals
     * the default port, because proxies and UAs add or drop it freely.
     */
    static String normalize(String uri) {
        String text = uri.strip();
        if (text.startsWith("<") && text.endsWith(">")) {
            text = text.substring(1, text.length() - 1);
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("not a SIP URI: " + uri);
        }
        String scheme = text.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!scheme.equals("sip") && !scheme.equals("sips")) {
            throw new IllegalArgumentException("not a SIP URI: " + uri);
        }
        String rest = text.substring(colon + 1);
        // No '@' may appear unescaped after the userinfo, so the last one ends it.
        int at = rest.lastIndexOf('@');
        String user = "";
        if (at >= 0) {
            String userinfo = rest.substring(0, at);
            int password = userinfo.indexOf(':');
            user = password < 0 ? userinfo : userinfo.substring(0, password);
            rest = rest.substring(at + 1);
        }
        int end = indexOfAny(rest, ";?");
        String hostport = (end < 0 ? rest : rest.substring(0, end)).toLowerCase(Locale.ROOT);
        int portColon = hostport.lastIndexOf(':');
        boolean hasPort = portColon > hostport.lastIndexOf(']');
        String host = hasPort ? hostport.substring(0, portColon) : hostport;
        String port = hasPort ? hostport.substring(portColon + 1) : scheme.equals("sips") ? "5061" : "5060";
        if (host.isEmpty()) {
            throw new IllegalArgumentException("SIP URI without host: " + uri);
        }
        return (user.isEmpty() ? "" : user + "@") + host + ":" + port;
    }

    private static int indexOfAny(String text, String characters) {
        for (int i = 0; i < text.length(); i++) {
            if (characters.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
