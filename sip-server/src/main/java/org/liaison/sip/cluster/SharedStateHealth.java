package org.liaison.sip.cluster;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the cluster's Redis is reachable, logged once per change rather than once per request:
 * one WARN when it is lost (a command failed or timed out, or the connection dropped), one INFO
 * when it is back (lettuce reconnected, or a command succeeded again). An outage that refuses
 * thousands of requests must not flood the log; each refusal is at DEBUG.
 */
public final class SharedStateHealth implements RedisConnectionStateListener {
    private static final Logger LOG = LoggerFactory.getLogger(SharedStateHealth.class);

    private final String where;
    private final AtomicBoolean unreachable = new AtomicBoolean();

    /** {@code where}: the Redis, as logs may name it (no password). */
    public SharedStateHealth(String where) {
        this.where = where;
    }

    /** Redis failed to {@code what}: notes the outage and returns what to throw. */
    public SharedStateUnavailable unavailable(String what, RuntimeException cause) {
        lost(cause.getMessage());
        return new SharedStateUnavailable("cannot " + what + " in Redis at " + where + ": " + cause.getMessage(),
                cause);
    }

    /** A command succeeded: if Redis was lost, it is back. */
    public void reachable() {
        if (unreachable.compareAndSet(true, false)) {
            LOG.info("cluster: Redis at {} is reachable again; requests that need shared state are served", where);
        }
    }

    /** Whether the last thing heard of Redis was a failure. */
    public boolean isUnreachable() {
        return unreachable.get();
    }

    private void lost(String why) {
        if (unreachable.compareAndSet(false, true)) {
            LOG.warn("cluster: Redis at {} is unreachable ({}); requests that need shared state get 503 with"
                    + " Retry-After until it is back", where, why);
        } else {
            LOG.debug("cluster: Redis at {} still unreachable: {}", where, why);
        }
    }

    @Override
    public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress socketAddress) {
        reachable();
    }

    @Override
    public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
        lost("connection lost");
    }
}
