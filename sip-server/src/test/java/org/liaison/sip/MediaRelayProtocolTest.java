package org.liaison.sip;

import static org.awaitility.Awaitility.await;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.liaison.media.MediaRelayException;
import org.liaison.sip.media.MediaAnchor;
import org.liaison.sip.testing.Calls;
import org.liaison.sip.testing.FakeMediaRelay;
import org.liaison.sip.testing.LiaisonServer;
import org.liaison.sip.testing.LiaisonServer.Agent;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/**
 * Which SIP message asks what of the media relay (RFC 3264 offer/answer through a proxy), with a
 * fake relay that records the requests and marks the SDP it rewrote.
 */
class MediaRelayProtocolTest {
    private static final String BOB = "sip:bob@" + TestServer.DOMAIN;
    private static final String SDP_TYPE = "Content-Type: application/sdp\r\n";
    private static final String ANSWER = sdp("127.0.0.1", "m=audio 40002 RTP/AVP 0");

    @RegisterExtension
    final LiaisonServer liaison = LiaisonServer.notStarted();
    FakeMediaRelay relay;
    @Agent TestUa alice;
    TestUa bob;

    @BeforeEach
    void start() throws Exception {
        startServer("127.0.0.1", "127.0.0.1");
    }

    /** Alice on 127.0.0.1; Bob's phone registered over {@code bobHost}, one of {@code sipAddresses}. */
    private void startServer(String sipAddresses, String bobHost) throws Exception {
        relay = new FakeMediaRelay();
        liaison.start(TestServer.builder().user("alice", "alice-secret", "1001").user("bob", "bob-secret", "1002")
                .mediaRelay(relay).property("media.encryption", "optional").property("sip.address", sipAddresses));
        bob = liaison.own(new TestUa("bob", liaison.server(), false, bobHost));
        assertEquals(200, bob.register("bob-secret", "").status());
    }

    @Test
    void offerAndAnswerGoThroughTheRelayAndByeEndsTheCall() throws Exception {
        String callId = UUID.randomUUID().toString();
        Calls.sendAuthenticated(alice, "alice-secret", BOB, callId, Calls.SDP);
        SipText invite = bob.awaitRequest("INVITE");
        assertRelayed(invite);
        bob.respond(invite, 180, "Ringing", "bobtag", null, null);
        bob.respond(invite, 200, "OK", "bobtag", SDP_TYPE, ANSWER);
        SipText ok = alice.awaitResponse("INVITE", 200);
        assertRelayed(ok);
        Calls.ack(alice, bob, ok);
        Calls.hangUp(alice, bob, ok);

        String caller = callerTag(invite);
        assertEquals(List.of("offer " + callId + " " + caller + " -", "answer " + callId + " " + caller + " bobtag",
                "delete " + callId + " -"), relay.events());
    }

    @Test
    void theRelayLearnsEachSidesMediaFromWhereItsOfferOrAnswerWasSignalled() throws Exception {
        startServer("127.0.0.1, ::1", "::1");
        Dialog call = answeredCall(UUID.randomUUID().toString());
        offerAndAnswer(bob, Calls.withSdp(Calls.fromCallee(bob, call.invite(), "bobtag", "INVITE", 1), ANSWER),
                alice, Calls.SDP);

        assertEquals(List.of("offer 127.0.0.1", "answer 0:0:0:0:0:0:0:1", "offer 0:0:0:0:0:0:0:1",
                "answer 127.0.0.1"), relay.signalledFrom(), "INVITE from Alice, 200 from Bob, re-INVITE from Bob, 200");
    }

    @Test
    void aLateOfferIsLearnedFromTheDeviceAndItsAnswerFromTheAcksSender() throws Exception {
        startServer("127.0.0.1, ::1", "::1");
        Calls.sendAuthenticated(alice, "alice-secret", BOB, UUID.randomUUID().toString(), "");
        bob.respond(bob.awaitRequest("INVITE"), 200, "OK", "bobtag", SDP_TYPE, ANSWER);
        SipText ok = alice.awaitResponse("INVITE", 200);
        alice.send(Calls.withSdp(Calls.fromCaller(alice, ok, "ACK", 2), Calls.SDP));
        bob.awaitRequest("ACK");

        assertEquals(List.of("offer 0:0:0:0:0:0:0:1", "answer 127.0.0.1"), relay.signalledFrom());
    }

