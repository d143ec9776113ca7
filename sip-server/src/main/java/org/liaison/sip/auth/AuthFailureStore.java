package org.liaison.sip.auth;

import java.util.List;
import java.util.Optional;

/**
 * Where the guessing defence keeps its failure counts, blocks, slowdowns and trusted devices ({@link
 * AuthFailureLimiter} decides what they mean and logs): in this process on one machine ({@link MemoryAuthFailures}),
 * in the cluster's Redis ({@code cluster.RedisAuthFailures}) when several nodes serve one domain, so that a guesser
 * spreading over N nodes gets the budget of one and a block set through one node holds on all. Each method is one
 * atomic step: two nodes counting failures of one pair at the same moment count both. Times are the caller's clock.
 * Implementations take the thresholds and durations of {@link org.liaison.sip.config.AuthSettings} when built.
 *
 * <p>A store that cannot be reached throws an {@link java.io.UncheckedIOException} (the cluster's {@code
 * SharedStateUnavailable}, answered 503 with Retry-After by the router): the request is neither checked nor counted.
 */
public interface AuthFailureStore {
    /** How long a device that authenticated stays trusted at its address (refreshed by each success). */
    long TRUST_MILLIS = 24 * 60 * 60 * 1000L;
    /** A slowdown's first delay, doubled by each further failure up to {@link #MAX_DELAY_MILLIS}. */
    long FIRST_DELAY_MILLIS = Tarpit.FIRST_DELAY_MILLIS;
    long MAX_DELAY_MILLIS = Tarpit.MAX_DELAY_MILLIS;

    /**
     * A store whose writes cost a round trip may skip recording a success for a device whose every mark was trusted
     * less than this long ago ({@link Check#trustedRecently}): its trust then lasts at least {@code TRUST_MILLIS}
     * minus this after its last success, and a phone re-registering every few minutes costs one write an hour.
     */
    long TRUST_REFRESH_MILLIS = 60 * 60 * 1000L;

    /** How long {@code attempt} must wait before its password is checked, and whether its trust is recent. */
    Check check(AuthAttempt attempt, long nowMillis);

    /**
     * What {@link #check} found; changes nothing.
     *
     * @param waitMillis      how many milliseconds until the password may be checked; 0 = now (a trusted device
     *                        always may)
     * @param trustedRecently every mark of the device is trusted, each since less than {@link #TRUST_REFRESH_MILLIS}
     *                        ago: a success needs not be recorded
     */
    record Check(long waitMillis, boolean trustedRecently) {
    }

    /** Counts a failure of {@code attempt}, starting the blocks and slowdowns whose thresholds it reaches. */
    FailureVerdict recordFailure(AuthAttempt attempt, long nowMillis);

    /** Trusts {@code attempt}'s device marks with its source and user, for {@link #TRUST_MILLIS}. */
    void recordSuccess(AuthAttempt attempt, long nowMillis);

    /**
     * The blocks and slowdowns in force at {@code nowMillis} (for monitoring); empty from a store that cannot count
     * them without walking its whole key space.
     */
    default Optional<ActiveBlocks> activeBlocks(long nowMillis) {
        return Optional.empty();
    }

    /**
     * Blocks and slowdowns in force, by what they hold back.
     *
     * @param pairs   (source, username) pairs blocked ({@code auth.max-failures-per-source-user})
     * @param sources whole sources blocked (spraying or volume)
     * @param users   usernames slowed down ({@code auth.max-failures-per-user})
     */
    record ActiveBlocks(int pairs, int sources, int users) {
        /** The kinds, as the metric's label values. */
        public static final List<String> KINDS = List.of("pair", "source", "user");

        /** The count of {@code kind}, one of {@link #KINDS}. */
        public int of(String kind) {
            return switch (kind) {
                case "pair" -> pairs;
                case "source" -> sources;
                case "user" -> users;
                default -> throw new IllegalArgumentException("no block kind " + kind);
            };
        }
    }

    /**
     * What a failure started, for the log.
     *
     * @param pairFailures how many failures the (source, user) pair has in the window, this one included, counting no
     *                     higher than the threshold
     * @param pairBlocked  the pair reached its threshold and is blocked now
     * @param sourceBlock  whether, and why, the whole source is blocked now
     * @param userSlowed   the username reached its threshold and is slowed down now
     */
    record FailureVerdict(int pairFailures, boolean pairBlocked, SourceBlock sourceBlock, boolean userSlowed) {
    }

    /** Why a whole source was blocked by a failure, if it was. */
    enum SourceBlock {
        NONE,
        /** {@code auth.max-usernames-per-source}: spraying. */
        TOO_MANY_USERNAMES,
        /** {@code auth.max-failures-per-source}: volume. */
        TOO_MANY_FAILURES
    }
}
