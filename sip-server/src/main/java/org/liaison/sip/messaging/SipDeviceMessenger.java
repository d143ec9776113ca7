package org.liaison.sip.messaging;

import java.text.ParseException;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.List;
import java.util.Optional;
import java.util.TimeZone;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.sip.InvalidArgumentException;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.liaison.im.StoredMessage;
import org.liaison.im.messaging.DeviceAnswer;
import org.liaison.im.messaging.DeviceMessenger;
import org.liaison.sip.message.SipFactories;
import org.liaison.sip.message.Target;
import org.liaison.sip.proxy.Originator;
import org.liaison.sip.registrar.LocationService;
import org.liaison.sip.registrar.TargetResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * im's {@link DeviceMessenger} in SIP: a stored message goes to a registered device as a new
 * MESSAGE the server originates, with its original sender, Call-ID and a Date header of when it
 * arrived (RFC 3428), and the device's final status becomes a {@link DeviceAnswer}.
 */
public final class SipDeviceMessenger implements DeviceMessenger {
    private static final Logger LOG = LoggerFactory.getLogger(SipDeviceMessenger.class);

    private final LocationService locations;
    private final TargetResolver targets;
    private final Originator originator;
    private final SipFactories sip;
    private final String domain;

    public SipDeviceMessenger(LocationService locations, TargetResolver targets, Originator originator,
            SipFactories sip, String domain) {
        this.locations = locations;
        this.targets = targets;
        this.originator = originator;
        this.sip = sip;
        this.domain = domain;
    }

    @Override
    public CompletionStage<DeviceAnswer> send(String user, String deviceKey, StoredMessage message) {
        Optional<Target> target = locations.lookup(user).stream().filter(b -> b.key().equals(deviceKey)).findFirst()
                .flatMap(targets::deviceTarget);
        if (target.isEmpty()) {
            return CompletableFuture.completedFuture(DeviceAnswer.UNREACHABLE);
        }
        Request request;
        try {
            request = requestFor(message, target.get());
        } catch (ParseException | InvalidArgumentException e) {
            LOG.warn("stored message {} for {} cannot be sent and is skipped: {}", message.id(), user, e.getMessage());
            return CompletableFuture.completedFuture(DeviceAnswer.UNSENDABLE);
        }
        CompletableFuture<DeviceAnswer> answer = new CompletableFuture<>();
        originator.originate(request, target.get(), status -> answer.complete(answerOf(status)));
        return answer;
    }

    /**
     * A 2xx: the device has it. 408 (no answer, {@code im.device-answer-ms}) and 480 say "not now",
     * as do 5xx and 6xx (the server or the device's side failed, RFC 3261 §21.5, §21.6): tried
     * again later. Any other 4xx refuses this request as it is (§21.4): sending it again would not
     * change that.
     */
    static DeviceAnswer answerOf(int status) {
        if (status < 300) {
            return DeviceAnswer.TOOK;
        }
        if (status < 500 && status != Response.REQUEST_TIMEOUT && status != Response.TEMPORARILY_UNAVAILABLE) {
            return new DeviceAnswer.Refused(status);
        }
        return DeviceAnswer.NOT_NOW;
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
