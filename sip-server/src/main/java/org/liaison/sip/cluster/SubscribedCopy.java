package org.liaison.sip.cluster;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A node's copy of shared state kept right by a Redis channel on which every node publishes what it changed. The copy
 * is only trusted while the subscription is live: when the pub/sub connection drops, messages published meanwhile are
 * lost, so everything is dropped and nothing is kept until Redis confirms the subscription again (lettuce
 * resubscribes after reconnecting). Register it on the connection as both listeners (messages and connection state).
 */
public abstract class SubscribedCopy extends RedisPubSubAdapter<String, byte[]> implements RedisConnectionStateListener {
    private final CountDownLatch firstSubscription = new CountDownLatch(1);
    private volatile boolean live;

    /** Whether the subscription is confirmed and unbroken since, so that the copy may be used and added to. */
    protected final boolean live() {
        return live;
    }

    /** Forgets the whole copy, and makes any read in flight take back what it would add ({@link #live()} aside). */
    protected abstract void dropAll();

    /**
     * Waits until Redis has confirmed the subscription (lettuce tells its listeners just after the SUBSCRIBE command
     * returns), so that the first lookups are kept too; false when it did not within {@code timeout}.
     */
    final boolean awaitSubscribed(Duration timeout) {
        try {
            return firstSubscription.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public final void subscribed(String channel, long count) {
        dropAll();
        live = true;
        firstSubscription.countDown();
    }

    @Override
    public final void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress socketAddress) {
        // not trusted yet: lettuce resubscribes next, and subscribed() says when that is confirmed
        live = false;
        dropAll();
    }

    @Override
    public final void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
        live = false;
        dropAll();
    }
}
