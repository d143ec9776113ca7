package org.liaison.sip.cluster;

import io.lettuce.core.RedisException;
import io.lettuce.core.SetArgs;
import java.security.SecureRandom;

/**
 * Secrets every node of a cluster must hold alike (the Record-Route token key, the digest nonce key),
 * kept in the shared Redis as {@code liaison:secret:NAME}: whichever node asks first draws one at
 * random and stores it with SET NX, so two nodes starting at the same moment still end up with the
 * same bytes; every other node reads it. A secret has no TTL: it lives as long as the Redis data
 * (which the server insists is persisted, see {@code RedisDurability}). On one machine nothing here
 * is used: the secrets stay where they were (a file in data.dir, or drawn at start).
 */
public final class SharedSecrets {
    private static final String PREFIX = "liaison:secret:";

    private final ClusterRedis redis;
    private final SecureRandom random = new SecureRandom();

    public SharedSecrets(ClusterRedis redis) {
        this.redis = redis;
    }

    /**
     * The cluster's secret {@code name}, of {@code length} bytes, created now if no node has made it yet.
     *
     * @throws RedisUnreachable when Redis does not answer
     * @throws IllegalStateException when the key holds a value of another length (written by something else)
     */
    public byte[] secret(String name, int length) throws RedisUnreachable {
        String key = PREFIX + name;
        byte[] fresh = new byte[length];
        random.nextBytes(fresh);
        try {
            // NX: the first node's secret wins; a node that lost the race reads the winner's
            redis.commands().set(key, fresh, SetArgs.Builder.nx());
            byte[] shared = redis.commands().get(key);
            if (shared == null || shared.length != length) {
                throw new IllegalStateException("cluster.redis-uri " + redis.where() + ": " + key + " holds "
                        + (shared == null ? "nothing" : shared.length + " bytes") + ", expected " + length
                        + "; delete it to make a new one");
            }
            return shared;
        } catch (RedisException e) {
            throw new RedisUnreachable(redis.where(), e);
        }
    }
}
