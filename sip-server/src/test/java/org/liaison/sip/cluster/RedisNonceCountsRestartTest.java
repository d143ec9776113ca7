package org.liaison.sip.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.im.redis.RedisServer;

/**
 * The replay table on a Redis that persists every write as a cluster's must ({@code appendfsync always}): it costs
 * the AOF nothing, and what a crash of Redis loses of it lets no request be replayed: a (nonce, nc) accepted before
 * the crash is refused after the restart, the client being told stale=true and a fresh nonce working at once.
 */
class RedisNonceCountsRestartTest {
    private static final long LIFETIME = 300_000;
    private static final Duration RECONNECT = Duration.ofSeconds(40);

    @TempDir
    Path dir;

    private RedisServer redis;
    private ClusterRedis node;
    private RedisNonceCounts table;

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.durable(dir);
        node = ClusterRedis.connect(redis.uri());
        table = RedisNonceCounts.open(node);
    }

    @AfterEach
    void stop() {
        node.close();
        redis.close();
    }

    @Test
    void acceptingCountsWritesNothingToTheAofWhileAPersistedWriteDoes() {
        long before = aofSize();
        long issued = System.currentTimeMillis();
        for (int i = 0; i < 1000; i++) {
            assertTrue(table.advance("nonce-" + i, issued, 1, issued - LIFETIME));
            assertTrue(table.advance("nonce-" + i, issued, 2, issued - LIFETIME));
        }
        assertEquals(before, aofSize(), "2,000 counts accepted, each of which used to be an fsync");

        node.commands().set("liaison:reg:alice", new byte[] {1});
        assertTrue(aofSize() > before, "a write the cluster keeps reaches the AOF");
    }

    @Test
    void aCountAcceptedBeforeRedisIsKilledIsRefusedAfterItRestartsAndAFreshNonceWorks() throws Exception {
        long issued = System.currentTimeMillis();
        assertTrue(table.advance("n1", issued, 1, issued - LIFETIME));

        redis.kill();
        redis.startAgain();

        assertReplayRefusedOnceReconnected("n1", issued, 1);
        assertFalse(table.advance("n1", issued, 2, issued - LIFETIME), "nor a higher count: it may have been used");
        long fresh = System.currentTimeMillis();
        assertTrue(table.advance("n2", fresh, 1, fresh - LIFETIME), "a nonce issued after the restart");
    }

    /**
     * An AOF rewrite copies the table and its start into the AOF as they are then; the counts accepted after it are
     * in memory only. A crash loses those: the copy must not be taken for a complete table.
     */
    @Test
    void aCountAcceptedAfterAnAofRewriteIsRefusedAfterRedisIsKilledAndRestarted() throws Exception {
        long issued = System.currentTimeMillis();
        assertTrue(table.advance("n1", issued, 1, issued - LIFETIME));
        assertEquals("+Background append only file rewriting started", redis.command("BGREWRITEAOF"));
        await("the AOF rewrite to finish").atMost(Duration.ofSeconds(20))
                .until(() -> persistence().contains("aof_rewrite_in_progress:0")
                        && persistence().contains("aof_rewrite_scheduled:0"));
        assertTrue(table.advance("n1", issued, 2, issued - LIFETIME), "accepted after the rewrite");

        redis.kill();
        redis.startAgain();

        assertReplayRefusedOnceReconnected("n1", issued, 2);
    }

    /** Commands fail while the node reconnects; the first answer must be a refusal. */
    private void assertReplayRefusedOnceReconnected(String nonce, long issued, long nc) {
        boolean[] accepted = new boolean[1];
        await("the node to reconnect to Redis").atMost(RECONNECT).ignoreException(SharedStateUnavailable.class)
                .until(() -> {
                    accepted[0] = table.advance(nonce, issued, nc, issued - LIFETIME);
                    return true;
                });
        assertFalse(accepted[0], "(" + nonce + ", " + nc + ") replayed after the restart");
    }

    private long aofSize() {
        return persistence().lines().filter(line -> line.startsWith("aof_current_size:"))
                .mapToLong(line -> Long.parseLong(line.substring("aof_current_size:".length()).trim()))
                .findFirst().orElseThrow();
    }

    private String persistence() {
        return node.commands().info("persistence");
    }
}
