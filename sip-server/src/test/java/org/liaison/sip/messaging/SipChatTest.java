package org.liaison.sip.messaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import javax.sip.header.RetryAfterHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.jupiter.api.Test;
import org.liaison.im.NewMessage;
import org.liaison.im.messaging.Acceptance.Verdict;
import org.liaison.im.messaging.MessagePolicy;
import org.liaison.sip.message.Responses;
import org.liaison.sip.message.SipFactories;

/** im's verdict on a message, as its sender hears it in SIP; what im keeps of a MESSAGE. */
class SipChatTest {
    static final SipFactories SIP = SipFactories.create();
    static final Responses RESPONSES = new Responses(SIP);
    static final MessagePolicy POLICY = new MessagePolicy(65536);

    static Request message(String extraHeaders, String body) {
        String text = "MESSAGE sip:bob@example.org SIP/2.0\nVia: SIP/2.0/TLS 127.0.0.1:40000;branch=z9hG4bKm\n"
                + "Max-Forwards: 70\nFrom: <sip:alice@example.org>;tag=a\nTo: <sip:bob@example.org>\n"
                + "Call-ID: chat-1\nCSeq: 1 MESSAGE\n" + extraHeaders + "Content-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\n\n" + body;
        try {
            return SIP.messages().createRequest(text.replace("\n", "\r\n"));
        } catch (ParseException e) {
            throw new IllegalArgumentException("bad fixture: " + e.getMessage(), e);
        }
    }

    static Response answer(Verdict verdict) {
        return SipChat.answer(RESPONSES, message("Content-Type: text/plain\n", "hi"), verdict);
    }

    @Test
    void keptIs202AcceptedForLaterDeliveryRfc3428Section7() {
        assertEquals(Response.ACCEPTED, answer(Verdict.KEPT).getStatusCode());
    }

    @Test
    void aBodyOverTheLimitIs513Rfc3428Section8() {
        assertEquals(Response.MESSAGE_TOO_LARGE, answer(Verdict.TOO_LARGE).getStatusCode());
    }

    @Test
    void fullQueuesAre480SayingWhoseQueueIsFull() {
        assertEquals(Response.TEMPORARILY_UNAVAILABLE, answer(Verdict.RECIPIENT_QUEUE_FULL).getStatusCode());
        assertEquals("Offline message queue full", answer(Verdict.RECIPIENT_QUEUE_FULL).getReasonPhrase());
        assertEquals(Response.TEMPORARILY_UNAVAILABLE, answer(Verdict.SENDER_QUEUE_FULL).getStatusCode());
        assertEquals("Too many of your messages waiting", answer(Verdict.SENDER_QUEUE_FULL).getReasonPhrase());
    }

    @Test
    void aStoreFailureIs500AndABusyPostingThreadIs503WithRetryAfterRfc3261Section21_5_4() {
        assertEquals(Response.SERVER_INTERNAL_ERROR, answer(Verdict.STORE_FAILED).getStatusCode());
        assertNull(answer(Verdict.STORE_FAILED).getHeader(RetryAfterHeader.NAME));
        Response busy = answer(Verdict.BUSY);
        assertEquals(Response.SERVICE_UNAVAILABLE, busy.getStatusCode());
        assertEquals("Too many group posts waiting", busy.getReasonPhrase());
        assertEquals(5, ((RetryAfterHeader) busy.getHeader(RetryAfterHeader.NAME)).getRetryAfter());
    }

    @Test
    void aStoreOutOfReachIs503MessageStoreUnavailableWithRetryAfterNotTheGroupPostBacklog() {
        Response unavailable = answer(Verdict.STORE_UNAVAILABLE);
        assertEquals(Response.SERVICE_UNAVAILABLE, unavailable.getStatusCode());
        assertEquals("Message store unavailable", unavailable.getReasonPhrase());
        assertEquals(5, ((RetryAfterHeader) unavailable.getHeader(RetryAfterHeader.NAME)).getRetryAfter());
        assertEquals("Message store failed", answer(Verdict.STORE_FAILED).getReasonPhrase());
    }

    @Test
    void imKeepsTheCallIdContentTypeWithParametersAndBodyBytes() throws Exception {
        NewMessage kept = SipChat.newMessage(message("Content-Type: text/plain;charset=UTF-8\n", "grüß"), "bob",
                "<sip:alice@example.org>", "alice", POLICY);

        assertEquals("chat-1", kept.callId());
        assertEquals("text/plain;charset=UTF-8", kept.contentType());
        assertArrayEquals("grüß".getBytes(StandardCharsets.UTF_8), kept.body());
        assertEquals("alice", kept.origin());
    }

    @Test
    void aMessageWithoutContentTypeOrBodyIsKeptAsEmptyPlainText() throws Exception {
        NewMessage kept = SipChat.newMessage(message("", ""), "bob", "<sip:alice@example.org>", "alice", POLICY);

        assertEquals("text/plain", kept.contentType());
        assertEquals(0, kept.body().length);
    }
}
