package org.liaison.provisioning.http;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Failures per key in a fixed window, and the block a key earns at the threshold. The table is
 * bounded: when full the least recently seen key is forgotten, so a flood of keys costs memory up
 * to the bound and no more.
 */
final class FailureWindows<K> {
    static final int MAX_KEYS = 10_000;

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
    private final Map<K, Failures> byKey = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<K, Failures> eldest) {
            return size() > MAX_KEYS;
        }
    };

    FailureWindows(int maxFailures, Duration window, Duration block) {
        this.maxFailures = maxFailures;
        this.window = window;
        this.block = block;
    }

    boolean isBlocked(K key, Instant now) {
        Failures f = byKey.get(key);
        return f != null && now.isBefore(f.blockedUntil);
    }

    /** Whether {@code key} has failures counting in the current window. */
    boolean isCounting(K key, Instant now) {
        Failures f = byKey.get(key);
        return f != null && f.count > 0 && now.isBefore(f.windowStart.plus(window));
    }

    /** Counts a failure; true when it is the one that starts a block. */
    boolean record(K key, Instant now) {
        Failures f = byKey.computeIfAbsent(key, k -> new Failures(now));
        if (!now.isBefore(f.windowStart.plus(window))) {
            f.windowStart = now;
            f.count = 0;
        }
        f.count++;
        if (f.count >= maxFailures && !now.isBefore(f.blockedUntil)) {
            f.blockedUntil = now.plus(block);
            return true;
        }
        return false;
    }

    int maxFailures() {
        return maxFailures;
    }
}
