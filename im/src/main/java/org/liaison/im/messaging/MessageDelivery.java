package org.liaison.im.messaging;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.liaison.im.DeliveryLeases;
import org.liaison.im.DeliveryLeases.Lease;
import org.liaison.im.OfflineStore;
import org.liaison.im.StoreUnavailableException;
import org.liaison.im.StoredMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands stored messages to a user's devices, one device at a time in order (oldest first, the next
 * only after the device took the previous one), each through the {@link DeviceMessenger}. A device
 * that does not answer is tried again with a growing delay; one that refuses a message does not
 * get it again. A message every registered device has is deleted from the store.
 *
 * <p>One delivery per device at a time, held by a {@link DeliveryLeases} lease from the first send
 * to the last (retry waits included): a re-REGISTER does not start a second, out-of-order one, and
 * in a cluster neither does the same device registering on another node at the same instant.
 */
public final class MessageDelivery {
    private static final Logger LOG = LoggerFactory.getLogger(MessageDelivery.class);
    static final int MAX_RETRIES = 6;
    static final long FIRST_RETRY_MS = 5_000;
    static final long MAX_RETRY_MS = 600_000;

    /** Runs a task after a delay: the server's timer thread; a test's hand. */
    @FunctionalInterface
    interface Timer {
        void schedule(Runnable task, long delayMs);
    }

    private final OfflineStore store;
    private final DeliveryLeases leases;
    private final DeviceDirectory devices;
    private final DeviceMessenger messenger;
    private final Timer timer;
    private final MessagingMetrics metrics;

    /** One delivery to one device, holding its lease. */
    private record Run(String user, String device, Lease lease) {
    }

    public MessageDelivery(OfflineStore store, DeliveryLeases leases, DeviceDirectory devices,
            DeviceMessenger messenger, ScheduledExecutorService timers, MessagingMetrics metrics) {
        this(store, leases, devices, messenger,
                (task, delayMs) -> timers.schedule(task, delayMs, TimeUnit.MILLISECONDS), metrics);
    }

    MessageDelivery(OfflineStore store, DeliveryLeases leases, DeviceDirectory devices, DeviceMessenger messenger,
            Timer timer, MessagingMetrics metrics) {
        this.store = store;
        this.leases = leases;
        this.devices = devices;
        this.messenger = messenger;
        this.timer = timer;
        this.metrics = metrics;
    }

    /** Starts delivery to every registered device of {@code user} that is not being served already. */
    public void deliverTo(String user) {
        List<String> registered;
        try {
            if (!store.holdsFor(user)) {
                // most registrations: no device lookup, no per-device read (each a Redis round trip in a cluster)
                return;
            }
            registered = devices.devicesOf(user);
        } catch (UncheckedIOException e) {
            // the cluster's Redis lost between a REGISTER's 200 and this (its outage is logged once where it is
            // shared), or a disk error: the 200 stands, and the next REGISTER delivers
            LOG.debug("delivery to the devices of {} not started, the store or the devices cannot be read: {}", user,
                    e.getMessage());
            return;
        }
        for (String device : registered) {
            start(user, device, true);
        }
    }

    private void start(String user, String device, boolean retryWhenHeldElsewhere) {
        if (!anythingFor(user, device)) {
            forgetDelivered(user);
            return;
        }
        DeliveryLeases.Claim claim;
        try {
            claim = leases.take(user, device);
        } catch (UncheckedIOException e) {
            log(e, "delivery to a device of {} not started, its lease cannot be taken: {}", user);
            return;
        }
        if (claim instanceof DeliveryLeases.Granted granted) {
            next(new Run(user, device, granted.lease()), 0);
        } else if (claim instanceof DeliveryLeases.HeldElsewhere elsewhere && retryWhenHeldElsewhere) {
            // the other node delivers; should it have died, its lease lapses by then and this node delivers
            timer.schedule(() -> start(user, device, false), elsewhere.lapsesWithin().toMillis());
        }
    }

