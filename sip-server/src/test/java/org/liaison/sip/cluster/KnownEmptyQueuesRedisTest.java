package org.liaison.sip.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.liaison.im.NewMessage;
import org.liaison.im.OfflineStoreSettings;
import org.liaison.im.redis.RedisOfflineStore;
import org.liaison.im.redis.ReplicaConfirmation;
import org.liaison.im.redis.RedisPerClass;
import org.liaison.im.redis.SharedRedis;

/**
 * The note of users with nothing waiting on a real redis-server, each store a node with its own connection: every
 * path that fills a queue is heard by the other nodes, and a node that cannot hear asks Redis.
 */
class KnownEmptyQueuesRedisTest {
    @RegisterExtension
    static final RedisPerClass REDIS = RedisPerClass.durable();
    private static final OfflineStoreSettings SETTINGS = new OfflineStoreSettings(Duration.ofDays(7), 1000, 65536,
            100, 1000);

    private final List<ClusterRedis> connections = new ArrayList<>();

    /** A node's store and what it knows. */
    private record Node(RedisOfflineStore store, KnownEmptyQueues known) {
    }

    @AfterEach
    void disconnect() {
        connections.forEach(ClusterRedis::close);
    }

    @Test
    void aMessageStoredThroughOneNodeEndsWhatTheOtherKnewAndTheStoringNodeForgetsAtOnce() throws Exception {
        Node a = node();
        Node b = node();
        assertFalse(a.store().holdsFor("bob"));
        assertFalse(b.store().holdsFor("bob"));
        assertTrue(b.known().knownEmpty("bob"));

        a.store().store(message("bob"));

        assertTrue(a.store().holdsFor("bob"), "the storing node, before its own message comes back");
        await().atMost(Duration.ofSeconds(5)).until(() -> !b.known().knownEmpty("bob"));
        assertTrue(b.store().holdsFor("bob"));
    }

    @Test
    void aGroupPostStoredThroughOneNodeEndsWhatTheOtherKnewOfEachMember() throws Exception {
        Node a = node();
        Node b = node();
        for (String member : List.of("carol", "dave", "erin")) {
            assertFalse(b.store().holdsFor(member));
        }

        assertEquals(List.of("carol", "dave"), a.store().storeForMembers(message("staff"), List.of("carol", "dave")));

        await().atMost(Duration.ofSeconds(5)).until(() -> !b.known().knownEmpty("carol") && !b.known().knownEmpty("dave"));
        assertTrue(b.store().holdsFor("carol"));
        assertTrue(b.store().holdsFor("dave"));
        assertTrue(b.known().knownEmpty("erin"), "not a recipient of the post");
    }

    @Test
    void whileTheSubscriptionIsDownTheCheckAsksRedis() throws Exception {
        Node b = node();
        assertFalse(b.store().holdsFor("bob"));
        assertTrue(REDIS.server().commandsSentDuring(() -> b.store().holdsFor("bob")).isEmpty(), "known: no command");

        assertTrue(REDIS.command("CLIENT", "KILL", "TYPE", "pubsub").startsWith(":"));

        await().atMost(Duration.ofSeconds(5)).until(() -> !b.known().knownEmpty("bob"));
        List<String> sent = REDIS.server().commandsSentDuring(() -> assertFalse(b.store().holdsFor("bob")));
        assertTrue(sent.stream().anyMatch(command -> command.contains("\"EXISTS\"")), String.join("\n", sent));
    }

    private Node node() throws RedisUnreachable {
        ClusterRedis redis = ClusterRedis.connect(REDIS.uri());
        connections.add(redis);
        KnownEmptyQueues known = KnownEmptyQueues.subscribed(redis);
        SharedRedis shared = new SharedRedis(redis.commands(), "test redis", new SharedRedis.Health() {
            @Override
            public void failed(RuntimeException cause) {
            }

            @Override
            public void answered() {
            }
        });
        return new Node(RedisOfflineStore.open(shared, SETTINGS, Clock.systemUTC(), known, ReplicaConfirmation.none(shared)),
                known);
    }

    private static NewMessage message(String recipient) {
        return new NewMessage(recipient, "sip:alice@example.org", "c-" + recipient, "text/plain",
                "hello".getBytes(StandardCharsets.UTF_8), "alice");
    }
}
