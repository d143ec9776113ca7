package org.liaison.provisioning.http;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failed fetches, counted so that nobody can walk the token or MAC space or guess a password
 * (RFC 7616 §5.7), while a user is never locked out by someone else's failures:
 *
 * <ul>
 * <li>per source: unknown tokens, spent tokens, unknown MACs, refusals, and wrong passwords for a
 *     user the source had not yet failed for in the window (spraying: one guess per user). At the
 *     threshold the source gets 429 for everything until the block ends. Wrong passwords for one
 *     user do not add up here, so a phone with an old password does not block its office's NAT.</li>
 * <li>per (source, user): wrong passwords; at the threshold that source is refused for that user.</li>
 * <li>per user, from anywhere: wrong passwords; at the threshold the user is tarpitted: refused
 *     (unchecked) from every source except those that authenticated as the user within
 *     {@link #TRUST}, so the user's own phones keep working during an attack.</li>
 * </ul>
 *
 * A source is an IPv4 address or an IPv6 /64: one host is routinely handed a whole /64 and could
 * otherwise use a fresh address per guess. Tables are bounded ({@link FailureWindows#MAX_KEYS}).
 * Usernames come from the client and are never logged here; the access log has them.
 */
final class FailedFetchLimiter {
    private static final Logger log = LoggerFactory.getLogger(FailedFetchLimiter.class);
    static final Duration TRUST = Duration.ofDays(1);

    private record SourceUser(String source, String user) {
    }

    private final Duration block;
    private final Clock clock;
    private final FailureWindows<String> sources;
    private final FailureWindows<SourceUser> sourceUsers;
    private final FailureWindows<String> users;
    private final Map<SourceUser, Instant> trustedUntil = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<SourceUser, Instant> eldest) {
            return size() > FailureWindows.MAX_KEYS;
        }
    };

    /**
     * @param maxPerSource          failures of a source (see above) before it is blocked
     * @param maxPerSourceAndUser   wrong passwords for one user from one source before that pair is blocked
     * @param maxPerUser            wrong passwords for one user from anywhere before the user is tarpitted
     */
    FailedFetchLimiter(int maxPerSource, int maxPerSourceAndUser, int maxPerUser, Duration window, Duration block,
            Clock clock) {
        this.block = block;
        this.clock = clock;
        this.sources = new FailureWindows<>(maxPerSource, window, block);
        this.sourceUsers = new FailureWindows<>(maxPerSourceAndUser, window, block);
        this.users = new FailureWindows<>(maxPerUser, window, block);
    }

    /** Whether {@code source} is refused whatever it asks. */
    synchronized boolean isBlocked(InetAddress source) {
        return sources.isBlocked(key(source), clock.instant());
    }

    /** Whether {@code source} is refused when it signs as {@code username}, before the password is checked. */
    synchronized boolean isBlocked(InetAddress source, String username) {
        Instant now = clock.instant();
        SourceUser pair = new SourceUser(key(source), user(username));
        if (sourceUsers.isBlocked(pair, now)) {
            return true;
        }
        Instant trust = trustedUntil.get(pair);
        return users.isBlocked(pair.user(), now) && (trust == null || !now.isBefore(trust));
    }

    /** Counts a failure that is not a wrong password (token, MAC, refusal); the one that starts a block is logged. */
    synchronized void recordFailure(InetAddress source) {
        String key = key(source);
        if (sources.record(key, clock.instant())) {
            log.warn("fetch source {} blocked for {} after {} failed fetches", key, block, sources.maxFailures());
        }
    }

    /** Counts a wrong password (or a malformed signature) for {@code username} from {@code source}. */
    synchronized void recordPasswordFailure(InetAddress source, String username) {
        Instant now = clock.instant();
        SourceUser pair = new SourceUser(key(source), user(username));
        if (!sourceUsers.isCounting(pair, now)) {
            recordFailure(source); // the first failure for this user from this source: spraying counts
        }
        if (sourceUsers.record(pair, now)) {
            log.warn("fetch source {} refused for one user for {} after {} wrong passwords", pair.source(), block,
                    sourceUsers.maxFailures());
        }
        if (!users.isBlocked(pair.user(), now) && users.record(pair.user(), now)) {
            log.warn("a user is refused for {} from sources that never signed in as them, after {} wrong passwords"
                    + " from anywhere", block, users.maxFailures());
        }
    }

    /** {@code source} proved it knows {@code username}'s password: the user's tarpit does not apply to it. */
    synchronized void recordSuccess(InetAddress source, String username) {
        trustedUntil.put(new SourceUser(key(source), user(username)), clock.instant().plus(TRUST));
    }

    /** An IPv4 address, or the /64 of an IPv6 address. */
    static String key(InetAddress source) {
        byte[] bytes = source.getAddress();
        if (bytes.length == 4) {
            return source.getHostAddress();
        }
        return HexFormat.of().formatHex(bytes, 0, 8).replaceAll("(.{4})(?!$)", "$1:") + "::/64";
    }

    /** Usernames are matched case-insensitively, so "Alice" and "alice" share one count. */
    private static String user(String username) {
        return username.toLowerCase(Locale.ROOT);
    }
}
