package org.liaison.im;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits of an {@link OfflineStore}, validated once here so the store can trust them.
 *
 * @param expiry                      how long a message is kept for devices that have not taken it
 * @param maxMessagesPerUser          how many messages one recipient may have waiting; past it
 *                                    {@link QueueFullException}
 * @param maxMessageBytes             the largest body accepted; past it {@link MessageTooLargeException}
 * @param maxMessagesPerSenderPerUser how many of one recipient's waiting messages may come from one
 *                                    sender (a {@link NewMessage#origin()}); past it
 *                                    {@link SenderQueueFullException}, so no sender can fill
 *                                    someone's queue and shut everyone else out of it
 * @param maxMessagesPerSender        how many messages one sender may have waiting in the whole
 *                                    store, a group post counting once (it is stored once); past it
 *                                    {@link SenderQueueFullException}
 */
public record OfflineStoreSettings(Duration expiry, int maxMessagesPerUser, int maxMessageBytes,
        int maxMessagesPerSenderPerUser, int maxMessagesPerSender) {

    public static final Duration DEFAULT_EXPIRY = Duration.ofDays(7);
    public static final int DEFAULT_MAX_MESSAGES_PER_USER = 1000;
    /** 64 KiB, the chat issue's limit: larger content belongs in a session (MSRP) or a file link. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;
    /** A tenth of a queue: ten senders can each leave a full backlog and the owner still gets the rest. */
    public static final int DEFAULT_MAX_MESSAGES_PER_SENDER_PER_USER = 100;
    /** 2000 messages of at most 64 KiB: one sender can hold at most 128 MiB of the disk. */
    public static final int DEFAULT_MAX_MESSAGES_PER_SENDER = 2000;

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
        if (maxMessagesPerSenderPerUser < 1) {
            throw new IllegalArgumentException("maxMessagesPerSenderPerUser must be at least 1, was "
                    + maxMessagesPerSenderPerUser);
        }
        if (maxMessagesPerSender < 1) {
            throw new IllegalArgumentException("maxMessagesPerSender must be at least 1, was " + maxMessagesPerSender);
        }
    }

    /** Limits without per-sender caps (each as large as what the other limits allow anyway). */
    public OfflineStoreSettings(Duration expiry, int maxMessagesPerUser, int maxMessageBytes) {
        this(expiry, maxMessagesPerUser, maxMessageBytes, maxMessagesPerUser, Integer.MAX_VALUE);
    }

    public static OfflineStoreSettings defaults() {
        return new OfflineStoreSettings(DEFAULT_EXPIRY, DEFAULT_MAX_MESSAGES_PER_USER, DEFAULT_MAX_MESSAGE_BYTES,
                DEFAULT_MAX_MESSAGES_PER_SENDER_PER_USER, DEFAULT_MAX_MESSAGES_PER_SENDER);
    }
}
