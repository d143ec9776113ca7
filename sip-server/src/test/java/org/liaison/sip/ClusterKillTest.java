package org.liaison.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.im.redis.RedisServer;
import org.liaison.sip.testing.ServerProcess;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/**
 * Two nodes as separate processes sharing one real Redis: a node killed with SIGKILL loses nothing
 * it acknowledged. Messages stored through node A (each answered 202) reach the recipient through
 * node B after A is gone, once each and in the order they were sent (issue 10, item 6).
 */
@Timeout(120)
class ClusterKillTest {
    private static final int MESSAGES = 5;

    @TempDir
    Path root;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void stopEverything() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    private <T extends AutoCloseable> T own(T closeable) {
        opened.add(closeable);
        return closeable;
    }

    private TestServer node(String name, RedisServer redis) throws Exception {
        TestServer config = TestServer.builder().user("alice", "alice-secret", "1001").user("bob", "bob-secret", "1002")
                .property("cluster.redis-uri", redis.uri()).property("im.device-answer-ms", "1000")
                .create(root.resolve(name));
        // the node URI names this node's own port, as it would on a real network
        Path properties = config.configDir().resolve("liaison.properties");
        Files.writeString(properties, "cluster.node-uri = sip:127.0.0.1:" + config.port() + ";transport=udp\n",
                StandardOpenOption.APPEND);
        return config;
    }

    @Test
    void messagesAcceptedByANodeKilledWithSigkillAreDeliveredByTheOtherOnceAndInOrder() throws Exception {
        RedisServer redis = own(RedisServer.durable(Files.createDirectories(root.resolve("redis"))));
        // each node's free port is picked once the other listens, so the two cannot pick the same
        TestServer configA = node("node-a", redis);
        ServerProcess nodeA = own(ServerProcess.serve(configA.configDir(), root.resolve("node-a.log")));
        TestServer configB = node("node-b", redis);
        own(ServerProcess.serve(configB.configDir(), root.resolve("node-b.log")));

        List<String> sent = new ArrayList<>();
        try (TestUa alice = new TestUa("alice", configA)) {
            for (int i = 1; i <= MESSAGES; i++) {
                String callId = UUID.randomUUID().toString();
                assertEquals(202, alice.sendWithAuth(alice.messageRequest("sip:bob@" + TestServer.DOMAIN, callId,
                        "text/plain;charset=UTF-8", "message " + i), "alice-secret").status());
                sent.add(callId);
            }
        }
        nodeA.kill();
        assertFalse(nodeA.isAlive());

        try (TestUa bob = new TestUa("bob", configB)) {
            assertEquals(200, bob.register("bob-secret", "").status());
            List<String> received = new ArrayList<>();
            for (int i = 1; i <= MESSAGES; i++) {
                SipText message = bob.await(m -> TestUa.STORED_MESSAGE.test(m)
                        && !received.contains(m.header("call-id").orElse("")), Duration.ofSeconds(10));
                assertEquals("message " + i, message.body(), "out of order after " + received.size() + ": " + message);
                assertTrue(message.header("via").orElseThrow().contains(":" + configB.port()),
                        "delivered by node B: " + message);
                received.add(message.header("call-id").orElseThrow());
                bob.respond(message, 200, "OK", "b", null, null);
            }
            assertEquals(sent, received, "each message keeps its Call-ID");

            // every acknowledgement reached the store: a new registration brings nothing back
            assertEquals(200, bob.register("bob-secret", "").status());
            assertTrue(bob.receivesNothing(TestUa.STORED_MESSAGE, Duration.ofSeconds(2)), "a message was delivered twice");
        }
    }
}
