package org.liaison.sip.messaging;

import gov.nist.javax.sip.header.AcceptEncoding;
import gov.nist.javax.sip.header.RetryAfter;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.Optional;
import java.util.OptionalInt;
import javax.sip.InvalidArgumentException;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContentEncodingHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.liaison.im.NewMessage;
import org.liaison.im.messaging.Acceptance;
import org.liaison.im.messaging.MessageKind;
import org.liaison.im.messaging.MessagePolicy;
import org.liaison.im.messaging.UndecodableBodyException;
import org.liaison.sip.message.Responses;

/** The SIP side of a chat message im keeps: what it keeps of a MESSAGE, and how its verdict is answered. */
final class SipChat {
    private static final int RETRY_AFTER_SECONDS = 5;

    private SipChat() {
    }

    /**
     * What im keeps of {@code request}: {@code from} as the sender im re-sends it with, {@code origin}
     * the account, the body decoded ({@link MessagePolicy#decode}: the delivery carries no Content-Encoding).
     */
    static NewMessage newMessage(Request request, String recipient, String from, String origin, MessagePolicy policy)
            throws UndecodableBodyException {
        ContentTypeHeader type = (ContentTypeHeader) request.getHeader(ContentTypeHeader.NAME);
        String contentType = type == null ? "text/plain"
                : type.toString().substring(type.toString().indexOf(':') + 1).trim();
        String callId = ((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId();
        return new NewMessage(recipient, from, callId, contentType, policy.decode(codings(request), body(request)),
                origin);
    }

    /**
     * What {@code request} carries, its body decoded first; a body that does not decode is taken for
     * chat, which keeping it then refuses ({@link #refusal}).
     */
    static MessageKind kind(Request request, MessagePolicy policy) {
        ContentTypeHeader type = (ContentTypeHeader) request.getHeader(ContentTypeHeader.NAME);
        Optional<String> mediaType = Optional.ofNullable(type).map(t -> t.getContentType() + "/" + t.getContentSubType());
        try {
            return MessageKind.of(mediaType, policy.decode(codings(request), body(request)));
        } catch (UndecodableBodyException e) {
            return MessageKind.CHAT;
        }
    }

    /** Whether im keeps {@code request} for later ({@link MessagePolicy#isStorable}). */
    static boolean isStorable(Request request, MessagePolicy policy) {
        return Request.MESSAGE.equals(request.getMethod())
                && MessagePolicy.isStorable(kind(request, policy), expires(request));
    }

    /** The request's Expires (RFC 3261 §20.19), empty when it has none. */
    static OptionalInt expires(Request request) {
        ExpiresHeader expires = (ExpiresHeader) request.getHeader(ExpiresHeader.NAME);
        return expires == null ? OptionalInt.empty() : OptionalInt.of(expires.getExpires());
    }

    /** The answer to a MESSAGE whose body cannot be kept as the message it encodes; nothing was kept. */
    static Response refusal(Responses responses, Request request, UndecodableBodyException undecodable) {
        return switch (undecodable.reason()) {
            case UNSUPPORTED_CODING -> {
                // RFC 3261 §21.4.13: 415 lists the codings the server understands
                Response response = responses.create(request, Response.UNSUPPORTED_MEDIA_TYPE);
                for (String coding : MessagePolicy.ACCEPTED_CODINGS.split(",\\s*")) {
                    response.addHeader(acceptEncoding(coding));
                }
                yield response;
            }
            case TOO_LARGE -> responses.create(request, Response.MESSAGE_TOO_LARGE);
            case MALFORMED -> responses.create(request, Response.BAD_REQUEST, "Body does not match its Content-Encoding");
        };
    }

    /** The Content-Encodings of {@code request} in the order they were applied (RFC 3261 §20.12). */
    private static List<String> codings(Request request) {
        List<String> codings = new ArrayList<>();
        for (ListIterator<?> it = request.getHeaders(ContentEncodingHeader.NAME); it.hasNext(); ) {
            codings.add(((ContentEncodingHeader) it.next()).getEncoding());
        }
        return codings;
    }

    private static byte[] body(Request request) {
        return request.getRawContent() == null ? new byte[0] : request.getRawContent();
    }

    private static AcceptEncoding acceptEncoding(String coding) {
        AcceptEncoding header = new AcceptEncoding();
        try {
            header.setEncoding(coding);
        } catch (ParseException e) {
            throw new IllegalStateException("a coding token is a valid Accept-Encoding", e);
        }
        return header;
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
