package org.liaison.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.liaison.sip.StandaloneRelay.assertMediaFlows;
import static org.liaison.sip.StandaloneRelay.mediaPort;
import static org.liaison.sip.StandaloneRelay.phone;
import static org.liaison.sip.StandaloneRelay.sdp;

import java.net.DatagramSocket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.liaison.im.redis.RedisPerClass;
import org.liaison.media.ng.NgMediaRelay;
import org.liaison.sip.testing.Calls;
import org.liaison.sip.testing.LiaisonServer;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/**
 * Issue 10 item 5: in a cluster, calls go through a standalone relay ({@code bin/liaison relay}, here in process on
 * loopback with ng on a free port) that two nodes on one real redis-server share; a call keeps its relay when the
 * node that set it up stops, and the other node updates or ends it there.
 */
class RelayAcrossNodesTest {
    private static final String BOB = "sip:bob@" + TestServer.DOMAIN;
    private static final String SDP_TYPE = "Content-Type: application/sdp\r\n";
    private static final String RELAY_RECORD = "liaison:relay-call:";
    /** The phones' signalling, apart from the nodes' 127.0.0.1: a node tells another node's requests by address. */
    private static final String ALICE_HOST = "127.0.0.3";
    private static final String BOB_HOST = "127.0.0.4";

    @RegisterExtension
    static final RedisPerClass redis = RedisPerClass.durable();

    @RegisterExtension
    final LiaisonServer liaison = LiaisonServer.notStarted();
    private TestUa alice;
    private TestUa bob;
    private StandaloneRelay relay;
    /** The relay as the nodes drive it: over ng, without any node's record of where calls are. */
    private NgMediaRelay relayOverNg;

    /** The relay host runs {@code bin/liaison relay}: the relay and its ng server, from its own configuration. */
    @BeforeEach
    void startRelayAndNodeA() throws Exception {
        relay = StandaloneRelay.configure(liaison);
        liaison.start(node()); // first: starting closes what the test owned before
        relayOverNg = relay.start(liaison);
        alice = liaison.own(TestUa.fromAddress("alice", liaison.server(), ALICE_HOST));
        bob = liaison.own(TestUa.fromAddress("bob", liaison.server(), BOB_HOST));
        assertEquals(200, bob.register("bob-secret", "").status());
    }

    private TestServer.Builder node() {
        return TestServer.builder().user("alice", "alice-secret", "1001").user("bob", "bob-secret", "1002")
                .property("cluster.redis-uri", redis.uri()).property("cluster.node-uri", "sip:127.0.0.1;transport=udp")
                .property("media.relay", "always").property("media.encryption", "optional")
                .property("relay.servers", relay.servers());
    }

    @Test
    void aCallKeepsItsRelayWhenItsNodeStopsAndAByeThroughAnotherNodeEndsItThere() throws Exception {
        TestServer nodeB = liaison.own(node().start(liaison.directory().resolve("node-b")));
        try (DatagramSocket alicePhone = phone("127.0.0.1"); DatagramSocket bobPhone = phone("127.0.0.1")) {
            Call call = callThroughNodeA(alicePhone, bobPhone);
            int nodeA = liaison.server().port();
            liaison.server().stop();
            assertMediaFlows(alicePhone, call.aliceSendsTo, bobPhone, "still there after node A stopped");

            TestUa aliceOnB = liaison.own(TestUa.fromAddress("alice", nodeB, ALICE_HOST));
            TestUa bobOnB = liaison.own(TestUa.fromAddress("bob", nodeB, BOB_HOST));
            aliceOnB.send(throughNodeB(aliceOnB, call.ok, nodeA, nodeB, "BYE", 3, ""));
            bobOnB.respond(bob.awaitRequest("BYE"), 200, "OK", null, null, null);
            assertEquals(200, aliceOnB.awaitResponse("BYE", 200).status());

            assertEquals(Optional.empty(), relayOverNg.query(call.id), "node B ended the call on the relay");
            assertEquals(":0", redis.command("EXISTS", RELAY_RECORD + call.id), "the record went with the call");
        }
    }

