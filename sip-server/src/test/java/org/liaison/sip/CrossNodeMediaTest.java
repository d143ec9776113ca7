package org.liaison.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.liaison.sip.StandaloneRelay.assertMediaFlows;
import static org.liaison.sip.StandaloneRelay.mediaPort;
import static org.liaison.sip.StandaloneRelay.phone;
import static org.liaison.sip.StandaloneRelay.sdp;

import java.io.IOException;
import java.net.DatagramSocket;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;
import org.liaison.im.redis.RedisPerClass;
import org.liaison.media.ng.NgMediaRelay;
import org.liaison.sip.testing.CapturedLog;
import org.liaison.sip.testing.Calls;
import org.liaison.sip.testing.LiaisonServer;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/**
 * A call whose signalling crosses two nodes (issue 10: alice on node B, bob over TCP on node A, so every request goes
 * phone, B, A, phone or back) is anchored on the shared relay once: by the node that takes each request from a phone.
 * The other node passes the SDP of the request and of its responses as it came, so each phone gets the relay's
 * address (never the other phone's, never the relay's own rewrite offered to the relay again), media follows a
 * re-INVITE from either side, and one BYE ends the call on the relay and its record in Redis.
 *
 * <p>The phones sit on 127.0.0.5-8, apart from the nodes' 127.0.0.1: a node tells another node's requests by their
 * source address. Nodes talk over each transport a node URI may name.
 */
@ParameterizedClass(name = "node URIs with transport={0}")
@ValueSource(strings = {"udp", "tcp"})
class CrossNodeMediaTest {
    private static final String BOB = "sip:bob@" + TestServer.DOMAIN;
    private static final String SDP_TYPE = "Content-Type: application/sdp\r\n";
    private static final String ALICE_HOST = "127.0.0.5";
    private static final String BOB_HOST = "127.0.0.6";

    /** The transport of both nodes' {@code cluster.node-uri}. */
    @Parameter
    String nodeTransport;

    @RegisterExtension
    static final RedisPerClass redis = RedisPerClass.durable();
    @RegisterExtension
    final LiaisonServer liaison = LiaisonServer.notStarted();
    private NgMediaRelay relayOverNg;
    private TestServer nodeB;
    private TestUa bob;
    private TestUa alice;
    private CapturedLog log;

    @BeforeEach
    void startRelayAndTwoNodes() throws Exception {
        StandaloneRelay relay = StandaloneRelay.configure(liaison);
        TestServer nodeA = liaison.start(node(relay)); // first: starting closes what the test owned before
        relayOverNg = relay.start(liaison);
        nodeB = liaison.own(node(relay).start(liaison.directory().resolve("node-b")));
        bob = liaison.own(TestUa.overTcpFromAddress("bob", nodeA, BOB_HOST));
        alice = liaison.own(TestUa.fromAddress("alice", nodeB, ALICE_HOST));
        assertEquals(200, bob.register("bob-secret", "").status());
        log = liaison.own(CapturedLog.start());
    }

    private TestServer.Builder node(StandaloneRelay relay) {
        return CrossNodeProtocolTest.node(redis.uri(), nodeTransport).property("media.relay", "always")
                .property("media.encryption", "optional").property("relay.servers", relay.servers());
    }

    @Test
    void eachSideSeesTheRelayOnceAndMediaFollowsReInvitesFromBothSidesUntilTheBye() throws Exception {
        try (DatagramSocket alicePhone = phone(ALICE_HOST); DatagramSocket bobPhone = phone(BOB_HOST);
                DatagramSocket aliceMoved = phone("127.0.0.7"); DatagramSocket bobMoved = phone("127.0.0.8")) {
            String callId = UUID.randomUUID().toString();
            Calls.sendAuthenticated(alice, "alice-secret", BOB, callId, sdp(ALICE_HOST, alicePhone.getLocalPort()));
            SipText invite = bob.awaitRequest("INVITE");
            int bobSendsTo = relayPortIn(invite, alicePhone);
            bob.respond(invite, 200, "OK", "bobtag", SDP_TYPE, sdp(BOB_HOST, bobPhone.getLocalPort()));
            SipText ok = answered(alice);
            int aliceSendsTo = relayPortIn(ok, bobPhone);
            alice.send(Calls.fromCaller(alice, ok, "ACK", 2));
            bob.awaitRequest("ACK");
            assertMediaFlows(alicePhone, aliceSendsTo, bobPhone, "hello bob");
            assertMediaFlows(bobPhone, bobSendsTo, alicePhone, "hello alice");

            // alice's media moves: her re-INVITE is anchored by node B, passed as it is by node A
            alice.send(Calls.withSdp(Calls.fromCaller(alice, ok, "INVITE", 10), sdp("127.0.0.7",
                    aliceMoved.getLocalPort())));
            SipText reInvite = bob.awaitRequest("INVITE");
            assertEquals(bobSendsTo, mediaPort(reInvite.body()), "bob keeps sending to the relay: " + reInvite);
            bob.respond(reInvite, 200, "OK", null, SDP_TYPE, sdp(BOB_HOST, bobPhone.getLocalPort()));
            assertEquals(aliceSendsTo, mediaPort(answered(alice).body()), "the answer went through the relay");
            alice.send(Calls.fromCaller(alice, ok, "ACK", 10));
            bob.awaitRequest("ACK");
            assertMediaFlows(aliceMoved, aliceSendsTo, bobPhone, "from alice's new address");
            assertMediaFlows(bobPhone, bobSendsTo, aliceMoved, "to alice's new address");

            // bob's media moves: his re-INVITE is anchored by node A, passed as it is by node B
            bob.send(Calls.withSdp(Calls.fromCallee(bob, invite, "bobtag", "INVITE", 20), sdp("127.0.0.8",
                    bobMoved.getLocalPort())));
            SipText reInviteFromBob = alice.awaitRequest("INVITE");
            assertEquals(aliceSendsTo, mediaPort(reInviteFromBob.body()), "alice keeps sending to the relay");
            alice.respond(reInviteFromBob, 200, "OK", null, SDP_TYPE, sdp("127.0.0.7", aliceMoved.getLocalPort()));
            assertEquals(bobSendsTo, mediaPort(answered(bob).body()), "the answer went through the relay");
            bob.send(Calls.fromCallee(bob, invite, "bobtag", "ACK", 20));
            alice.awaitRequest("ACK");
            assertMediaFlows(aliceMoved, aliceSendsTo, bobMoved, "to bob's new address");
            assertMediaFlows(bobMoved, bobSendsTo, aliceMoved, "from bob's new address");

            alice.send(Calls.fromCaller(alice, ok, "BYE", 11));
            bob.respond(bob.awaitRequest("BYE"), 200, "OK", null, null, null);
            assertEquals(200, alice.awaitResponse("BYE", 200).status());
            assertCallGone(callId);
        }
    }

