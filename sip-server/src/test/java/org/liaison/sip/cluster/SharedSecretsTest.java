package org.liaison.sip.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.liaison.sip.testing.EmptiedRedis;

/** Nodes (each its own connection) on one real redis-server agree on every shared secret. */
class SharedSecretsTest {
    @RegisterExtension
    static final EmptiedRedis redis = new EmptiedRedis();

    @Test
    void nodesStartingAtTheSameMomentAgreeOnTheSecret() throws Exception {
        int nodes = 8;
        ExecutorService starting = Executors.newFixedThreadPool(nodes);
        try {
            List<Callable<byte[]>> starts = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                starts.add(() -> {
                    try (ClusterRedis node = ClusterRedis.connect(redis.uri())) {
                        return new SharedSecrets(node).secret("route-token", 32);
                    }
                });
            }
            List<byte[]> secrets = new ArrayList<>();
            for (Future<byte[]> secret : starting.invokeAll(starts)) {
                secrets.add(secret.get());
            }
            secrets.forEach(secret -> assertArrayEquals(secrets.get(0), secret));
            assertEquals(32, secrets.get(0).length);
        } finally {
            starting.shutdownNow();
        }
    }

    @Test
    void eachNameIsASecretOfItsOwnAndALaterNodeReadsIt() throws Exception {
        try (ClusterRedis first = ClusterRedis.connect(redis.uri());
                ClusterRedis later = ClusterRedis.connect(redis.uri())) {
            byte[] routeKey = new SharedSecrets(first).secret("route-token", 32);
            byte[] handoffKey = new SharedSecrets(first).secret("node-handoff", 32);

            assertFalse(Arrays.equals(routeKey, handoffKey));
            assertArrayEquals(routeKey, new SharedSecrets(later).secret("route-token", 32));
            assertArrayEquals(handoffKey, new SharedSecrets(later).secret("node-handoff", 32));
        }
    }

    @Test
    void aValueOfAnotherLengthIsRefusedNotUsed() throws Exception {
        assertEquals("+OK", redis.command("SET", "liaison:secret:node-handoff", "short"));
        try (ClusterRedis node = ClusterRedis.connect(redis.uri())) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> new SharedSecrets(node).secret("node-handoff", 32));
            assertEquals("cluster.redis-uri " + node.where() + ": liaison:secret:node-handoff holds 5 bytes, expected 32;"
                    + " delete it to make a new one", e.getMessage());
        }
    }
}