    /**
     * Whether the device has a message waiting. Most registrations find none: reads then (this one, and the
     * deletion of what every device has, which usually deletes nothing), where taking, renewing and releasing a
     * lease would be writes, each waiting for the cluster's Redis to put it on disk. A message stored after this
     * read is handed out by the sender's side ({@link StoreAndForward}), which finds this device registered.
     */
    private boolean anythingFor(String user, String device) {
        try {
            return !store.pendingFor(user, device, 1).isEmpty();
        } catch (UncheckedIOException e) {
            log(e, "delivery to a device of {} not started, the store cannot be read: {}", user);
            return false;
        }
    }

    private void next(Run run, int failures) {
        if (!run.lease().renew()) {
            // lost: another node took the device over after the lease lapsed, or Redis is out of reach
            LOG.debug("delivery to a device of {} handed over: its lease is no longer this node's", run.user());
            run.lease().release();
            return;
        }
        List<StoredMessage> pending;
        try {
            pending = devices.devicesOf(run.user()).contains(run.device())
                    ? store.pendingFor(run.user(), run.device(), 1) : List.of();
        } catch (UncheckedIOException e) {
            // a disk error, or the cluster's Redis out of reach: the device's next registration starts again
            log(e, "delivery to a device of {} stopped, the store cannot be read: {}", run.user());
            run.lease().release();
            return;
        }
        if (pending.isEmpty()) {
            stop(run);
            return;
        }
        StoredMessage message = pending.get(0);
        messenger.send(run.user(), run.device(), message)
                .thenAccept(answer -> answered(run, message, answer, failures))
                .exceptionally(failure -> {
                    // not swallowed: the device's next registration starts its delivery again
                    LOG.warn("delivery to a device of {} stopped: {}", run.user(), failure.toString());
                    run.lease().release();
                    return null;
                });
    }

    private void answered(Run run, StoredMessage message, DeviceAnswer answer, int failures) {
        if (answer instanceof DeviceAnswer.Took) {
            store.acknowledge(run.user(), run.device(), message.id());
            metrics.delivered();
            next(run, 0);
        } else if (answer instanceof DeviceAnswer.Refused refused) {
            LOG.info("device of {} refused stored message {} with {}: not sent to it again", run.user(), message.id(),
                    refused.status());
            skip(run, message);
        } else if (answer instanceof DeviceAnswer.Unsendable) {
            skip(run, message);
        } else if (answer instanceof DeviceAnswer.Unreachable) {
            stop(run);
        } else if (failures + 1 >= MAX_RETRIES) {
            // until the device registers again: a REGISTER starts delivery anew
            run.lease().release();
        } else {
            long delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS << (2 * failures));
            timer.schedule(() -> next(run, failures + 1), delay);
        }
    }

    /** The device is not to get {@code message}, ever: the next one. */
    private void skip(Run run, StoredMessage message) {
        store.acknowledge(run.user(), run.device(), message.id());
        metrics.failed();
        next(run, 0);
    }

    /** Nothing more for the device now; messages every registered device has are deleted (the rest wait for expiry). */
    private void stop(Run run) {
        run.lease().release();
        forgetDelivered(run.user());
    }

    private void forgetDelivered(String user) {
        try {
            store.forgetDelivered(user, Set.copyOf(devices.devicesOf(user)));
        } catch (UncheckedIOException e) {
            // harmless to leave: a later stop deletes them, or they expire; a REGISTER must not fail on it
            log(e, "delivered messages of {} not deleted now: {}", user);
        }
    }

    /**
     * A disk error is worth a WARN; the cluster's store out of reach is DEBUG: an outage would
     * otherwise log a line per device, the senders' 503s say it, and the server logs an outage of
     * the Redis it shares once.
     */
    private static void log(UncheckedIOException e, String format, String user) {
        if (e instanceof StoreUnavailableException) {
            LOG.debug(format, user, e.getMessage());
        } else {
            LOG.warn(format, user, e.getMessage());
        }
    }
}
