package org.liaison.sip.auth;

import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * The highest nonce-count accepted so far for each nonce that has authenticated a request: a request whose
 * nonce-count is not above it is a replay (RFC 7616 §3.4 "nc", §5.5).
 *
 * <p>A nonce enters the table on its first successful use, not when it is issued, so that unauthenticated requests
 * (each of which earns a challenge and a nonce) cannot fill it. The table is bounded: it drops nonces that have
 * outlived the nonce lifetime and, when still full, the one first used longest ago.
 *
 * <p>The rule for a nonce not in the table: it is accepted as a first use only if it was issued after every nonce
 * ever dropped (the {@code droppedUpTo} watermark). A nonce issued at or before the watermark might have been used
 * and then dropped, so it is refused; the client is re-challenged with stale=TRUE and loses one round trip, never its
 * registration. Without the watermark, dropping an entry would let its old requests be replayed.
 */
final class NonceCounts {
    private record Seen(long issuedAtMillis, long highestCount) {
    }

    private final int capacity;
    /** In order of first use, which is close to issue order: clients answer a challenge right away. */
    private final LinkedHashMap<String, Seen> seen = new LinkedHashMap<>();
    private long droppedUpTo = Long.MIN_VALUE;

    NonceCounts(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * Accepts nonce-count {@code nc} for an authentic, unexpired nonce issued at {@code issuedAtMillis} if it is
     * above every count accepted for that nonce so far, and records it. {@code freshSinceMillis} is the issue time
     * below which nonces have expired: nothing about an older nonce needs remembering. False too, and nothing
     * recorded, for a nonce whose counts may have been dropped (issued at or before the watermark): the caller answers
     * it as a replay, 401 stale=true, and the client retries with a fresh nonce (RFC 7616 §3.3).
     */
    synchronized boolean advance(String nonce, long issuedAtMillis, long nc, long freshSinceMillis) {
        Seen previous = seen.get(nonce);
        if (previous == null) {
            if (issuedAtMillis <= droppedUpTo) {
                return false;
            }
            dropExpired(freshSinceMillis);
            if (seen.size() >= capacity) {
                dropOldest();
            }
            seen.put(nonce, new Seen(issuedAtMillis, nc));
            return true;
        }
        if (nc <= previous.highestCount()) {
            return false;
        }
        seen.put(nonce, new Seen(previous.issuedAtMillis(), nc)); // put on a present key keeps its place
        return true;
    }

    synchronized int size() {
        return seen.size();
    }

    /** Expired nonces are refused before they get here, so dropping them loses nothing. */
    private void dropExpired(long freshSinceMillis) {
        Iterator<Seen> oldest = seen.values().iterator();
        while (oldest.hasNext()) {
            Seen next = oldest.next();
            if (next.issuedAtMillis() >= freshSinceMillis) {
                return;
            }
            forget(oldest, next);
        }
    }

    private void dropOldest() {
        Iterator<Seen> oldest = seen.values().iterator();
        forget(oldest, oldest.next());
    }

    private void forget(Iterator<Seen> at, Seen entry) {
        droppedUpTo = Math.max(droppedUpTo, entry.issuedAtMillis());
        at.remove();
    }
}
