package org.liaison.sip.cluster;

import io.lettuce.core.Range;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.liaison.sip.auth.AuthAttempt;
import org.liaison.sip.auth.AuthFailureStore;
import org.liaison.sip.config.AuthSettings;

/**
 * The guessing defence's counts, blocks, slowdowns and trusted devices in the Redis a cluster shares, so that a
 * guesser spreading over N nodes gets the budget of one and a block set through one node holds on all. The same
 * rules as the memory store of one machine ({@code auth.MemoryAuthFailures}, both pass {@code
 * AuthFailureStoreContract}), each call ONE Lua script, which Redis runs atomically: two nodes counting a pair's
 * failures at the same moment both count, and only one of them starts (and logs) its block.
 *
 * <p>Keys, under {@code liaison:auth:}; PAIR is {@code SOURCE USER} (a source is an address literal, which holds no
 * space): {@code pair-failures:PAIR}, {@code source-failures:SOURCE}, {@code source-usernames:SOURCE}, {@code
 * user-failures:USER} (lists of failure times, at most the threshold, expiring with the window);
 * {@code pair-block:PAIR}, {@code source-block:SOURCE} (the block's end, expiring with it); {@code pair-slow:PAIR},
 * {@code user-slow:USER} (hash: delay, next turn, end); {@code failed-devices:PAIR}, {@code trusted:PAIR} (hash: mark →
 * until when). Every key has a Redis TTL no shorter than what it holds, so nothing needs a sweeper; the times in the
 * values are the nodes' clocks (nodes need NTP, as for registrations). Unlike the memory store, nothing bounds the
 * number of keys but their TTLs: a flood of usernames from many addresses costs Redis memory for one window.
 */
public final class RedisAuthFailures implements AuthFailureStore {
    private static final String PREFIX = "liaison:auth:";
    /**
     * KEYS[11..13]: for pairs blocked, sources blocked and usernames slowed, each block's key scored by when it ends
     * (trimmed of past ones whenever one is added, and gone once the last has ended, as every block ends within
     * {@code auth.block-seconds} of the last one added), so that monitoring counts them without scanning the key space.
     */
    private static final String[] BLOCK_ENDS = {PREFIX + "blocks-ending:pair", PREFIX + "blocks-ending:source",
        PREFIX + "blocks-ending:user"};

    /** What every script starts with: KEYS as {@link #keys}, ARGV[1] the time now (ms); readers of the keys. */
    private static final String COMMON = """
            local now = tonumber(ARGV[1])
            local function left(key)
              local at = redis.call('GET', key)
              if not at then return 0 end
              return math.max(0, tonumber(at) - now)
            end
            local function holds(key, member)
              local at = redis.call('HGET', key, member)
              return at ~= false and tonumber(at) > now
            end
            local function slowed(key)
              local ends = redis.call('HGET', key, 'ends')
              return ends ~= false and tonumber(ends) > now
            end
            local function untilTurn(key)
              if not slowed(key) then return 0 end
              return math.max(0, tonumber(redis.call('HGET', key, 'next')) - now)
            end
            """;

    /**
     * ARGV[2] the device's identity ('' for none), ARGV[3] the trust's lifetime minus its refresh period, ARGV[4..]
     * its marks. Returns {ms to wait (0 = check now), 1 when every mark was trusted within the refresh period, the
     * time at which the first of them stops being so}.
     */
    private static final String REFUSAL = COMMON + """
            local trusted, recent, earliest = false, #ARGV >= 4, nil
            for i = 4, #ARGV do
              local at = redis.call('HGET', KEYS[5], ARGV[i])
              if at ~= false and tonumber(at) > now then trusted = true end
              if at == false or tonumber(at) <= now + tonumber(ARGV[3]) then recent = false end
              if at ~= false and (earliest == nil or tonumber(at) < earliest) then earliest = tonumber(at) end
            end
            if trusted and recent then return {0, 1, earliest - tonumber(ARGV[3])} end
            if trusted then return {0, 0} end
            local pairWait = 0
            local blockLeft = left(KEYS[2])
            if blockLeft > 0 then
              if ARGV[2] == '' or holds(KEYS[3], ARGV[2]) then pairWait = blockLeft else pairWait = untilTurn(KEYS[4]) end
            end
            return {math.max(left(KEYS[8]), pairWait, untilTurn(KEYS[10])), 0}
            """;

