package org.liaison.sip.presence;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import javax.sip.address.URI;
import org.liaison.sip.message.Flow;

/**
 * One subscription the server holds as notifier, and its dialog (RFC 6665 §4.1.2, §4.2.1): the
 * server runs without JAIN-SIP's automatic dialogs, so the dialog state lives here. Guarded by its
 * own monitor.
 */
final class Subscription {
    /** What identifies the dialog (RFC 3261 §12): the subscriber's Call-ID and From tag, and our To tag. */
    record DialogId(String callId, String subscriberTag, String ourTag) {
    }

    final DialogId id;
    /** The subscriber's username, and its From header as it sent it (our NOTIFYs' To). */
    final String subscriber;
    final String subscriberAddress;
    /** The resource subscribed to as the SUBSCRIBE's To named it (our NOTIFYs' From). */
    final String resourceAddress;
    final Optional<String> eventId;
    /** A list subscription (RFC 4662): the directory the subscriber sees, rather than one person. */
    final boolean list;
    /** The usernames watched: one person, or every person of the list. */
    final List<String> watched;
    /** The remote target (RFC 3261 §12.2.2), refreshed by each SUBSCRIBE, and the flow it came over. */
    URI remoteTarget;
    Flow flow;
    Instant expiresAt;
    long cseq;
    /** The document last sent for each watched user: what a partial list notification leaves out. */
    final Map<String, String> sent = new HashMap<>();
    /** RLMI version (RFC 4662 §5.2): increases with each list notification. */
    int version;
    boolean inFlight;
    /** The watched users who changed since the last NOTIFY: what the next partial one looks at. */
    final Set<String> changed = new HashSet<>();
    Instant lastSentAt = Instant.EPOCH;
    ScheduledFuture<?> scheduled;
    boolean terminated;

    Subscription(DialogId id, String subscriber, String subscriberAddress, String resourceAddress,
            Optional<String> eventId, boolean list, List<String> watched) {
        this.id = id;
        this.subscriber = subscriber;
        this.subscriberAddress = subscriberAddress;
        this.resourceAddress = resourceAddress;
        this.eventId = eventId;
        this.list = list;
        this.watched = List.copyOf(watched);
    }
}
