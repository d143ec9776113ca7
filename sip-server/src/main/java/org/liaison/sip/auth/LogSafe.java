package org.liaison.sip.auth;

import java.nio.charset.StandardCharsets;

/**
 * Client-supplied text made safe for our one-line {@code key=value} logs. A username is chosen by whoever sends the
 * request; unescaped, {@code "x source=203.0.113.9"} or a line break in it would let an attacker make fail2ban ban
 * someone else.
 */
final class LogSafe {
    private static final int MAX_CHARS = 64;

    private LogSafe() {
    }

    /**
     * {@code text} with every byte outside {@code [A-Za-z0-9._@+-]} percent-encoded (UTF-8), cut after about 64
     * characters; {@code -} when empty, so that every key has a value.
     */
    static String token(String text) {
        if (text.isEmpty()) {
            return "-";
        }
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            if (out.length() >= MAX_CHARS) {
                break;
            }
            char c = (char) b;
            if (b >= 0 && (Character.isLetterOrDigit(c) || ".@+_-".indexOf(c) >= 0)) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }
}
