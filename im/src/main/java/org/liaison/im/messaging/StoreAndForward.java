package org.liaison.im.messaging;

import java.io.UncheckedIOException;
import java.util.List;
import org.liaison.im.MessageRejectedException;
import org.liaison.im.MessageTooLargeException;
import org.liaison.im.NewMessage;
import org.liaison.im.OfflineStore;
import org.liaison.im.QueueFullException;
import org.liaison.im.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Store and forward (RFC 3428 §7): a message no device of its recipient took, or a group post, is
 * kept durably, then delivered to each device as it registers (a post: at once to the members'
 * devices that are online).
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
        } catch (MessageRejectedException e) {
            return refused(e);
        } catch (StoreUnavailableException e) {
            return unavailable("a message for " + message.recipient(), e);
        } catch (UncheckedIOException e) {
            return storeFailed("a message for " + message.recipient(), e);
        }
        metrics.stored();
        return Acceptance.kept(() -> { });
    }

    /**
     * Keeps {@code post} (its recipient names the group) ONCE for each of {@code members} with room
     * for it; once the sender has its answer, {@link Acceptance#afterAnswer()} hands it to their
     * devices. A post nobody had room for is refused as the sender's queue being full. It writes
     * to disk: {@link GroupFanOut} calls it off the SIP threads.
     */
    Acceptance keepForMembers(NewMessage post, List<String> members) {
        List<String> kept;
        try {
            kept = store.storeForMembers(post, members);
        } catch (MessageRejectedException e) {
            return refused(e);
        } catch (StoreUnavailableException e) {
            return unavailable("a post to group " + post.recipient(), e);
        } catch (UncheckedIOException e) {
            return storeFailed("a post to group " + post.recipient(), e);
        }
        kept.forEach(member -> metrics.stored());
        if (kept.size() < members.size()) {
            LOG.info("post of {} to group {} not kept for {} of {} members (their queues are full for it)",
                    post.origin(), post.recipient(), members.size() - kept.size(), members.size());
            members.subList(kept.size(), members.size()).forEach(member -> metrics.failed());
        }
        if (kept.isEmpty() && !members.isEmpty()) {
            return Acceptance.refused(Acceptance.Verdict.SENDER_QUEUE_FULL);
        }
        return Acceptance.kept(() -> kept.forEach(this::handOut));
    }

    /** A message was taken in for a local user (forwarded or stored). */
    public void accepted() {
        metrics.accepted();
    }

    /** A device of {@code user} registered: hand it what is waiting. */
    public void deviceRegistered(String user) {
        delivery.deliverTo(user);
    }

    private void handOut(String member) {
        try {
            delivery.deliverTo(member);
        } catch (RuntimeException e) {
            LOG.warn("group post not handed to {} now (it stays stored): {}", member, e.toString());
        }
    }

    /** The store's caps: a body too large is the sender's own doing; a full queue counts as a failure. */
    private Acceptance refused(MessageRejectedException rejected) {
        if (rejected instanceof MessageTooLargeException) {
            return Acceptance.refused(Acceptance.Verdict.TOO_LARGE);
        }
        metrics.failed();
        return Acceptance.refused(rejected instanceof QueueFullException ? Acceptance.Verdict.RECIPIENT_QUEUE_FULL
                : Acceptance.Verdict.SENDER_QUEUE_FULL);
    }

    /**
     * The cluster's store is out of reach: nothing is lost or corrupted and it comes back by itself,
     * so the sender hears "try again in a few seconds" (503 with Retry-After), not a failure. DEBUG:
     * an outage refuses every message, and the server logs the outage itself once.
     */
    private Acceptance unavailable(String what, StoreUnavailableException e) {
        LOG.debug("cannot store {} now: {}", what, e.getMessage());
        metrics.failed();
        return Acceptance.refused(Acceptance.Verdict.STORE_UNAVAILABLE);
    }

    private Acceptance storeFailed(String what, UncheckedIOException e) {
        LOG.error("cannot store {}: {}", what, e.getMessage());
        metrics.failed();
        return Acceptance.refused(Acceptance.Verdict.STORE_FAILED);
    }
}
