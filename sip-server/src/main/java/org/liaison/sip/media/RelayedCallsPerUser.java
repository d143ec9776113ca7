package org.liaison.sip.media;

import java.util.HashMap;
import java.util.Map;

/**
 * How many relayed calls each caller has now ({@code media.max-relayed-calls-per-user}): every
 * relayed call holds relay ports until it ends, so without a bound one account could start calls
 * until no other call gets a port. Counted per call, not per offer: re-INVITEs cost nothing.
 */
final class RelayedCallsPerUser {
    private final int max;
    private final Map<String, Integer> calls = new HashMap<>();

    RelayedCallsPerUser(int max) {
        this.max = max;
    }

    int max() {
        return max;
    }

    /** Counts a new call of {@code user}; false (nothing counted) when the user has {@link #max()} already. */
    synchronized boolean take(String user) {
        int now = calls.getOrDefault(user, 0);
        if (now >= max) {
            return false;
        }
        calls.put(user, now + 1);
        return true;
    }

    /** One call of {@code user} ended. */
    synchronized void release(String user) {
        calls.computeIfPresent(user, (u, n) -> n > 1 ? n - 1 : null);
    }

    synchronized int of(String user) {
        return calls.getOrDefault(user, 0);
    }
}
