package org.liaison.sip.auth;

import java.util.Optional;
import org.liaison.sip.config.AuthSettings;

/**
 * The guessing defence's state in this process, for one machine: sliding-window counts ({@link FailureCounts}),
 * blocks and trusted devices ({@link ExpiringSet}), slowdowns ({@link Tarpit}). Tables are bounded ({@link
 * AuthFailureLimiter#MAX_TRACKED} keys each) and drop expired entries first; under a flood of more addresses or
 * usernames than that, the oldest counts and blocks are forgotten rather than memory growing. Thread-safe.
 */
final class MemoryAuthFailures implements AuthFailureStore {
    private record Pair(String source, String user) {
    }

    /** One mark of a device (see {@link Origin}) seen with a (source, username) pair. */
    private record DeviceMark(Pair pair, String mark) {
    }

    private final AuthSettings settings;
    private final FailureCounts<Pair> pairFailures;
    private final FailureCounts<String> sourceFailures;
    private final FailureCounts<String> sourceUsernames;
    private final FailureCounts<String> userFailures;
    private final ExpiringSet<Pair> blockedPairs;
    /** The marks of devices that failed for a pair, refused while it is blocked. */
    private final ExpiringSet<DeviceMark> failedDevices;
    private final Tarpit<Pair> slowedPairs;
    private final ExpiringSet<String> blockedSources;
    private final Tarpit<String> slowedUsers;
    private final ExpiringSet<DeviceMark> trusted =
            new ExpiringSet<>(AuthFailureLimiter.TRUST_MILLIS, AuthFailureLimiter.MAX_TRACKED);

    MemoryAuthFailures(AuthSettings settings) {
        this.settings = settings;
        int capacity = AuthFailureLimiter.MAX_TRACKED;
        long window = settings.failureWindow().toMillis();
        long block = settings.blockDuration().toMillis();
        this.pairFailures = new FailureCounts<>(settings.maxFailuresPerSourceUser(), window, capacity);
        this.sourceFailures = new FailureCounts<>(settings.maxFailuresPerSource(), window, capacity);
        this.sourceUsernames = new FailureCounts<>(settings.maxUsernamesPerSource(), window, capacity);
        this.userFailures = new FailureCounts<>(settings.maxFailuresPerUser(), window, capacity);
        this.blockedPairs = new ExpiringSet<>(block, capacity);
        this.failedDevices = new ExpiringSet<>(Math.max(window, block), capacity);
        this.slowedPairs = new Tarpit<>(block, 0, capacity);
        this.blockedSources = new ExpiringSet<>(block, capacity);
        this.slowedUsers = new Tarpit<>(block, Tarpit.FIRST_DELAY_MILLIS, capacity);
    }

    /** Never "trusted recently": recording a success costs nothing here, so trust lasts exactly its 24 h. */
    @Override
    public synchronized Check check(AuthAttempt attempt, long now) {
        Pair pair = new Pair(attempt.source(), attempt.user());
        for (String mark : attempt.marks()) { // a loop, not a stream: every authenticated request asks (issue 12)
            if (trusted.contains(new DeviceMark(pair, mark), now)) {
                return new Check(0, false);
            }
        }
        return new Check(Math.max(blockedSources.millisLeft(pair.source(), now),
                Math.max(pairWait(attempt, pair, now), slowedUsers.millisUntilTurn(pair.user(), now))), false);
    }

    /** A blocked pair: its failing devices wait out the block, its other devices their turn. */
    private long pairWait(AuthAttempt attempt, Pair pair, long now) {
        long blockLeft = blockedPairs.millisLeft(pair, now);
        if (blockLeft == 0) {
            return 0;
        }
        boolean failed = attempt.identity().map(id -> failedDevices.contains(new DeviceMark(pair, id), now))
                .orElse(true);
        return failed ? blockLeft : slowedPairs.millisUntilTurn(pair, now);
    }

    @Override
    public synchronized FailureVerdict recordFailure(AuthAttempt attempt, long now) {
        Pair pair = new Pair(attempt.source(), attempt.user());
        attempt.marks().forEach(mark -> trusted.remove(new DeviceMark(pair, mark)));
        attempt.identity().ifPresent(id -> failedDevices.add(new DeviceMark(pair, id), now));
        boolean wasBlocked = blockedPairs.contains(pair, now);
        if (wasBlocked) {
            slowedPairs.failed(pair, now); // a device that had its turn during the block
        }
        int pairCount = pairFailures.record(pair, now);
        boolean pairBlocked = pairCount >= settings.maxFailuresPerSourceUser();
        if (pairBlocked) {
            pairFailures.clear(pair);
            if (!wasBlocked) {
                slowedPairs.start(pair, now);
            }
            blockedPairs.add(pair, now);
        }
        // a pair starting to fail is one more username failing from this source (spraying)
        boolean spraying = pairCount == 1 && sourceUsernames.recordAndCheck(pair.source(), now);
        boolean volume = sourceFailures.recordAndCheck(pair.source(), now);
        if (spraying || volume) {
            sourceFailures.clear(pair.source());
            sourceUsernames.clear(pair.source());
            blockedSources.add(pair.source(), now);
        }
        boolean userSlowed = false;
        if (slowedUsers.isSlowed(pair.user(), now)) {
            slowedUsers.failed(pair.user(), now);
        } else if (userFailures.recordAndCheck(pair.user(), now)) {
            userFailures.clear(pair.user());
            slowedUsers.start(pair.user(), now);
            userSlowed = true;
        }
        SourceBlock sourceBlock = volume ? SourceBlock.TOO_MANY_FAILURES
                : spraying ? SourceBlock.TOO_MANY_USERNAMES : SourceBlock.NONE;
        return new FailureVerdict(pairCount, pairBlocked, sourceBlock, userSlowed);
    }

    @Override
    public synchronized Optional<ActiveBlocks> activeBlocks(long now) {
        return Optional.of(new ActiveBlocks(blockedPairs.size(now), blockedSources.size(now), slowedUsers.size(now)));
    }

    @Override
    public synchronized void recordSuccess(AuthAttempt attempt, long now) {
        Pair pair = new Pair(attempt.source(), attempt.user());
        for (String mark : attempt.marks()) {
            trusted.add(new DeviceMark(pair, mark), now);
        }
    }
}
