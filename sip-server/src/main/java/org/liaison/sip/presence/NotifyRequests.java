package org.liaison.sip.presence;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import javax.sip.InvalidArgumentException;
import javax.sip.address.Address;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.EventHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import org.liaison.sip.message.Flow;
import org.liaison.sip.message.SipFactories;

/** The NOTIFY requests of a subscription's dialog (RFC 6665 §4.2.2; RFC 3261 §12.2.1.1 for in-dialog requests). */
final class NotifyRequests {
    static final String EVENT = "presence";
    private static final String SUBSCRIPTION_STATE = "Subscription-State";

    private final SipFactories sip;

    NotifyRequests(SipFactories sip) {
        this.sip = sip;
    }

    /**
     * The next NOTIFY of {@code s} (its CSeq taken), telling {@code state} (e.g. {@code active;expires=600},
     * {@code terminated;reason=timeout}) with {@code body} of {@code contentType}, or no body when
     * {@code contentType} is null. Called holding {@code s}.
     */
    Request next(Subscription s, String state, String contentType, String body) {
        try {
            FromHeader from = sip.headers().createFromHeader(address(s.resourceAddress), s.id.ourTag());
            ToHeader to = sip.headers().createToHeader(address(s.subscriberAddress), s.id.subscriberTag());
            Request notify = sip.messages().createRequest(s.remoteTarget, Request.NOTIFY,
                    sip.headers().createCallIdHeader(s.id.callId()),
                    sip.headers().createCSeqHeader(++s.cseq, Request.NOTIFY), from, to, new ArrayList<>(),
                    sip.headers().createMaxForwardsHeader(70));
            if (contentType != null) {
                notify.setContent(body.getBytes(StandardCharsets.UTF_8),
                        (ContentTypeHeader) sip.headers().createHeader(ContentTypeHeader.NAME, contentType));
            }
            EventHeader event = sip.headers().createEventHeader(EVENT);
            if (s.eventId.isPresent()) {
                event.setEventId(s.eventId.get());
            }
            notify.addHeader(event);
            notify.addHeader(sip.headers().createHeader(SUBSCRIPTION_STATE, state));
            notify.addHeader(sip.headers().createContactHeader(contact(s.flow)));
            return notify;
        } catch (ParseException | InvalidArgumentException e) {
            // every part was parsed from the subscriber's own SUBSCRIBE or written by us
            throw new IllegalStateException("cannot build a NOTIFY: " + e.getMessage(), e);
        }
    }

    /** Our Contact in the dialog: the address and transport the subscriber reached us on. */
    Address contact(Flow flow) throws ParseException {
        String host = flow.localAddress().contains(":") ? "[" + flow.localAddress() + "]" : flow.localAddress();
        return sip.addresses().createAddress("<sip:" + host + ":" + flow.localPort() + ";transport="
                + flow.transport().toLowerCase(java.util.Locale.ROOT) + ">");
    }

    private Address address(String text) throws ParseException {
        return sip.addresses().createAddress(text);
    }
}
