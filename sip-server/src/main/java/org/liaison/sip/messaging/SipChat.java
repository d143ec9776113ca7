package org.liaison.sip.messaging;

import gov.nist.javax.sip.header.RetryAfter;
import javax.sip.InvalidArgumentException;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.liaison.im.NewMessage;
import org.liaison.im.messaging.Acceptance;
import org.liaison.sip.message.Responses;

/** The SIP side of a chat message im keeps: what it keeps of a MESSAGE, and how its verdict is answered. */
final class SipChat {
    private static final int RETRY_AFTER_SECONDS = 5;

    private SipChat() {
    }

    /** What im keeps of {@code request}: {@code from} as the sender im re-sends it with, {@code origin} the account. */
    static NewMessage newMessage(Request request, String recipient, String from, String origin) {
        ContentTypeHeader type = (ContentTypeHeader) request.getHeader(ContentTypeHeader.NAME);
        String contentType = type == null ? "text/plain"
                : type.toString().substring(type.toString().indexOf(':') + 1).trim();
        String callId = ((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId();
        byte[] body = request.getRawContent() == null ? new byte[0] : request.getRawContent();
        return new NewMessage(recipient, from, callId, contentType, body, origin);
    }

    /** The answer to the sender of a message im kept, or did not keep. */
    static Response answer(Responses responses, Request request, Acceptance.Verdict verdict) {
        return switch (verdict) {
            // RFC 3428 §7: accepted for later delivery, not delivered
            case KEPT -> responses.create(request, Response.ACCEPTED);
            // RFC 3428 §8
            case TOO_LARGE -> responses.create(request, Response.MESSAGE_TOO_LARGE);
            case RECIPIENT_QUEUE_FULL -> responses.create(request, Response.TEMPORARILY_UNAVAILABLE,
                    "Offline message queue full");
            case SENDER_QUEUE_FULL -> tooManyWaiting(responses, request);
            case STORE_FAILED -> responses.create(request, Response.SERVER_INTERNAL_ERROR, "Message store failed");
            case STORE_UNAVAILABLE -> tryAgainLater(responses, request, "Message store unavailable");
            case BUSY -> tryAgainLater(responses, request, "Too many group posts waiting");
        };
    }

    /**
     * The sender already has its share of the recipient's queue, or of the store. 480, as if no
     * store existed (RFC 3428 §7 leaves an undeliverable MESSAGE to the final response of the
     * recipient's side): it says only that the recipient is away, which a 202 says anyway, and
     * that this sender should wait; not 503, which would send the client to another server, nor
     * 486, which claims the recipient is busy. Others' messages to the recipient are still kept.
     */
    private static Response tooManyWaiting(Responses responses, Request request) {
        return responses.create(request, Response.TEMPORARILY_UNAVAILABLE, "Too many of your messages waiting");
    }

    /**
     * RFC 3261 §21.5.4: the server cannot keep the message for now (its store is out of reach, or
     * busy with group posts); Retry-After (§20.33) says when to try again. The reason phrase tells
     * the two apart in the sender's log.
     */
    private static Response tryAgainLater(Responses responses, Request request, String reason) {
        Response response = responses.create(request, Response.SERVICE_UNAVAILABLE, reason);
        RetryAfter retry = new RetryAfter();
        try {
            retry.setRetryAfter(RETRY_AFTER_SECONDS);
        } catch (InvalidArgumentException e) {
            throw new IllegalStateException("a positive Retry-After is valid", e);
        }
        response.addHeader(retry);
        return response;
    }
}