    /**
     * ARGV[2] identity, [3] window ms, [4] block ms, [5] max per pair, [6] max usernames per source, [7] max per
     * source, [8] max per user, [9] first delay, [10] max delay, [11..] marks. Returns {pair count, pair blocked,
     * source block (0 none, 1 usernames, 2 volume), user slowed}.
     */
    private static final String FAILURE = COMMON + """
            local window, block = tonumber(ARGV[3]), tonumber(ARGV[4])
            local maxPair, maxUsernames, maxSource, maxUser = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
            local firstDelay, maxDelay = tonumber(ARGV[9]), tonumber(ARGV[10])
            local function record(key, threshold)
              redis.call('RPUSH', key, now)
              redis.call('LTRIM', key, -threshold, -1)
              while tonumber(redis.call('LINDEX', key, 0)) <= now - window do redis.call('LPOP', key) end
              redis.call('PEXPIRE', key, window)
              return redis.call('LLEN', key)
            end
            local function startSlow(key, firstWait)
              redis.call('HSET', key, 'delay', firstDelay, 'next', now + firstWait, 'ends', now + block)
              redis.call('PEXPIRE', key, block)
            end
            local function slowFailed(key)
              local delay = math.min(tonumber(redis.call('HGET', key, 'delay')) * 2, maxDelay)
              redis.call('HSET', key, 'delay', delay, 'next', now + delay, 'ends', now + block)
              redis.call('PEXPIRE', key, block)
            end
            local function ending(index, key, ends)
              redis.call('ZADD', KEYS[index], ends, key)
              redis.call('ZREMRANGEBYSCORE', KEYS[index], '-inf', now)
              redis.call('PEXPIRE', KEYS[index], block)
            end
            local distrusted = 0
            for i = 11, #ARGV do distrusted = distrusted + redis.call('HDEL', KEYS[5], ARGV[i]) end
            if distrusted > 0 then redis.call('PUBLISH', 'liaison:auth-distrusted', KEYS[5]) end
            if ARGV[2] ~= '' then
              local life = math.max(window, block)
              redis.call('HSET', KEYS[3], ARGV[2], now + life)
              redis.call('PEXPIRE', KEYS[3], life)
            end
            local wasBlocked = left(KEYS[2]) > 0
            if wasBlocked and redis.call('EXISTS', KEYS[4]) == 1 then slowFailed(KEYS[4]) end
            local pairCount = record(KEYS[1], maxPair)
            local pairBlocked = 0
            if pairCount >= maxPair then
              redis.call('DEL', KEYS[1])
              if not wasBlocked then startSlow(KEYS[4], 0) end
              redis.call('SET', KEYS[2], now + block, 'PX', block)
              ending(11, KEYS[2], now + block)
              pairBlocked = 1
            end
            local spraying = pairCount == 1 and record(KEYS[7], maxUsernames) >= maxUsernames
            local volume = record(KEYS[6], maxSource) >= maxSource
            local sourceBlock = 0
            if spraying or volume then
              redis.call('DEL', KEYS[6], KEYS[7])
              redis.call('SET', KEYS[8], now + block, 'PX', block)
              ending(12, KEYS[8], now + block)
              if volume then sourceBlock = 2 else sourceBlock = 1 end
            end
            local userSlowed = 0
            if slowed(KEYS[10]) then
              slowFailed(KEYS[10])
              ending(13, KEYS[10], now + block)
            elseif record(KEYS[9], maxUser) >= maxUser then
              redis.call('DEL', KEYS[9])
              startSlow(KEYS[10], firstDelay)
              ending(13, KEYS[10], now + block)
              userSlowed = 1
            end
            return {pairCount, pairBlocked, sourceBlock, userSlowed}
            """;

    /** ARGV[2] the trust's lifetime ms, ARGV[3..] the marks. */
    private static final String SUCCESS = COMMON + """
            for i = 3, #ARGV do redis.call('HSET', KEYS[5], ARGV[i], now + tonumber(ARGV[2])) end
            redis.call('PEXPIRE', KEYS[5], ARGV[2])
            return 1
            """;

    private final ClusterRedis redis;
    private final AuthSettings settings;
    private final RecentTrust recentTrust = new RecentTrust();

    /**
     * The counts in {@code redis}, with this node subscribed to the ends of trusts (the subscription is closed with
     * {@code redis}'s client).
     */
    public RedisAuthFailures(ClusterRedis redis, AuthSettings settings) {
        this.redis = redis;
        this.settings = settings;
        redis.subscribe(recentTrust, RecentTrust.DISTRUST_CHANNEL);
    }

    /** A device this node saw trusted recently is admitted without a round trip ({@link RecentTrust}). */
    @Override
    public Check check(AuthAttempt attempt, long nowMillis) {
        String trustKey = trustKey(attempt);
        String marks = marks(attempt);
        if (recentTrust.isRecent(trustKey, marks, nowMillis)) {
            return new Check(0, true);
        }
        long generation = recentTrust.generation();
        List<String> args = new ArrayList<>(List.of(Long.toString(nowMillis), attempt.identity().orElse(""),
                Long.toString(TRUST_MILLIS - TRUST_REFRESH_MILLIS)));
        args.addAll(attempt.marks());
        List<Long> check = run("check an authentication's block", REFUSAL, ScriptOutputType.MULTI, attempt, args);
        boolean recent = check.get(1) == 1;
        if (recent) {
            recentTrust.note(trustKey, marks, check.get(2), generation, nowMillis);
        }
        return new Check(check.get(0), recent);
    }

