package org.liaison.im.redis;

import static org.liaison.im.redis.LuaScript.args;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.liaison.im.MessageTooLargeException;
import org.liaison.im.NewMessage;
import org.liaison.im.OfflineStore;
import org.liaison.im.OfflineStoreSettings;
import org.liaison.im.QueueFullException;
import org.liaison.im.SenderQueueFullException;
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
 * The store uses the node's one connection ({@link SharedRedis}): when Redis is unreachable or
 * slow, every call throws {@link org.liaison.im.StoreUnavailableException} at once (the connection
 * does not queue commands while disconnected) or after its command timeout, and tells the node's
 * health watch, which logs the outage once; the connection comes back by itself when Redis does.
 */
public final class RedisOfflineStore implements OfflineStore {

    private static final Logger log = LoggerFactory.getLogger(RedisOfflineStore.class);
    /** Expired messages deleted per purge script, so no one script holds Redis long. */
    private static final int PURGE_BATCH = 500;
    private static final int FIELDS_PER_PENDING = 8;
    private static final String QUEUE_KEY = "liaison:im:q:";

    private static final LuaScript STORE = LuaScript.named("store");
    private static final LuaScript STORE_FOR_MEMBERS = LuaScript.named("store_for_members");
    private static final LuaScript PENDING = LuaScript.named("pending");
    private static final LuaScript ACKNOWLEDGE = LuaScript.named("acknowledge");
    private static final LuaScript FORGET_DELIVERED = LuaScript.named("forget_delivered");
    private static final LuaScript PURGE = LuaScript.named("purge");
    private static final LuaScript COUNT = LuaScript.named("count");

    private final SharedRedis shared;
    private final RedisCommands<String, byte[]> redis;
    private final OfflineStoreSettings settings;
    private final Clock clock;
    private final EmptyQueues emptyQueues;
    private final ReplicaConfirmation writes;

    private RedisOfflineStore(SharedRedis shared, OfflineStoreSettings settings, Clock clock, EmptyQueues emptyQueues,
            ReplicaConfirmation writes) {
        this.shared = shared;
        this.redis = shared.commands();
        this.settings = settings;
        this.clock = clock;
        this.emptyQueues = emptyQueues;
        this.writes = writes;
    }

    /**
     * The store in the Redis the node shares, once it has checked that Redis persists every write.
     *
     * @throws RedisNotDurable Redis does not persist every write, or its settings cannot be read
     *                         (one line saying what to set)
     */
    public static RedisOfflineStore open(SharedRedis redis, OfflineStoreSettings settings, Clock clock) {
        return open(redis, settings, clock, EmptyQueues.NONE, ReplicaConfirmation.none(redis));
    }

    /**
     * As {@link #open(SharedRedis, OfflineStoreSettings, Clock)}, answering {@link #holdsFor} from
     * {@code emptyQueues} when it knows, and telling it of every recipient this node stores for; the messages it
     * acknowledges are written through {@code writes} (which may ask replicas to confirm them).
     */
    public static RedisOfflineStore open(SharedRedis redis, OfflineStoreSettings settings, Clock clock,
            EmptyQueues emptyQueues, ReplicaConfirmation writes) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(emptyQueues, "emptyQueues");
        Objects.requireNonNull(writes, "writes");
        RedisDurability.check(redis.commands(), redis.where());
        RedisOfflineStore store = new RedisOfflineStore(redis, settings, clock, emptyQueues, writes);
        log.info("Offline store in Redis ({}) opened with {} messages", redis.where(), store.count());
        return store;
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
        List<byte[]> result;
        try {
            result = writes.write(commands -> STORE.run(commands, ScriptOutputType.MULTI,
                    withContent(args, message, body, now, expiresAt)));
        } finally {
            // at once, before the caller hands the message out here; a failed call may have stored it all the same
            emptyQueues.filled(message.recipient());
        }
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
        List<byte[]> result;
        try {
            result = writes.write(commands -> STORE_FOR_MEMBERS.run(commands, ScriptOutputType.MULTI,
                    args.toArray(byte[][]::new)));
        } finally {
            distinct.forEach(emptyQueues::filled);
        }
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
        List<byte[]> fields = shared.call(() -> PENDING.run(redis, ScriptOutputType.MULTI,
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

    /**
     * Nothing to ask when the recipient is known to have nothing waiting ({@link EmptyQueues}: most REGISTERs);
     * else one EXISTS of its queue ({@code common.lua}'s {@code queue(r)}): Redis deletes an emptied zset.
     */
    @Override
    public boolean holdsFor(String recipient) {
        requireRecipient(recipient);
        if (emptyQueues.knownEmpty(recipient)) {
            return false;
        }
        long mark = emptyQueues.mark(recipient);
        boolean holds = shared.call(() -> redis.exists(QUEUE_KEY + recipient)) > 0;
        if (!holds) {
            emptyQueues.empty(recipient, mark);
        }
        return holds;
    }

    @Override
    public void acknowledge(String recipient, String deviceKey, String messageId) {
        Objects.requireNonNull(deviceKey, "deviceKey");
        shared.call(() -> ACKNOWLEDGE.run(redis, ScriptOutputType.INTEGER,
                args(recipient, deviceKey, messageId).toArray(byte[][]::new)));
    }

    @Override
    public int forgetDelivered(String recipient, Set<String> knownDevices) {
        if (knownDevices.isEmpty()) {
            return 0;
        }
        List<byte[]> args = args(recipient);
        knownDevices.forEach(device -> args.add(bytes(device)));
        Long forgotten = shared.call(() -> FORGET_DELIVERED.run(redis, ScriptOutputType.INTEGER, args.toArray(byte[][]::new)));
        return forgotten.intValue();
    }

    @Override
    public int purgeExpired() {
        long now = clock.instant().toEpochMilli();
        int removed = 0;
        List<Long> batch;
        do {
            batch = shared.call(() -> PURGE.run(redis, ScriptOutputType.MULTI,
                    args(now, PURGE_BATCH).toArray(byte[][]::new)));
            removed += batch.get(1).intValue();
        } while (batch.get(0) == PURGE_BATCH);
        return removed;
    }

    @Override
    public int count() {
        Long count = shared.call(() -> COUNT.run(redis, ScriptOutputType.INTEGER));
        return count.intValue();
    }

    /** Nothing to release: the connection is the node's, closed by whoever opened it. */
    @Override
    public void close() {
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

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
