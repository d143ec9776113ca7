package org.liaison.im.messaging;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;

/**
 * What a chat MESSAGE carries, told by its body's media type, looked for inside a CPIM wrapper
 * (RFC 3862) too: Linphone wraps everything in {@code message/cpim} when CPIM is on (group chat
 * rooms, or an account's {@code cpim_in_basic_chat_rooms_enabled}), typing notices and receipts
 * included, so the outer type alone says nothing.
 */
public enum MessageKind {
    /** Something a person wrote or sent: text, a file's link, anything not below. */
    CHAT,
    /** A typing notice (RFC 3994 {@code application/im-iscomposing+xml}): stale within seconds. */
    IS_COMPOSING,
    /** A delivery or read receipt (RFC 5438 {@code message/imdn+xml}) for a message its recipient got. */
    NOTIFICATION;

    private static final String CPIM = "message/cpim";
    private static final String IS_COMPOSING_TYPE = "application/im-iscomposing+xml";
    private static final String IMDN_TYPE = "message/imdn+xml";
    /** A CPIM body is its message headers, a blank line, its content headers (RFC 3862 §3); a MIME block may precede them. */
    private static final int CPIM_HEADER_BLOCKS = 3;
    private static final int CPIM_HEADERS_READ = 8192;

    /**
     * @param mediaType the body's {@code type/subtype} without parameters, empty when the MESSAGE has
     *                  no Content-Type
     * @param body      the body as its sender meant it (after undoing any Content-Encoding)
     */
    public static MessageKind of(Optional<String> mediaType, byte[] body) {
        String type = mediaType.map(t -> t.toLowerCase(Locale.ROOT)).orElse("");
        if (type.equals(CPIM)) {
            // its headers are a few hundred bytes: a message's text is never read, however long
            type = cpimContentType(new String(body, 0, Math.min(body.length, CPIM_HEADERS_READ), StandardCharsets.UTF_8))
                    .orElse("");
        }
        return switch (type) {
            case IS_COMPOSING_TYPE -> IS_COMPOSING;
            case IMDN_TYPE -> NOTIFICATION;
            default -> CHAT;
        };
    }

    /**
     * The type of what a CPIM message wraps: the first Content-Type among its header blocks that is
     * not CPIM itself (some senders put a MIME block naming {@code message/cpim} before the message
     * headers). Lines may end in CRLF or LF; header names are case-insensitive.
     */
    private static Optional<String> cpimContentType(String cpim) {
        Iterator<String> lines = cpim.lines().iterator();
        int blocks = 0;
        while (lines.hasNext() && blocks < CPIM_HEADER_BLOCKS) {
            String line = lines.next();
            if (line.isEmpty()) {
                blocks++;
                continue;
            }
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Content-Type")) {
                String value = line.substring(colon + 1).trim();
                int parameters = value.indexOf(';');
                String type = (parameters < 0 ? value : value.substring(0, parameters)).trim().toLowerCase(Locale.ROOT);
                if (!type.equals(CPIM)) {
                    return Optional.of(type);
                }
            }
        }
        return Optional.empty();
    }
}
