package org.liaison.sip.registrar;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * This node's copy of the binding lists it has read from Redis, kept right by the channel on which
 * every node publishes the AoR it changed (as Flexisip's registrar does): a message drops that
 * AoR, and the next lookup reads it again.
 *
 * <p>The copy is only trusted while the subscription is live. When the pub/sub connection drops,
 * messages published meanwhile are lost, so everything is dropped and nothing is cached until
 * Redis confirms the subscription again (lettuce resubscribes after reconnecting): correctness
 * over speed.
 *
 * <p>A lookup that read Redis just before another node's change, and stores its result just after
 * that change's message, would cache a stale list. So every drop bumps {@link #mark()}, and
 * {@link #put} takes back what it stored if the mark moved since the read began.
 */
final class SubscribedBindingCache extends RedisPubSubAdapter<String, byte[]> implements RedisConnectionStateListener {
    /** A binding list as read: the stored record (what a compare-and-set expects to find) and its bindings. */
    record Entry(byte[] record, List<Binding> bindings) {
    }

    private final ConcurrentHashMap<String, Entry> byAor = new ConcurrentHashMap<>();
    private final AtomicLong drops = new AtomicLong();
    private volatile boolean subscribed;

    /** The cached list of {@code aor}, expired bindings included; empty when not cached. */
    Optional<Entry> get(String aor) {
        return subscribed ? Optional.ofNullable(byAor.get(aor)) : Optional.empty();
    }

    /** Taken before reading Redis, handed to {@link #put}. */
    long mark() {
        return drops.get();
    }

    /** Caches what was read from Redis after {@code mark}, unless something was dropped since. */
    void put(String aor, Entry read, long mark) {
        if (!subscribed) {
            return;
        }
        byAor.put(aor, read);
        // a drop between the read and the put above must win
        if (drops.get() != mark || !subscribed) {
            byAor.remove(aor, read);
        }
    }

    void drop(String aor) {
        drops.incrementAndGet();
        byAor.remove(aor);
    }

    /** Drops the lists whose bindings all expired, so the cache holds no more AoRs than Redis does. */
    void dropIf(Predicate<List<Binding>> expired) {
        byAor.values().removeIf(entry -> expired.test(entry.bindings()));
    }

    private void dropAll() {
        drops.incrementAndGet();
        byAor.clear();
    }

    @Override
    public void message(String channel, byte[] aor) {
        drop(new String(aor, StandardCharsets.UTF_8));
    }

    @Override
    public void subscribed(String channel, long count) {
        dropAll();
        subscribed = true;
    }

    @Override
    public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress socketAddress) {
        // not trusted yet: lettuce resubscribes next, and subscribed() says when that is confirmed
        subscribed = false;
        dropAll();
    }

    @Override
    public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
        subscribed = false;
        dropAll();
    }
}
