package org.liaison.im.redis;

import io.lettuce.core.RedisException;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.Objects;
import java.util.function.Supplier;
import org.liaison.im.StoreUnavailableException;

/**
 * The Redis a node shares with the other nodes, as the process's one lettuce connection reaches it
 * (the server opens one client per node and hands it to every store, im's included), and where
 * im's stores report whether it answers, so that the process logs an outage once whichever store
 * met it first.
 *
 * @param commands blocking commands on the shared connection (UTF-8 keys, byte values); its command
 *                 timeout and what it does while disconnected (fail at once) are the opener's
 * @param where    how errors name this Redis, e.g. {@code cluster.redis-uri redis://10.0.0.5:6379}, without password
 * @param health   told of every failure and of every answer
 */
public record SharedRedis(RedisCommands<String, byte[]> commands, String where, Health health) {

    public SharedRedis {
        Objects.requireNonNull(commands, "commands");
        Objects.requireNonNull(where, "where");
        Objects.requireNonNull(health, "health");
    }

    /** What watches Redis for the whole process (sip-server's SharedStateHealth logs each change once). */
    public interface Health {

        /** A command failed or timed out. */
        void failed(RuntimeException cause);

        /** A command was answered: if Redis was lost, it is back. */
        void answered();
    }

    /** Runs {@code command}, reporting the outcome; a Redis failure becomes the store's own exception. */
    <T> T call(Supplier<T> command) {
        T result;
        try {
            result = command.get();
        } catch (RedisException e) {
            health.failed(e);
            throw new StoreUnavailableException(where + ": " + e.getMessage(), e);
        }
        health.answered();
        return result;
    }
}
