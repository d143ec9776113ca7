package org.liaison.sip.admin;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
}
