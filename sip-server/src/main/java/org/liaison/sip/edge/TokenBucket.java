package org.liaison.sip.edge;

/**
 * A token bucket: {@code perSecond} tokens a second, holding at most one second's worth, so a client
 * may burst that much and then keep that rate. Not thread-safe; its owner serialises access.
 */
final class TokenBucket {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long perSecond;
    private double tokens;
    private long lastRefillNanos;

    TokenBucket(long perSecond, long nowNanos) {
        this.perSecond = perSecond;
        this.tokens = perSecond;
        this.lastRefillNanos = nowNanos;
    }

    /** Takes {@code n} tokens if there are that many; otherwise takes none. */
    boolean tryTake(long n, long nowNanos) {
        long elapsed = nowNanos - lastRefillNanos;
        if (elapsed > 0) {
            tokens = Math.min(perSecond, tokens + (double) elapsed * perSecond / NANOS_PER_SECOND);
            lastRefillNanos = nowNanos;
        }
        if (tokens < n) {
            return false;
        }
        tokens -= n;
        return true;
    }
}
