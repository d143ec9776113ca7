package org.liaison.sip;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.im.redis.RedisServer;
import org.liaison.sip.testing.FreePorts;
import org.liaison.sip.testing.ServerProcess;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/**
 * The deployment docs/cluster.md recommends, on loopback with real processes: a Redis primary, its replica, a
 * Sentinel watching them, and a node given {@code redis-sentinel://} and {@code cluster.redis-wait-replicas = 1}.
 * The primary is killed with SIGKILL; Sentinel promotes the replica, the node follows it by itself, and every
 * message it acknowledged before the crash is delivered after it. With no replica left, a message for an offline
 * user is refused (503), not acknowledged on the primary alone.
 */
@Timeout(120)
class SentinelFailoverTest {
    private static final String MASTER = "liaison";
    private static final int MESSAGES = 3;

    @TempDir
    Path root;

    @Test
    void aNodeFollowsTheFailoverAndLosesNoMessageItAcknowledged() throws Exception {
        try (RedisServer primary = RedisServer.durable(Files.createDirectories(root.resolve("primary")));
                RedisServer replica = RedisServer.start(Files.createDirectories(root.resolve("replica")),
                        List.of("--appendonly", "yes", "--appendfsync", "always", "--replicaof", "127.0.0.1",
                                String.valueOf(primary.port())));
                Sentinel sentinel = Sentinel.start(root.resolve("sentinel"), primary.port())) {
            // Redis 7 starts a replica's first copy after 5 s (repl-diskless-sync-delay); until then WAIT confirms nothing
            await("the replica in sync").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> replicationOf(replica.port()).contains("master_link_status:up"));
            await("the Sentinel seeing the replica").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> sentinel.replicas() == 1);
            TestServer config = TestServer.builder().user("alice", "alice-secret", "1001")
                    .user("bob", "bob-secret", "1002").user("carol", "carol-secret", "1003")
                    .property("cluster.redis-uri", "redis-sentinel://127.0.0.1:" + sentinel.port() + "#" + MASTER)
                    .property("cluster.redis-wait-replicas", "1").property("im.device-answer-ms", "1000")
                    .create(root.resolve("node"));
            Files.writeString(config.configDir().resolve("liaison.properties"),
                    "cluster.node-uri = sip:127.0.0.1:" + config.port() + ";transport=udp\n", StandardOpenOption.APPEND);
            try (ServerProcess node = ServerProcess.serve(config.configDir(), root.resolve("node.log"))) {
                List<String> sent = storeForBob(config);
                primary.kill();
                await("Sentinel promoting the replica").atMost(Duration.ofSeconds(60)).ignoreExceptions()
                        .until(() -> sentinel.masterPort() == replica.port());
                assertEquals(sent, deliveredToBob(config), "every acknowledged message, once, in order");
                assertNoReplicaNoAcknowledgement(config);
            }
        }
    }

    private static List<String> storeForBob(TestServer config) throws Exception {
        List<String> sent = new ArrayList<>();
        try (TestUa alice = new TestUa("alice", config)) {
            for (int i = 1; i <= MESSAGES; i++) {
                String callId = UUID.randomUUID().toString();
                assertEquals(202, alice.sendWithAuth(message(alice, "bob", callId, "message " + i), "alice-secret")
                        .status());
                sent.add(callId);
            }
        }
        return sent;
    }

    private static List<String> deliveredToBob(TestServer config) throws Exception {
        try (TestUa bob = new TestUa("bob", config)) {
            // 503 while the node reconnects, then served by the new primary
            await("the node serving again").atMost(Duration.ofSeconds(30))
                    .until(() -> bob.register("bob-secret", "").status() == 200);
            List<String> received = new ArrayList<>();
            for (int i = 1; i <= MESSAGES; i++) {
                SipText message = bob.await(m -> TestUa.STORED_MESSAGE.test(m)
                        && !received.contains(m.header("call-id").orElse("")), Duration.ofSeconds(10));
                assertEquals("message " + i, message.body(), "out of order after " + received.size() + ": " + message);
                received.add(message.header("call-id").orElseThrow());
                bob.respond(message, 200, "OK", "b", null, null);
            }
            return received;
        }
    }

    /** The new primary has no replica: nothing it alone holds is acknowledged. */
    private static void assertNoReplicaNoAcknowledgement(TestServer config) throws Exception {
        try (TestUa alice = new TestUa("alice", config)) {
            SipText refused = alice.sendWithAuth(message(alice, "carol", UUID.randomUUID().toString(), "for later"),
                    "alice-secret");
            assertEquals(503, refused.status(), refused.toString());
            assertTrue(refused.header("retry-after").isPresent(), refused.toString());
        }
    }

    private static String message(TestUa from, String to, String callId, String body) {
        return from.messageRequest("sip:" + to + "@" + TestServer.DOMAIN, callId, "text/plain;charset=UTF-8", body);
    }

    private static String replicationOf(int redisPort) {
        RedisClient client = RedisClient.create(RedisURI.create("redis://127.0.0.1:" + redisPort));
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            return connection.sync().info("replication");
        } finally {
            client.shutdown(0, 1, TimeUnit.SECONDS);
        }
    }

    /** A Sentinel (redis-server in sentinel mode) watching the primary with a quorum of one. */
    private record Sentinel(Process process, int port) implements AutoCloseable {

        static Sentinel start(Path dir, int primaryPort) throws IOException {
            Files.createDirectories(dir);
            int port = FreePorts.udpAndTcp();
            Path conf = dir.resolve("sentinel.conf");
            Files.writeString(conf, String.join("\n", "port " + port, "bind 127.0.0.1", "dir " + dir,
                    "sentinel monitor " + MASTER + " 127.0.0.1 " + primaryPort + " 1",
                    "sentinel down-after-milliseconds " + MASTER + " 1000",
                    "sentinel failover-timeout " + MASTER + " 5000", ""));
            return new Sentinel(new ProcessBuilder("/usr/bin/redis-server", conf.toString(), "--sentinel")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("sentinel.log").toFile()).start(), port);
        }

        int masterPort() {
            return ask(connection -> ((InetSocketAddress) connection.sync().getMasterAddrByName(MASTER)).getPort());
        }

        int replicas() {
            return ask(connection -> connection.sync().replicas(MASTER).size());
        }

        private <T> T ask(Function<StatefulRedisSentinelConnection<String, String>, T> question) {
            RedisClient client = RedisClient.create(RedisURI.create("redis://127.0.0.1:" + port));
            try (StatefulRedisSentinelConnection<String, String> connection = client.connectSentinel()) {
                return question.apply(connection);
            } finally {
                client.shutdown(0, 1, TimeUnit.SECONDS);
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
