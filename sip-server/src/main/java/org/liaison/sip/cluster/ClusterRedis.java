package org.liaison.sip.cluster;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubListener;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis that the nodes of a cluster share, as one lettuce client and one multiplexed
 * connection that every store of this process uses (lettuce connections are thread-safe; commands
 * of many threads are pipelined on it). Keys are UTF-8 strings, values bytes. Owned and closed by
 * {@code SipServer}.
 *
 * <p>Commands fail after {@value #COMMAND_TIMEOUT_MS} ms, and at once while the connection is down
 * (lettuce reconnects in the background), so a request that needs shared state is answered 503 in
 * SIP time instead of waiting in a queue that may never drain; {@link #health()} logs the outage once.
 */
public final class ClusterRedis implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterRedis.class);
    private static final long COMMAND_TIMEOUT_MS = 2000;
    private static final long SUBSCRIPTION_WAIT_MS = 2000;
    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private final RedisClient client;
    private final StatefulRedisConnection<String, byte[]> connection;
    private final String where;
    private final SharedStateHealth health;
    /** SHA-1 of each script run, by its text: the scripts are the stores' constants, so this stays small. */
    private final Map<String, String> digests = new ConcurrentHashMap<>();
    /** The connections of {@link #dedicatedCommands()}, closed with the shared one. */
    private final List<StatefulRedisConnection<String, byte[]>> dedicated = new CopyOnWriteArrayList<>();

    private ClusterRedis(RedisClient client, StatefulRedisConnection<String, byte[]> connection, String where) {
        this.client = client;
        this.connection = connection;
        this.where = where;
        this.health = new SharedStateHealth(where);
        connection.addListener(health);
    }

    /**
     * Connects to {@code redisUri} (a lettuce URI) and checks it answers.
     *
     * @throws RedisUnreachable naming {@code cluster.redis-uri} (without its password) and the cause
     */
    public static ClusterRedis connect(String redisUri) throws RedisUnreachable {
        String where = withoutPassword(redisUri);
        RedisURI uri = RedisURI.create(redisUri);
        uri.setTimeout(Duration.ofMillis(COMMAND_TIMEOUT_MS));
        RedisClient client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
        try {
            StatefulRedisConnection<String, byte[]> connection = client.connect(CODEC);
            connection.sync().ping();
            LOG.info("cluster: shared state in Redis at {}", where);
            return new ClusterRedis(client, connection, where);
        } catch (RedisException e) {
            client.shutdown(0, 2, TimeUnit.SECONDS);
            throw new RedisUnreachable(where, e);
        }
    }

    /** Blocking commands on the shared connection; safe from any thread. */
    public RedisCommands<String, byte[]> commands() {
        return connection.sync();
    }

    /**
     * Runs a Lua script by its SHA-1 (EVALSHA), sending its text only when Redis does not know it yet (first use,
     * after a restart): a hot-path script of a few KB is not sent with every request.
     */
    public <T> T runScript(String script, ScriptOutputType type, String[] keys, byte[]... values) {
        try {
            return this.<T>runScriptLater(script, type, keys, values).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RedisException redis ? redis : new RedisException(e.getCause());
        }
    }

    /**
     * As {@link #runScript}, without waiting: the future completes on lettuce's I/O thread, which must never wait for
     * Redis itself, and fails with a {@link RedisException} (a timeout after {@value #COMMAND_TIMEOUT_MS} ms too).
     */
    public <T> CompletableFuture<T> runScriptLater(String script, ScriptOutputType type, String[] keys,
            byte[]... values) {
        RedisAsyncCommands<String, byte[]> commands = connection.async();
        String sha = digests.computeIfAbsent(script, commands::digest);
        return commands.<T>evalsha(sha, type, keys, values).toCompletableFuture()
                .exceptionallyCompose(failure -> unwrapped(failure) instanceof RedisNoScriptException
                        ? commands.<T>eval(script, type, keys, values).toCompletableFuture()
                        : CompletableFuture.failedFuture(failure))
                .orTimeout(COMMAND_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .exceptionallyCompose(failure -> CompletableFuture.failedFuture(asRedisException(unwrapped(failure))));
    }

    private static Throwable unwrapped(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    private static RedisException asRedisException(Throwable failure) {
        if (failure instanceof RedisException redis) {
            return redis;
        }
        return failure instanceof TimeoutException ? new RedisCommandTimeoutException(
                "no answer in " + COMMAND_TIMEOUT_MS + " ms") : new RedisException(failure);
    }

    /**
     * Blocking commands on a connection of their own, closed with this client, for commands that hold their
     * connection in Redis ({@code WAIT}) and must not stall the shared one; its outages reach {@link #health()} too.
     */
    public RedisCommands<String, byte[]> dedicatedCommands() {
        try {
            StatefulRedisConnection<String, byte[]> own = client.connect(CODEC);
            own.addListener(health);
            dedicated.add(own);
            return own.sync();
        } catch (RedisException e) {
            throw health.unavailable("open a connection", e);
        }
    }

    /**
     * How many replicas are connected to the Redis primary now (INFO replication), for a start-time warning; empty
     * when Redis does not say (INFO denied by an ACL).
     */
    public OptionalInt connectedReplicas() {
        String info;
        try {
            info = commands().info("replication");
        } catch (RedisException e) {
            LOG.debug("cannot read INFO replication: {}", e.toString());
            return OptionalInt.empty();
        }
        return info.lines().filter(line -> line.startsWith("connected_slaves:"))
                .mapToInt(line -> Integer.parseInt(line.substring("connected_slaves:".length()).trim()))
                .findFirst();
    }

    /**
     * Runs {@code check} each time the shared connection comes back after a loss (a restart, or a Sentinel failover
     * to another primary), on a thread of its own: lettuce's I/O thread must not wait for Redis.
     */
    public void whenReconnected(Runnable check) {
        connection.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> reconnected, SocketAddress address) {
                CompletableFuture.runAsync(check);
            }
        });
    }

    /** A new connection for SUBSCRIBE (a subscribed connection can do nothing else); the caller closes it. */
    public StatefulRedisPubSubConnection<String, byte[]> connectPubSub() {
        return client.connectPubSub(CODEC);
    }

    /**
     * Subscribes {@code copy} to {@code channel} on a connection of its own, the copy hearing both the messages and
     * the connection dropping; the caller may close the connection, else it closes with this client. Returns once
     * the copy is live (lettuce tells it just after SUBSCRIBE returns), so that what the caller does next is kept in
     * it; after {@value #SUBSCRIPTION_WAIT_MS} ms without that, returns anyway and the copy keeps nothing until then.
     *
     * @throws SharedStateUnavailable when Redis does not take the subscription
     */
    public StatefulRedisPubSubConnection<String, byte[]> subscribe(SubscribedCopy copy, String channel) {
        StatefulRedisPubSubConnection<String, byte[]> subscription = connectPubSub();
        try {
            // two overloads of addListener
            subscription.addListener((RedisPubSubListener<String, byte[]>) copy);
            subscription.addListener((RedisConnectionStateListener) copy);
            subscription.sync().subscribe(channel);
            copy.awaitSubscribed(Duration.ofMillis(SUBSCRIPTION_WAIT_MS));
            return subscription;
        } catch (RedisException e) {
            subscription.close();
            throw health.unavailable("subscribe to " + channel, e);
        }
    }

    /** Whether Redis is reachable; the stores report their failures and successes to it. */
    public SharedStateHealth health() {
        return health;
    }

    /** The URI for logs and errors: without user and password. */
    public String where() {
        return where;
    }

    @Override
    public void close() {
        // a disconnection of our own doing is no outage
        connection.removeListener(health);
        connection.close();
        for (StatefulRedisConnection<String, byte[]> own : dedicated) {
            own.removeListener(health);
            own.close();
        }
        client.shutdown(0, 2, TimeUnit.SECONDS);
    }

    static String withoutPassword(String redisUri) {
        return redisUri.replaceFirst("://[^@/]*@", "://");
    }
}
