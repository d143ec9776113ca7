package org.liaison.sip.auth;

import java.net.InetAddress;
import java.time.Clock;
import java.util.Locale;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slows down password guessing (RFC 7616 §5.7 online dictionary attacks): counts failed authentications per source
 * address and per username in a sliding window and, at the threshold, blocks the source or the username for a while.
 * While blocked, requests are refused without their password being checked.
 *
 * <p>Exactly one line is logged when a block starts, at WARN on this class's logger, none while it lasts:
 *
 * <pre>
 * auth-block source=198.51.100.7 user=alice failures=10 seconds=300 reason=too-many-failures
 * auth-block-user user=alice failures=20 seconds=300 reason=too-many-failures
 * </pre>
 *
 * The first is for fail2ban ({@code failregex = auth-block source=<HOST> }); {@code user} is the username of the
 * failure that reached the threshold. The second names no address on purpose: a user is blocked because of failures
 * from anywhere, and a filter written for the first line must never ban the addresses of the user's own phones.
 * Usernames come from the client, so they are escaped by {@link LogSafe#token}.
 *
 * <p>Blocking a username would let anyone lock its owner out by failing on purpose. So a blocked username stays
 * usable from sources that authenticated successfully as that user within the last {@link #TRUST_MILLIS} (longer
 * than a registration usually lasts, so phones re-registering are not locked out); it is blocked for every other
 * source. A success resets nothing: the source's failures for other usernames still count.
 *
 * <p>Tables are bounded ({@link #MAX_TRACKED} keys each) and drop expired entries first; under a flood from more
 * addresses than that, the oldest counts and blocks are forgotten rather than memory growing.
 */
final class AuthFailureLimiter {
    private static final Logger log = LoggerFactory.getLogger(AuthFailureLimiter.class);
    static final long TRUST_MILLIS = 24 * 60 * 60 * 1000L;
    static final int MAX_TRACKED = 10_000;

    private record Trust(String user, InetAddress source) {
    }

    private final Clock clock;
    private final int maxFailuresPerSource;
    private final int maxFailuresPerUser;
    private final long blockSeconds;
    private final FailureCounts<InetAddress> sourceFailures;
    private final FailureCounts<String> userFailures;
    private final ExpiringSet<InetAddress> blockedSources;
    private final ExpiringSet<String> blockedUsers;
    private final ExpiringSet<Trust> trusted = new ExpiringSet<>(TRUST_MILLIS, MAX_TRACKED);

    AuthFailureLimiter(AuthSettings settings, Clock clock) {
        this.clock = clock;
        this.maxFailuresPerSource = settings.maxFailuresPerSource();
        this.maxFailuresPerUser = settings.maxFailuresPerUser();
        this.blockSeconds = settings.blockDuration().toSeconds();
        long window = settings.failureWindow().toMillis();
        long block = settings.blockDuration().toMillis();
        this.sourceFailures = new FailureCounts<>(maxFailuresPerSource, window, MAX_TRACKED);
        this.userFailures = new FailureCounts<>(maxFailuresPerUser, window, MAX_TRACKED);
        this.blockedSources = new ExpiringSet<>(block, MAX_TRACKED);
        this.blockedUsers = new ExpiringSet<>(block, MAX_TRACKED);
    }

    synchronized boolean isBlocked(InetAddress source, String username) {
        long now = clock.millis();
        String user = key(username);
        return blockedSources.contains(source, now)
                || (blockedUsers.contains(user, now) && !trusted.contains(new Trust(user, source), now));
    }

    /** Counts a failed authentication; blocks and logs when a threshold is reached. */
    synchronized void recordFailure(InetAddress source, String username) {
        long now = clock.millis();
        String user = key(username);
        if (sourceFailures.recordAndCheck(source, now)) {
            sourceFailures.clear(source);
            blockedSources.add(source, now);
            log.warn("auth-block source={} user={} failures={} seconds={} reason=too-many-failures",
                    source.getHostAddress(), LogSafe.token(username), maxFailuresPerSource, blockSeconds);
        }
        // A failure from a trusted source while the user is blocked must not start the block (and its line) again.
        if (!blockedUsers.contains(user, now) && userFailures.recordAndCheck(user, now)) {
            userFailures.clear(user);
            blockedUsers.add(user, now);
            log.warn("auth-block-user user={} failures={} seconds={} reason=too-many-failures",
                    LogSafe.token(username), maxFailuresPerUser, blockSeconds);
        }
    }

    /** Remembers that {@code source} proved it knows {@code username}'s password. */
    synchronized void recordSuccess(InetAddress source, String username) {
        trusted.add(new Trust(key(username), source), clock.millis());
    }

    /** Usernames are looked up case-insensitively, so "Alice" and "alice" share one count. */
    private static String key(String username) {
        return username.toLowerCase(Locale.ROOT);
    }
}