    @Test
    void aReInviteThroughAnotherNodeAfterItsNodeStoppedReTargetsTheCallOnItsRelay() throws Exception {
        TestServer nodeB = liaison.own(node().start(liaison.directory().resolve("node-b")));
        try (DatagramSocket alicePhone = phone("127.0.0.1"); DatagramSocket bobPhone = phone("127.0.0.1");
                DatagramSocket aliceMoved = phone("127.0.0.2")) {
            Call call = callThroughNodeA(alicePhone, bobPhone);
            int nodeA = liaison.server().port();
            liaison.server().stop();

            // Alice's media moves to another address (her phone changed networks): she re-offers through node B
            TestUa aliceOnB = liaison.own(TestUa.fromAddress("alice", nodeB, ALICE_HOST));
            TestUa bobOnB = liaison.own(TestUa.fromAddress("bob", nodeB, BOB_HOST));
            aliceOnB.send(throughNodeB(aliceOnB, call.ok, nodeA, nodeB, "INVITE", 4, sdp("127.0.0.2",
                    aliceMoved.getLocalPort())));
            SipText reInvite = bob.awaitRequest("INVITE");
            assertEquals(call.bobSendsTo, mediaPort(reInvite.body()), "Bob keeps sending to the relay: " + reInvite);
            bobOnB.respond(reInvite, 200, "OK", null, SDP_TYPE, sdp("127.0.0.1", bobPhone.getLocalPort()));
            SipText ok = aliceOnB.awaitResponse("INVITE", 200);
            assertEquals(200, ok.status(), ok::toString);
            assertEquals(call.aliceSendsTo, mediaPort(ok.body()), "the answer went through the relay: " + ok);

            assertMediaFlows(aliceMoved, call.aliceSendsTo, bobPhone, "from alice's new address");
            assertMediaFlows(bobPhone, call.bobSendsTo, aliceMoved, "to alice's new address");
            assertTrue(relayOverNg.query(call.id).isPresent());
        }
    }

    /*
     * bob's agent sends only to node A; once A is gone Bob's phone answers through node B from a socket of its
     * own (a UDP response is matched by its Via branch, RFC 3261 §17.1.3, not by where it came from).
     */

    /** An answered call, set up through node A, with media through the relay both ways. */
    private Call callThroughNodeA(DatagramSocket alicePhone, DatagramSocket bobPhone) throws Exception {
        String callId = UUID.randomUUID().toString();
        Calls.sendAuthenticated(alice, "alice-secret", BOB, callId, sdp("127.0.0.1", alicePhone.getLocalPort()));
        SipText invite = bob.awaitRequest("INVITE");
        bob.respond(invite, 200, "OK", "bobtag", SDP_TYPE, sdp("127.0.0.1", bobPhone.getLocalPort()));
        SipText ok = alice.awaitResponse("INVITE", 200);
        assertEquals(200, ok.status(), ok::toString);
        alice.send(Calls.fromCaller(alice, ok, "ACK", 2));
        bob.awaitRequest("ACK");
        Call call = new Call(callId, ok, mediaPort(ok.body()), mediaPort(invite.body()));
        assertTrue(call.aliceSendsTo != alicePhone.getLocalPort() && call.bobSendsTo != bobPhone.getLocalPort(),
                "both sides send to the relay");
        assertMediaFlows(alicePhone, call.aliceSendsTo, bobPhone, "hello bob");
        assertMediaFlows(bobPhone, call.bobSendsTo, alicePhone, "hello alice");
        return call;
    }

    private record Call(String id, SipText ok, int aliceSendsTo, int bobSendsTo) {
    }

    /** The caller's in-dialog request through node B: the route set of the 2xx, with B where A was. */
    private static String throughNodeB(TestUa caller, SipText ok, int nodeA, TestServer nodeB, String method, int cseq,
            String sdp) {
        List<String> routes = new ArrayList<>(Calls.recordRoutes(ok));
        Collections.reverse(routes);
        routes.replaceAll(route -> route.replace(":" + nodeA + ";", ":" + nodeB.port() + ";"));
        assertTrue(routes.get(0).contains(":" + nodeB.port() + ";"), routes::toString);
        return Calls.withSdp(Calls.inDialog(caller, method, Calls.contactUri(ok.header("contact").orElseThrow()),
                routes, ok.header("from").orElseThrow(), ok.header("to").orElseThrow(), ok.header("call-id")
                        .orElseThrow(), cseq + " " + method), sdp);
    }
}
