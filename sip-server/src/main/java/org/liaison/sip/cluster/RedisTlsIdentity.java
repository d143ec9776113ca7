package org.liaison.sip.cluster;

import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.liaison.sip.tls.SharedTlsIdentity;

/**
 * The cluster's TLS identity in its Redis: {@code liaison:tls:ca} (the private CA's certificate and KEY) and {@code
 * liaison:tls:server} (the server certificate's chain and key), PEM text without TTL, read at each node's start. So
 * Redis holds private keys: protect it (requirepass or an ACL, {@code rediss://}), or give every node the admin's PEM
 * files ({@code sip.tls.certificate}), which win and leave nothing here.
 */
public final class RedisTlsIdentity implements SharedTlsIdentity {
    private static final String PREFIX = "liaison:tls:";
    /** KEYS[1]; ARGV[1] the value expected ('' = none), ARGV[2] the new one. Returns the value kept after. */
    private static final String REPLACE = """
            local kept = redis.call('GET', KEYS[1])
            if (kept or '') == ARGV[1] then
              redis.call('SET', KEYS[1], ARGV[2])
              return ARGV[2]
            end
            return kept
            """;

    private final ClusterRedis redis;

    public RedisTlsIdentity(ClusterRedis redis) {
        this.redis = redis;
    }

    @Override
    public Optional<String> get(String name) throws RedisUnreachable {
        try {
            return Optional.ofNullable(redis.commands().get(PREFIX + name)).map(RedisTlsIdentity::text);
        } catch (RedisException e) {
            throw new RedisUnreachable(redis.where(), e);
        }
    }

    @Override
    public String putIfAbsent(String name, String pemText) throws RedisUnreachable {
        try {
            // NX: the first node's wins; a node that lost the race reads the winner's
            redis.commands().set(PREFIX + name, bytes(pemText), SetArgs.Builder.nx());
            return text(redis.commands().get(PREFIX + name));
        } catch (RedisException e) {
            throw new RedisUnreachable(redis.where(), e);
        }
    }

    @Override
    public String replace(String name, String expected, String pemText) throws RedisUnreachable {
        try {
            byte[] kept = redis.runScript(REPLACE, ScriptOutputType.VALUE, new String[] {PREFIX + name},
                    bytes(expected), bytes(pemText));
            return text(kept);
        } catch (RedisException e) {
            throw new RedisUnreachable(redis.where(), e);
        }
    }

    @Override
    public String where(String name) {
        return "Redis " + PREFIX + name; // a message names the key; cluster.redis-uri is logged at start
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