    @Test
    void eachForkAnswersOnItsOwnLegAndTheForkThatLostIsDeleted() throws Exception {
        try (TestUa bobDesk = new TestUa("bob", liaison.server())) {
            bob.register("bob-secret", ";+sip.instance=\"<urn:uuid:" + UUID.randomUUID() + ">\"");
            bobDesk.register("bob-secret", ";+sip.instance=\"<urn:uuid:" + UUID.randomUUID() + ">\"");
            String callId = UUID.randomUUID().toString();
            Calls.sendAuthenticated(alice, "alice-secret", BOB, callId, Calls.SDP);
            SipText onPhone = bob.awaitRequest("INVITE");
            SipText onDesk = bobDesk.awaitRequest("INVITE");
            // one after the other: the server handles messages on several threads
            bob.respond(onPhone, 183, "Session Progress", "phone", SDP_TYPE, ANSWER);
            assertRelayed(alice.await(m -> m.status() == 183 && m.header("to").orElseThrow().contains("phone"),
                    Duration.ofSeconds(5)));
            bobDesk.respond(onDesk, 183, "Session Progress", "desk", SDP_TYPE, ANSWER);
            assertRelayed(alice.await(m -> m.status() == 183 && m.header("to").orElseThrow().contains("desk"),
                    Duration.ofSeconds(5)));
            bob.respond(onPhone, 200, "OK", "phone", SDP_TYPE, ANSWER);
            assertRelayed(alice.awaitResponse("INVITE", 200));
            bobDesk.respond(bobDesk.awaitRequest("CANCEL"), 200, "OK", null, null, null);
            bobDesk.respond(onDesk, 487, "Request Terminated", "desk", null, null);
            bobDesk.awaitRequest("ACK");

            String caller = callerTag(onPhone);
            await("the desk's leg deleted: " + relay.events()).atMost(Duration.ofSeconds(5)).until(() -> relay.events().contains("delete " + callId + " desk"));
            assertEquals(List.of("offer " + callId + " " + caller + " -",
                    "answer " + callId + " " + caller + " phone", "answer " + callId + " " + caller + " desk",
                    "answer " + callId + " " + caller + " phone", "delete " + callId + " desk"), relay.events());
        }
    }

    @Test
    void callerCancelEndsTheRelayCall() throws Exception {
        String callId = UUID.randomUUID().toString();
        String sent = Calls.sendAuthenticated(alice, "alice-secret", BOB, callId, Calls.SDP);
        SipText invite = bob.awaitRequest("INVITE");
        bob.respond(invite, 180, "Ringing", "bobtag", null, null);
        alice.await(m -> m.status() == 180, Duration.ofSeconds(5));
        alice.send(Calls.cancelOf(sent));
        await("the call deleted on CANCEL: " + relay.events()).atMost(Duration.ofSeconds(5)).until(() -> relay.events().contains("delete " + callId + " -"));
        bob.respond(bob.awaitRequest("CANCEL"), 200, "OK", null, null, null);
        bob.respond(invite, 487, "Request Terminated", "bobtag", null, null);
        assertEquals(487, alice.awaitResponse("INVITE", 300).status());
    }

    @Test
    void callEveryDeviceRefusedIsDeleted() throws Exception {
        String callId = UUID.randomUUID().toString();
        Calls.sendAuthenticated(alice, "alice-secret", BOB, callId, Calls.SDP);
        bob.respond(bob.awaitRequest("INVITE"), 486, "Busy Here", "bobtag", null, null);
        assertEquals(486, alice.awaitResponse("INVITE", 300).status());
        assertEquals("delete " + callId + " -", relay.events().get(relay.events().size() - 1));
    }

    @Test
    void lateOfferComesInTheOkAndItsAnswerInTheAck() throws Exception {
        String callId = UUID.randomUUID().toString();
        Calls.sendAuthenticated(alice, "alice-secret", BOB, callId, "");
        SipText invite = bob.awaitRequest("INVITE");
        assertEquals("", invite.body());
        bob.respond(invite, 200, "OK", "bobtag", SDP_TYPE, ANSWER);
        SipText ok = alice.awaitResponse("INVITE", 200);
        assertRelayed(ok);
        alice.send(Calls.withSdp(Calls.fromCaller(alice, ok, "ACK", 2), Calls.SDP));
        assertRelayed(bob.awaitRequest("ACK"));

        String caller = callerTag(invite);
        assertEquals(List.of("offer " + callId + " bobtag " + caller, "answer " + callId + " bobtag " + caller),
                relay.events());
    }

