package org.liaison.sip.auth;

import java.time.Clock;
import java.time.Duration;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Optional;

import org.liaison.sip.config.AuthSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops password guessing (RFC 7616 §5.7 online dictionary attacks) by what an attacker controls, not by what
 * colleagues share: many phones of an office share one NAT address, and one of them with an old password must not
 * stop the others. Failures are counted in a sliding window ({@code auth.failure-window-seconds}) three ways:
 *
 * <ul>
 * <li><b>per (source, username)</b>: at {@code auth.max-failures-per-source-user} the pair is blocked for
 * {@code auth.block-seconds}. This is what stops a guesser (ten guesses, then a slowdown), and it touches no other
 * user at the same address. The devices that failed (by {@link Origin#identity()}: instance, else Contact, else
 * flow) are refused for the whole block; any other device of that pair gets a turn at once, then once per doubling
 * delay ({@link Tarpit}), so the owner's new phone registers next to her old phone that retries a stale password,
 * while a guesser who changes instance, Contact or port for each guess gets a few more guesses an hour, not ten a
 * minute;</li>
 * <li><b>per source</b>, across usernames: a source that fails for {@code auth.max-usernames-per-source} usernames
 * (spraying) or {@code auth.max-failures-per-source} times (volume) is blocked as a whole;</li>
 * <li><b>per username</b>, across sources: at {@code auth.max-failures-per-user} the username is slowed down, never
 * locked out ({@link Tarpit}): blocking it would let anyone lock its owner out by failing on purpose.</li>
 * </ul>
 *
 * While refused, a request's password is not checked at all, whatever it is (so guesses are not evaluated), and the
 * refusal does not count as a failure (so a phone retrying a refused request does not make things worse for its
 * neighbours). Unknown usernames are counted exactly like known ones: the limiter never asks whether a user exists.
 *
 * <p>A device that authenticated from a source keeps working there while others at that address are refused: its
 * marks ({@link Origin#device()}) are trusted, with the source and username, for {@link #TRUST_MILLIS}. Its first
 * failure ends that trust (it no longer knows the password, or something else is using its marks).
 *
 * <p>One line is logged when a block or slowdown starts, at WARN on this class's logger, none while it lasts:
 *
 * <pre>
 * auth-block source=198.51.100.7 user=alice failures=100 seconds=600 reason=too-many-failures
 * auth-block source=198.51.100.7 user=zoe failures=10 seconds=600 reason=too-many-usernames
 * auth-block-pair user=alice address=198.51.100.7 failures=10 seconds=600 reason=too-many-failures
 * auth-slow-user user=alice failures=20 seconds=600 reason=too-many-failures
 * </pre>
 *
 * Only the first kind is for fail2ban ({@code failregex = auth-block source=<HOST> }): a pair block or a slowed user
 * must never get an office's NAT address banned at the firewall, which would be the lockout this class avoids.
 * Usernames come from the client, so they are escaped by {@link LogSafe#token}.
 *
 * <p>Tables are bounded ({@link #MAX_TRACKED} keys each) and drop expired entries first; under a flood of more
 * addresses or usernames than that, the oldest counts and blocks are forgotten rather than memory growing.
 */
final class AuthFailureLimiter {
    private static final Logger log = LoggerFactory.getLogger(AuthFailureLimiter.class);
    static final long TRUST_MILLIS = 24 * 60 * 60 * 1000L;
    static final int MAX_TRACKED = 10_000;

    private record Pair(InetAddress source, String user) {
    }

    /** One mark of a device (see {@link Origin}) seen with a (source, username) pair. */
    private record DeviceMark(Pair pair, String mark) {
    }

    private final Clock clock;
    private final AuthSettings settings;
    private final long blockSeconds;
    private final FailureCounts<Pair> pairFailures;
    private final FailureCounts<InetAddress> sourceFailures;
    private final FailureCounts<InetAddress> sourceUsernames;
    private final FailureCounts<String> userFailures;
    private final ExpiringSet<Pair> blockedPairs;
    /** The marks of devices that failed for a pair, refused while it is blocked. */
    private final ExpiringSet<DeviceMark> failedDevices;
    private final Tarpit<Pair> slowedPairs;
    private final ExpiringSet<InetAddress> blockedSources;
    private final Tarpit<String> slowedUsers;
    private final ExpiringSet<DeviceMark> trusted = new ExpiringSet<>(TRUST_MILLIS, MAX_TRACKED);

    AuthFailureLimiter(AuthSettings settings, Clock clock) {
        this.clock = clock;
        this.settings = settings;
        this.blockSeconds = settings.blockDuration().toSeconds();
        long window = settings.failureWindow().toMillis();
        long block = settings.blockDuration().toMillis();
        this.pairFailures = new FailureCounts<>(settings.maxFailuresPerSourceUser(), window, MAX_TRACKED);
        this.sourceFailures = new FailureCounts<>(settings.maxFailuresPerSource(), window, MAX_TRACKED);
        this.sourceUsernames = new FailureCounts<>(settings.maxUsernamesPerSource(), window, MAX_TRACKED);
        this.userFailures = new FailureCounts<>(settings.maxFailuresPerUser(), window, MAX_TRACKED);
        this.blockedPairs = new ExpiringSet<>(block, MAX_TRACKED);
        this.failedDevices = new ExpiringSet<>(Math.max(window, block), MAX_TRACKED);
        this.slowedPairs = new Tarpit<>(block, 0, MAX_TRACKED);
        this.blockedSources = new ExpiringSet<>(block, MAX_TRACKED);
        this.slowedUsers = new Tarpit<>(block, Tarpit.FIRST_DELAY_MILLIS, MAX_TRACKED);
    }

    /**
     * How long {@code origin} must wait before its password for {@code username} is checked; empty when it may be
     * checked now. Depends on nothing that tells whether the username exists.
     */
    synchronized Optional<Duration> refusal(Origin origin, String username) {
        long now = clock.millis();
        Pair pair = new Pair(origin.counted(), key(username));
        if (isTrusted(origin, pair, now)) {
            return Optional.empty();
        }
        long wait = Math.max(blockedSources.millisLeft(pair.source(), now),
                Math.max(pairWait(origin, pair, now), slowedUsers.millisUntilTurn(pair.user(), now)));
        return wait > 0 ? Optional.of(Duration.ofMillis(wait)) : Optional.empty();
    }

    /** A blocked pair: its failing devices wait out the block, its other devices their turn. */
    private long pairWait(Origin origin, Pair pair, long now) {
        long blockLeft = blockedPairs.millisLeft(pair, now);
        if (blockLeft == 0) {
            return 0;
        }
        boolean failed = origin.identity().map(id -> failedDevices.contains(new DeviceMark(pair, id), now)).orElse(true);
        return failed ? blockLeft : slowedPairs.millisUntilTurn(pair, now);
    }

    /** Counts a failed authentication; blocks or slows down, and logs, when a threshold is reached. */
    synchronized void recordFailure(Origin origin, String username) {
        long now = clock.millis();
        Pair pair = new Pair(origin.counted(), key(username));
        origin.device().forEach(mark -> trusted.remove(new DeviceMark(pair, mark)));
        origin.identity().ifPresent(id -> failedDevices.add(new DeviceMark(pair, id), now));
        if (blockedPairs.contains(pair, now)) {
            slowedPairs.failed(pair, now); // a device that had its turn during the block
        }
        int pairCount = pairFailures.record(pair, now);
        if (pairCount >= settings.maxFailuresPerSourceUser()) {
            pairFailures.clear(pair);
            if (!blockedPairs.contains(pair, now)) {
                slowedPairs.start(pair, now);
            }
            blockedPairs.add(pair, now);
            log.warn("auth-block-pair user={} address={} failures={} seconds={} reason=too-many-failures",
                    LogSafe.token(username), origin.address().getHostAddress(), pairCount, blockSeconds);
        }
        // a pair starting to fail is one more username failing from this source (spraying)
        boolean spraying = pairCount == 1 && sourceUsernames.recordAndCheck(pair.source(), now);
        boolean volume = sourceFailures.recordAndCheck(pair.source(), now);
        if (spraying || volume) {
            sourceFailures.clear(pair.source());
            sourceUsernames.clear(pair.source());
            blockedSources.add(pair.source(), now);
            log.warn("auth-block source={} user={} failures={} seconds={} reason={}",
                    origin.address().getHostAddress(), LogSafe.token(username),
                    volume ? settings.maxFailuresPerSource() : settings.maxUsernamesPerSource(), blockSeconds,
                    volume ? "too-many-failures" : "too-many-usernames");
        }
        if (slowedUsers.isSlowed(pair.user(), now)) {
            slowedUsers.failed(pair.user(), now);
        } else if (userFailures.recordAndCheck(pair.user(), now)) {
            userFailures.clear(pair.user());
            slowedUsers.start(pair.user(), now);
            log.warn("auth-slow-user user={} failures={} seconds={} reason=too-many-failures",
                    LogSafe.token(username), settings.maxFailuresPerUser(), blockSeconds);
        }
    }

    /** Remembers that the device at {@code origin} proved it knows {@code username}'s password. */
    synchronized void recordSuccess(Origin origin, String username) {
        long now = clock.millis();
        Pair pair = new Pair(origin.counted(), key(username));
        origin.device().forEach(mark -> trusted.add(new DeviceMark(pair, mark), now));
    }

    private boolean isTrusted(Origin origin, Pair pair, long now) {
        return origin.device().stream().anyMatch(mark -> trusted.contains(new DeviceMark(pair, mark), now));
    }

    /** Usernames are looked up case-insensitively, so "Alice" and "alice" share one count. */
    private static String key(String username) {
        return username.toLowerCase(Locale.ROOT);
    }
}
