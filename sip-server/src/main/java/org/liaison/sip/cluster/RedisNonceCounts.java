package org.liaison.sip.cluster;

import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.liaison.sip.auth.NonceCountStore;

/**
 * The digest replay table in the Redis a cluster shares: {@code liaison:nc:NONCE} = the highest nonce-count accepted
 * with that nonce, expiring when the nonce does (so, unlike the bounded table of one process, it needs no watermark:
 * Redis forgets a nonce only once it is refused as expired anyway). One Lua script compares and sets, so a request
 * replayed to two nodes at once is accepted by one of them at most.
 *
 * <p>The table lives in Redis's memory only: the script writes with {@code redis.set_repl(redis.REPL_NONE)}, so an
 * authenticated request costs Redis no AOF write and no fsync ({@code appendfsync always}, which the message store
 * requires, made that most of Redis's work per request: docs/BENCHMARKS.md). What a Redis restart or a failover to a
 * replica loses is the table, so the table carries its start, {@value #SINCE}: the Redis process that keeps it (its
 * {@code run_id}) and Redis's clock when that process first kept it. A nonce issued before that start is refused
 * (the client gets 401 stale=true and retries with a fresh nonce, RFC 7616 §3.3), so no (nonce, nc) accepted before
 * the loss is accepted again. The process is part of the mark because a snapshot (an AOF rewrite, an RDB save, a
 * replica's full sync) copies the mark and the table as they were then; a new process finds the copy and starts
 * anew instead of trusting a table that misses what was accepted after the snapshot.
 */
public final class RedisNonceCounts implements NonceCountStore {
    private static final String PREFIX = "liaison:nc:";
    /** Not under {@link #PREFIX}: no nonce can name it. */
    static final String SINCE = "liaison:nc-since";
    /**
     * Lua functions for the scripts that use the table. {@code table_start(since_key)} returns {@code since}, the
     * epoch ms from which this Redis process holds every count accepted: the mark's when this process wrote it, Redis's
     * clock now otherwise. {@code advance_count(since_key, nonce_key, nc, ms_until_expiry, issued_at)} returns 1 when
     * the count is accepted (and records it), 0 for a count not above the highest, -1 for a nonce issued before the
     * table's start. Neither replicates its writes, nor puts them in the AOF.
     */
    public static final String FUNCTIONS = """
            local function table_start(since_key)
              redis.set_repl(redis.REPL_NONE)
              local process = string.match(redis.call('INFO', 'server'), 'run_id:(%x+)')
              local mark = redis.call('GET', since_key)
              local since = mark and string.match(mark, '^' .. process .. ' (%d+)$')
              if not since then
                local now = redis.call('TIME')
                since = now[1] .. string.format('%03d', math.floor(tonumber(now[2]) / 1000))
                redis.call('SET', since_key, process .. ' ' .. since)
              end
              redis.set_repl(redis.REPL_ALL)
              return since
            end
            local function advance_count(since_key, nonce_key, nc, ttl, issued)
              if tonumber(issued) < tonumber(table_start(since_key)) then return -1 end
              local highest = redis.call('GET', nonce_key)
              if highest and tonumber(nc) <= tonumber(highest) then return 0 end
              redis.set_repl(redis.REPL_NONE)
              redis.call('SET', nonce_key, nc, 'PX', ttl)
              redis.set_repl(redis.REPL_ALL)
              return 1
            end
            """;
    private static final String OPEN = FUNCTIONS + "table_start(KEYS[1]) return 1";
    /** KEYS and ARGV: {@link #keys} and {@link #arguments}. */
    private static final String ADVANCE = FUNCTIONS
            + "return advance_count(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3])";

    private final ClusterRedis redis;

    private RedisNonceCounts(ClusterRedis redis) {
        this.redis = redis;
    }

    /**
     * The table, started now if this Redis process has not started it yet: a node does this when it starts, before
     * it issues a nonce, so a new cluster's first challenges are not refused as issued before the table.
     *
     * @throws SharedStateUnavailable when Redis does not answer
     */
    public static RedisNonceCounts open(ClusterRedis redis) {
        RedisNonceCounts table = new RedisNonceCounts(redis);
        table.run("start the nonce-count table", OPEN, new String[] {SINCE});
        return table;
    }

    @Override
    public boolean advance(String nonce, long issuedAtMillis, long nc, long freshSinceMillis) {
        // a nonce from before the table's start (-1) is refused like a replay: both get 401 stale=true
        return run("check a nonce-count", ADVANCE, keys(nonce).toArray(String[]::new),
                arguments(issuedAtMillis, nc, freshSinceMillis).toArray(byte[][]::new)) == 1;
    }

    /** The keys {@code advance_count} is called with for {@code nonce}: the table's start, then the nonce's count. */
    public static List<String> keys(String nonce) {
        return List.of(SINCE, PREFIX + nonce);
    }

    /** The arguments {@code advance_count} is called with after its keys, as {@link #advance} takes them. */
    public static List<byte[]> arguments(long issuedAtMillis, long nc, long freshSinceMillis) {
        // the nonce expires when freshSince passes its issue time; at least 1 ms, which PX requires
        long untilExpiry = Math.max(1, issuedAtMillis - freshSinceMillis);
        return List.of(bytes(Long.toString(nc)), bytes(Long.toString(untilExpiry)),
                bytes(Long.toString(issuedAtMillis)));
    }

    private Long run(String what, String script, String[] keys, byte[]... values) {
        try {
            return redis.runScript(script, ScriptOutputType.INTEGER, keys, values);
        } catch (RedisException e) {
            // the router answers it 503 with Retry-After, and the outage is logged once
            throw redis.health().unavailable(what, e);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
