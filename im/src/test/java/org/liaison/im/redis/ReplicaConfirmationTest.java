package org.liaison.im.redis;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.liaison.im.OfflineStoreContract.bodies;
import static org.liaison.im.OfflineStoreContract.text;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.im.MutableClock;
import org.liaison.im.OfflineStoreContract;
import org.liaison.im.OfflineStoreSettings;
import org.liaison.im.StoreUnavailableException;

/**
 * A primary and its replica, both real redis-servers: with {@code cluster.redis-wait-replicas} a 202'd message is on
 * the replica, so a failover that promotes it loses nothing; too few replicas refuse the message instead of
 * acknowledging what a failover could lose.
 */
class ReplicaConfirmationTest {

    @TempDir
    Path dir;

    private RedisServer primary;
    private RedisServer replica;
    private NodeConnection shared;
    private NodeConnection dedicated;
    private final AtomicLong nanoTime = new AtomicLong();

    @BeforeEach
    void start() throws Exception {
        Files.createDirectories(dir.resolve("primary"));
        Files.createDirectories(dir.resolve("replica"));
        primary = RedisServer.durable(dir.resolve("primary"));
        replica = RedisServer.start(dir.resolve("replica"), List.of("--appendonly", "yes", "--appendfsync", "always",
                "--replicaof", "127.0.0.1", String.valueOf(primary.port())));
        try (NodeConnection toReplica = new NodeConnection(replica.uri())) {
            await("the replica in sync").atMost(Duration.ofSeconds(20))
                    .until(() -> toReplica.shared().commands().info("replication").contains("master_link_status:up"));
        }
        shared = new NodeConnection(primary.uri());
        dedicated = new NodeConnection(primary.uri());
    }

    @AfterEach
    void stop() {
        dedicated.close();
        shared.close();
        replica.close();
        primary.close();
    }

    private RedisOfflineStore store(ReplicaConfirmation writes) {
        return RedisOfflineStore.open(shared.shared(), OfflineStoreSettings.defaults(),
                new MutableClock(OfflineStoreContract.START), EmptyQueues.NONE, writes);
    }

    private ReplicaConfirmation oneReplica(Duration timeout) {
        return ReplicaConfirmation.of(dedicated.shared(), 1, timeout, nanoTime::get);
    }

    @Test
    void aStoreWaitsForALaggingReplicaSoThatTheReplicaPromotedAfterACrashHoldsIt() throws Exception {
        RedisOfflineStore store = store(oneReplica(Duration.ofSeconds(2)));
        store.store(text("bob", "in sync"));

        // the replica stops taking the stream for 300 ms while the next message is stored
        replica.pause();
        long paused = System.nanoTime();
        CompletableFuture<Void> resumed = CompletableFuture.runAsync(() -> {
            try {
                replica.resume();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS));
        store.store(text("bob", "while the replica lagged"));
        long acknowledgedAfterMs = Duration.ofNanos(System.nanoTime() - paused).toMillis();
        resumed.join();
        // the replica resumes 300 ms after the pause at the earliest, and holds nothing before
        assertTrue(acknowledgedAfterMs >= 300, "acknowledged " + acknowledgedAfterMs
                + " ms after the replica paused, before it could hold the message");

        primary.kill();
        assertEquals(List.of("in sync", "while the replica lagged"), pendingOnThePromotedReplica());
    }

    @Test
    void aReplicaCutOffFromThePrimaryLeavesNoAcknowledgedMessageForAFailoverToLose() throws Exception {
        RedisOfflineStore store = store(oneReplica(Duration.ofMillis(300)));
        store.store(text("bob", "acknowledged"));

        // a partition: the replica keeps what it has and hears nothing more from the primary
        assertEquals("+OK", replica.command("REPLICAOF", "127.0.0.1", String.valueOf(RedisServer.freePort())));
        assertThrows(StoreUnavailableException.class, () -> store.store(text("bob", "never acknowledged")));

        primary.kill();
        assertEquals(List.of("acknowledged"), pendingOnThePromotedReplica());
    }

    /** What Sentinel does when the primary is down: the replica becomes the primary; then what it holds for bob. */
    private List<String> pendingOnThePromotedReplica() throws Exception {
        assertEquals("+OK", replica.command("REPLICAOF", "NO", "ONE"));
        try (NodeConnection promoted = new NodeConnection(replica.uri());
                RedisOfflineStore after = RedisOfflineStore.open(promoted.shared(), OfflineStoreSettings.defaults(),
                        new MutableClock(OfflineStoreContract.START))) {
            return bodies(after.pendingFor("bob", "phone", 10));
        }
    }

    @Test
    void tooFewReplicasRefuseTheMessageThenRefuseAtOnceUntilTheyConfirmAgain() throws Exception {
        RedisOfflineStore store = store(oneReplica(Duration.ofMillis(300)));
        replica.pause();
        try {
            assertThrows(StoreUnavailableException.class, () -> store.store(text("bob", "unconfirmed")));
            assertEquals(1, store.count(), "a write too few replicas confirmed stands on the primary");

            nanoTime.addAndGet(Duration.ofSeconds(4).toNanos());
            assertThrows(StoreUnavailableException.class, () -> store.store(text("bob", "refused at once")));
            assertEquals(1, store.count(), "refused without writing");
        } finally {
            replica.resume();
        }

        nanoTime.addAndGet(Duration.ofSeconds(2).toNanos());
        store.store(text("bob", "confirmed"));
        assertEquals(List.of("unconfirmed", "confirmed"), bodies(store.pendingFor("bob", "phone", 10)));
    }
}
