package org.liaison.im.messaging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.liaison.im.MutableClock;
import org.liaison.im.OfflineStore;
import org.liaison.im.OfflineStoreContract;
import org.liaison.im.redis.RedisPerClass;
import org.liaison.im.redis.NodeConnection;
import org.liaison.im.redis.RedisDeliveryLeases;
import org.liaison.im.redis.RedisOfflineStore;
import org.liaison.im.redis.RedisServer;

/** Two nodes sharing one store in a real redis-server deliver each message once per device. */
class MessageDeliveryAcrossNodesTest {

    @RegisterExtension
    static final RedisPerClass durable = RedisPerClass.durable();
    private RedisServer redis;

    /** Short, so that a dead node's lease lapses within the test; the server's is RedisDeliveryLeases.TERM. */
    private static final Duration TERM = Duration.ofSeconds(3);

    private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(2);
    private final ExecutorService network = Executors.newFixedThreadPool(2);
    private final FakeDirectory devices = new FakeDirectory();
    private final CountingDevice phone = new CountingDevice(network);
    private final List<NodeConnection> connections = new ArrayList<>();
    private final List<OfflineStore> stores = new ArrayList<>();

    @BeforeEach
    void bobHasAPhone() {
        redis = durable.server();
        devices.register("bob", "phone");
    }

    @AfterEach
    void stopNodes() {
        timers.shutdownNow();
        network.shutdownNow();
        connections.forEach(NodeConnection::close);
    }

    /** A node: its own connection, store and leases, as a server in cluster mode has them. */
    private MessageDelivery node() {
        NodeConnection connection = new NodeConnection(redis.uri());
        connections.add(connection);
        OfflineStore store = RedisOfflineStore.open(connection.shared(), OfflineStoreContract.SETTINGS,
                new MutableClock(OfflineStoreContract.START));
        stores.add(store);
        return new MessageDelivery(store, new RedisDeliveryLeases(connection.shared(), timers, TERM), devices, phone,
                timers, new MessagingMetrics());
    }

    @Test
    void twoNodesStartingDeliveryToOneDeviceAtTheSameInstantSendEachMessageOnce() throws Exception {
        MessageDelivery nodeA = node();
        MessageDelivery nodeB = node();
        int messages = 50;
        for (int i = 0; i < messages; i++) {
            stores.get(i % 2).store(OfflineStoreContract.text("bob", "m" + i));
        }

        CountDownLatch bothReady = new CountDownLatch(2);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> registrations = new ArrayList<>();
        for (MessageDelivery node : List.of(nodeA, nodeB)) {
            Thread registered = new Thread(() -> {
                bothReady.countDown();
                awaitQuietly(go);
                node.deliverTo("bob");
            });
            registered.start();
            registrations.add(registered);
        }
        bothReady.await();
        go.countDown();
        for (Thread registered : registrations) {
            registered.join(10_000);
        }
        phone.answerFromNowOn();

        await("every message delivered").atMost(Duration.ofSeconds(30))
                .until(() -> phone.received().size() >= messages && stores.get(0).count() == 0);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
            expected.add("m" + i);
        }
        assertEquals(expected, phone.received(), "each message once, oldest first");
    }

    @Test
    void aLeaseLeftByADeadNodeDelaysDeliveryByAtMostItsTermThenTheMessageArrives() throws Exception {
        MessageDelivery nodeB = node();
        stores.get(0).store(OfflineStoreContract.text("bob", "after the dead node"));
        // node A took the lease of bob's phone and was killed: it never renews nor releases it
        assertEquals("+OK", redis.command("SET", "liaison:im:lease:bob:phone", "node-a", "PX",
                String.valueOf(TERM.toMillis())));
        phone.answerFromNowOn();
        long registered = System.nanoTime();

        nodeB.deliverTo("bob");

        assertEquals(List.of(), phone.received(), "the lease is respected while it lasts");
        await("the message, once the dead node's lease lapsed").atMost(TERM.plusSeconds(2))
                .until(() -> phone.received().equals(List.of("after the dead node")));
        Duration waited = Duration.ofNanos(System.nanoTime() - registered);
        assertTrue(waited.compareTo(TERM.minusMillis(500)) > 0, "delivered after the lease lapsed: " + waited);
        await("the message deleted once delivered").atMost(Duration.ofSeconds(5))
                .until(() -> stores.get(0).count() == 0);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
