package org.liaison.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.liaison.sip.LinphoneNotifications.deflate;
import static org.liaison.sip.LinphoneNotifications.deliveredXml;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.liaison.sip.testing.LiaisonServer;
import org.liaison.sip.testing.LiaisonServer.Agent;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/**
 * Delivery and read receipts (IMDN, RFC 5438) and typing notices (RFC 3994) through the server,
 * with the bytes liblinphone sends: a basic chat room's notification is a MESSAGE of its own,
 * {@code message/imdn+xml} compressed with {@code Content-Encoding: deflate}, naming the original
 * MESSAGE's Call-ID as its message-id; with CPIM on, both are wrapped in {@code message/cpim}.
 * A receipt for a sender that is away is kept and delivered like a message; a typing notice never is.
 */
class NotificationProtocolTest {
    private static final String DOMAIN = TestServer.DOMAIN;
    private static final String ALICE = "sip:alice@" + DOMAIN;

    @RegisterExtension
    final LiaisonServer liaison = LiaisonServer.started(TestServer.builder().user("alice", "alice-secret", "1001")
            .user("bob", "bob-secret", "1002").user("carol", "carol-secret", "1003")
            .property("im.device-answer-ms", "700").property("im.max-message-bytes", "2048")
            .property("im.max-queued-per-sender-per-user", "4"));
    @Agent TestUa alice;
    @Agent TestUa bob;

    @Test
    void deliveryNotificationReachesAnOnlineSenderCompressedAsSent() throws Exception {
        assertEquals(200, alice.register("alice-secret", "").status());
        String xml = deliveredXml("08W-~Zn082");

        LinphoneNotifications.sendAuthenticated(bob, "bob-secret", ALICE, "message/imdn+xml", "deflate", deflate(xml));

        SipText received = alice.await(m -> !m.isResponse() && "MESSAGE".equals(m.method()), Duration.ofSeconds(5));
        assertEquals("message/imdn+xml", received.header("content-type").orElseThrow());
        assertEquals("deflate", received.header("content-encoding").orElseThrow(), received.toString());
        assertEquals(String.valueOf(deflate(xml).length), received.header("content-length").orElseThrow());
        alice.respond(received, 200, "OK", "a", null, null);
        assertEquals(200, bob.awaitResponse("MESSAGE", 200).status());
    }

    /** RFC 5438 §6: the notification goes to the sender like any message; away, it waits like one. */
    @Test
    void deliveryNotificationForAnOfflineSenderIsKeptAndArrivesReadableWhenItRegisters() throws Exception {
        String xml = deliveredXml("08W-~Zn082");

        assertEquals(202, sendFromBob(ALICE, "message/imdn+xml", "deflate", deflate(xml)).status());
        assertEquals(1, liaison.server().server().messages().count());

        assertEquals(200, alice.register("alice-secret", "").status());
        SipText delivered = alice.await(TestUa.STORED_MESSAGE, Duration.ofSeconds(5));
        assertEquals("message/imdn+xml", delivered.header("content-type").orElseThrow());
        // kept decoded: a stored message is re-sent as a new request, which carries no Content-Encoding
        assertTrue(delivered.header("content-encoding").isEmpty(), delivered.toString());
        assertEquals(xml, delivered.body());
        alice.respond(delivered, 200, "OK", "a", null, null);
        // the server answers no notification with one of its own, and makes none up (no loops)
        assertTrue(bob.receivesNothing(m -> !m.isResponse(), Duration.ofMillis(500)), "bob was sent something");
    }

