package org.liaison.im.messaging;

import java.util.Optional;
import java.util.OptionalInt;

/** Which chat messages are taken at all, and which are worth keeping for a device that is away. */
public final class MessagePolicy {
    private static final String IS_COMPOSING = "application/im-iscomposing+xml";

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
     * A message worth keeping for later: not an is-composing notice (RFC 3994), not marked
     * {@code Expires: 0}; those only matter now.
     *
     * @param mediaType      the body's {@code type/subtype} without parameters, empty when the message has no
     *                       Content-Type
     * @param expiresSeconds the message's Expires, empty when it has none
     */
    public static boolean isStorable(Optional<String> mediaType, OptionalInt expiresSeconds) {
        if (mediaType.filter(IS_COMPOSING::equalsIgnoreCase).isPresent()) {
            return false;
        }
        return expiresSeconds.isEmpty() || expiresSeconds.getAsInt() != 0;
    }
}
