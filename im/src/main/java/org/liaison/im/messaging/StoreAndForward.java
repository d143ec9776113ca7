package org.liaison.im.messaging;

import java.io.UncheckedIOException;
import org.liaison.im.MessageTooLargeException;
import org.liaison.im.NewMessage;
import org.liaison.im.OfflineStore;
import org.liaison.im.QueueFullException;
import org.liaison.im.SenderQueueFullException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Store and forward (RFC 3428 §7): a message no device of its recipient took is kept durably,
 * then delivered to each device as it registers.
 */
public final class StoreAndForward {
    private static final Logger LOG = LoggerFactory.getLogger(StoreAndForward.class);

    private final OfflineStore store;
    private final MessageDelivery delivery;
    private final MessagingMetrics metrics;

    public StoreAndForward(OfflineStore store, MessageDelivery delivery, MessagingMetrics metrics) {
        this.store = store;
        this.delivery = delivery;
        this.metrics = metrics;
    }

    /** Keeps {@code message} for its recipient's devices; {@link Acceptance.Verdict#KEPT} once it is durable. */
    public Acceptance keep(NewMessage message) {
        try {
            store.store(message);
        } catch (MessageTooLargeException e) {
            return Acceptance.refused(Acceptance.Verdict.TOO_LARGE);
        } catch (QueueFullException e) {
            metrics.failed();
            return Acceptance.refused(Acceptance.Verdict.RECIPIENT_QUEUE_FULL);
        } catch (SenderQueueFullException e) {
            metrics.failed();
            return Acceptance.refused(Acceptance.Verdict.SENDER_QUEUE_FULL);
        } catch (UncheckedIOException e) {
            LOG.error("cannot store a message for {}: {}", message.recipient(), e.getMessage());
            metrics.failed();
            return Acceptance.refused(Acceptance.Verdict.STORE_FAILED);
        }
        metrics.stored();
        return Acceptance.kept(() -> { });
    }

    /** A message was taken in for a local user (forwarded or stored). */
    public void accepted() {
        metrics.accepted();
    }

    /** A device of {@code user} registered: hand it what is waiting. */
    public void deviceRegistered(String user) {
        delivery.deliverTo(user);
    }
}
