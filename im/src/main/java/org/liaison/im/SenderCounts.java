package org.liaison.im;

import java.util.HashMap;
import java.util.Map;

/**
 * How many messages each sender has waiting in the whole store, a group post counting once (it
 * is stored once), so one sender cannot take the disk from everyone else.
 */
final class SenderCounts {

    private final int limit;
    private final Map<String, Integer> counts = new HashMap<>();

    SenderCounts(int limit) {
        this.limit = limit;
    }

    /** Counts one more message of {@code origin}, or refuses it when the sender is at the limit. */
    synchronized void reserve(String origin) throws SenderQueueFullException {
        if (counts.getOrDefault(origin, 0) >= limit) {
            throw new SenderQueueFullException(origin, "in the store", limit);
        }
        counts.merge(origin, 1, Integer::sum);
    }

    /** Counts a message found at open, limit or not: it was accepted before. */
    synchronized void add(String origin) {
        counts.merge(origin, 1, Integer::sum);
    }

    synchronized void release(String origin) {
        counts.computeIfPresent(origin, (o, count) -> count == 1 ? null : count - 1);
    }
}
