package org.liaison.sip.auth;

import java.time.Clock;
import java.time.Duration;
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
 * <p>The counts live in an {@link AuthFailureStore}: this process's memory on one machine ({@link MemoryAuthFailures},
 * bounded), the cluster's Redis when nodes share a domain, so the budget and the blocks are the cluster's, not each
 * node's. Only the node whose failure starts a block or slowdown logs it.
 */
final class AuthFailureLimiter {
    private static final Logger log = LoggerFactory.getLogger(AuthFailureLimiter.class);
    static final long TRUST_MILLIS = AuthFailureStore.TRUST_MILLIS;
    static final int MAX_TRACKED = 10_000;

    private final Clock clock;
    private final AuthSettings settings;
    private final AuthFailureStore store;
    private final long blockSeconds;
    private final AuthCounters counters;

    /** One machine: the counts in this process's memory. */
    AuthFailureLimiter(AuthSettings settings, Clock clock) {
        this(settings, clock, new MemoryAuthFailures(settings));
    }

    AuthFailureLimiter(AuthSettings settings, Clock clock, AuthFailureStore store) {
        this.clock = clock;
        this.settings = settings;
        this.store = store;
        this.blockSeconds = settings.blockDuration().toSeconds();
        this.counters = new AuthCounters(() -> store.activeBlocks(clock.millis()));
    }

    /**
     * How long {@code origin} must wait before its password for {@code username} is checked; empty when it may be
     * checked now. Depends on nothing that tells whether the username exists.
     */
    Optional<Duration> refusal(Origin origin, String username) {
        return check(origin, username).refusal();
    }

    /** As {@link #refusal}, with what {@link #recordSuccess(Origin, String, Admission)} needs to know. */
    Admission check(Origin origin, String username) {
        AuthAttempt attempt = attempt(origin, username);
        AuthFailureStore.Check check = store.check(attempt, clock.millis());
        if (check.waitMillis() > 0) {
            counters.refusedWhileBlocked();
        }
        return new Admission(attempt, check.waitMillis() > 0 ? Optional.of(Duration.ofMillis(check.waitMillis()))
                : Optional.empty(), check.trustedRecently());
    }

    /**
     * Whether a request's password may be checked now.
     *
     * @param attempt         the attempt as the store keys it, kept so that a success is recorded without building
     *                        it again (issue 12: one lower-casing, one address text, one set of marks per request)
     * @param refusal         how long it must wait; empty = check it now
     * @param trustedRecently the device's trust needs no refreshing if it authenticates
     */
    record Admission(AuthAttempt attempt, Optional<Duration> refusal, boolean trustedRecently) {
    }

    /** Counts a failed authentication; logs when it starts a block or a slowdown. */
    void recordFailure(Origin origin, String username) {
        AuthFailureStore.FailureVerdict verdict = store.recordFailure(attempt(origin, username), clock.millis());
        counters.failed();
        String address = origin.address().getHostAddress();
        if (verdict.pairBlocked()) {
            counters.blockStarted();
            log.warn("auth-block-pair user={} address={} failures={} seconds={} reason=too-many-failures",
                    LogSafe.token(username), address, verdict.pairFailures(), blockSeconds);
        }
        if (verdict.sourceBlock() != AuthFailureStore.SourceBlock.NONE) {
            counters.blockStarted();
            boolean volume = verdict.sourceBlock() == AuthFailureStore.SourceBlock.TOO_MANY_FAILURES;
            log.warn("auth-block source={} user={} failures={} seconds={} reason={}", address, LogSafe.token(username),
                    volume ? settings.maxFailuresPerSource() : settings.maxUsernamesPerSource(), blockSeconds,
                    volume ? "too-many-failures" : "too-many-usernames");
        }
        if (verdict.userSlowed()) {
            counters.blockStarted();
            log.warn("auth-slow-user user={} failures={} seconds={} reason=too-many-failures",
                    LogSafe.token(username), settings.maxFailuresPerUser(), blockSeconds);
        }
    }

    /** Remembers that the device at {@code origin} proved it knows {@code username}'s password. */
    void recordSuccess(Origin origin, String username) {
        store.recordSuccess(attempt(origin, username), clock.millis());
    }

    /**
     * As {@link #recordSuccess(Origin, String)} for the attempt {@link #check} admitted, skipped when the device's
     * trust was refreshed recently.
     */
    void recordSuccess(Admission admitted) {
        if (!admitted.trustedRecently()) {
            store.recordSuccess(admitted.attempt(), clock.millis());
        }
    }

    AuthCounters counters() {
        return counters;
    }

    /** Usernames are looked up case-insensitively, so "Alice" and "alice" share one count. */
    private static AuthAttempt attempt(Origin origin, String username) {
        return new AuthAttempt(origin.counted().getHostAddress(), username.toLowerCase(Locale.ROOT), origin.device(),
                origin.identity());
    }
}
