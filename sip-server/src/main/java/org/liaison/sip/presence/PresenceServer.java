package org.liaison.sip.presence;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sip.message.Request;
import org.liaison.sip.cluster.SharedStateUnavailable;
import org.liaison.sip.config.PresenceSettings;
import org.liaison.sip.message.SipFactories;
import org.liaison.sip.message.Target;
import org.liaison.sip.proxy.Originator;
import org.liaison.sip.registrar.LocationService;
import org.liaison.sip.registrar.TargetResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notifier side of presence (RFC 6665 §4.2.2): keeps this node's subscriptions, notices when what
 * a watched user shows changes, and sends each subscription its NOTIFYs, in its dialog, through the
 * proxy's {@link Originator}, at most one per {@code presence.notify-interval-ms} (RFC 6665
 * §4.2.2.1) and never two at once (RFC 6665 §4.1.2.4: they must arrive in order).
 */
public final class PresenceServer {
    private static final Logger LOG = LoggerFactory.getLogger(PresenceServer.class);

    private final PresenceSettings settings;
    private final Subscriptions subscriptions = new Subscriptions();
    private final Publications publications;
    private final PresentityStates states;
    private final TargetResolver targets;
    private final Originator originator;
    private final NotifyRequests notifies;
    private final ListNotifications lists;
    private final ScheduledExecutorService timers;
    private final Clock clock;
    /** The document last seen for each watched user: a change is a difference from it. */
    private final Map<String, String> known = new ConcurrentHashMap<>();

    public PresenceServer(PresenceSettings settings, LocationService locations, CallsInProgress calls,
            TargetResolver targets, Originator originator, ScheduledExecutorService timers, SipFactories sip,
            String domain, Clock clock) {
        this.settings = settings;
        this.publications = new Publications(clock);
        this.states = new PresentityStates(locations, calls, publications, domain);
        this.targets = targets;
        this.originator = originator;
        this.notifies = new NotifyRequests(sip);
        this.lists = new ListNotifications(domain);
        this.timers = timers;
        this.clock = clock;
    }

    /**
     * Something {@code user} shows may have changed (a device registered or left, a call began or
     * ended): their watchers are notified when it did. Called on the proxy's and the registrar's
     * paths: shared state out of reach (cluster mode) is left to the next sweep, never thrown there.
     */
    public void changed(String user) {
        try {
            look(user);
        } catch (SharedStateUnavailable e) {
            LOG.debug("presence of {} not looked at now: {}", user, e.getMessage());
        }
    }

    private void look(String user) {
        if (subscriptions.watching(user).isEmpty()) {
            known.remove(user); // nobody watches: what it shows now is looked at afresh when someone does
            return;
        }
        String now = states.document(user);
        if (!now.equals(known.put(user, now))) {
            subscriptions.watching(user).forEach(s -> notifyChange(s, user));
        }
    }

    /**
     * Run every few seconds: ends expired subscriptions (RFC 6665 §4.2.2: a last NOTIFY, reason
     * timeout), drops expired publications, and looks again at every watched user, for the changes
     * nobody reports (a registration or publication that expired, a registration made through another
     * node of a cluster).
     */
    public void sweep() {
        try {
            Instant now = clock.instant();
            for (Subscription s : subscriptions.all()) {
                synchronized (s) {
                    if (!s.expiresAt.isAfter(now)) {
                        end(s, "terminated;reason=timeout");
                    }
                }
            }
            publications.purgeExpired();
            Set<String> watched = subscriptions.watchedUsers();
            known.keySet().retainAll(watched);
            watched.forEach(this::look);
        } catch (SharedStateUnavailable e) {
            LOG.debug("presence not looked at this time: {}", e.getMessage());
        } catch (RuntimeException e) {
            // the next sweep catches up; a periodic task that throws is never run again
            LOG.warn("presence sweep failed: {}", e.toString());
        }
    }

    /** Takes {@code s} unless its subscriber holds {@code presence.max-subscriptions-per-user} already. */
    boolean add(Subscription s) {
        return subscriptions.add(s, settings.maxSubscriptionsPerUser());
    }

    Publications publications() {
        return publications;
    }

    Optional<Subscription> find(Subscription.DialogId id) {
        return subscriptions.find(id);
    }

    /**
     * The NOTIFY that follows a SUBSCRIBE's 200 (RFC 6665 §4.2.1.2): the whole current state. With the
     * shared registrations out of reach (cluster mode) it is not sent; the subscription stays, and
     * the subscriber's refresh brings its state.
     */
    void subscribed(Subscription s) {
        synchronized (s) {
            if (!s.terminated) {
                try {
                    send(s, active(s), true);
                } catch (SharedStateUnavailable e) {
                    LOG.debug("first NOTIFY of subscription {} not sent: {}", s.id, e.getMessage());
                }
            }
        }
    }

