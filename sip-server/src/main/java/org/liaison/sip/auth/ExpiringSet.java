package org.liaison.sip.auth;

import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * Keys that stay in the set for a fixed time after they were last added: blocked sources, blocked (source, user)
 * pairs, trusted devices. Because every key of a set lives equally long, the order of adding is the order of expiry,
 * so expired keys are dropped from the old end; when the set is still full, the key closest to expiry goes.
 */
final class ExpiringSet<K> {
    private final long lifetimeMillis;
    private final int capacity;
    private final LinkedHashMap<K, Long> expiresAt = new LinkedHashMap<>();

    ExpiringSet(long lifetimeMillis, int capacity) {
        this.lifetimeMillis = lifetimeMillis;
        this.capacity = capacity;
    }

    void add(K key, long nowMillis) {
        expiresAt.remove(key); // re-adding moves the key to the young end
        dropExpired(nowMillis);
        if (expiresAt.size() >= capacity) {
            Iterator<K> oldest = expiresAt.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        expiresAt.put(key, nowMillis + lifetimeMillis);
    }

    boolean contains(K key, long nowMillis) {
        return millisLeft(key, nowMillis) > 0;
    }

    /** How long {@code key} stays in the set; 0 when it is not (or no longer) in it. */
    long millisLeft(K key, long nowMillis) {
        Long expiry = expiresAt.get(key);
        return expiry == null ? 0 : Math.max(0, expiry - nowMillis);
    }

    /** How many keys are in the set at {@code nowMillis}. */
    int size(long nowMillis) {
        dropExpired(nowMillis);
        return expiresAt.size();
    }

    void remove(K key) {
        expiresAt.remove(key);
    }

    private void dropExpired(long nowMillis) {
        Iterator<Long> oldest = expiresAt.values().iterator();
        while (oldest.hasNext() && oldest.next() <= nowMillis) {
            oldest.remove();
        }
    }
}
