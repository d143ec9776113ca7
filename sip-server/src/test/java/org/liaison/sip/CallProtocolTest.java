package org.liaison.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.liaison.sip.testing.Calls;
import org.liaison.sip.testing.LiaisonServer;
import org.liaison.sip.testing.LiaisonServer.Agent;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/** Calls through the proxy between test user agents on loopback (RFC 3261 §16). */
class CallProtocolTest {
    private static final String DOMAIN = TestServer.DOMAIN;

    @RegisterExtension
    final LiaisonServer liaison = LiaisonServer.started(TestServer.builder().user("alice", "alice-secret", "1001")
            .user("bob", "bob-secret", "1002").user("carol", "carol-secret", "1003"));
    @Agent TestUa alice;
    @Agent TestUa bob;

    @Test
    void callIsAnsweredAndHungUpThroughTheRecordRoute() throws Exception {
        assertEquals(200, bob.register("bob-secret", "").status());
        String callId = UUID.randomUUID().toString();
        assertEquals(407, alice.sendAnsweringChallenge(Calls.invite(alice, "sip:bob@" + DOMAIN, callId), "alice-secret")
                .first().status());

        SipText invite = bob.awaitRequest("INVITE");
        assertEquals(bob.contact(), invite.requestUri());
        assertTrue(invite.header("record-route").orElseThrow().contains(";lr"), invite.toString());
        assertTrue(invite.header("proxy-authorization").isEmpty(), "the caller's credentials went on: " + invite);
        bob.respond(invite, 180, "Ringing", "bobtag", null, null);
        assertEquals(180, alice.await(m -> m.isResponse() && m.status() == 180, Duration.ofSeconds(5)).status());
        bob.respond(invite, 200, "OK", "bobtag", null, null);
        SipText ok = alice.awaitResponse("INVITE", 200);
        assertEquals(200, ok.status());

        Calls.ack(alice, bob, ok);
        assertEquals(200, Calls.hangUp(alice, bob, ok));
    }

    @Test
    void calleeCanHangUpTowardsTheCaller() throws Exception {
        assertEquals(200, bob.register("bob-secret", "").status());
        SipText invite = answeredCall("sip:bob@" + DOMAIN, "alice-secret");
        assertEquals(200, Calls.hangUpFromCallee(bob, alice, invite, "bobtag"));
    }

    @Test
    void deviceRegisteredOverTcpIsReachedOverItsOwnConnection() throws Exception {
        try (TestUa bobTcp = new TestUa("bob", liaison.server(), true)) {
            assertEquals(200, bobTcp.register("bob-secret", "").status());
            String callId = UUID.randomUUID().toString();
            sendAuthenticatedInvite("sip:bob@" + DOMAIN, callId);
            SipText invite = bobTcp.awaitRequest("INVITE");
            assertTrue(invite.header("via").orElseThrow().startsWith("SIP/2.0/TCP"), invite.toString());
            // RFC 5658: one Record-Route per side when the transport changes
            assertEquals(2, Calls.recordRoutes(invite).size(), invite.toString());
            Calls.answer(alice, bobTcp, invite, "bobtag");
            assertEquals(200, Calls.hangUpFromCallee(bobTcp, alice, invite, "bobtag"));
        }
    }

    @Test
    void ipv4CallerReachesAnIpv6Device() throws Exception {
        liaison.start(TestServer.builder().user("alice", "alice-secret", "1001").user("bob", "bob-secret", "1002")
                .property("sip.address", "127.0.0.1, ::1"));
        try (TestUa bob6 = new TestUa("bob", liaison.server(), false, "::1")) {
            assertEquals(200, bob6.register("bob-secret", "").status());
            sendAuthenticatedInvite("sip:bob@" + DOMAIN, UUID.randomUUID().toString());
            SipText invite = bob6.awaitRequest("INVITE");
            assertTrue(invite.header("via").orElseThrow().startsWith("SIP/2.0/UDP [0:0:0:0:0:0:0:1]:"),
                    invite.toString());
            // RFC 5658: one Record-Route per address family
            assertEquals(2, Calls.recordRoutes(invite).size(), invite.toString());
            SipText ok = Calls.answer(alice, bob6, invite, "bobtag");
            assertEquals(200, Calls.hangUp(alice, bob6, ok));
        }
    }

