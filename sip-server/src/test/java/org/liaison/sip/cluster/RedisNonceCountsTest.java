package org.liaison.sip.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.liaison.sip.testing.EmptiedRedis;

/** The replay table the nodes of a cluster share, on a real redis-server, seen from two nodes. */
class RedisNonceCountsTest {
    private static final long LIFETIME = 300_000;

    @RegisterExtension
    static final EmptiedRedis redis = new EmptiedRedis();

    @Test
    void aCountAcceptedOnOneNodeIsAReplayOnAnotherAndOnlyAHigherOneIsAccepted() throws Exception {
        try (ClusterRedis a = ClusterRedis.connect(redis.uri()); ClusterRedis b = ClusterRedis.connect(redis.uri())) {
            RedisNonceCounts nodeA = RedisNonceCounts.open(a);
            RedisNonceCounts nodeB = RedisNonceCounts.open(b);
            long issued = System.currentTimeMillis();

            assertTrue(nodeA.advance("n1", issued, 1, issued - LIFETIME));
            assertFalse(nodeB.advance("n1", issued, 1, issued - LIFETIME), "the same nonce-count through node B");
            assertTrue(nodeB.advance("n1", issued, 2, issued - LIFETIME));
            assertFalse(nodeA.advance("n1", issued, 2, issued - LIFETIME));
            assertTrue(nodeA.advance("n2", issued, 1, issued - LIFETIME), "each nonce counts on its own");
        }
    }

    @Test
    void oneRequestSentToTwoNodesAtOnceIsAcceptedByOneOfThem() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try (ClusterRedis a = ClusterRedis.connect(redis.uri()); ClusterRedis b = ClusterRedis.connect(redis.uri())) {
            List<RedisNonceCounts> nodes = List.of(RedisNonceCounts.open(a), RedisNonceCounts.open(b));
            long issued = System.currentTimeMillis();
            for (int round = 0; round < 50; round++) {
                String nonce = "raced-" + round;
                CountDownLatch go = new CountDownLatch(1);
                List<CompletableFuture<Boolean>> tries = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    RedisNonceCounts node = nodes.get(i % 2);
                    tries.add(CompletableFuture.supplyAsync(() -> {
                        awaitStart(go);
                        return node.advance(nonce, issued, 1, issued - LIFETIME);
                    }, threads));
                }
                go.countDown();
                assertEquals(1, tries.stream().filter(CompletableFuture::join).count(), nonce);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aNonceIssuedBeforeTheTableStartedIsRefusedAsThatTableCannotKnowItsCounts() throws Exception {
        try (ClusterRedis node = ClusterRedis.connect(redis.uri())) {
            RedisNonceCounts table = RedisNonceCounts.open(node);
            long since = since(node);

            assertFalse(table.advance("before", since - 1, 1, since - LIFETIME));
            assertTrue(table.advance("after", since, 1, since - LIFETIME));
        }
    }

    /**
     * What a snapshot (AOF rewrite, RDB, a replica's full sync) leaves in a new Redis process: the mark of the process
     * that wrote it, and a table missing whatever was accepted after the snapshot. The new process starts anew.
     */
    @Test
    void aTableStartLeftByAnotherRedisProcessIsNotTrusted() throws Exception {
        try (ClusterRedis node = ClusterRedis.connect(redis.uri())) {
            String copied = "0123456789abcdef0123456789abcdef01234567 1000000";
            assertEquals("+OK", redis.command("SET", RedisNonceCounts.SINCE, copied));
            assertEquals("+OK", redis.command("SET", "liaison:nc:n1", "1"));
            long issued = System.currentTimeMillis() - 1000;

            RedisNonceCounts table = RedisNonceCounts.open(node);

            assertFalse(table.advance("n1", issued, 2, issued - LIFETIME), "n1's count 2 may have been accepted");
            String mark = node.commands().info("server").lines().filter(line -> line.startsWith("run_id:"))
                    .findFirst().orElseThrow().substring("run_id:".length()).trim();
            assertTrue(new String(node.commands().get(RedisNonceCounts.SINCE), StandardCharsets.US_ASCII)
                    .startsWith(mark + " "));
        }
    }

    @Test
    void aNonceIsForgottenWhenItExpires() throws Exception {
        try (ClusterRedis node = ClusterRedis.connect(redis.uri())) {
            RedisNonceCounts table = RedisNonceCounts.open(node);
            long oneMinuteLeft = 60_000;
            long issued = System.currentTimeMillis();
            assertTrue(table.advance("n1", issued, 1, issued - oneMinuteLeft));

            long ttl = Long.parseLong(redis.command("PTTL", "liaison:nc:n1").substring(1));
            assertTrue(ttl > 0 && ttl <= oneMinuteLeft, "PTTL " + ttl);
            assertArrayEquals("1".getBytes(StandardCharsets.US_ASCII), node.commands().get("liaison:nc:n1"));
        }
    }

    private static void awaitStart(CountDownLatch go) {
        try {
            go.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The epoch ms of the table's start: its {@link RedisNonceCounts#SINCE} mark is "RUN_ID MS". */
    private static long since(ClusterRedis node) {
        String mark = new String(node.commands().get(RedisNonceCounts.SINCE), StandardCharsets.US_ASCII);
        return Long.parseLong(mark.substring(mark.indexOf(' ') + 1));
    }
}
