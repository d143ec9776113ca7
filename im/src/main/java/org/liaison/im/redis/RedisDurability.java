package org.liaison.im.redis;

import io.lettuce.core.RedisException;
import io.lettuce.core.api.sync.RedisServerCommands;
import java.util.Map;

/**
 * Whether Redis keeps every write on disk before it answers, so that a 202 Accepted given after a
 * store means the message survives a crash of Redis's machine too (RFC 3428 §7: the proxy takes
 * responsibility for the message). Chosen: the append-only file with {@code appendfsync always}
 * (one fsync per write, as the file store does). Redis's defaults (snapshots, or AOF every second)
 * can lose the last second of accepted messages.
 */
public final class RedisDurability {

    private RedisDurability() {
    }

    /**
     * Refuses a Redis that does not persist every write, with one line naming the setting to change.
     *
     * @param where how the operator named this Redis, e.g. {@code cluster.redis-uri redis://10.0.0.5:6379}
     * @throws RedisNotDurable when it does not, or its settings cannot be read (CONFIG disabled)
     */
    public static void check(RedisServerCommands<?, ?> redis, String where) {
        Map<String, String> config;
        try {
            config = redis.configGet("appendonly", "appendfsync");
        } catch (RedisException e) {
            throw new RedisNotDurable(where + ": cannot read Redis's persistence settings (CONFIG GET: "
                    + e.getMessage() + "); it must run with appendonly yes and appendfsync always", e);
        }
        String appendOnly = config.get("appendonly");
        String appendFsync = config.get("appendfsync");
        if (!"yes".equals(appendOnly) || !"always".equals(appendFsync)) {
            throw new RedisNotDurable(where + ": Redis must run with appendonly yes and appendfsync always so"
                    + " that a 202 means the message is on disk; it has appendonly=" + appendOnly + ", appendfsync="
                    + appendFsync, null);
        }
    }
}
