package org.liaison.sip.config;

import java.time.Duration;

/**
 * Chat (SIP MESSAGE, RFC 3428) store and forward.
 *
 * @param expiry          a stored message not delivered within this is dropped
 * @param maxQueuedPerUser messages kept for one user at most
 * @param maxMessageBytes the largest body accepted (larger: 513 Message Too Large)
 * @param deviceAnswer    a device that has not answered a MESSAGE within this counts as offline
 * @param maxQueuedPerSenderPerUser messages kept for one user from any one sender at most
 * @param maxQueuedPerSender        messages kept from one sender at most, a group post counting once
 */
public record MessagingSettings(Duration expiry, int maxQueuedPerUser, int maxMessageBytes, Duration deviceAnswer,
        int maxQueuedPerSenderPerUser, int maxQueuedPerSender) {
    static MessagingSettings from(ConfigReader r) throws ConfigException {
        return new MessagingSettings(
                r.seconds("im.message-expiry-seconds", 7 * 86400, 60, 365 * 86400),
                r.integer("im.max-queued-per-user", 1000, 1, 1_000_000),
                r.integer("im.max-message-bytes", 65536, 1024, 1 << 20),
                r.millis("im.device-answer-ms", 5000, 500, 32_000),
                r.integer("im.max-queued-per-sender-per-user", 100, 1, 1_000_000),
                r.integer("im.max-queued-per-sender", 2000, 1, 10_000_000));
    }
}
