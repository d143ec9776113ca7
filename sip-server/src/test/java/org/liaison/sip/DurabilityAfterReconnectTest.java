package org.liaison.sip;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ch.qos.logback.classic.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.im.OfflineStore;
import org.liaison.im.OfflineStoreSettings;
import org.liaison.im.redis.RedisServer;
import org.liaison.sip.config.ClusterSettings;
import org.liaison.sip.testing.CapturedLog;

/**
 * The start refuses a Redis that does not put every write on disk; a node that reconnects (a Redis restarted, or a
 * Sentinel failover to a replica) checks again and says so in one ERROR line when the Redis it now reaches does not.
 */
@Timeout(60)
class DurabilityAfterReconnectTest {

    @TempDir
    Path dir;

    private RedisServer redis;
    private StateStores stores;
    private OfflineStore messages;
    private CapturedLog log;

    @BeforeEach
    void open() throws Exception {
        redis = RedisServer.durable(Files.createDirectories(dir.resolve("redis")));
        ClusterSettings cluster = new ClusterSettings(Optional.of(redis.uri()), Optional.of("sip:127.0.0.1:5060"),
                List.of(), 0);
        stores = StateStores.open(cluster, dir, Clock.systemUTC());
        messages = stores.offlineStore(dir, OfflineStoreSettings.defaults(), Clock.systemUTC(), 0);
        log = CapturedLog.start();
    }

    @AfterEach
    void close() throws Exception {
        log.close();
        messages.close();
        stores.locationStore().close();
        stores.redis().close();
        redis.close();
    }

    @Test
    void aRedisThatNoLongerPersistsEveryWriteAfterAReconnectionIsReportedAsAnError() throws Exception {
        assertEquals("+OK", redis.command("CONFIG", "SET", "appendfsync", "everysec"));
        redis.command("CLIENT", "KILL", "TYPE", "normal");

        await("the check after reconnecting").atMost(Duration.ofSeconds(20))
                .until(() -> log.has(Level.ERROR, "it has appendonly=yes, appendfsync=everysec"));
    }

    @Test
    void aReconnectionToARedisThatStillPersistsEveryWriteLogsNoError() throws Exception {
        redis.command("CLIENT", "KILL", "TYPE", "normal");

        await("the check after reconnecting").atMost(Duration.ofSeconds(20))
                .until(() -> log.has(Level.INFO, "Redis persists every write (checked again after reconnecting)"));
        assertFalse(log.has(Level.ERROR, "appendfsync"), log.warnings().toString());
    }
}
