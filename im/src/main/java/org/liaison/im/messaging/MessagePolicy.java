package org.liaison.im.messaging;

import java.util.List;
import java.util.OptionalInt;

/** Which chat messages are taken at all, and which are worth keeping for a device that is away. */
public final class MessagePolicy {
    /** The Content-Encodings a kept message may arrive in, for Accept-Encoding (RFC 3261 §20.2). */
    public static final String ACCEPTED_CODINGS = ContentCodings.ACCEPTED;

    private final int maxMessageBytes;

    /** {@code maxMessageBytes}: {@code im.max-message-bytes}. */
    public MessagePolicy(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    /** A body over {@code im.max-message-bytes} is refused (RFC 3428 §8: 513), its recipient online or not. */
    public boolean isTooLarge(int bodyBytes) {
        return bodyBytes > maxMessageBytes;
    }

    /**
     * The message itself, {@code body} with its Content-Encoding {@code codings} undone (none: the
     * body as it is), decoded no further than one byte past {@code im.max-message-bytes}.
     */
    public byte[] decode(List<String> codings, byte[] body) throws UndecodableBodyException {
        return ContentCodings.decode(codings, body, maxMessageBytes);
    }

    /**
     * A message worth keeping for later: not an is-composing notice (RFC 3994), not marked
     * {@code Expires: 0}; those only matter now. A receipt (RFC 5438) is kept like a message, as
     * Flexisip keeps it (its router stores every MESSAGE but is-composing and {@code Expires: 0}):
     * the sender's phone shows "delivered" or "read" once it is back.
     *
     * @param kind           what the message carries
     * @param expiresSeconds the message's Expires, empty when it has none
     */
    public static boolean isStorable(MessageKind kind, OptionalInt expiresSeconds) {
        if (kind == MessageKind.IS_COMPOSING) {
            return false;
        }
        return expiresSeconds.isEmpty() || expiresSeconds.getAsInt() != 0;
    }
}
