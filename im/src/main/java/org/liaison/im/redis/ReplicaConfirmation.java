package org.liaison.im.redis;

import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.liaison.im.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the offline store writes a message it is about to acknowledge with a 202, and how many of the primary's
 * replicas must hold it first ({@code cluster.redis-wait-replicas}). Redis replicates asynchronously: when Sentinel
 * promotes a replica after the primary's crash, what the replica had not yet received is gone, the old primary's
 * append-only file included (it rejoins as a replica and takes the new primary's data). Asking {@code WAIT} for
 * {@code replicas} after the write closes that window: Sentinel promotes, among replicas of equal priority, the one
 * with the largest replication offset, so with every replica at the same {@code replica-priority} the promoted one
 * holds every write that {@code replicas} of them confirmed. (WAIT does not make Redis strongly consistent: a replica
 * that confirmed and then lost its link before the failover can be passed over.)
 *
 * <p>{@code WAIT} counts the writes of its own connection and holds that connection until the replicas answer, so
 * these writes go on a connection of their own, not the one every other store pipelines on. When fewer replicas
 * confirm within the timeout, the write stands on the primary's disk but the store throws
 * {@link StoreUnavailableException} (the sender gets 503 and keeps its message; it may then be delivered twice,
 * with the same Call-ID), and for a few seconds after that it refuses at once without writing, so that a missing
 * replica costs each message one refusal, not a wait of the whole timeout.
 */
public final class ReplicaConfirmation {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaConfirmation.class);
    /** How long stores are refused at once after a write that too few replicas confirmed. */
    private static final Duration REFUSE_AFTER_SHORTFALL = Duration.ofSeconds(5);
    private static final long NONE = Long.MIN_VALUE;

    private final SharedRedis connection;
    private final int replicas;
    private final Duration timeout;
    private final LongSupplier nanoTime;
    /** System.nanoTime() of the last shortfall, or none since the last confirmed write. */
    private final AtomicLong shortSince = new AtomicLong(NONE);

    private ReplicaConfirmation(SharedRedis connection, int replicas, Duration timeout, LongSupplier nanoTime) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.replicas = replicas;
        this.timeout = timeout;
        this.nanoTime = nanoTime;
    }

    /** Writes on {@code shared} and answers once the primary has them (its append-only file, checked at open). */
    public static ReplicaConfirmation none(SharedRedis shared) {
        return new ReplicaConfirmation(shared, 0, Duration.ZERO, System::nanoTime);
    }

    /**
     * Writes on {@code dedicated}, a connection nothing else uses, each confirmed by {@code replicas} replicas within
     * {@code timeout} (shorter than the connection's command timeout).
     */
    public static ReplicaConfirmation of(SharedRedis dedicated, int replicas, Duration timeout) {
        return of(dedicated, replicas, timeout, System::nanoTime);
    }

    static ReplicaConfirmation of(SharedRedis dedicated, int replicas, Duration timeout, LongSupplier nanoTime) {
        if (replicas < 1) {
            throw new IllegalArgumentException("replicas must be at least 1, was " + replicas);
        }
        return new ReplicaConfirmation(dedicated, replicas, timeout, nanoTime);
    }

    /** Runs {@code write} (one script, which Redis runs whole) and waits for the replicas. */
    <T> T write(Function<RedisCommands<String, byte[]>, T> write) {
        RedisCommands<String, byte[]> commands = connection.commands();
        if (replicas == 0) {
            return connection.call(() -> write.apply(commands));
        }
        long since = shortSince.get();
        if (since != NONE && nanoTime.getAsLong() - since < REFUSE_AFTER_SHORTFALL.toNanos()) {
            throw shortfall("not stored: fewer than " + replicas + " replica(s) confirmed the last write");
        }
        T result = connection.call(() -> write.apply(commands));
        long confirmed = connection.call(() -> commands.waitForReplication(replicas, timeout.toMillis()));
        if (confirmed < replicas) {
            if (shortSince.getAndSet(nanoTime.getAsLong()) == NONE) {
                LOG.warn("{}: {} of {} replica(s) confirmed a stored message within {} ms; stored messages get 503"
                        + " until replicas confirm again (cluster.redis-wait-replicas)", connection.where(), confirmed,
                        replicas, timeout.toMillis());
            }
            throw shortfall("stored on the primary but " + confirmed + " of " + replicas
                    + " replica(s) confirmed it within " + timeout.toMillis() + " ms");
        }
        if (shortSince.getAndSet(NONE) != NONE) {
            LOG.info("{}: replicas confirm stored messages again", connection.where());
        }
        return result;
    }

    private StoreUnavailableException shortfall(String what) {
        return new StoreUnavailableException(connection.where() + ": " + what, new IllegalStateException(what));
    }
}