    @Test
    void deviceBehindNatIsReachedWhereItsRegisterCameFromNotAtItsPrivateContact() throws Exception {
        String request = bob.registerRequest(UUID.randomUUID().toString(), 3600, "")
                .replace("<" + bob.contact() + ">", "<sip:bob@192.0.2.10:5060>");
        assertEquals(200, bob.sendWithAuth(request, "bob-secret").status());
        sendAuthenticatedInvite("sip:bob@" + DOMAIN, UUID.randomUUID().toString());
        assertEquals("sip:bob@192.0.2.10:5060", bob.awaitRequest("INVITE").requestUri());
    }

    @Test
    void deviceRegisteredForAnotherPortOfTheSameAddressIsReachedAtItsContact() throws Exception {
        try (TestUa bobPhone = new TestUa("bob", liaison.server())) {
            // bob's REGISTER comes from one socket and names another one (no NAT: same address)
            String request = bob.registerRequest(UUID.randomUUID().toString(), 3600, "")
                    .replace("<" + bob.contact() + ">", "<" + bobPhone.contact() + ">");
            assertEquals(200, bob.sendWithAuth(request, "bob-secret").status());
            sendAuthenticatedInvite("sip:bob@" + DOMAIN, UUID.randomUUID().toString());
            assertEquals(bobPhone.contact(), bobPhone.awaitRequest("INVITE").requestUri());
        }
    }

    @Test
    void extensionDialsTheUser() throws Exception {
        assertEquals(200, bob.register("bob-secret", "").status());
        SipText invite = answeredCall("sip:1002@" + DOMAIN, "alice-secret");
        assertEquals(bob.contact(), invite.requestUri());
    }

    @Test
    void callToBothDevicesCancelsTheOneThatDidNotAnswer() throws Exception {
        try (TestUa bobDesk = new TestUa("bob", liaison.server())) {
            assertEquals(200, bob.register("bob-secret", ";+sip.instance=\"<urn:uuid:" + UUID.randomUUID() + ">\"")
                    .status());
            assertEquals(200, bobDesk.register("bob-secret", ";+sip.instance=\"<urn:uuid:" + UUID.randomUUID()
                    + ">\"").status());
            sendAuthenticatedInvite("sip:bob@" + DOMAIN, UUID.randomUUID().toString());
            SipText onPhone = bob.awaitRequest("INVITE");
            SipText onDesk = bobDesk.awaitRequest("INVITE");
            bob.respond(onPhone, 180, "Ringing", "phone", null, null);
            bobDesk.respond(onDesk, 180, "Ringing", "desk", null, null);
            bob.respond(onPhone, 200, "OK", "phone", null, null);
            assertEquals(200, alice.awaitResponse("INVITE", 200).status());

            SipText cancel = bobDesk.awaitRequest("CANCEL");
            bobDesk.respond(cancel, 200, "OK", null, null, null);
            bobDesk.respond(onDesk, 487, "Request Terminated", "desk", null, null);
            assertEquals("ACK", bobDesk.awaitRequest("ACK").method());
        }
    }

    @Test
    void callerCancelReachesTheRingingDevice() throws Exception {
        assertEquals(200, bob.register("bob-secret", "").status());
        String callId = UUID.randomUUID().toString();
        String invite = sendAuthenticatedInvite("sip:bob@" + DOMAIN, callId);

        assertEquals(487, Calls.cancelWhileRinging(alice, bob, invite));
    }

    @Test
    void cancelBeforeTheDeviceRingsIsSentOnceItRings() throws Exception {
        assertEquals(200, bob.register("bob-secret", "").status());
        String invite = sendAuthenticatedInvite("sip:bob@" + DOMAIN, UUID.randomUUID().toString());
        SipText received = bob.awaitRequest("INVITE");
        alice.send(Calls.cancelOf(invite));
        assertEquals(200, alice.awaitResponse("CANCEL", 200).status());
        // RFC 3261 §9.1: no CANCEL before a provisional response; it follows the 180 instead
        assertTrue(bob.receivesNothing(m -> "CANCEL".equals(m.method()) && !m.isResponse(), Duration.ofMillis(300)));
        bob.respond(received, 180, "Ringing", "bobtag", null, null);
        SipText cancel = bob.awaitRequest("CANCEL");
        bob.respond(cancel, 200, "OK", null, null, null);
        bob.respond(received, 487, "Request Terminated", "bobtag", null, null);
        assertEquals(487, alice.awaitResponse("INVITE", 300).status());
    }

