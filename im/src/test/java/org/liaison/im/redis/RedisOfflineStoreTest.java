package org.liaison.im.redis;

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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.im.MutableClock;
import org.liaison.im.OfflineStore;
import org.liaison.im.OfflineStoreContract;
import org.liaison.im.OfflineStoreSettings;
import org.liaison.im.SenderQueueFullException;
import org.liaison.im.StoredMessage;

/** The store contract on a real redis-server, and what only a store shared by several nodes must do. */
class RedisOfflineStoreTest implements OfflineStoreContract {

    @TempDir
    static Path redisDir;
    private static RedisServer redis;

    private final List<NodeConnection> nodes = new ArrayList<>();

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.durable(redisDir);
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void emptyRedis() throws Exception {
        redis.flushAll();
    }

    @AfterEach
    void closeStores() {
        nodes.forEach(NodeConnection::close);
    }

    @Override
    public OfflineStore newStore(OfflineStoreSettings settings, MutableClock clock) {
        // each store as a node of its own, with its own connection
        NodeConnection node = new NodeConnection(redis.uri());
        nodes.add(node);
        return RedisOfflineStore.open(node.shared(), settings, clock);
    }

    @Test
    void twoNodesAcknowledgingTheSameMessagesAtOnceRecordEachOnceAndDeleteEachOnce() throws Exception {
        MutableClock clock = new MutableClock(START);
        OfflineStore nodeA = newStore(SETTINGS, clock);
        OfflineStore nodeB = newStore(SETTINGS, clock);
        List<StoredMessage> stored = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            stored.add((i % 2 == 0 ? nodeA : nodeB).store(text("bob", "m" + i)));
        }

        ExecutorService nodes = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> forgotten = new ArrayList<>();
            for (OfflineStore node : List.of(nodeA, nodeB, nodeA, nodeB)) {
                forgotten.add(nodes.submit(() -> {
                    go.await();
                    int deleted = 0;
                    for (StoredMessage message : stored) {
                        node.acknowledge("bob", "phone", message.id());
                        deleted += node.forgetDelivered("bob", Set.of("phone"));
                    }
                    return deleted;
                }));
            }
            go.countDown();
            int deleted = 0;
            for (Future<Integer> each : forgotten) {
                deleted += each.get(60, TimeUnit.SECONDS);
            }

            assertEquals(200, deleted, "each message deleted once, whichever node got there first");
        } finally {
            nodes.shutdownNow();
        }
        assertEquals(0, nodeA.count());
        assertEquals(List.of(), nodeB.pendingFor("bob", "phone", 10));
        assertEquals(List.of(), nodeA.pendingFor("bob", "tablet", 10));
        // the sender's count was released once per message, not once per node: bob's queue takes a full cap again
        for (int i = 0; i < SETTINGS.maxMessagesPerUser(); i++) {
            nodeA.store(text("bob", "again" + i));
        }
    }

    @Test
    void aDeviceAcknowledgingThroughOneNodeIsNotOfferedTheMessageByTheOther() throws Exception {
        MutableClock clock = new MutableClock(START);
        OfflineStore nodeA = newStore(SETTINGS, clock);
        OfflineStore nodeB = newStore(SETTINGS, clock);
        StoredMessage first = nodeA.store(text("bob", "one"));
        nodeB.store(text("bob", "two"));

        nodeB.acknowledge("bob", "phone", nodeB.pendingFor("bob", "phone", 1).get(0).id());

        assertEquals(List.of("two"), bodies(nodeA.pendingFor("bob", "phone", 10)));
        assertEquals(first, nodeA.pendingFor("bob", "desk", 1).get(0));
    }

    @Test
    void idsHandedOutByTwoNodesWhoseClocksDisagreeStillSortInArrivalOrder() throws Exception {
        MutableClock ahead = new MutableClock(START.plus(Duration.ofMinutes(2)));
        OfflineStore nodeA = newStore(SETTINGS, ahead);
        OfflineStore nodeB = newStore(SETTINGS, new MutableClock(START));

        nodeA.store(text("bob", "first"));
        nodeB.store(text("bob", "second"));
        nodeA.store(text("bob", "third"));

        assertEquals(List.of("first", "second", "third"), bodies(nodeB.pendingFor("bob", "phone", 10)));
    }

    @Test
    void aSendersCapInTheStoreHoldsAcrossNodes() throws Exception {
        OfflineStoreSettings settings = new OfflineStoreSettings(Duration.ofDays(7), 10, 65536, 10, 3);
        MutableClock clock = new MutableClock(START);
        OfflineStore nodeA = newStore(settings, clock);
        OfflineStore nodeB = newStore(settings, clock);
        nodeA.store(OfflineStoreContract.from("mallory", "bob", "a"));
        nodeB.store(OfflineStoreContract.from("mallory", "carol", "b"));
        nodeA.store(OfflineStoreContract.from("mallory", "dave", "c"));

        SenderQueueFullException refused = assertThrows(SenderQueueFullException.class,
                () -> nodeB.store(OfflineStoreContract.from("mallory", "erin", "d")));
        assertEquals(3, refused.limit());
    }

    @Test
    void tenThousandSmallMessagesTakeLessThanAKilobyteOfRedisMemoryEach() throws Exception {
        OfflineStore store = newStore(SETTINGS, new MutableClock(START));
        long before = redis.usedMemory();
        // from 8 threads, as from a node's SIP workers: Redis then shares each fsync among several writes
        ExecutorService senders = Executors.newFixedThreadPool(8);
        try {
            List<Future<StoredMessage>> stored = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                int n = i;
                stored.add(senders.submit(() -> store.store(OfflineStoreContract.from(
                        "user" + (n % 97), "user" + (n % 100), "see you at 10 in room " + n))));
            }
            for (Future<StoredMessage> each : stored) {
                each.get(120, TimeUnit.SECONDS);
            }
        } finally {
            senders.shutdownNow();
        }
        long perMessage = (redis.usedMemory() - before) / 10_000;

        System.out.printf("Redis memory per stored message (10,000 small texts to 100 users): %d bytes%n", perMessage);
        assertTrue(perMessage < 1024, perMessage + " bytes per message");
        assertEquals(10_000, store.count());
    }
}
