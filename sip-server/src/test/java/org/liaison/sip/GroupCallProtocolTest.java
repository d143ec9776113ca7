package org.liaison.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.liaison.sip.testing.Calls;
import org.liaison.sip.testing.FakeMediaRelay;
import org.liaison.sip.testing.LiaisonServer;
import org.liaison.sip.testing.LiaisonServer.Agent;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/** Calls to a group ring every member's devices but the caller's (RFC 3261 §16 parallel forking). */
class GroupCallProtocolTest {
    private static final String DOMAIN = TestServer.DOMAIN;
    private static final Predicate<SipText> ANY_REQUEST = m -> !m.isResponse();
    private static final Duration QUIET = Duration.ofMillis(500);

    final FakeMediaRelay relay = new FakeMediaRelay();
    @RegisterExtension
    final LiaisonServer liaison = LiaisonServer.started(TestServer.builder().mediaRelay(relay)
            .userLine("alice,clrtxt:alice-secret,Alice,1001,sales")
            .userLine("bob,clrtxt:bob-secret,Bob,1002,sales;board")
            .userLine("carol,clrtxt:carol-secret,Carol,1003,sales;board")
            .userLine("dave,clrtxt:dave-secret,Dave,1004,")
            .configFile("groups.csv", "group,display_name,extension,visibility\n"
                    + "sales,Sales,2000,everyone\nboard,The Board,2100,members\n"));
    @Agent TestUa alice;
    @Agent TestUa bob;
    @Agent TestUa carol;

    @Test
    void callToAGroupRingsEveryMemberButNotTheCallersOwnDevicesAndTheFirstAnswerWins() throws Exception {
        try (TestUa aliceDesk = new TestUa("alice", liaison.server())) {
            register(alice, aliceDesk, bob, carol);
            String callId = UUID.randomUUID().toString();
            Calls.sendAuthenticated(alice, "alice-secret", "sip:sales@" + DOMAIN, callId, Calls.SDP);
            SipText onBob = bob.awaitRequest("INVITE");
            SipText onCarol = carol.awaitRequest("INVITE");
            assertEquals(bob.contact(), onBob.requestUri());
            assertEquals(carol.contact(), onCarol.requestUri());
            // media policy as for a call to a user: each member is offered the relay's address
            assertTrue(onBob.body().contains(FakeMediaRelay.ADDRESS), onBob.body());
            assertTrue(onCarol.body().contains(FakeMediaRelay.ADDRESS), onCarol.body());
            assertTrue(relay.events().get(0).startsWith("offer " + callId + " "), relay.events().toString());
            bob.respond(onBob, 180, "Ringing", "bob", null, null);
            carol.respond(onCarol, 180, "Ringing", "carol", null, null);
            bob.respond(onBob, 200, "OK", "bob", "Content-Type: application/sdp\r\n", Calls.SDP);
            SipText ok = alice.awaitResponse("INVITE", 200);
            assertEquals(200, ok.status());
            assertTrue(ok.body().contains(FakeMediaRelay.ADDRESS), ok.body());
            assertEquals("bob", SipText.tagOf(ok.header("to").orElseThrow()), "the answer that won");

            // RFC 3261 §16.7 step 10: the branch that did not answer is cancelled
            SipText cancel = carol.awaitRequest("CANCEL");
            carol.respond(cancel, 200, "OK", null, null, null);
            carol.respond(onCarol, 487, "Request Terminated", "carol", null, null);
            assertEquals("ACK", carol.awaitRequest("ACK").method());
            Calls.ack(alice, bob, ok);
            assertTrue(alice.receivesNothing(ANY_REQUEST, QUIET), "the caller's own device rang");
            assertTrue(aliceDesk.receivesNothing(ANY_REQUEST, QUIET), "the caller's other device rang");
        }
    }

    @Test
    void groupExtensionRingsTheGroup() throws Exception {
        register(bob);
        Calls.sendAuthenticated(alice, "alice-secret", "sip:2000@" + DOMAIN, UUID.randomUUID().toString(), Calls.SDP);
        SipText invite = bob.awaitRequest("INVITE");
        bob.respond(invite, 200, "OK", "bob", null, null);
        assertEquals(200, alice.awaitResponse("INVITE", 200).status());
    }

    @Test
    void groupWithNoOtherMemberOnlineGets480() throws Exception {
        register(alice);
        Calls.sendAuthenticated(alice, "alice-secret", "sip:sales@" + DOMAIN, UUID.randomUUID().toString(), Calls.SDP);
        assertEquals(480, alice.awaitResponse("INVITE", 300).status());
    }

    @Test
    void membersOnlyGroupRefusesOutsidersWith403AndRingsForMembers() throws Exception {
        register(carol);
        try (TestUa dave = new TestUa("dave", liaison.server())) {
            Calls.sendAuthenticated(dave, "dave-secret", "sip:board@" + DOMAIN, UUID.randomUUID().toString(),
                    Calls.SDP);
            assertEquals(403, dave.awaitResponse("INVITE", 300).status());
            Calls.sendAuthenticated(dave, "dave-secret", "sip:2100@" + DOMAIN, UUID.randomUUID().toString(),
                    Calls.SDP);
            assertEquals(403, dave.awaitResponse("INVITE", 300).status());
        }
        assertTrue(carol.receivesNothing(ANY_REQUEST, QUIET), "an outsider's call rang the board");

        Calls.sendAuthenticated(bob, "bob-secret", "sip:board@" + DOMAIN, UUID.randomUUID().toString(), Calls.SDP);
        assertEquals("INVITE", carol.awaitRequest("INVITE").method());
    }

    @Test
    void otherMethodsToAGroupStillGet404() throws Exception {
        register(bob);
        String options = "OPTIONS sip:sales@" + DOMAIN + " SIP/2.0\r\n"
                + "Via: " + alice.via(TestUa.newBranch()) + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <" + alice.aor() + ">;tag=options\r\n"
                + "To: <sip:sales@" + DOMAIN + ">\r\n"
                + "Call-ID: " + UUID.randomUUID() + "\r\n"
                + "CSeq: " + alice.nextCseq() + " OPTIONS\r\n"
                + "{auth}"
                + "Content-Length: 0\r\n\r\n";
        assertEquals(404, alice.sendWithAuth(options, "alice-secret").status());
        assertTrue(bob.receivesNothing(ANY_REQUEST, QUIET));
    }

    /** Registers each device with its user's test password. */
    private static void register(TestUa... devices) throws Exception {
        for (TestUa device : devices) {
            assertEquals(200, device.register(device.user() + "-secret", "").status());
        }
    }
}