    @Test
    void holdFromTheCalleeAndResumeFromTheCallerAreOffersOfTheirOwnSide() throws Exception {
        String callId = UUID.randomUUID().toString();
        Dialog call = answeredCall(callId);
        SipText invite = call.invite();
        SipText ok = call.ok();

        SipText hold = offerAndAnswer(bob, Calls.withSdp(Calls.fromCallee(bob, invite, "bobtag", "INVITE", 1),
                ANSWER + "a=sendonly\r\n"), alice, Calls.SDP + "a=recvonly\r\n");
        assertTrue(hold.body().contains("a=sendonly"), hold.body());
        offerAndAnswer(alice, Calls.withSdp(Calls.fromCaller(alice, ok, "INVITE", 3), Calls.SDP), bob, ANSWER);

        String caller = callerTag(invite);
        assertEquals(List.of("offer " + callId + " " + caller + " -", "answer " + callId + " " + caller + " bobtag",
                "offer " + callId + " bobtag " + caller, "answer " + callId + " bobtag " + caller,
                "offer " + callId + " " + caller + " bobtag", "answer " + callId + " " + caller + " bobtag"),
                relay.events());
    }

    @Test
    void updateCarriesAnOfferAndItsOkTheAnswer() throws Exception {
        String callId = UUID.randomUUID().toString();
        Dialog call = answeredCall(callId);
        SipText invite = call.invite();
        SipText ok = call.ok();

        offerAndAnswer(alice, Calls.withSdp(Calls.fromCaller(alice, ok, "UPDATE", 3), Calls.SDP), bob, ANSWER);
        String caller = callerTag(invite);
        assertEquals(List.of("offer " + callId + " " + caller + " bobtag", "answer " + callId + " " + caller
                + " bobtag"), relay.events().subList(2, 4));
    }

    @Test
    void anAckAfterTheByeNeverReachesTheRelay() throws Exception {
        String callId = UUID.randomUUID().toString();
        Calls.sendAuthenticated(alice, "alice-secret", BOB, callId, "");
        SipText invite = bob.awaitRequest("INVITE");
        bob.respond(invite, 200, "OK", "bobtag", SDP_TYPE, ANSWER);
        SipText ok = alice.awaitResponse("INVITE", 200);
        alice.send(Calls.fromCaller(alice, ok, "BYE", 3));
        bob.respond(bob.awaitRequest("BYE"), 200, "OK", null, null, null);
        alice.awaitResponse("BYE", 200);
        alice.send(Calls.withSdp(Calls.fromCaller(alice, ok, "ACK", 2), Calls.SDP));
        bob.awaitRequest("ACK");
        assertEquals(List.of("offer " + callId + " bobtag " + callerTag(invite), "delete " + callId + " -"),
                relay.events());
    }

    @Test
    void relayOutOfPortsGets503WithWarningAndRetryAfter() throws Exception {
        relay.failNextOffer(MediaRelayException.Reason.PORTS_EXHAUSTED);
        Calls.sendAuthenticated(alice, "alice-secret", BOB, UUID.randomUUID().toString(), Calls.SDP);
        SipText refused = alice.awaitResponse("INVITE", 300);
        assertEquals(503, refused.status());
        assertTrue(refused.header("warning").orElseThrow()
                .matches("399 " + TestServer.DOMAIN + " \"media relay: fake relay says PORTS_EXHAUSTED\""),
                refused.toString());
        assertEquals("30", refused.header("retry-after").orElseThrow());
        assertTrue(bob.receivesNothing(m -> "INVITE".equals(m.method()), Duration.ofMillis(300)));
    }

    @Test
    void offerTheRelayCannotReadGets488() throws Exception {
        relay.failNextOffer(MediaRelayException.Reason.BAD_SDP);
        Calls.sendAuthenticated(alice, "alice-secret", BOB, UUID.randomUUID().toString(), Calls.SDP);
        SipText refused = alice.awaitResponse("INVITE", 300);
        assertEquals(488, refused.status());
        assertTrue(refused.header("warning").orElseThrow().contains("fake relay says BAD_SDP"), refused.toString());
    }

