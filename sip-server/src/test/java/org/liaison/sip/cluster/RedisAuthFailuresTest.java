package org.liaison.sip.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.liaison.sip.auth.AuthAttempt;
import org.liaison.sip.auth.AuthFailureStore;
import org.liaison.sip.auth.AuthFailureStoreContract;
import org.liaison.sip.config.AuthSettings;
import org.liaison.sip.testing.EmptiedRedis;

/**
 * The guessing defence's counts in the Redis a cluster shares (issue 10 item 4), on a real redis-server: the same
 * contract as one machine's memory, and what only sharing gives: failures through two nodes add up to one budget, a
 * block set through one node holds on the other, and every key expires by itself.
 */
class RedisAuthFailuresTest extends AuthFailureStoreContract {
    private static final long NOW = 1_736_154_000_000L;
    private static final AuthAttempt GUESS = new AuthAttempt("198.51.100.7", "alice", Set.of("flow:UDP:40000"),
            Optional.of("flow:UDP:40000"));

    @RegisterExtension
    static final EmptiedRedis redis = new EmptiedRedis();

    private final List<ClusterRedis> nodes = new ArrayList<>();

    @Override
    protected AuthFailureStore newStore(AuthSettings settings) throws Exception {
        return new RedisAuthFailures(node(), settings);
    }

    private ClusterRedis node() throws RedisUnreachable {
        ClusterRedis node = ClusterRedis.connect(redis.uri());
        nodes.add(node);
        return node;
    }

    @AfterEach
    void disconnect() {
        nodes.forEach(ClusterRedis::close);
    }

    @Test
    void failuresThroughTwoNodesAddUpToOneBudgetAndTheBlockHoldsOnBoth() throws Exception {
        AuthFailureStore nodeA = new RedisAuthFailures(node(), SETTINGS);
        AuthFailureStore nodeB = new RedisAuthFailures(node(), SETTINGS);

        assertFalse(nodeA.recordFailure(GUESS, NOW).pairBlocked());
        assertFalse(nodeB.recordFailure(GUESS, NOW + 1).pairBlocked());
        assertEquals(0, nodeA.check(GUESS, NOW + 2).waitMillis(), "two failures of three: still checked");
        AuthFailureStore.FailureVerdict third = nodeA.recordFailure(GUESS, NOW + 2);

        assertTrue(third.pairBlocked(), "the third failure, whichever node saw the others");
        assertEquals(3, third.pairFailures());
        assertEquals(SETTINGS.blockDuration().toMillis(), nodeB.check(GUESS, NOW + 2).waitMillis(), "blocked on B too");
    }

    @Test
    void aDeviceTrustedThroughOneNodeIsTrustedOnTheOtherUntilItFailsThere() throws Exception {
        AuthFailureStore nodeA = new RedisAuthFailures(node(), SETTINGS);
        AuthFailureStore nodeB = new RedisAuthFailures(node(), SETTINGS);
        AuthAttempt phone = new AuthAttempt("192.0.2.10", "alice", Set.of("instance:<urn:uuid:1>", "flow:UDP:5060"),
                Optional.of("instance:<urn:uuid:1>"));
        AuthAttempt stale = new AuthAttempt("192.0.2.10", "alice", Set.of("flow:UDP:5062"), Optional.of("flow:UDP:5062"));
        nodeA.recordSuccess(phone, NOW);
        for (int i = 0; i < 3; i++) {
            nodeB.recordFailure(stale, NOW);
        }
        assertTrue(nodeA.check(stale, NOW).waitMillis() > 0);
        assertEquals(0, nodeB.check(phone, NOW).waitMillis(), "trusted through A, served by B");

        nodeB.recordFailure(phone, NOW);
        // A noted the trust (no round trip per check) and drops it when B's failure script tells it, a moment later
        await("its failure on B to end its trust on A").atMost(Duration.ofSeconds(5))
                .until(() -> nodeA.check(phone, NOW).waitMillis() > 0);
    }

