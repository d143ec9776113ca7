package org.liaison.sip.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.liaison.provisioning.enrolment.EnrolmentTokenStore;
import org.liaison.provisioning.enrolment.EnrolmentTokenStoreContract;
import org.liaison.provisioning.enrolment.Redemption;
import org.liaison.sip.testing.EmptiedRedis;

/**
 * The enrolment token contract on a real redis-server, and what only a shared store shows: nodes (each with its own
 * connection) spend a token once between them.
 */
class RedisEnrolmentTokensTest implements EnrolmentTokenStoreContract {
    @RegisterExtension
    static final EmptiedRedis redis = new EmptiedRedis();
    private final List<ClusterRedis> nodes = new ArrayList<>();

    @AfterEach
    void disconnect() {
        nodes.forEach(ClusterRedis::close);
    }

    /** A node of its own (its own connection) whose clock says {@code now}. */
    @Override
    public EnrolmentTokenStore at(Instant now) {
        try {
            ClusterRedis node = ClusterRedis.connect(redis.uri());
            nodes.add(node);
            return new RedisEnrolmentTokens(node, TTL, Clock.fixed(now, ZoneOffset.UTC));
        } catch (RedisUnreachable e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aTokenUsedOnOneNodeIsRefusedOnAnother() throws Exception {
        EnrolmentTokenStore nodeA = at(ISSUED);
        EnrolmentTokenStore nodeB = at(ISSUED);
        String token = nodeA.issue("alice").token();

        assertEquals(new Redemption.Accepted("alice"), nodeA.redeem(token));
        assertEquals(new Redemption.Used("alice"), nodeB.redeem(token));
    }

    @Test
    void nodesRedeemingOneTokenAtTheSameMomentAcceptItOnce() throws Exception {
        String token = at(ISSUED).issue("alice").token();
        int racers = 8;
        List<Callable<Redemption>> redemptions = new ArrayList<>();
        for (int i = 0; i < racers; i++) {
            EnrolmentTokenStore node = at(ISSUED);
            redemptions.add(() -> node.redeem(token));
        }
        ExecutorService threads = Executors.newFixedThreadPool(racers);
        try {
            long accepted = 0;
            for (Future<Redemption> redemption : threads.invokeAll(redemptions)) {
                accepted += redemption.get() instanceof Redemption.Accepted ? 1 : 0;
            }
            assertEquals(1, accepted);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void redisHoldsTheTokensHashNotTheTokenAndForgetsItAMonthAfterExpiry() throws Exception {
        String token = at(ISSUED).issue("alice").token();
        String key = "liaison:enrol:" + EnrolmentTokenStore.hashOf(token);

        String record = new String(nodes.get(0).commands().get(key), StandardCharsets.UTF_8);
        assertFalse(record.contains(token), record);
        assertEquals("new " + ISSUED.plus(TTL).getEpochSecond() + " alice", record);
        long ttlSeconds = Long.parseLong(redis.command("TTL", key).substring(1));
        long expected = TTL.plus(EnrolmentTokenStore.FORGET_AFTER).toSeconds();
        assertTrue(ttlSeconds > expected - 60 && ttlSeconds <= expected, "TTL " + ttlSeconds);
    }
}
