package org.liaison.im.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.im.MutableClock;
import org.liaison.im.OfflineStoreContract;
import org.liaison.im.OfflineStoreSettings;

/** A 202 given after a store must mean the message is on disk: open refuses a Redis that would not say so. */
class RedisDurabilityTest {

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(OfflineStoreContract.START);

    @Test
    void redisWithoutAppendOnlyFileIsRefusedWithOneLineSayingWhatToSet() throws Exception {
        try (RedisServer redis = RedisServer.start(dir, List.of("--appendonly", "no"));
                NodeConnection node = new NodeConnection(redis.uri())) {
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> RedisOfflineStore.open(node.shared(), OfflineStoreSettings.defaults(), clock));

            assertEquals("cluster.redis-uri " + redis.uri() + ": Redis must run with appendonly yes and appendfsync"
                    + " always so that a 202 means the message is on disk; it has appendonly=no, appendfsync=everysec",
                    refused.getMessage());
        }
    }

    @Test
    void appendOnlyFileFsyncedOnlyEverySecondIsRefusedToo() throws Exception {
        try (RedisServer redis = RedisServer.start(dir, List.of("--appendonly", "yes", "--appendfsync", "everysec"));
                NodeConnection node = new NodeConnection(redis.uri())) {
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> RedisOfflineStore.open(node.shared(), OfflineStoreSettings.defaults(), clock));

            assertTrue(refused.getMessage().endsWith("it has appendonly=yes, appendfsync=everysec"),
                    refused.getMessage());
        }
    }

    @Test
    void redisThatPersistsEveryWriteIsAccepted() throws Exception {
        try (RedisServer redis = RedisServer.durable(dir);
                NodeConnection node = new NodeConnection(redis.uri());
                RedisOfflineStore store = RedisOfflineStore.open(node.shared(), OfflineStoreSettings.defaults(), clock)) {
            assertEquals(0, store.count());
        }
    }

    @Test
    void redisGoneWhenTheStoreOpensIsRefusedInOneLineNamingTheKey() throws Exception {
        RedisServer redis = RedisServer.durable(dir);
        try (NodeConnection node = new NodeConnection(redis.uri())) {
            redis.close();

            RedisNotDurable refused = assertThrows(RedisNotDurable.class,
                    () -> RedisOfflineStore.open(node.shared(), OfflineStoreSettings.defaults(), clock));

            assertTrue(refused.getMessage().startsWith("cluster.redis-uri " + redis.uri() + ": cannot read"),
                    refused.getMessage());
            assertFalse(refused.getMessage().contains("\n"), refused.getMessage());
        }
    }
}
