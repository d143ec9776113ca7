package org.liaison.sip.auth;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keys being slowed down (a username, or a source and username): a key that failed too often has its passwords
 * checked at most once per delay, and the delay doubles with each further failure (from {@link #FIRST_DELAY_MILLIS}
 * up to {@link #MAX_DELAY_MILLIS}). Unlike a block, this never locks the owner out for good: a new device of theirs
 * gets a turn within a minute. A key stops being slowed once it went {@code lifetimeMillis} without a failure.
 * Bounded: when full, the key that failed longest ago is forgotten.
 *
 * @param <K> what is slowed down
 */
final class Tarpit<K> {
    static final long FIRST_DELAY_MILLIS = 1000;
    static final long MAX_DELAY_MILLIS = 64_000;

    private static final class Slowdown {
        long delayMillis = FIRST_DELAY_MILLIS;
        long nextTurnAt;
        long endsAt;
    }

    private final long lifetimeMillis;
    private final long firstWaitMillis;
    private final Map<K, Slowdown> slowed;

    /** {@code firstWaitMillis}: how long after {@link #start} the first turn comes (0: at once). */
    Tarpit(long lifetimeMillis, long firstWaitMillis, int capacity) {
        this.lifetimeMillis = lifetimeMillis;
        this.firstWaitMillis = firstWaitMillis;
        this.slowed = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, Slowdown> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Starts slowing {@code key} down. */
    void start(K key, long nowMillis) {
        Slowdown s = new Slowdown();
        s.nextTurnAt = nowMillis + firstWaitMillis;
        s.endsAt = nowMillis + lifetimeMillis;
        slowed.put(key, s);
    }

    /** Whether {@code key} is being slowed down; a failure then doubles its delay instead of being counted anew. */
    boolean isSlowed(K key, long nowMillis) {
        Slowdown s = slowed.get(key);
        if (s != null && s.endsAt <= nowMillis) {
            slowed.remove(key);
            return false;
        }
        return s != null;
    }

    /** A failure for a slowed {@code key}: its next turn comes twice as late as the last one. */
    void failed(K key, long nowMillis) {
        Slowdown s = slowed.get(key);
        s.delayMillis = Math.min(s.delayMillis * 2, MAX_DELAY_MILLIS);
        s.nextTurnAt = nowMillis + s.delayMillis;
        s.endsAt = nowMillis + lifetimeMillis;
    }

    /** How many keys are slowed down at {@code nowMillis}. */
    int size(long nowMillis) {
        slowed.values().removeIf(s -> s.endsAt <= nowMillis);
        return slowed.size();
    }

    /** How long until {@code key}'s password may be checked again; 0 when now, or when it is not slowed. */
    long millisUntilTurn(K key, long nowMillis) {
        return isSlowed(key, nowMillis) ? Math.max(0, slowed.get(key).nextTurnAt - nowMillis) : 0;
    }
}