    @Test
    void notificationsArriveInOrderWithMessagesOnceOnEachDevice() throws Exception {
        String cpimReceipt = cpim("message/imdn+xml", deliveredXml("b1"));
        assertEquals(202, sendFromBob(ALICE, "text/plain", null, bytes("before")).status());
        assertEquals(202, sendFromBob(ALICE, "message/cpim", null, bytes(cpimReceipt)).status());
        assertEquals(202, sendFromBob(ALICE, "message/imdn+xml", "deflate", deflate(deliveredXml("b2"))).status());
        assertEquals(202, sendFromBob(ALICE, "text/plain", null, bytes("after")).status());

        try (TestUa desk = new TestUa("alice", liaison.server())) {
            String aliceInstance = ";+sip.instance=\"<urn:uuid:" + UUID.randomUUID() + ">\"";
            assertEquals(200, alice.register("alice-secret", aliceInstance).status());
            assertEquals(200, desk.register("alice-secret", ";+sip.instance=\"<urn:uuid:" + UUID.randomUUID()
                    + ">\"").status());
            for (TestUa device : List.of(alice, desk)) {
                List<String> bodies = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    SipText m = device.await(TestUa.STORED_MESSAGE, Duration.ofSeconds(5));
                    bodies.add(m.body());
                    device.respond(m, 200, "OK", "d", null, null);
                }
                assertEquals(List.of("before", cpimReceipt, deliveredXml("b2"), "after"), bodies);
            }
            // a refresh of the same device (same instance): what it took is not sent again, whether or not the
            // store has yet deleted what both devices took (a new device registering before that would get it)
            assertEquals(200, alice.register("alice-secret", aliceInstance).status());
            assertTrue(alice.receivesNothing(TestUa.STORED_MESSAGE, Duration.ofMillis(500)), "delivered twice");
        }
    }

    /** RFC 3994 §3: a typing notice is stale within seconds; CPIM-wrapped (Linphone) or not, it is not kept. */
    @Test
    void isComposingWrappedInCpimIsNeverKept() throws Exception {
        String typing = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><isComposing xmlns=\"urn:ietf:params:xml:ns:im-iscomposing\">"
                + "<state>active</state><refresh>60</refresh></isComposing>";

        assertEquals(480, sendFromBob(ALICE, "message/cpim", null,
                bytes(cpim("application/im-iscomposing+xml", typing))).status());
        assertEquals(480, sendFromBob(ALICE, "application/im-iscomposing+xml", "deflate", deflate(typing)).status());
        assertEquals(0, liaison.server().server().messages().count());
    }

    /** Receipts come from the same account as messages and share its caps: no flooding a queue with them. */
    @Test
    void notificationsCountAgainstTheSendersCapLikeMessages() throws Exception {
        for (int i = 0; i < 4; i++) {
            assertEquals(202, sendFromBob(ALICE, "message/imdn+xml", "deflate", deflate(deliveredXml("m" + i)))
                    .status());
        }
        SipText refused = sendFromBob(ALICE, "message/imdn+xml", "deflate", deflate(deliveredXml("m4")));
        assertEquals(480, refused.status());
        assertEquals(4, liaison.server().server().messages().count());
    }

    /**
     * A receipt for a group post goes to the group's address (the post's From): fanned out it would
     * reach every member but its author, who did not send the post either, and each receipt would be
     * kept once per member. It is answered and dropped, like a typing notice to a group.
     */
    @Test
    void aNotificationToAGroupIsNotFannedOut() throws Exception {
        assertEquals(200, sendFromBob("sip:staff@" + DOMAIN, "message/imdn+xml", "deflate",
                deflate(deliveredXml("post-1"))).status());
        assertEquals(200, sendFromBob("sip:staff@" + DOMAIN, "message/cpim", null,
                bytes(cpim("message/imdn+xml", deliveredXml("post-2")))).status());
        assertEquals(0, liaison.server().server().messages().count());
    }

    /** RFC 3261 §21.4.13: a coding the server cannot undo is refused 415 naming those it can; nothing kept. */
    @Test
    void aBodyInACodingTheServerCannotDecodeIsRefused415WhenItWouldBeKept() throws Exception {
        SipText refused = sendFromBob(ALICE, "text/plain", "br", bytes("not really brotli"));

        assertEquals(415, refused.status());
        assertTrue(refused.header("accept-encoding").orElse("").contains("deflate"), refused.toString());
        assertEquals(0, liaison.server().server().messages().count());
    }

    @Test
    void aCompressedBodyThatDecodesPastTheLimitIsRefused513AndABrokenOne400() throws Exception {
        assertEquals(513, sendFromBob(ALICE, "text/plain", "deflate", deflate("x".repeat(1_000_000))).status());
        assertEquals(400, sendFromBob(ALICE, "text/plain", "deflate", bytes("plain text, not deflate")).status());
        assertEquals(0, liaison.server().server().messages().count());
    }

    /** A MESSAGE from bob as liblinphone sends a notification, answering the 407; returns the final response. */
    private SipText sendFromBob(String requestUri, String contentType, String contentEncoding, byte[] body)
            throws IOException {
        return LinphoneNotifications.send(bob, "bob-secret", requestUri, contentType, contentEncoding, body);
    }

    /** liblinphone's CPIM wrapper (CpimChatMessageModifier::encode) from bob to alice. */
    private static String cpim(String innerType, String content) {
        return "From: <sip:bob@" + DOMAIN + ">\r\nTo: <" + ALICE + ">\r\nDateTime: 2026-12-06T01:48:46Z\r\n"
                + "NS: imdn <urn:ietf:params:imdn>\r\nimdn.Message-ID: 9Kx2Yq7Lw3Ab\r\n"
                + "imdn.Disposition-Notification: positive-delivery, display\r\n\r\n"
                + "Content-Type: " + innerType + "\r\nContent-Length: " + bytes(content).length + "\r\n\r\n" + content;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
