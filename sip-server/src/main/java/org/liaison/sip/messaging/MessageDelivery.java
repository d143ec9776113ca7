package org.liaison.sip.messaging;

import java.text.ParseException;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TimeZone;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.sip.InvalidArgumentException;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.liaison.im.OfflineStore;
import org.liaison.im.StoredMessage;
import org.liaison.sip.message.SipFactories;
import org.liaison.sip.message.Target;
import org.liaison.sip.proxy.Originator;
import org.liaison.sip.registrar.Binding;
import org.liaison.sip.registrar.LocationService;
import org.liaison.sip.registrar.TargetResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands stored messages to a user's devices, one device at a time in order (oldest first, the next
 * only after the device took the previous one), each message sent as a new MESSAGE with its original
 * sender, Call-ID and a Date header of when it arrived. A device that does not answer is tried again
 * with a growing delay; one that refuses a message (4xx other than 408/480) does not get it again.
 */
public final class MessageDelivery {
    private static final Logger LOG = LoggerFactory.getLogger(MessageDelivery.class);
    private static final int MAX_RETRIES = 6;
    private static final long FIRST_RETRY_MS = 5_000;
    private static final long MAX_RETRY_MS = 600_000;

    private final OfflineStore store;
    private final LocationService locations;
    private final TargetResolver targets;
    private final Originator originator;
    private final SipFactories sip;
    private final String domain;
    private final ScheduledExecutorService timers;
    private final MessagingMetrics metrics;
    /** Devices with a delivery in progress, so a re-REGISTER does not start a second, out-of-order one. */
    private final Set<String> inProgress = ConcurrentHashMap.newKeySet();

    public MessageDelivery(OfflineStore store, LocationService locations, TargetResolver targets, Originator originator,
            SipFactories sip, String domain, ScheduledExecutorService timers, MessagingMetrics metrics) {
        this.store = store;
        this.locations = locations;
        this.targets = targets;
        this.originator = originator;
        this.sip = sip;
        this.domain = domain;
        this.timers = timers;
        this.metrics = metrics;
    }

    /** Starts delivery to every registered device of {@code user} that is not being served already. */
    public void deliverTo(String user) {
        for (Binding b : locations.lookup(user)) {
            if (inProgress.add(user + "\n" + b.key())) {
                next(user, b.key(), 0);
            }
        }
    }

    private void next(String user, String device, int failures) {
        Optional<Binding> binding = locations.lookup(user).stream().filter(b -> b.key().equals(device)).findFirst();
        List<StoredMessage> pending = binding.isEmpty() ? List.of() : store.pendingFor(user, device, 1);
        Optional<Target> target = binding.flatMap(targets::deviceTarget);
        if (pending.isEmpty() || target.isEmpty()) {
            inProgress.remove(user + "\n" + device);
            forgetWhatEveryDeviceHas(user);
            return;
        }
        StoredMessage message = pending.get(0);
        Request request;
        try {
            request = requestFor(message, target.get());
        } catch (ParseException | InvalidArgumentException e) {
            LOG.warn("stored message {} for {} cannot be sent and is skipped: {}", message.id(), user, e.getMessage());
            store.acknowledge(user, device, message.id());
            metrics.failed();
            next(user, device, 0);
            return;
        }
        originator.originate(request, target.get(), status -> answered(user, device, message, status, failures));
    }

    private void answered(String user, String device, StoredMessage message, int status, int failures) {
        if (status < 300) {
            store.acknowledge(user, device, message.id());
            metrics.delivered();
            next(user, device, 0);
        } else if (status < 500 && status != Response.REQUEST_TIMEOUT && status != Response.TEMPORARILY_UNAVAILABLE) {
            LOG.info("device of {} refused stored message {} with {}: not sent to it again", user, message.id(), status);
            store.acknowledge(user, device, message.id());
            metrics.failed();
            next(user, device, 0);
        } else if (failures + 1 >= MAX_RETRIES) {
            // until the device registers again: a REGISTER starts delivery anew
            inProgress.remove(user + "\n" + device);
        } else {
            long delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS << (2 * failures));
            timers.schedule(() -> next(user, device, failures + 1), delay, TimeUnit.MILLISECONDS);
        }
    }

    /** Messages every registered device of the user has are deleted (the rest wait for expiry). */
    private void forgetWhatEveryDeviceHas(String user) {
        Set<String> devices = locations.lookup(user).stream().map(Binding::key).collect(Collectors.toSet());
        store.forgetDelivered(user, devices);
    }

    private Request requestFor(StoredMessage m, Target target) throws ParseException, InvalidArgumentException {
        var from = sip.headers().createFromHeader(sip.addresses().createAddress(m.sender()),
                UUID.randomUUID().toString().substring(0, 8));
        var to = sip.headers().createToHeader(sip.addresses().createAddress("sip:" + m.recipient() + "@" + domain), null);
        ContentTypeHeader type = (ContentTypeHeader) sip.headers().createHeader(ContentTypeHeader.NAME, m.contentType());
        List<ViaHeader> vias = new ArrayList<>();
        Request request = sip.messages().createRequest(target.requestUri(), Request.MESSAGE,
                sip.headers().createCallIdHeader(m.callId()), sip.headers().createCSeqHeader(1L, Request.MESSAGE),
                from, to, vias, sip.headers().createMaxForwardsHeader(70), type, m.body());
        Calendar received = new GregorianCalendar(TimeZone.getTimeZone("GMT"));
        received.setTimeInMillis(m.receivedAt().toEpochMilli());
        request.addHeader(sip.headers().createDateHeader(received));
        return request;
    }
}