    /** RFC 3264 late offer: bob offers in his 200, alice answers in her ACK; bob hangs up. */
    @Test
    void aLateOfferAcrossNodesIsAnsweredOnceAndTheCalleesByeEndsTheCall() throws Exception {
        try (DatagramSocket alicePhone = phone(ALICE_HOST); DatagramSocket bobPhone = phone(BOB_HOST)) {
            String callId = UUID.randomUUID().toString();
            Calls.sendAuthenticated(alice, "alice-secret", BOB, callId, "");
            SipText invite = bob.awaitRequest("INVITE");
            bob.respond(invite, 200, "OK", "bobtag", SDP_TYPE, sdp(BOB_HOST, bobPhone.getLocalPort()));
            SipText ok = answered(alice);
            int aliceSendsTo = relayPortIn(ok, bobPhone);
            alice.send(Calls.withSdp(Calls.fromCaller(alice, ok, "ACK", 2), sdp(ALICE_HOST,
                    alicePhone.getLocalPort())));
            int bobSendsTo = relayPortIn(bob.awaitRequest("ACK"), alicePhone);
            assertMediaFlows(alicePhone, aliceSendsTo, bobPhone, "hello bob");
            assertMediaFlows(bobPhone, bobSendsTo, alicePhone, "hello alice");

            assertEquals(200, Calls.hangUpFromCallee(bob, alice, invite, "bobtag"));
            assertCallGone(callId);
            assertEquals(0, nodeB.server().media().relayedCallsOf("alice"), "node B let the call go");
        }
    }

    /**
     * Bob behind NAT (a private address in his SDP) on node A, alice's node B anchoring the call: the relay may lock
     * bob's media only onto the address bob signalled from, which node B does not see (bob's 200 comes to it from
     * node A). Node A tells it, and bob is heard.
     */
    @Test
    void aCalleeBehindNatOnTheOtherNodeIsHeardAndHearsThroughTheRelay() throws Exception {
        try (DatagramSocket alicePhone = phone(ALICE_HOST); DatagramSocket bobPhone = phone(BOB_HOST)) {
            String callId = UUID.randomUUID().toString();
            Calls.sendAuthenticated(alice, "alice-secret", BOB, callId, sdp(ALICE_HOST, alicePhone.getLocalPort()));
            SipText invite = bob.awaitRequest("INVITE");
            int bobSendsTo = relayPortIn(invite, alicePhone);
            bob.respond(invite, 200, "OK", "bobtag", SDP_TYPE, sdp(StandaloneRelay.NATTED_PHONE, bobPhone.getLocalPort()));
            SipText ok = answered(alice);
            int aliceSendsTo = relayPortIn(ok, bobPhone);
            assertEquals(Optional.empty(), ok.header("liaison-signalled-from"), "node A's note went no further");
            alice.send(Calls.fromCaller(alice, ok, "ACK", 2));
            bob.awaitRequest("ACK");

            assertMediaFlows(bobPhone, bobSendsTo, alicePhone, "hello alice, from behind a NAT");
            assertMediaFlows(alicePhone, aliceSendsTo, bobPhone, "hello bob, through your NAT");
            assertEquals(200, Calls.hangUp(alice, bob, ok));
        }
    }

    /** The relay port in {@code message}'s SDP, once its media address is the relay's and not {@code otherPhone}'s. */
    private static int relayPortIn(SipText message, DatagramSocket otherPhone) {
        int port = mediaPort(message.body());
        assertNotEquals(otherPhone.getLocalPort(), port, "the other phone's port, not the relay's: " + message);
        assertFalse(message.body().contains("c=IN IP4 " + otherPhone.getLocalAddress().getHostAddress()),
                "the other phone's address, not the relay's: " + message);
        return port;
    }

    private static SipText answered(TestUa caller) throws IOException {
        SipText ok = caller.awaitResponse("INVITE", 200);
        assertEquals(200, ok.status(), ok::toString);
        return ok;
    }

    /** The relay no longer holds the call, its record in Redis went with it, and no node complained on the way. */
    private void assertCallGone(String callId) throws IOException {
        assertEquals(Optional.empty(), relayOverNg.query(callId), "the BYE ended the call on the relay");
        assertEquals(":0", redis.command("EXISTS", "liaison:relay-call:" + callId), "the record went with the call");
        assertEquals(List.of(), log.warnings());
    }
}
