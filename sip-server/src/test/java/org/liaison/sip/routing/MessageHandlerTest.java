package org.liaison.sip.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.liaison.sip.routing.RoutingFixture.SIP;
import static org.liaison.sip.routing.RoutingFixture.messageFromAlice;
import static org.liaison.sip.routing.RoutingFixture.status;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.sip.address.SipURI;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.sip.message.Outcome;

/** MessageHandler on MESSAGEs written as text, from alice, already authenticated and checked by the router. */
class MessageHandlerTest {
    @TempDir
    Path dir;
    RoutingFixture f;
    MessageHandler messages;

    @BeforeEach
    void build() throws Exception {
        f = new RoutingFixture(dir);
        messages = new MessageHandler(f.local, f.accounts, f.targets, f.offline, f.groups, SIP);
    }

    @AfterEach
    void close() throws Exception {
        f.close();
    }

    private Outcome message(Request message) {
        return messages.message(message, (SipURI) message.getRequestURI(), f.account("alice"));
    }

    /** RFC 3428 §7: kept durably, then 202 Accepted. */
    @Test
    void messageToAUserWithNoDeviceIsStoredAndAccepted() {
        assertEquals(Response.ACCEPTED, status(message(messageFromAlice("sip:bob@example.org", "hello"))));
        assertEquals(1, f.messages.pendingFor("bob", "any-device", 10).size());
    }

    @Test
    void isComposingNoticeToAUserWithNoDeviceIsNotStored() throws Exception {
        Request notice = messageFromAlice("sip:bob@example.org", "<isComposing/>");
        notice.setContent("<isComposing/>", SIP.headers().createContentTypeHeader("application", "im-iscomposing+xml"));
        assertEquals(Response.TEMPORARILY_UNAVAILABLE, status(message(notice)));
        assertEquals(0, f.messages.pendingFor("bob", "any-device", 10).size());
    }

    /** RFC 3428 §8, im.max-message-bytes (65536 here). */
    @Test
    void messageOverTheSizeLimitGets513() {
        assertEquals(Response.MESSAGE_TOO_LARGE, status(message(messageFromAlice("sip:bob@example.org",
                "x".repeat(65537)))));
    }

    @Test
    void messageToAnUnknownUserGets404() {
        assertEquals(Response.NOT_FOUND, status(message(messageFromAlice("sip:nobody@example.org", "hello"))));
    }

    @Test
    void messageToARegisteredUserIsForkedWithoutRecordRouteAndStoredWhenNoDeviceTakesIt() {
        f.register("bob", "sip:bob@127.0.0.1:5090", 5090);
        Outcome.Forward forward = assertInstanceOf(Outcome.Forward.class,
                message(messageFromAlice("sip:bob@example.org", "hello")));
        assertEquals("sip:bob@127.0.0.1:5090", forward.targets().get(0).requestUri().toString());
        assertFalse(forward.recordRoute());
        assertNotNull(forward.whenUnreachable());
        assertEquals(Response.ACCEPTED, forward.whenUnreachable().get().getStatusCode());
    }

    @Test
    void messageToAGroupIsKeptForItsOtherMembersBeforeTheAnswer() throws Exception {
        Outcome.Later later = assertInstanceOf(Outcome.Later.class,
                message(messageFromAlice("sip:staff@example.org", "hello all")));
        Outcome.Respond answer = later.answer().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(Response.ACCEPTED, answer.response().getStatusCode());
        assertEquals(1, f.messages.pendingFor("bob", "any-device", 10).size());
        assertEquals(0, f.messages.pendingFor("alice", "any-device", 10).size());
    }
}
