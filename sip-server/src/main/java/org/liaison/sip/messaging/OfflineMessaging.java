package org.liaison.sip.messaging;

import java.util.Locale;
import java.util.Optional;
import javax.sip.address.Address;
import javax.sip.address.SipURI;
import javax.sip.header.FromHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.liaison.im.NewMessage;
import org.liaison.im.messaging.MessagePolicy;
import org.liaison.im.messaging.StoreAndForward;
import org.liaison.im.messaging.UndecodableBodyException;
import org.liaison.sip.message.Responses;

/**
 * Store and forward for SIP MESSAGE (RFC 3428), the SIP side of im's {@link StoreAndForward}: a
 * message no device of its recipient took is kept durably and answered 202 Accepted (§7), then
 * delivered to each device as it registers. Is-composing notices and messages with
 * {@code Expires: 0} are never kept ({@link MessagePolicy}): they only matter now. Receipts
 * (RFC 5438) are kept like messages, counted against the same per-sender caps.
 */
public final class OfflineMessaging {
    private final StoreAndForward messages;
    private final MessagePolicy policy;
    private final Responses responses;

    public OfflineMessaging(StoreAndForward messages, MessagePolicy policy, Responses responses) {
        this.messages = messages;
        this.policy = policy;
        this.responses = responses;
    }

    /**
     * A MESSAGE worth keeping for later: not an is-composing notice (bare or wrapped in CPIM, its
     * body decoded first), not marked {@code Expires: 0}.
     */
    public boolean isStorable(Request request) {
        return SipChat.isStorable(request, policy);
    }

    /** 513 for a MESSAGE body over {@code im.max-message-bytes} (RFC 3428 §8), online or not. */
    public Optional<Response> refuseIfTooLarge(Request request) {
        byte[] body = request.getRawContent();
        if (Request.MESSAGE.equals(request.getMethod()) && body != null && policy.isTooLarge(body.length)) {
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
        Address sender = ((FromHeader) request.getHeader(FromHeader.NAME)).getAddress();
        String origin = ((SipURI) sender.getURI()).getUser().toLowerCase(Locale.ROOT);
        NewMessage message;
        try {
            message = SipChat.newMessage(request, recipient, sender.toString(), origin, policy);
        } catch (UndecodableBodyException e) {
            return SipChat.refusal(responses, request, e);
        }
        return SipChat.answer(responses, request, messages.keep(message).verdict());
    }

    /** A MESSAGE was taken in for a local user (forwarded or stored). */
    public void accepted() {
        messages.accepted();
    }

    /** A device of {@code user} registered: hand it what is waiting. */
    public void deviceRegistered(String user) {
        messages.deviceRegistered(user);
    }
}