    @Test
    void retransmittedOkCarriesTheSameRelayAnswer() throws Exception {
        Calls.sendAuthenticated(alice, "alice-secret", BOB, UUID.randomUUID().toString(), Calls.SDP);
        SipText invite = bob.awaitRequest("INVITE");
        bob.respond(invite, 200, "OK", "bobtag", SDP_TYPE, ANSWER);
        SipText first = alice.awaitResponse("INVITE", 200);
        bob.respond(invite, 200, "OK", "bobtag", SDP_TYPE, ANSWER);
        SipText again = alice.awaitResponse("INVITE", 200);
        assertEquals(first.body(), again.body());
        assertRelayed(again);
        assertEquals(2, relay.events().size(), relay.events().toString());
    }

    @Test
    void relayedCallsTheRelayTimedOutAreForgottenButCallsAwaitingTheirLateOfferStay() throws Exception {
        String timedOut = UUID.randomUUID().toString();
        Calls.sendAuthenticated(alice, "alice-secret", BOB, timedOut, Calls.SDP);
        bob.awaitRequest("INVITE");
        String ringing = UUID.randomUUID().toString();
        Calls.sendAuthenticated(alice, "alice-secret", BOB, ringing, "");
        bob.awaitRequest("INVITE");
        relay.timeOut(timedOut);
        MediaAnchor media = liaison.server().server().media();
        media.forgetCallsTheRelayEnded();
        media.forgetCallsTheRelayEnded();
        // two sweeps could be a relay that did not answer for a moment; the third says it is gone
        assertEquals(Set.of(timedOut, ringing), media.relayedCallIds());
        media.forgetCallsTheRelayEnded();
        assertEquals(Set.of(ringing), media.relayedCallIds());
    }

    /** The INVITE as Bob got it and the 200 as Alice got it. */
    private record Dialog(SipText invite, SipText ok) {
    }

    /** Alice offers {@link Calls#SDP}, Bob answers {@link #ANSWER} with To tag "bobtag", Alice ACKs. */
    private Dialog answeredCall(String callId) throws Exception {
        Calls.sendAuthenticated(alice, "alice-secret", BOB, callId, Calls.SDP);
        SipText invite = bob.awaitRequest("INVITE");
        bob.respond(invite, 200, "OK", "bobtag", SDP_TYPE, ANSWER);
        SipText ok = alice.awaitResponse("INVITE", 200);
        alice.send(Calls.fromCaller(alice, ok, "ACK", 2));
        bob.awaitRequest("ACK");
        return new Dialog(invite, ok);
    }

    /**
     * {@code from} sends {@code request} carrying an offer, {@code to} answers 200 with {@code answer}:
     * both arrive as the relay rewrote them. Returns the request as {@code to} got it.
     */
    private static SipText offerAndAnswer(TestUa from, String request, TestUa to, String answer) throws Exception {
        String method = request.substring(0, request.indexOf(' '));
        from.send(request);
        SipText received = to.awaitRequest(method);
        assertRelayed(received);
        to.respond(received, 200, "OK", null, SDP_TYPE, answer);
        assertRelayed(from.awaitResponse(method, 200));
        return received;
    }

    /** The message carries the fake relay's SDP, and a Content-Length that fits it. */
    private static void assertRelayed(SipText message) {
        assertTrue(message.body().contains("c=IN IP4 " + FakeMediaRelay.ADDRESS + "\r\n")
                && message.body().contains("m=audio " + FakeMediaRelay.PORT + " "), message.toString());
        assertEquals(message.body().getBytes(StandardCharsets.UTF_8).length,
                Integer.parseInt(message.header("content-length").orElseThrow()), message.toString());
    }

    private static String callerTag(SipText request) {
        return SipText.tagOf(request.header("from").orElseThrow());
    }

    static String sdp(String connection, String mLine, String... attributes) {
        StringBuilder b = new StringBuilder("v=0\r\no=- 2 2 IN IP4 " + connection + "\r\ns=-\r\nc=IN IP4 " + connection
                + "\r\nt=0 0\r\n" + mLine + "\r\n");
        for (String a : attributes) {
            b.append("a=").append(a).append("\r\n");
        }
        return b.toString();
    }
}
