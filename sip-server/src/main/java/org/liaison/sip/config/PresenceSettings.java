package org.liaison.sip.config;

import java.time.Duration;

/**
 * Presence (RFC 3856 SUBSCRIBE/NOTIFY, RFC 3903 PUBLISH, RFC 4662 lists).
 *
 * @param minExpires              a shorter subscription or publication gets 423 Interval Too Brief (RFC 6665
 *                                §4.2.1.1, RFC 3903 §6 step 5)
 * @param maxExpires              a longer one is granted this much (RFC 6665 §4.2.1.1 lets the notifier shorten)
 * @param maxSubscriptionsPerUser subscriptions one user may hold at once, all devices together
 * @param notifyInterval          at most one NOTIFY per subscription in this interval; changes in between are
 *                                sent together after it (RFC 6665 §4.2.2.1 rate control)
 */
public record PresenceSettings(Duration minExpires, Duration maxExpires, int maxSubscriptionsPerUser,
        Duration notifyInterval) {
    static PresenceSettings from(ConfigReader r) throws ConfigException {
        Duration min = r.seconds("presence.min-expires-seconds", 60, 1, 3600);
        Duration max = r.seconds("presence.max-expires-seconds", 3600, 60, 86400);
        if (max.compareTo(min) < 0) {
            throw r.problem("presence.max-expires-seconds", "must not be below presence.min-expires-seconds");
        }
        return new PresenceSettings(min, max, r.integer("presence.max-subscriptions-per-user", 500, 1, 100_000),
                r.millis("presence.notify-interval-ms", 2000, 0, 60_000));
    }
}
