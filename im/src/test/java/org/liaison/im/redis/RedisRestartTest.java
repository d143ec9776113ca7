package org.liaison.im.redis;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.liaison.im.OfflineStoreContract.bodies;
import static org.liaison.im.OfflineStoreContract.text;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.im.MutableClock;
import org.liaison.im.OfflineStoreContract;
import org.liaison.im.OfflineStoreSettings;
import org.liaison.im.StoreUnavailableException;
import org.liaison.im.StoredMessage;

/**
 * Redis stopping and coming back: what was stored and acknowledged is still there, calls made
 * while it is away fail fast with {@link StoreUnavailableException}, and the same store object
 * works again once Redis does, without being reopened.
 */
class RedisRestartTest {

    @TempDir
    Path dir;

    private RedisServer redis;
    private NodeConnection node;
    private RedisOfflineStore store;

    @BeforeEach
    void start() {
        redis = RedisServer.durable(dir);
        node = new NodeConnection(redis.uri());
        store = RedisOfflineStore.open(node.shared(), OfflineStoreSettings.defaults(),
                new MutableClock(OfflineStoreContract.START));
    }

    @AfterEach
    void stop() throws Exception {
        store.close();
        node.close();
        redis.close();
    }

    @Test
    void shutdownAndStartAgainLosesNoMessageAndNoAcknowledgement() throws Exception {
        List<StoredMessage> stored = storeTwentyAcknowledgingHalf();

        redis.shutdown();
        redis.startAgain();

        assertAllThere(stored);
    }

    @Test
    void redisKilledWithSigkillLosesNothingThatWasAcknowledgedToTheCaller() throws Exception {
        List<StoredMessage> stored = storeTwentyAcknowledgingHalf();

        redis.kill();
        redis.startAgain();

        assertAllThere(stored);
    }

    @Test
    void whileRedisIsAwayCallsFailFastAsUnavailableAndTheStoreResumesByItself() throws Exception {
        store.store(text("bob", "before"));
        redis.kill();

        long started = System.nanoTime();
        assertThrows(StoreUnavailableException.class, () -> store.store(text("bob", "lost")));
        assertThrows(StoreUnavailableException.class, () -> store.pendingFor("bob", "phone", 10));
        assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofSeconds(5)) < 0,
                "no call waits past the command timeout");
        assertEquals(2, node.failures(), "each failure reported to the node's health watch");

        redis.startAgain();
        await("the store reconnected").atMost(Duration.ofSeconds(30)).ignoreException(StoreUnavailableException.class)
                .until(() -> store.count() == 1);
        store.store(text("bob", "after"));
        assertEquals(List.of("before", "after"), bodies(store.pendingFor("bob", "phone", 10)));
    }

    private List<StoredMessage> storeTwentyAcknowledgingHalf() throws Exception {
        List<StoredMessage> stored = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            stored.add(store.store(text(i % 2 == 0 ? "bob" : "carol", "m" + i)));
        }
        store.storeForMembers(OfflineStoreContract.from("alice", "staff", "post"), List.of("bob", "carol"));
        for (int i = 0; i < 10; i++) {
            store.acknowledge(stored.get(i).recipient(), "phone", stored.get(i).id());
        }
        return stored;
    }

    private void assertAllThere(List<StoredMessage> stored) {
        await("the store reconnected").atMost(Duration.ofSeconds(30)).ignoreException(StoreUnavailableException.class)
                .until(() -> store.count() == 22);
        assertEquals(List.of("m10", "m12", "m14", "m16", "m18", "post"),
                bodies(store.pendingFor("bob", "phone", 100)));
        assertEquals(List.of("m11", "m13", "m15", "m17", "m19", "post"),
                bodies(store.pendingFor("carol", "phone", 100)));
        assertEquals(stored.subList(0, 20).stream().filter(m -> m.recipient().equals("bob")).toList(),
                store.pendingFor("bob", "tablet", 10));
        store.acknowledge("bob", "phone", stored.get(0).id());
        assertEquals(0, store.forgetDelivered("bob", Set.of("phone", "tablet")));
    }
}
