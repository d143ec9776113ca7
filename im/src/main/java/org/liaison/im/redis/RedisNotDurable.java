package org.liaison.im.redis;

/**
 * The Redis of {@code cluster.redis-uri} does not put every write on disk before it answers (or
 * will not say whether it does), so a 202 could be lost with it: the server refuses to start, and
 * {@code bin/liaison serve} prints this one line and exits 2, as for any other configuration error.
 */
public final class RedisNotDurable extends IllegalStateException {

    RedisNotDurable(String message, Throwable cause) {
        super(message, cause);
    }
}
