package org.liaison.sip.messaging;

import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Optional;
import javax.sip.address.Address;
import javax.sip.address.SipURI;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.header.FromHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.liaison.im.MessageTooLargeException;
import org.liaison.im.NewMessage;
import org.liaison.im.OfflineStore;
import org.liaison.im.QueueFullException;
import org.liaison.im.SenderQueueFullException;
import org.liaison.sip.message.Responses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Store and forward for SIP MESSAGE (RFC 3428): a message no device of its recipient took is kept
 * durably and answered 202 Accepted (§7), then delivered to each device as it registers.
 * Is-composing notices and messages with {@code Expires: 0} are never kept: they only matter now.
 */
public final class OfflineMessaging {
    private static final Logger LOG = LoggerFactory.getLogger(OfflineMessaging.class);
    private static final String IS_COMPOSING = "application/im-iscomposing+xml";

    private final OfflineStore store;
    private final MessageDelivery delivery;
    private final Responses responses;
    private final int maxMessageBytes;
    private final MessagingMetrics metrics;

    public OfflineMessaging(OfflineStore store, MessageDelivery delivery, Responses responses, int maxMessageBytes,
            MessagingMetrics metrics) {
        this.store = store;
        this.delivery = delivery;
        this.responses = responses;
        this.maxMessageBytes = maxMessageBytes;
        this.metrics = metrics;
    }

    /** A MESSAGE worth keeping for later: not an is-composing notice, not marked {@code Expires: 0}. */
    public static boolean isStorable(Request request) {
        if (!Request.MESSAGE.equals(request.getMethod())) {
            return false;
        }
        ContentTypeHeader type = (ContentTypeHeader) request.getHeader(ContentTypeHeader.NAME);
        if (type != null && IS_COMPOSING.equalsIgnoreCase(type.getContentType() + "/" + type.getContentSubType())) {
            return false;
        }
        ExpiresHeader expires = (ExpiresHeader) request.getHeader(ExpiresHeader.NAME);
        return expires == null || expires.getExpires() != 0;
    }

    /** 513 for a MESSAGE body over {@code im.max-message-bytes} (RFC 3428 §8), online or not. */
    public Optional<Response> refuseIfTooLarge(Request request) {
        byte[] body = request.getRawContent();
        if (Request.MESSAGE.equals(request.getMethod()) && body != null && body.length > maxMessageBytes) {
            return Optional.of(responses.create(request, Response.MESSAGE_TOO_LARGE));
        }
        return Optional.empty();
    }

    /**
     * Keeps the message for {@code recipient}'s devices; 202 once it is on disk, else why not.
     * Only authenticated local users get here, with a From naming their own account (the router
     * checked it), so the From user is the account the per-sender caps count.
     */
    public Response storeForLater(Request request, String recipient) {
        FromHeader from = (FromHeader) request.getHeader(FromHeader.NAME);
        Address sender = from.getAddress();
        String origin = ((SipURI) sender.getURI()).getUser().toLowerCase(Locale.ROOT);
        ContentTypeHeader type = (ContentTypeHeader) request.getHeader(ContentTypeHeader.NAME);
        String contentType = type == null ? "text/plain" : type.toString().substring(type.toString().indexOf(':') + 1)
                .trim();
        byte[] body = request.getRawContent() == null ? new byte[0] : request.getRawContent();
        String callId = ((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId();
        try {
            store.store(new NewMessage(recipient, sender.toString(), callId, contentType, body, origin));
        } catch (MessageTooLargeException e) {
            return responses.create(request, Response.MESSAGE_TOO_LARGE);
        } catch (QueueFullException e) {
            metrics.failed();
            return responses.create(request, Response.TEMPORARILY_UNAVAILABLE, "Offline message queue full");
        } catch (SenderQueueFullException e) {
            metrics.failed();
            return tooManyWaiting(responses, request);
        } catch (UncheckedIOException e) {
            LOG.error("cannot store a message for {}: {}", recipient, e.getMessage());
            metrics.failed();
            return responses.create(request, Response.SERVER_INTERNAL_ERROR, "Message store unavailable");
        }
        metrics.stored();
        return responses.create(request, Response.ACCEPTED);
    }

    /**
     * The sender already has its share of the recipient's queue, or of the store. 480, as if no
     * store existed (RFC 3428 §7 leaves an undeliverable MESSAGE to the final response of the
     * recipient's side): it says only that the recipient is away, which a 202 says anyway, and
     * that this sender should wait; not 503, which would send the client to another server, nor
     * 486, which claims the recipient is busy. Others' messages to the recipient are still kept.
     */
    static Response tooManyWaiting(Responses responses, Request request) {
        return responses.create(request, Response.TEMPORARILY_UNAVAILABLE, "Too many of your messages waiting");
    }

    /** A MESSAGE was taken in for a local user (forwarded or stored). */
    public void accepted() {
        metrics.accepted();
    }

    /** A device of {@code user} registered: hand it what is waiting. */
    public void deviceRegistered(String user) {
        delivery.deliverTo(user);
    }
}
