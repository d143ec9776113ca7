package org.liaison.sip.cluster;

import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import org.liaison.sip.auth.NonceCountStore;

/**
 * The digest replay table in the Redis a cluster shares: {@code liaison:nc:NONCE} = the highest nonce-count accepted
 * with that nonce, expiring when the nonce does (so, unlike the bounded table of one process, it needs no watermark:
 * Redis forgets a nonce only once it is refused as expired anyway). One Lua script compares and sets, so a request
 * replayed to two nodes at once is accepted by one of them at most.
 */
public final class RedisNonceCounts implements NonceCountStore {
    private static final String PREFIX = "liaison:nc:";
    /** KEYS[1] the nonce; ARGV[1] the nonce-count, ARGV[2] the ms until the nonce expires. 1 when accepted. */
    private static final String ADVANCE = """
            local highest = redis.call('GET', KEYS[1])
            if highest and tonumber(ARGV[1]) <= tonumber(highest) then return 0 end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            return 1
            """;

    private final ClusterRedis redis;

    public RedisNonceCounts(ClusterRedis redis) {
        this.redis = redis;
    }

    @Override
    public boolean advance(String nonce, long issuedAtMillis, long nc, long freshSinceMillis) {
        // the nonce expires when freshSince passes its issue time; at least 1 ms, which PX requires
        long untilExpiry = Math.max(1, issuedAtMillis - freshSinceMillis);
        try {
            Long accepted = redis.runScript(ADVANCE, ScriptOutputType.INTEGER, new String[] {PREFIX + nonce},
                    bytes(Long.toString(nc)), bytes(Long.toString(untilExpiry)));
            return accepted == 1;
        } catch (RedisException e) {
            // the router answers it 503 with Retry-After, and the outage is logged once
            throw redis.health().unavailable("check a nonce-count", e);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
