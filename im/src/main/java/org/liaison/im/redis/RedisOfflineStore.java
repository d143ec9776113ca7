package org.liaison.im.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.liaison.im.MessageTooLargeException;
import org.liaison.im.NewMessage;
import org.liaison.im.OfflineStore;
import org.liaison.im.OfflineStoreSettings;
import org.liaison.im.QueueFullException;
import org.liaison.im.SenderQueueFullException;
import org.liaison.im.StoreUnavailableException;
import org.liaison.im.StoredMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link OfflineStore} in Redis, shared by every node of a cluster: it holds exactly what
 * {@link org.liaison.im.FileOfflineStore} holds on one machine (queues, per-device
 * acknowledgements, expiry, the three caps, group posts kept once), under the keys listed in
 * {@code common.lua}. Each operation is one Lua script, which Redis runs atomically, so two nodes
 * storing for, acknowledging or forgetting the same recipient at once cannot both pass a cap or
 * delete a message twice; ids are handed out inside the same script, so they sort in arrival order
 * across nodes.
 *
 * <p>Times come from this node's clock (the nodes' clocks are assumed NTP-synchronised, as for the
 * digest nonces); the caps are the ones this node was configured with, so every node should have
 * the same {@code im.*} settings. Expired messages are deleted by {@link #purgeExpired}, as on one
 * machine, not by Redis TTLs, so expiry follows the same clock as delivery.
 *
 * <p>{@link #open} refuses a Redis that does not persist every write ({@link RedisDurability}).
 * When Redis is unreachable or slow, every call throws {@link StoreUnavailableException} at once
 * (commands are not queued while disconnected) or after the command timeout; the connection
 * comes back by itself when Redis does.
 */
public final class RedisOfflineStore implements OfflineStore {

    private static final Logger log = LoggerFactory.getLogger(RedisOfflineStore.class);
    /** Unless the URI sets one ({@code ?timeout=}): a SIP transaction cannot wait a minute, lettuce's default. */
    static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(5);
    /** Expired messages deleted per purge script, so no one script holds Redis long. */
    private static final int PURGE_BATCH = 500;
    private static final int FIELDS_PER_PENDING = 8;

    private static final LuaScript STORE = LuaScript.named("store");
    private static final LuaScript STORE_FOR_MEMBERS = LuaScript.named("store_for_members");
    private static final LuaScript PENDING = LuaScript.named("pending");
    private static final LuaScript ACKNOWLEDGE = LuaScript.named("acknowledge");
    private static final LuaScript FORGET_DELIVERED = LuaScript.named("forget_delivered");
    private static final LuaScript PURGE = LuaScript.named("purge");
    private static final LuaScript COUNT = LuaScript.named("count");

    private final String where;
    private final RedisClient client;
    private final StatefulRedisConnection<byte[], byte[]> connection;
    private final RedisCommands<byte[], byte[]> redis;
    private final OfflineStoreSettings settings;
    private final Clock clock;

    private RedisOfflineStore(String where, RedisClient client, StatefulRedisConnection<byte[], byte[]> connection,
            OfflineStoreSettings settings, Clock clock) {
        this.where = where;
        this.client = client;
        this.connection = connection;
        this.redis = connection.sync();
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Connects to the Redis at {@code redisUri} (lettuce's forms: {@code redis://}, {@code rediss://},
     * {@code redis-sentinel://}) and checks that it persists every write.
     *
     * @throws RedisNotDurable           Redis does not persist every write (one line saying what to set)
     * @throws StoreUnavailableException Redis cannot be reached
     */
    public static RedisOfflineStore open(String redisUri, OfflineStoreSettings settings, Clock clock) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(clock, "clock");
        String where = "cluster.redis-uri " + withoutCredentials(redisUri);
        RedisURI uri = RedisURI.create(redisUri);
        if (uri.getTimeout().equals(RedisURI.DEFAULT_TIMEOUT_DURATION)) {
            uri.setTimeout(DEFAULT_COMMAND_TIMEOUT);
        }
        RedisClient client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .build());
        try {
            StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE);
            RedisOfflineStore store = new RedisOfflineStore(where, client, connection, settings, clock);
            try {
                RedisDurability.check(store.redis, where);
                log.info("Offline store in Redis ({}) opened with {} messages", where, store.count());
                return store;
            } catch (RuntimeException e) {
                store.close();
                throw e;
            }
        } catch (RedisException e) {
            shutDown(client);
            throw new StoreUnavailableException(where + ": cannot reach Redis: " + e.getMessage(), e);
        }
    }

    @Override
    public StoredMessage store(NewMessage message)
            throws QueueFullException, SenderQueueFullException, MessageTooLargeException {
        byte[] body = bodyWithinLimit(message);
        Instant now = clock.instant();
        Instant expiresAt = now.plus(settings.expiry());
        List<byte[]> args = args(message.recipient(), now.toEpochMilli(), expiresAt.toEpochMilli(),
                settings.maxMessagesPerUser(), settings.maxMessagesPerSenderPerUser(), settings.maxMessagesPerSender(),
                message.origin());
        List<byte[]> result = call(() -> STORE.run(redis, ScriptOutputType.MULTI,
                withContent(args, message, body, now, expiresAt)));
        switch (text(result.get(0))) {
            case "OK" -> {
                return new StoredMessage(text(result.get(1)), message.recipient(), message.sender(), message.callId(),
                        message.contentType(), body, now, expiresAt, message.origin());
            }
            case "QUEUE_FULL" -> throw new QueueFullException(message.recipient(), settings.maxMessagesPerUser());
            case "SENDER_FULL_FOR_USER" -> throw new SenderQueueFullException(message.origin(),
                    "for " + message.recipient(), settings.maxMessagesPerSenderPerUser());
            default -> throw senderFullInStore(message.origin(), result);
        }
    }

    @Override
    public List<String> storeForMembers(NewMessage post, List<String> members)
            throws SenderQueueFullException, MessageTooLargeException {
        byte[] body = bodyWithinLimit(post);
        Set<String> distinct = new LinkedHashSet<>(members);
        distinct.forEach(RedisOfflineStore::requireRecipient);
        Instant now = clock.instant();
        Instant expiresAt = now.plus(settings.expiry());
        List<byte[]> args = args(now.toEpochMilli(), expiresAt.toEpochMilli(), settings.maxMessagesPerUser(),
                settings.maxMessagesPerSenderPerUser(), settings.maxMessagesPerSender(), post.origin());
        args.add(bytes(post.recipient()));
        withContent(args, post, body, now, expiresAt);
        distinct.forEach(member -> args.add(bytes(member)));
        List<byte[]> result = call(() -> STORE_FOR_MEMBERS.run(redis, ScriptOutputType.MULTI,
                args.toArray(byte[][]::new)));
        switch (text(result.get(0))) {
            case "OK" -> {
                List<String> kept = new ArrayList<>();
                result.subList(2, result.size()).forEach(member -> kept.add(text(member)));
                return kept;
            }
            case "NONE" -> {
                return List.of();
            }
            default -> throw senderFullInStore(post.origin(), result);
        }
    }

    @Override
    public List<StoredMessage> pendingFor(String recipient, String deviceKey, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, was " + max);
        }
        Objects.requireNonNull(deviceKey, "deviceKey");
        List<byte[]> fields = call(() -> PENDING.run(redis, ScriptOutputType.MULTI,
                args(recipient, deviceKey, clock.instant().toEpochMilli(), max).toArray(byte[][]::new)));
        List<StoredMessage> pending = new ArrayList<>();
        for (int i = 0; i < fields.size(); i += FIELDS_PER_PENDING) {
            pending.add(new StoredMessage(text(fields.get(i)), recipient, text(fields.get(i + 1)),
                    text(fields.get(i + 2)), text(fields.get(i + 3)), fields.get(i + 4),
                    Instant.parse(text(fields.get(i + 5))), Instant.parse(text(fields.get(i + 6))),
                    text(fields.get(i + 7))));
        }
        return pending;
    }

    @Override
    public void acknowledge(String recipient, String deviceKey, String messageId) {
        Objects.requireNonNull(deviceKey, "deviceKey");
        call(() -> ACKNOWLEDGE.run(redis, ScriptOutputType.INTEGER,
                args(recipient, deviceKey, messageId).toArray(byte[][]::new)));
    }

    @Override
    public int forgetDelivered(String recipient, Set<String> knownDevices) {
        if (knownDevices.isEmpty()) {
            return 0;
        }
        List<byte[]> args = args(recipient);
        knownDevices.forEach(device -> args.add(bytes(device)));
        Long forgotten = call(() -> FORGET_DELIVERED.run(redis, ScriptOutputType.INTEGER, args.toArray(byte[][]::new)));
        return forgotten.intValue();
    }

    @Override
    public int purgeExpired() {
        long now = clock.instant().toEpochMilli();
        int removed = 0;
        List<Long> batch;
        do {
            batch = call(() -> PURGE.run(redis, ScriptOutputType.MULTI,
                    args(now, PURGE_BATCH).toArray(byte[][]::new)));
            removed += batch.get(1).intValue();
        } while (batch.get(0) == PURGE_BATCH);
        return removed;
    }

    @Override
    public int count() {
        Long count = call(() -> COUNT.run(redis, ScriptOutputType.INTEGER));
        return count.intValue();
    }

    /** Closes the connection; within a bounded time, so a node's shutdown never hangs on Redis. */
    @Override
    public void close() {
        connection.close();
        shutDown(client);
    }

    private static void shutDown(RedisClient client) {
        client.shutdown(0, 2, TimeUnit.SECONDS);
    }

    private <T> T call(Supplier<T> command) {
        try {
            return command.get();
        } catch (RedisException e) {
            throw new StoreUnavailableException(where + ": " + e.getMessage(), e);
        }
    }

    private byte[] bodyWithinLimit(NewMessage message) throws MessageTooLargeException {
        requireRecipient(message.recipient());
        byte[] body = message.body();
        if (body.length > settings.maxMessageBytes()) {
            throw new MessageTooLargeException(body.length, settings.maxMessageBytes());
        }
        return body;
    }

    /** As on one machine, where an empty name could not be a directory. */
    private static void requireRecipient(String recipient) {
        if (recipient.isEmpty()) {
            throw new IllegalArgumentException("recipient must not be empty");
        }
    }

    private SenderQueueFullException senderFullInStore(String origin, List<byte[]> result) {
        if (!"SENDER_FULL_IN_STORE".equals(text(result.get(0)))) {
            throw new IllegalStateException("unexpected answer of the store script: " + text(result.get(0)));
        }
        return new SenderQueueFullException(origin, "in the store", settings.maxMessagesPerSender());
    }

    private static byte[][] withContent(List<byte[]> args, NewMessage message, byte[] body, Instant now,
            Instant expiresAt) {
        args.addAll(List.of(bytes(message.sender()), bytes(message.callId()), bytes(message.contentType()), body,
                bytes(now.toString()), bytes(expiresAt.toString())));
        return args.toArray(byte[][]::new);
    }

    private static List<byte[]> args(Object... values) {
        List<byte[]> args = new ArrayList<>();
        for (Object value : values) {
            args.add(bytes(String.valueOf(value)));
        }
        return args;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The URI as the operator may read it in a log: without user or password. */
    static String withoutCredentials(String redisUri) {
        return redisUri.replaceFirst("//[^@/]*@", "//");
    }
}
