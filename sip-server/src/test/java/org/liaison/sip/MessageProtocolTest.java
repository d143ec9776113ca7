package org.liaison.sip;

import static org.awaitility.Awaitility.await;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** SIP MESSAGE through the proxy, and store and forward for devices that are offline (RFC 3428). */
class MessageProtocolTest {
    private static final String DOMAIN = TestServer.DOMAIN;

    @RegisterExtension
    final LiaisonServer liaison = LiaisonServer.started(TestServer.builder().user("alice", "alice-secret", "1001")
            .user("bob", "bob-secret", "1002").user("carol", "carol-secret", "1003")
            .userLine("dave,clrtxt:dave-secret,Dave Outsider,1004,")
            .property("im.device-answer-ms", "700").property("im.max-message-bytes", "2048"));
    @Agent TestUa alice;
    @Agent TestUa bob;

    @Test
    void messageToAnOnlineUserIsForwardedAndAnswered() throws Exception {
        assertEquals(200, bob.register("bob-secret", "").status());
        String callId = UUID.randomUUID().toString();
        String request = alice.messageRequest("sip:bob@" + DOMAIN, callId, "text/plain", "hello bob ✓");
        assertEquals(407, alice.sendAnsweringChallenge(request, "alice-secret").first().status());
        SipText received = bob.awaitRequest("MESSAGE");
        assertEquals("hello bob ✓", received.body());
        assertEquals(callId, received.header("call-id").orElseThrow());
        bob.respond(received, 200, "OK", "b", null, null);
        assertEquals(200, alice.awaitResponse("MESSAGE", 200).status());
    }

    @Test
    void messageToAnOfflineUserIsAcceptedThenDeliveredWhenTheDeviceRegisters() throws Exception {
        String callId = UUID.randomUUID().toString();
        assertEquals(202, sendMessage("sip:bob@" + DOMAIN, callId, "text/plain", "while you were out").status());

        assertEquals(200, bob.register("bob-secret", "").status());
        SipText delivered = bob.await(TestUa.STORED_MESSAGE, Duration.ofSeconds(5));
        assertEquals("while you were out", delivered.body());
        assertEquals(callId, delivered.header("call-id").orElseThrow());
        assertTrue(delivered.header("from").orElseThrow().contains("sip:alice@" + DOMAIN), delivered.toString());
        bob.respond(delivered, 200, "OK", "b", null, null);
        awaitNothingPendingFor("bob");
    }

    @Test
    void messageNoDeviceAnswersIsStoredAndDeliveredLater() throws Exception {
        assertEquals(200, bob.register("bob-secret", "").status());
        assertEquals(202, sendMessage("sip:bob@" + DOMAIN, UUID.randomUUID().toString(), "text/plain", "ping")
                .status());
        assertEquals(200, bob.register("bob-secret", "").status());
        SipText delivered = bob.await(TestUa.STORED_MESSAGE, Duration.ofSeconds(5));
        assertEquals("ping", delivered.body());
        bob.respond(delivered, 200, "OK", "b", null, null);
        awaitNothingPendingFor("bob");
    }

