package org.liaison.im.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A node's one connection to a test's Redis, opened as the server opens its own (sip-server's
 * ClusterRedis): commands fail at once while disconnected, or after 2 s; it counts what the stores
 * report to the node's health watch.
 */
public final class NodeConnection implements AutoCloseable {
    private final RedisClient client;
    private final StatefulRedisConnection<String, byte[]> connection;
    private final AtomicInteger failures = new AtomicInteger();
    private final SharedRedis shared;

    public NodeConnection(String redisUri) {
        RedisURI uri = RedisURI.create(redisUri);
        uri.setTimeout(Duration.ofSeconds(2));
        client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
        connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        shared = new SharedRedis(connection.sync(), "cluster.redis-uri " + redisUri, new SharedRedis.Health() {
            @Override
            public void failed(RuntimeException cause) {
                failures.incrementAndGet();
            }

            @Override
            public void answered() {
                // only failures are counted
            }
        });
    }

    public SharedRedis shared() {
        return shared;
    }

    /** How many commands failed, as the stores reported them. */
    public int failures() {
        return failures.get();
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
