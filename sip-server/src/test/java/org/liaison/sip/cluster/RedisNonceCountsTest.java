package org.liaison.sip.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.liaison.sip.testing.EmptiedRedis;

/** The replay table the nodes of a cluster share, on a real redis-server, seen from two nodes. */
class RedisNonceCountsTest {
    private static final long ISSUED = 1_000_000;
    private static final long LIFETIME = 300_000;

    @RegisterExtension
    static final EmptiedRedis redis = new EmptiedRedis();

    @Test
    void aCountAcceptedOnOneNodeIsAReplayOnAnotherAndOnlyAHigherOneIsAccepted() throws Exception {
        try (ClusterRedis a = ClusterRedis.connect(redis.uri()); ClusterRedis b = ClusterRedis.connect(redis.uri())) {
            RedisNonceCounts nodeA = new RedisNonceCounts(a);
            RedisNonceCounts nodeB = new RedisNonceCounts(b);

            assertTrue(nodeA.advance("n1", ISSUED, 1, ISSUED - LIFETIME));
            assertFalse(nodeB.advance("n1", ISSUED, 1, ISSUED - LIFETIME), "the same nonce-count through node B");
            assertTrue(nodeB.advance("n1", ISSUED, 2, ISSUED - LIFETIME));
            assertFalse(nodeA.advance("n1", ISSUED, 2, ISSUED - LIFETIME));
            assertTrue(nodeA.advance("n2", ISSUED, 1, ISSUED - LIFETIME), "each nonce counts on its own");
        }
    }

    @Test
    void aNonceIsForgottenWhenItExpires() throws Exception {
        try (ClusterRedis node = ClusterRedis.connect(redis.uri())) {
            long oneMinuteLeft = 60_000;
            new RedisNonceCounts(node).advance("n1", ISSUED, 1, ISSUED - oneMinuteLeft);

            long ttl = Long.parseLong(redis.command("PTTL", "liaison:nc:n1").substring(1));
            assertTrue(ttl > 0 && ttl <= oneMinuteLeft, "PTTL " + ttl);
            assertArrayEquals("1".getBytes(StandardCharsets.US_ASCII), node.commands().get("liaison:nc:n1"));
        }
    }
}
