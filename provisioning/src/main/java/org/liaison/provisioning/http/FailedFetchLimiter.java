package org.liaison.provisioning.http;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failed fetches per source address (unknown tokens, spent tokens, wrong passwords, unknown MACs):
 * a source with too many within the window is refused (429) until the block ends, so nobody can
 * walk the token or MAC space. The table is bounded; when full the oldest source is forgotten.
 */
final class FailedFetchLimiter {
    private static final Logger log = LoggerFactory.getLogger(FailedFetchLimiter.class);
    private static final int MAX_SOURCES = 10_000;

    private static final class Failures {
        Instant windowStart;
        int count;
        Instant blockedUntil = Instant.MIN;

        Failures(Instant now) {
            this.windowStart = now;
        }
    }

    private final int maxFailures;
    private final Duration window;
    private final Duration block;
    private final Clock clock;
    private final Map<InetAddress, Failures> bySource = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, Failures> eldest) {
            return size() > MAX_SOURCES;
        }
    };

    FailedFetchLimiter(int maxFailures, Duration window, Duration block, Clock clock) {
        this.maxFailures = maxFailures;
        this.window = window;
        this.block = block;
        this.clock = clock;
    }

    synchronized boolean isBlocked(InetAddress source) {
        Failures f = bySource.get(source);
        return f != null && clock.instant().isBefore(f.blockedUntil);
    }

    /** Counts a failure; the one that starts a block is logged. */
    synchronized void recordFailure(InetAddress source) {
        Instant now = clock.instant();
        Failures f = bySource.computeIfAbsent(source, s -> new Failures(now));
        if (!now.isBefore(f.windowStart.plus(window))) {
            f.windowStart = now;
            f.count = 0;
        }
        f.count++;
        if (f.count >= maxFailures && !now.isBefore(f.blockedUntil)) {
            f.blockedUntil = now.plus(block);
            log.warn("fetch source {} blocked for {} after {} failed fetches", source.getHostAddress(), block, f.count);
        }
    }
}
