package org.liaison.im;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits of an {@link OfflineStore}, validated once here so the store can trust them.
 *
 * @param expiry             how long a message is kept for devices that have not taken it
 * @param maxMessagesPerUser how many messages one recipient may have waiting; past it
 *                           {@link QueueFullException}
 * @param maxMessageBytes    the largest body accepted; past it {@link MessageTooLargeException}
 */
public record OfflineStoreSettings(Duration expiry, int maxMessagesPerUser, int maxMessageBytes) {

    public static final Duration DEFAULT_EXPIRY = Duration.ofDays(7);
    public static final int DEFAULT_MAX_MESSAGES_PER_USER = 1000;
    /** 64 KiB, the chat issue's limit: larger content belongs in a session (MSRP) or a file link. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;

    public OfflineStoreSettings {
        Objects.requireNonNull(expiry, "expiry");
        if (expiry.isNegative() || expiry.isZero()) {
            throw new IllegalArgumentException("expiry must be positive, was " + expiry);
        }
        if (maxMessagesPerUser < 1) {
            throw new IllegalArgumentException("maxMessagesPerUser must be at least 1, was " + maxMessagesPerUser);
        }
        if (maxMessageBytes < 1) {
            throw new IllegalArgumentException("maxMessageBytes must be at least 1, was " + maxMessageBytes);
        }
    }

    public static OfflineStoreSettings defaults() {
        return new OfflineStoreSettings(DEFAULT_EXPIRY, DEFAULT_MAX_MESSAGES_PER_USER, DEFAULT_MAX_MESSAGE_BYTES);
    }
}