    @Test
    void gruuRequestUriReachesExactlyThatDevice() throws Exception {
        String instance = "urn:uuid:" + UUID.randomUUID();
        try (TestUa bobDesk = new TestUa("bob", liaison.server())) {
            assertEquals(200, bob.register("bob-secret", ";+sip.instance=\"<" + instance + ">\"").status());
            assertEquals(200, bobDesk.register("bob-secret", ";+sip.instance=\"<urn:uuid:" + UUID.randomUUID()
                    + ">\"").status());
            sendAuthenticatedInvite("sip:bob@" + DOMAIN + ";gr=" + instance, UUID.randomUUID().toString());
            assertEquals(bob.contact(), bob.awaitRequest("INVITE").requestUri());
            assertTrue(bobDesk.receivesNothing(m -> !m.isResponse(), Duration.ofMillis(500)));
        }
    }

    @Test
    void unknownUserGets404AndUserWithoutDevicesGets480() throws Exception {
        sendAuthenticatedInvite("sip:nobody@" + DOMAIN, UUID.randomUUID().toString());
        assertEquals(404, alice.awaitResponse("INVITE", 300).status());
        sendAuthenticatedInvite("sip:carol@" + DOMAIN, UUID.randomUUID().toString());
        assertEquals(480, alice.awaitResponse("INVITE", 300).status());
    }

    @Test
    void requestsForForeignDomainsAreRefused() throws Exception {
        sendAuthenticatedInvite("sip:victim@premium.example", UUID.randomUUID().toString());
        assertEquals(403, alice.awaitResponse("INVITE", 300).status());
    }

    @Test
    void requestsForADomainTheAdminAllowedAreForwardedThere() throws Exception {
        liaison.start(TestServer.builder().user("alice", "alice-secret", "1001")
                .property("proxy.foreign-domains", "127.0.0.2"));
        try (DatagramSocket partner = new DatagramSocket(new InetSocketAddress("127.0.0.2", 0))) {
            partner.setSoTimeout(5000);
            String uri = "sip:carol@127.0.0.2:" + partner.getLocalPort();
            sendAuthenticatedInvite(uri, UUID.randomUUID().toString());
            DatagramPacket packet = new DatagramPacket(new byte[65536], 65536);
            partner.receive(packet);
            SipText invite = SipText.parse(new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8));
            assertEquals("INVITE", invite.method());
            assertEquals(uri, invite.requestUri());
        }
    }

    @Test
    void maxForwardsZeroGets483() throws Exception {
        assertEquals(200, bob.register("bob-secret", "").status());
        String invite = Calls.invite(alice, "sip:bob@" + DOMAIN, UUID.randomUUID().toString())
                .replace("Max-Forwards: 70", "Max-Forwards: 0").replace("{auth}", "");
        alice.send(invite);
        assertEquals(483, alice.awaitResponse("INVITE", 300).status());
    }

    @Test
    void inDialogRequestWithAForgedRouteIsRefused() throws Exception {
        alice.send("BYE sip:victim@127.0.0.1:5999 SIP/2.0\r\nVia: " + alice.via(TestUa.newBranch())
                + "\r\nMax-Forwards: 70\r\nRoute: <sip:127.0.0.1:" + liaison.server().port() + ";lr;ltok=0123456789abcdef01234567>"
                + "\r\nFrom: <" + alice.aor() + ">;tag=a\r\nTo: <sip:victim@x>;tag=b\r\nCall-ID: forged-"
                + UUID.randomUUID() + "\r\nCSeq: 1 BYE\r\nContent-Length: 0\r\n\r\n");
        assertEquals(403, alice.awaitResponse("BYE", 300).status());
    }

    /** INVITE, 407, INVITE with credentials: returns the authenticated INVITE's text. */
    private String sendAuthenticatedInvite(String requestUri, String callId) throws Exception {
        return Calls.sendAuthenticated(alice, "alice-secret", requestUri, callId, Calls.SDP);
    }

    /** Alice calls, Bob answers, Alice ACKs; returns the INVITE as Bob received it. */
    private SipText answeredCall(String requestUri, String password) throws Exception {
        sendAuthenticatedInvite(requestUri, UUID.randomUUID().toString());
        SipText invite = bob.awaitRequest("INVITE");
        Calls.answer(alice, bob, invite, "bobtag");
        return invite;
    }
}
