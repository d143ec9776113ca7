package org.liaison.sip.auth;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Usernames being slowed down: a username that failed too often, from anywhere, has its passwords checked at most
 * once per delay, and the delay doubles with each further failure (from {@link #FIRST_DELAY_MILLIS} up to
 * {@link #MAX_DELAY_MILLIS}). Unlike a block, this never locks the owner out for good: a new device of theirs gets a
 * turn within a minute, and the devices that already authenticated are not slowed at all. A username stops being
 * slowed once it went {@code lifetimeMillis} without a failure. Bounded: when full, the username that failed longest
 * ago is forgotten.
 */
final class UserTarpit {
    static final long FIRST_DELAY_MILLIS = 1000;
    static final long MAX_DELAY_MILLIS = 64_000;

    private static final class Slowdown {
        long delayMillis = FIRST_DELAY_MILLIS;
        long nextTurnAt;
        long endsAt;
    }

    private final long lifetimeMillis;
    private final Map<String, Slowdown> slowed;

    UserTarpit(long lifetimeMillis, int capacity) {
        this.lifetimeMillis = lifetimeMillis;
        this.slowed = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Slowdown> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Starts slowing {@code user} down: the next check of its password waits one first delay. */
    void start(String user, long nowMillis) {
        Slowdown s = new Slowdown();
        s.nextTurnAt = nowMillis + s.delayMillis;
        s.endsAt = nowMillis + lifetimeMillis;
        slowed.put(user, s);
    }

    /** Whether {@code user} is being slowed down; a failure then doubles its delay instead of being counted anew. */
    boolean isSlowed(String user, long nowMillis) {
        Slowdown s = slowed.get(user);
        if (s != null && s.endsAt <= nowMillis) {
            slowed.remove(user);
            return false;
        }
        return s != null;
    }

    /** A failure for a slowed {@code user}: its next turn comes twice as late as the last one. */
    void failed(String user, long nowMillis) {
        Slowdown s = slowed.get(user);
        s.delayMillis = Math.min(s.delayMillis * 2, MAX_DELAY_MILLIS);
        s.nextTurnAt = nowMillis + s.delayMillis;
        s.endsAt = nowMillis + lifetimeMillis;
    }

    /** How long until {@code user}'s password may be checked again; 0 when now, or when it is not slowed. */
    long millisUntilTurn(String user, long nowMillis) {
        return isSlowed(user, nowMillis) ? Math.max(0, slowed.get(user).nextTurnAt - nowMillis) : 0;
    }
}