    /** Ends {@code s} (an unsubscription or a fetch, RFC 6665 §4.2.1.4) with a last NOTIFY of the current state. */
    void unsubscribed(Subscription s) {
        synchronized (s) {
            end(s, "terminated");
        }
    }

    /** Ends {@code s}, which its subscriber may no longer hold (RFC 6665 §4.2.2: reason rejected). */
    void rejected(Subscription s) {
        synchronized (s) {
            if (stop(s)) {
                // no state in it: the subscriber may no longer see it
                targets.dialogPeer(s.remoteTarget, s.flow).ifPresent(target -> originator.originate(
                        notifies.next(s, "terminated;reason=rejected", null, null), target, status -> { }));
            }
        }
    }

    /** Held: the last NOTIFY of {@code s}, telling {@code state}; nothing more is sent in its dialog. */
    private void end(Subscription s, String state) {
        if (stop(s)) {
            send(s, state, true);
        }
    }

    /** Held: removes {@code s} and stops its timer; whether it was still going. */
    private boolean stop(Subscription s) {
        subscriptions.remove(s);
        if (s.terminated) {
            return false;
        }
        s.terminated = true;
        if (s.scheduled != null) {
            s.scheduled.cancel(false);
        }
        return true;
    }

    /** {@code user}, watched by {@code s}, changed: NOTIFY now, or once the interval since the last one has passed. */
    private void notifyChange(Subscription s, String user) {
        synchronized (s) {
            s.changed.add(user);
            notifyPending(s);
        }
    }

    /** Held: sends what changed now, or schedules it (one NOTIFY in flight, one per interval). */
    private void notifyPending(Subscription s) {
        if (s.terminated || s.inFlight || s.scheduled != null) {
            return; // the answer to the NOTIFY in flight, or the timer, sends what changed meanwhile
        }
        Duration wait = Duration.between(clock.instant(), s.lastSentAt.plus(settings.notifyInterval()));
        if (wait.isNegative() || wait.isZero()) {
            send(s, active(s), false);
            return;
        }
        s.scheduled = timers.schedule(() -> {
            synchronized (s) {
                s.scheduled = null;
                notifyPending(s);
            }
        }, wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    private String active(Subscription s) {
        long left = Math.max(0, Duration.between(clock.instant(), s.expiresAt).toSeconds());
        return "active;expires=" + left;
    }

    /**
     * Held: sends the NOTIFY of {@code s}: with {@code full}, the state of everything it watches (even
     * unchanged); otherwise what changed since the last one (a list: only those resources, RFC 4662
     * §5.2), or nothing when nothing did.
     */
    private void send(Subscription s, String state, boolean full) {
        Map<String, String> documents = new LinkedHashMap<>();
        for (String user : full ? s.watched : List.copyOf(s.changed)) {
            // a single subscription's first NOTIFY looks afresh; a list's takes the known states (thousands)
            String document = full && !s.list ? states.document(user) : documentOf(user);
            if (full || !document.equals(s.sent.get(user))) {
                documents.put(user, document);
            }
        }
        if (documents.isEmpty() && !full) {
            s.changed.clear();
            return;
        }
        Optional<Target> target = targets.dialogPeer(s.remoteTarget, s.flow);
        if (target.isEmpty()) {
            LOG.debug("subscription {} of {} ends: its contact may not be sent to", s.id, s.subscriber);
            stop(s);
            return;
        }
        s.sent.putAll(documents);
        ListNotifications.Body body = s.list ? lists.body(s.version++, full, documents)
                : new ListNotifications.Body(PidfDocument.CONTENT_TYPE, documents.values().iterator().next());
        Request notify = notifies.next(s, state, body.contentType(), body.text());
        s.inFlight = true;
        s.changed.clear();
        s.lastSentAt = clock.instant();
        originator.originate(notify, target.get(), status -> answered(s, status));
    }

    /** What {@code user} shows, as last seen (computed now when nobody looked yet). */
    private String documentOf(String user) {
        return known.computeIfAbsent(user, states::document);
    }

    /**
     * The subscriber's final answer to a NOTIFY. A failure (481: it no longer knows the dialog; 408:
     * it did not answer) ends the subscription (RFC 6665 §4.2.2); the subscriber subscribes again.
     */
    private void answered(Subscription s, int status) {
        synchronized (s) {
            s.inFlight = false;
            if (status >= 300) {
                LOG.debug("subscription {} of {} ends: its NOTIFY got {}", s.id, s.subscriber, status);
                stop(s);
                return;
            }
            if (!s.changed.isEmpty()) {
                notifyPending(s);
            }
        }
    }

    /** Subscriptions held on this node. */
    public int count() {
        return subscriptions.count();
    }
}