    @Test
    void storedMessagesArriveOldestFirstAndOnlyOnceAfterARestart() throws Exception {
        for (int i = 1; i <= 3; i++) {
            assertEquals(202, sendMessage("sip:1002@" + DOMAIN, UUID.randomUUID().toString(), "text/plain", "m" + i)
                    .status());
        }
        liaison.server().stop();
        liaison.server().start();
        assertEquals(200, bob.register("bob-secret", "").status());
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            SipText m = bob.await(TestUa.STORED_MESSAGE, Duration.ofSeconds(5));
            bodies.add(m.body());
            bob.respond(m, 200, "OK", "b", null, null);
        }
        assertEquals(List.of("m1", "m2", "m3"), bodies);
        awaitNothingPendingFor("bob");
        assertEquals(200, bob.register("bob-secret", "").status());
        assertTrue(bob.receivesNothing(TestUa.STORED_MESSAGE, Duration.ofMillis(500)), "a message was delivered twice");
    }

    @Test
    void everyDeviceOfTheRecipientGetsTheStoredMessage() throws Exception {
        assertEquals(202, sendMessage("sip:bob@" + DOMAIN, UUID.randomUUID().toString(), "text/plain", "both")
                .status());
        try (TestUa desk = new TestUa("bob", liaison.server())) {
            assertEquals(200, bob.register("bob-secret", ";+sip.instance=\"<urn:uuid:" + UUID.randomUUID() + ">\"")
                    .status());
            assertEquals(200, desk.register("bob-secret", ";+sip.instance=\"<urn:uuid:" + UUID.randomUUID() + ">\"")
                    .status());
            for (TestUa device : List.of(bob, desk)) {
                SipText m = device.await(TestUa.STORED_MESSAGE, Duration.ofSeconds(5));
                assertEquals("both", m.body());
                device.respond(m, 200, "OK", "d", null, null);
            }
        }
    }

    @Test
    void isComposingNoticesAreNeverStored() throws Exception {
        assertEquals(480, sendMessage("sip:bob@" + DOMAIN, UUID.randomUUID().toString(),
                "application/im-iscomposing+xml", "<isComposing/>").status());
        assertEquals(0, liaison.server().server().messages().count());
    }

    @Test
    void messageMarkedExpiresZeroIsNeverStored() throws Exception {
        String request = alice.messageRequest("sip:bob@" + DOMAIN, UUID.randomUUID().toString(), "text/plain", "now only")
                .replace("{auth}", "Expires: 0\r\n{auth}");
        assertEquals(480, alice.sendWithAuth(request, "alice-secret").status());
        assertEquals(0, liaison.server().server().messages().count());
    }

    @Test
    void oversizedMessageGets513() throws Exception {
        byte[] big = new byte[3000];
        java.util.Arrays.fill(big, (byte) 'x');
        assertEquals(513, sendMessage("sip:bob@" + DOMAIN, UUID.randomUUID().toString(), "text/plain",
                new String(big, StandardCharsets.US_ASCII)).status());
    }

    @Test
    void binaryBodiesAreStoredByteForByte() throws Exception {
        String cpim = "From: <sip:alice@" + DOMAIN + ">\r\nTo: <sip:bob@" + DOMAIN + ">\r\n"
                + "NS: imdn <urn:ietf:params:imdn>\r\nimdn.Message-ID: abc123\r\n\r\nContent-Type: text/plain\r\n\r\nhi";
        assertEquals(202, sendMessage("sip:bob@" + DOMAIN, UUID.randomUUID().toString(), "message/cpim", cpim)
                .status());
        assertEquals(200, bob.register("bob-secret", "").status());
        SipText m = bob.await(TestUa.STORED_MESSAGE, Duration.ofSeconds(5));
        assertEquals("message/cpim", m.header("content-type").orElseThrow());
        assertArrayEquals(cpim.getBytes(StandardCharsets.UTF_8), m.body().getBytes(StandardCharsets.UTF_8));
        bob.respond(m, 200, "OK", "b", null, null);
    }

    @Test
    void groupMessageReachesEveryMemberButTheSenderFromTheGroupsAddress() throws Exception {
        try (TestUa carol = new TestUa("carol", liaison.server())) {
            assertEquals(200, bob.register("bob-secret", "").status());
            assertEquals(200, carol.register("carol-secret", "").status());
            assertEquals(202, sendMessage("sip:staff@" + DOMAIN, UUID.randomUUID().toString(), "text/plain",
                    "to the team").status());
            for (TestUa member : List.of(bob, carol)) {
                SipText m = member.await(TestUa.STORED_MESSAGE, Duration.ofSeconds(5));
                assertEquals("to the team", m.body());
                String from = m.header("from").orElseThrow();
                assertTrue(from.contains("\"alice Test\"") && from.contains("<sip:staff@" + DOMAIN + ">"), from);
                member.respond(m, 200, "OK", "m", null, null);
            }
            assertTrue(alice.receivesNothing(TestUa.STORED_MESSAGE, Duration.ofMillis(300)), "the sender got its own post");
        }
    }

    @Test
    void groupMembershipFollowsTheUsersFileWithoutRestart() throws Exception {
        java.nio.file.Path users = liaison.server().usersFile();
        java.nio.file.Files.writeString(users, java.nio.file.Files.readString(users)
                .replace("carol,clrtxt:carol-secret,carol Test,1003,staff", "carol,clrtxt:carol-secret,carol Test,1003,"));
        await("carol left staff").atMost(Duration.ofSeconds(5)).until(() -> !liaison.server().server().accounts().byUsername("carol").orElseThrow()
                .groups().contains("staff"));
        assertEquals(202, sendMessage("sip:staff@" + DOMAIN, UUID.randomUUID().toString(), "text/plain", "x")
                .status());
        assertEquals(1, liaison.server().server().messages().count(), "only bob should have a copy");
    }

    @Test
    void onlyMembersMayPostToAGroup() throws Exception {
        try (TestUa dave = new TestUa("dave", liaison.server())) {
            String callId = UUID.randomUUID().toString();
            String request = "MESSAGE sip:staff@" + DOMAIN + " SIP/2.0\r\nVia: " + dave.via(TestUa.newBranch())
                    + "\r\nMax-Forwards: 70\r\nFrom: <" + dave.aor() + ">;tag=d\r\nTo: <sip:staff@" + DOMAIN
                    + ">\r\nCall-ID: " + callId + "\r\nCSeq: 1 MESSAGE\r\nContent-Type: text/plain\r\n{auth}"
                    + "Content-Length: 2\r\n\r\nhi";
            assertEquals(403, dave.sendWithAuth(request, "dave-secret").status());
        }
    }

    /** MESSAGE from alice, answering the 407 challenge; returns the final response. */
    private SipText sendMessage(String requestUri, String callId, String contentType, String body) throws Exception {
        return alice.sendWithAuth(alice.messageRequest(requestUri, callId, contentType, body), "alice-secret");
    }


    private void awaitNothingPendingFor(String user) {
        await("stored messages of " + user + " acknowledged").atMost(Duration.ofSeconds(5)).until(() -> liaison.server().server().messages().pendingFor(user, deviceOf(user), 1)
                .isEmpty());
    }

    private String deviceOf(String user) {
        return liaison.server().server().locations().lookup(user).get(0).key();
    }
}
