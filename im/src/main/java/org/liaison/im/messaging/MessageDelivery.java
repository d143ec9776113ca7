package org.liaison.im.messaging;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
    private final DeviceDirectory devices;
    private final DeviceMessenger messenger;
    private final Timer timer;
    private final MessagingMetrics metrics;
    /** Devices with a delivery in progress, so a re-REGISTER does not start a second, out-of-order one. */
    private final Set<String> inProgress = ConcurrentHashMap.newKeySet();

    public MessageDelivery(OfflineStore store, DeviceDirectory devices, DeviceMessenger messenger,
            ScheduledExecutorService timers, MessagingMetrics metrics) {
        this(store, devices, messenger, (task, delayMs) -> timers.schedule(task, delayMs, TimeUnit.MILLISECONDS),
                metrics);
    }

    MessageDelivery(OfflineStore store, DeviceDirectory devices, DeviceMessenger messenger, Timer timer,
            MessagingMetrics metrics) {
        this.store = store;
        this.devices = devices;
        this.messenger = messenger;
        this.timer = timer;
        this.metrics = metrics;
    }

    /** Starts delivery to every registered device of {@code user} that is not being served already. */
    public void deliverTo(String user) {
        for (String device : devices.devicesOf(user)) {
            if (inProgress.add(user + "\n" + device)) {
                next(user, device, 0);
            }
        }
    }

    private void next(String user, String device, int failures) {
        List<StoredMessage> pending;
        try {
            pending = devices.devicesOf(user).contains(device) ? store.pendingFor(user, device, 1) : List.of();
        } catch (UncheckedIOException e) {
            // a disk error, or the cluster's Redis out of reach: the device's next registration starts again
            log(e, "delivery to a device of {} stopped, the store cannot be read: {}", user);
            inProgress.remove(user + "\n" + device);
            return;
        }
        if (pending.isEmpty()) {
            stop(user, device);
            return;
        }
        StoredMessage message = pending.get(0);
        messenger.send(user, device, message)
                .thenAccept(answer -> answered(user, device, message, answer, failures))
                .exceptionally(failure -> {
                    // not swallowed: the device's next registration starts its delivery again
                    LOG.warn("delivery to a device of {} stopped: {}", user, failure.toString());
                    inProgress.remove(user + "\n" + device);
                    return null;
                });
    }

    private void answered(String user, String device, StoredMessage message, DeviceAnswer answer, int failures) {
        if (answer instanceof DeviceAnswer.Took) {
            store.acknowledge(user, device, message.id());
            metrics.delivered();
            next(user, device, 0);
        } else if (answer instanceof DeviceAnswer.Refused refused) {
            LOG.info("device of {} refused stored message {} with {}: not sent to it again", user, message.id(),
                    refused.status());
            skip(user, device, message);
        } else if (answer instanceof DeviceAnswer.Unsendable) {
            skip(user, device, message);
        } else if (answer instanceof DeviceAnswer.Unreachable) {
            stop(user, device);
        } else if (failures + 1 >= MAX_RETRIES) {
            // until the device registers again: a REGISTER starts delivery anew
            inProgress.remove(user + "\n" + device);
        } else {
            long delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS << (2 * failures));
            timer.schedule(() -> next(user, device, failures + 1), delay);
        }
    }

    /** The device is not to get {@code message}, ever: the next one. */
    private void skip(String user, String device, StoredMessage message) {
        store.acknowledge(user, device, message.id());
        metrics.failed();
        next(user, device, 0);
    }

    /** Nothing more for the device now; messages every registered device has are deleted (the rest wait for expiry). */
    private void stop(String user, String device) {
        inProgress.remove(user + "\n" + device);
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