    @Override
    public FailureVerdict recordFailure(AuthAttempt attempt, long nowMillis) {
        List<String> args = new ArrayList<>(List.of(Long.toString(nowMillis), attempt.identity().orElse(""),
                Long.toString(settings.failureWindow().toMillis()), Long.toString(settings.blockDuration().toMillis()),
                Integer.toString(settings.maxFailuresPerSourceUser()), Integer.toString(settings.maxUsernamesPerSource()),
                Integer.toString(settings.maxFailuresPerSource()), Integer.toString(settings.maxFailuresPerUser()),
                Long.toString(FIRST_DELAY_MILLIS), Long.toString(MAX_DELAY_MILLIS)));
        args.addAll(attempt.marks());
        recentTrust.drop(trustKey(attempt)); // at once here; the other nodes when the script publishes it
        List<Long> verdict = run("count an authentication failure", FAILURE, ScriptOutputType.MULTI, attempt, args);
        return new FailureVerdict(verdict.get(0).intValue(), verdict.get(1) == 1,
                SourceBlock.values()[verdict.get(2).intValue()], verdict.get(3) == 1);
    }

    @Override
    public void recordSuccess(AuthAttempt attempt, long nowMillis) {
        if (attempt.marks().isEmpty()) {
            return; // nothing to trust: no round trip
        }
        long generation = recentTrust.generation();
        List<String> args = new ArrayList<>(List.of(Long.toString(nowMillis), Long.toString(TRUST_MILLIS)));
        args.addAll(attempt.marks());
        run("trust a device", SUCCESS, ScriptOutputType.INTEGER, attempt, args);
        recentTrust.note(trustKey(attempt), marks(attempt), nowMillis + TRUST_REFRESH_MILLIS, generation, nowMillis);
    }

    private <T> T run(String what, String script, ScriptOutputType type, AuthAttempt attempt, List<String> args) {
        byte[][] values = args.stream().map(a -> a.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
        try {
            T result = redis.runScript(script, type, keys(attempt), values);
            redis.health().reachable();
            return result;
        } catch (RedisException e) {
            // the router answers it 503 with Retry-After: no guess is checked while the counts are out of reach
            throw redis.health().unavailable(what, e);
        }
    }

    /**
     * The blocks in force, counted in the sorted sets of block ends by kind that the failure script keeps (three
     * commands, for a scrape: every node reports the cluster's figure).
     */
    @Override
    public Optional<ActiveBlocks> activeBlocks(long nowMillis) {
        try {
            RedisCommands<String, byte[]> commands = redis.commands();
            Range<Long> inForce = Range.from(Range.Boundary.excluding(nowMillis), Range.Boundary.unbounded());
            int[] counts = new int[BLOCK_ENDS.length];
            for (int i = 0; i < BLOCK_ENDS.length; i++) {
                counts[i] = Math.toIntExact(commands.zcount(BLOCK_ENDS[i], inForce));
            }
            redis.health().reachable();
            return Optional.of(new ActiveBlocks(counts[0], counts[1], counts[2]));
        } catch (RedisException e) {
            redis.health().unavailable("count the blocks in force", e);
            return Optional.empty();
        }
    }

    /** The keys every script is given, in this order (a script uses those it needs). */
    private static String[] keys(AuthAttempt attempt) {
        String pair = attempt.source() + " " + attempt.user();
        return new String[] {PREFIX + "pair-failures:" + pair, PREFIX + "pair-block:" + pair,
            PREFIX + "failed-devices:" + pair, PREFIX + "pair-slow:" + pair, trustKey(attempt),
            PREFIX + "source-failures:" + attempt.source(), PREFIX + "source-usernames:" + attempt.source(),
            PREFIX + "source-block:" + attempt.source(), PREFIX + "user-failures:" + attempt.user(),
            PREFIX + "user-slow:" + attempt.user(), BLOCK_ENDS[0], BLOCK_ENDS[1], BLOCK_ENDS[2]};
    }

    /** The hash of the pair's trusted devices (KEYS[5] of every script), also what names the pair on the channel. */
    private static String trustKey(AuthAttempt attempt) {
        return PREFIX + "trusted:" + attempt.source() + " " + attempt.user();
    }

    /** The device's marks as one string, the same whatever the order of the set. */
    private static String marks(AuthAttempt attempt) {
        return attempt.marks().stream().sorted().collect(Collectors.joining("\n"));
    }
}
