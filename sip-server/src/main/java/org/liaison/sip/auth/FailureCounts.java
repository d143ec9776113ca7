package org.liaison.sip.auth;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Recent failure times per key (a source address or a username) in a sliding window. Bounded twice over: each key
 * keeps no more times than the threshold it is compared with, and when the table is full the key whose last failure
 * is oldest goes first, which is a key whose failures have all left the window if there is one.
 */
final class FailureCounts<K> {
    private final int threshold;
    private final long windowMillis;
    private final Map<K, ArrayDeque<Long>> times;

    FailureCounts(int threshold, long windowMillis, int capacity) {
        this.threshold = threshold;
        this.windowMillis = windowMillis;
        // access order: every failure moves its key to the young end
        this.times = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, ArrayDeque<Long>> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Records a failure for {@code key} at {@code nowMillis}; true when it reaches the threshold within the window. */
    boolean recordAndCheck(K key, long nowMillis) {
        return record(key, nowMillis) >= threshold;
    }

    /**
     * Records a failure for {@code key} at {@code nowMillis} and returns how many it has within the window, this one
     * included, counting no higher than the threshold: 1 means {@code key} starts failing.
     */
    int record(K key, long nowMillis) {
        ArrayDeque<Long> recent = times.computeIfAbsent(key, k -> new ArrayDeque<>(threshold));
        while (!recent.isEmpty() && recent.peekFirst() <= nowMillis - windowMillis) {
            recent.pollFirst();
        }
        if (recent.size() == threshold) {
            recent.pollFirst();
        }
        recent.addLast(nowMillis);
        return recent.size();
    }

    /** Forgets {@code key}'s failures, so that a block, once over, starts from zero. */
    void clear(K key) {
        times.remove(key);
    }
}
