package org.liaison.sip.cluster;

import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.liaison.provisioning.enrolment.EnrolmentTokenStore;
import org.liaison.provisioning.enrolment.Redemption;

/**
 * Enrolment tokens in the Redis a cluster shares, so a link is spent once whichever node serves it (the file store
 * in data.dir would let it be used once per node). {@code liaison:enrol:HASH} = {@code STATE EXPIRY USER} (state
 * {@code new}, {@code used} or {@code replaced}, expiry in epoch seconds), with a Redis TTL ending
 * {@link EnrolmentTokenStore#FORGET_AFTER} past the expiry; {@code liaison:enrol-unused:USER} = the hashes of that
 * user's tokens issued since the last replacement. Each change is one Lua script, so two nodes redeeming the same
 * token at once cannot both accept it, and an issue replaces exactly the user's unused tokens.
 */
public final class RedisEnrolmentTokens implements EnrolmentTokenStore {
    private static final String TOKEN_PREFIX = "liaison:enrol:";
    private static final String UNUSED_PREFIX = "liaison:enrol-unused:";
    /** KEYS[1] the user's unused set, KEYS[2] the new token; ARGV: record, TTL ms, token key prefix, hash. */
    private static final String ISSUE = """
            for _, hash in ipairs(redis.call('SMEMBERS', KEYS[1])) do
              local key = ARGV[3] .. hash
              local record = redis.call('GET', key)
              if record and string.sub(record, 1, 4) == 'new ' then
                redis.call('SET', key, 'replaced ' .. string.sub(record, 5), 'KEEPTTL')
              end
            end
            redis.call('DEL', KEYS[1])
            redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
            redis.call('SADD', KEYS[1], ARGV[4])
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return 1
            """;
    /** KEYS[1] the token; ARGV[1] now in epoch seconds. The record as found, "accepted ..." when this spent it. */
    private static final String REDEEM = """
            local record = redis.call('GET', KEYS[1])
            if not record then return false end
            local rest = string.sub(record, 5)
            if string.sub(record, 1, 4) == 'new ' and tonumber(ARGV[1]) < tonumber(string.match(rest, '^%d+')) then
              redis.call('SET', KEYS[1], 'used ' .. rest, 'KEEPTTL')
              return 'accepted ' .. rest
            end
            return record
            """;

    private final ClusterRedis redis;
    private final Duration ttl;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    /** Tokens in {@code redis}, each valid for {@code ttl} after it is issued. */
    public RedisEnrolmentTokens(ClusterRedis redis, Duration ttl, Clock clock) {
        this.redis = redis;
        this.ttl = ttl;
        this.clock = clock;
    }

    @Override
    public Map<String, Issued> issueAll(Collection<String> usernames) throws IOException {
        Instant now = clock.instant();
        Instant expires = now.plus(ttl);
        String keepMillis = Long.toString(Duration.between(now, expires.plus(FORGET_AFTER)).toMillis());
        Map<String, Issued> issued = new LinkedHashMap<>();
        for (String username : usernames) {
            String token = EnrolmentTokenStore.newToken(random);
            String hash = EnrolmentTokenStore.hashOf(token);
            run(ISSUE, ScriptOutputType.INTEGER, new String[] {UNUSED_PREFIX + username, TOKEN_PREFIX + hash},
                    "new " + expires.getEpochSecond() + " " + username, keepMillis, TOKEN_PREFIX, hash);
            issued.put(username, new Issued(token, expires));
        }
        return issued;
    }

    @Override
    public Redemption redeem(String token) throws IOException {
        byte[] found = run(REDEEM, ScriptOutputType.VALUE,
                new String[] {TOKEN_PREFIX + EnrolmentTokenStore.hashOf(token)},
                Long.toString(clock.instant().getEpochSecond()));
        if (found == null) {
            return new Redemption.Unknown();
        }
        String[] record = new String(found, StandardCharsets.UTF_8).split(" ", 3);
        String username = record[2];
        return switch (record[0]) {
            case "accepted" -> new Redemption.Accepted(username);
            case "used" -> new Redemption.Used(username);
            case "replaced" -> new Redemption.Replaced(username);
            default -> new Redemption.Expired(username); // "new", but not spent: its time ran out
        };
    }

    private <T> T run(String script, ScriptOutputType type, String[] keys, String... args) throws IOException {
        byte[][] values = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            values[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        try {
            return redis.runScript(script, type, keys, values);
        } catch (RedisException e) {
            throw new IOException("cluster.redis-uri " + redis.where() + ": enrolment tokens: " + e.getMessage(), e);
        }
    }
}