    /** What a node noted ends at once with a failure through that node itself: no window for a second guess. */
    @Test
    void aFailureEndsTheTrustThisNodeNotedAtOnce() throws Exception {
        AuthFailureStore node = new RedisAuthFailures(node(), SETTINGS);
        AuthAttempt phone = new AuthAttempt("192.0.2.10", "alice", Set.of("flow:UDP:5060"), Optional.of("flow:UDP:5060"));
        AuthAttempt stale = new AuthAttempt("192.0.2.10", "alice", Set.of("flow:UDP:5062"), Optional.of("flow:UDP:5062"));
        node.recordSuccess(phone, NOW);
        for (int i = 0; i < 3; i++) {
            node.recordFailure(stale, NOW);
        }
        assertEquals(new AuthFailureStore.Check(0, true), node.check(phone, NOW));

        node.recordFailure(phone, NOW);
        assertTrue(node.check(phone, NOW).waitMillis() > 0, "blocked as any other device of the pair");
    }

    /**
     * The hot path: a phone re-registering every few minutes, or sending messages, costs no round trip for the check
     * (this node noted its trust) nor a write each time.
     */
    @Test
    void aDeviceTrustedWithinTheHourCostsNoRoundTripPerAuthentication() throws Exception {
        ClusterRedis node = node();
        AuthFailureStore store = new RedisAuthFailures(node, SETTINGS);
        AuthAttempt phone = new AuthAttempt("192.0.2.10", "alice", Set.of("instance:<urn:uuid:1>", "flow:UDP:5060"),
                Optional.of("instance:<urn:uuid:1>"));
        store.recordSuccess(phone, NOW);
        long scriptsBefore = scripts(node);

        assertTrue(store.check(phone, NOW + 59 * 60_000).trustedRecently(), "no success to record");
        assertEquals(0, scripts(node) - scriptsBefore, "no round trip");
        AuthFailureStore otherNode = new RedisAuthFailures(node(), SETTINGS);
        otherNode.check(phone, NOW + 60_000);
        long otherBefore = scripts(node);
        assertTrue(otherNode.check(phone, NOW + 120_000).trustedRecently());
        assertEquals(0, scripts(node) - otherBefore, "another node asks Redis once, then notes it too");
        assertFalse(store.check(phone, NOW + 61 * 60_000).trustedRecently(), "an hour on: refresh its trust");
        AuthAttempt newFlow = new AuthAttempt("192.0.2.10", "alice", Set.of("instance:<urn:uuid:1>", "flow:UDP:5070"),
                Optional.of("instance:<urn:uuid:1>"));
        AuthFailureStore.Check moved = store.check(newFlow, NOW + 60_000);
        assertEquals(0, moved.waitMillis(), "trusted by its instance");
        assertFalse(moved.trustedRecently(), "its new flow is not trusted yet: record the success");
    }

    @Test
    void aRedisThatForgotItsScriptsIsSentThemAgain() throws Exception {
        ClusterRedis node = node();
        AuthFailureStore store = new RedisAuthFailures(node, SETTINGS);
        store.recordFailure(GUESS, NOW);
        assertEquals("+OK", redis.command("SCRIPT", "FLUSH"), "as after a restart of Redis");

        store.recordFailure(GUESS, NOW);
        assertEquals(3, store.recordFailure(GUESS, NOW).pairFailures());
    }

    /** Scripts Redis ran so far, sent whole (EVAL) or by SHA-1 (EVALSHA). */
    private static long scripts(ClusterRedis node) {
        String stats = node.commands().info("commandstats");
        java.util.regex.Matcher eval = java.util.regex.Pattern.compile("cmdstat_eval(sha)?:calls=(\\d+)").matcher(stats);
        long calls = 0;
        while (eval.find()) {
            calls += Long.parseLong(eval.group(2));
        }
        return calls;
    }

    @Test
    void everyKeyExpiresByItselfWithinWhatItHolds() throws Exception {
        ClusterRedis node = node();
        AuthFailureStore store = new RedisAuthFailures(node, SETTINGS);
        for (int i = 0; i < 3; i++) {
            store.recordFailure(GUESS, NOW);
        }
        store.recordSuccess(GUESS, NOW);
        List<String> keys = node.commands().keys("liaison:auth:*");
        long longest = Math.max(AuthFailureStore.TRUST_MILLIS,
                Math.max(SETTINGS.failureWindow().toMillis(), SETTINGS.blockDuration().toMillis()));
        assertEquals(8, keys.size(),
                "pair block and slowdown, failed device, trust, source and user counts, blocks ending: " + keys);
        for (String key : keys) {
            long ttl = node.commands().pttl(key);
            assertTrue(ttl > 0 && ttl <= longest, key + " PTTL " + ttl);
        }
    }
}
