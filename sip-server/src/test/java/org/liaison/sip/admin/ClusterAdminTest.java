package org.liaison.sip.admin;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.im.redis.RedisServer;
import org.liaison.sip.testing.FreePorts;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/**
 * A cluster node's admin listener on a real redis-server: its registrations and queue are read
 * from Redis, and while Redis is away /health/ready says 503 naming the stores and Redis, /metrics
 * still answers with what it can read, and readiness comes back by itself.
 */
class ClusterAdminTest {
    @TempDir
    Path root;
    private RedisServer redis;
    private TestServer node;
    private int adminPort;

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.durable(Files.createDirectories(root.resolve("redis")));
        adminPort = FreePorts.udpAndTcp();
        node = TestServer.builder().user("bob", "bob-secret", "1002")
                .property("cluster.redis-uri", redis.uri()).property("cluster.node-uri", "sip:127.0.0.1;transport=udp")
                .property("admin.port", Integer.toString(adminPort)).start(root.resolve("node"));
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.stop();
        }
        redis.close();
    }

    @Test
    void readinessNamesRedisAndTheStoresWhileRedisIsAwayAndRecoversByItself() throws Exception {
        try (TestUa bob = new TestUa("bob", node)) {
            assertEquals(200, bob.register("bob-secret", "").status());
        }
        assertEquals(200, AdminHttp.get(adminPort, "/health/ready").statusCode());
        assertTrue(AdminHttp.get(adminPort, "/metrics").body().contains("\nliaison_registered_devices 1.0\n"));

        redis.close();
        HttpResponse<String> ready = AdminHttp.get(adminPort, "/health/ready");
        assertEquals(503, ready.statusCode());
        assertEquals("not ready: location store, message store, redis\n", ready.body());
        HttpResponse<String> metrics = AdminHttp.get(adminPort, "/metrics");
        assertEquals(200, metrics.statusCode(), "a scrape still answers");
        assertTrue(metrics.body().contains("liaison_sip_requests_received_total{method=\"REGISTER\"}"));
        assertFalse(metrics.body().contains("\nliaison_registered_devices "), "left out, not a made-up 0");
        PrometheusParser.check(metrics.body());

        redis.startAgain();
        await("ready again").atMost(Duration.ofSeconds(40))
                .until(() -> AdminHttp.get(adminPort, "/health/ready").statusCode() == 200);
    }

    /**
     * Users with a registered device are the cluster's figure on every node: a node that never saw the REGISTER
     * counts the user, and stops counting it once another node ended the registration (its copy of the bindings is
     * kept right by Redis's change messages). Blocks in force are in Redis, which this node cannot count without
     * walking its keys: no such gauge rather than a made-up 0.
     */
    @Test
    void registeredUsersAreTheClustersOnEveryNodeAndBlocksInForceAreNotMadeUp() throws Exception {
        int otherAdminPort = FreePorts.udpAndTcp();
        TestServer other = TestServer.builder().user("bob", "bob-secret", "1002")
                .property("cluster.redis-uri", redis.uri())
                .property("cluster.node-uri", "sip:127.0.0.1:" + TestServer.SIP_PORT + ";transport=udp")
                .property("admin.port", Integer.toString(otherAdminPort)).start(root.resolve("other"));
        try (TestUa bob = new TestUa("bob", node)) {
            assertEquals(0.0, PrometheusParser.sample(scrape(otherAdminPort), "liaison_registered_users"));
            assertEquals(200, bob.register("bob-secret", "").status());
            await("the other node counts bob").atMost(Duration.ofSeconds(10))
                    .until(() -> PrometheusParser.sample(scrape(otherAdminPort), "liaison_registered_users") == 1.0);
            assertEquals(200, bob.sendWithAuth(bob.registerRequest(UUID.randomUUID().toString(), 0, ""),
                    "bob-secret").status());
            await("the other node no longer counts bob").atMost(Duration.ofSeconds(10))
                    .until(() -> PrometheusParser.sample(scrape(otherAdminPort), "liaison_registered_users") == 0.0);
        } finally {
            other.stop();
        }
        String metrics = scrape(adminPort);
        assertTrue(metrics.contains("\nliaison_auth_blocks_active{kind=\"pair\"} 0.0\n"), metrics);
        assertTrue(metrics.contains("\nliaison_auth_blocks_total 0.0\n"), metrics);
    }

    private static String scrape(int port) throws Exception {
        HttpResponse<String> metrics = AdminHttp.get(port, "/metrics");
        assertEquals(200, metrics.statusCode());
        PrometheusParser.check(metrics.body());
        return metrics.body();
    }
}
