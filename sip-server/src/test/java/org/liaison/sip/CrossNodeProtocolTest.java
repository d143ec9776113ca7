package org.liaison.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.sip.message.Request;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;
import org.liaison.im.redis.RedisPerClass;
import org.liaison.sip.cluster.ClusterRedis;
import org.liaison.sip.cluster.SharedSecrets;
import org.liaison.sip.message.SipFactories;
import org.liaison.sip.proxy.HandoffToken;
import org.liaison.sip.registrar.TargetResolver;
import org.liaison.sip.testing.Calls;
import org.liaison.sip.testing.LiaisonServer;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/**
 * Two nodes sharing one real redis-server (issue 10, item 2): bob's flow ends on node A (his TCP connection, or a
 * NAT's pinhole), alice uses node B. Whatever B resolves from Redis, it must reach bob through A, which alone holds
 * that flow; in-dialog requests and CANCEL follow the Record-Route of both nodes, both ways. And node A, which takes
 * a handed-over request without credentials, is no open relay to a stranger who names it in a Route. All of it with
 * the nodes talking over each transport a node URI may name.
 */
@ParameterizedClass(name = "node URIs with transport={0}")
@ValueSource(strings = {"udp", "tcp", "tls"})
public class CrossNodeProtocolTest {
    private static final String DOMAIN = TestServer.DOMAIN;
    private static final SipFactories SIP = SipFactories.create();
    private static final Duration QUIET = Duration.ofSeconds(1);

    @RegisterExtension
    static final RedisPerClass redis = RedisPerClass.durable();

    /** The transport of both nodes' {@code cluster.node-uri}. */
    @Parameter
    String nodeTransport;

    @RegisterExtension
    final LiaisonServer liaison = LiaisonServer.notStarted();
    private TestServer nodeA;
    private TestServer nodeB;
    private TestUa bob;
    private TestUa alice;
    private TestUa stranger;

    /**
     * Node URIs with explicit ports: both nodes listen on 127.0.0.1, so only the port tells them apart. {@code
     * nodeTransport}: udp, tcp, or tls (the node's TLS listener, its certificate from the cluster's CA in Redis).
     */
    public static TestServer.Builder node(String redisUri, String nodeTransport) {
        TestServer.Builder node = TestServer.builder().user("alice", "alice-secret", "1001")
                .user("bob", "bob-secret", "1002").user("carol", "carol-secret", "1003")
                .property("cluster.redis-uri", redisUri);
        if (nodeTransport.equals("tls")) {
            return node.withTls().property("cluster.node-uri", "sip:127.0.0.1:" + TestServer.TLS_PORT + ";transport=tls");
        }
        return node.property("cluster.node-uri", "sip:127.0.0.1:" + TestServer.SIP_PORT + ";transport=" + nodeTransport);
    }

    @BeforeEach
    void startTwoNodes() throws Exception {
        nodeA = liaison.start(node(redis.uri(), nodeTransport));
        nodeB = liaison.own(node(redis.uri(), nodeTransport).start(liaison.directory().resolve("node-b")));
        bob = liaison.own(new TestUa("bob", nodeA, true));
        alice = liaison.own(new TestUa("alice", nodeB));
        stranger = liaison.own(TestUa.fromAddress("alice", nodeA, "127.0.0.9"));
    }

    @Test
    void aCallFromNodeBReachesBobOverHisTcpConnectionToNodeAAndEndsFromEitherSide() throws Exception {
        assertEquals(200, bob.register("bob-secret", "").status());

        String callId = UUID.randomUUID().toString();
        Calls.sendAuthenticated(alice, "alice-secret", "sip:bob@" + DOMAIN, callId, Calls.SDP);
        SipText invite = bob.awaitRequest("INVITE");
        assertEquals(bob.contact(), invite.requestUri());
        assertTrue(invite.header("via").orElseThrow().contains(":" + nodeA.port()), invite.toString());
        assertTrue(Calls.recordRoutes(invite).stream().anyMatch(r -> r.contains(":" + nodeA.port() + ";")),
                "node A record-routes: " + invite);
        assertTrue(Calls.recordRoutes(invite).stream().anyMatch(r -> r.contains(":" + nodeB.port() + ";")),
                "node B record-routes: " + invite);
        bob.respond(invite, 180, "Ringing", "bobtag", null, null);
        assertEquals(180, alice.await(m -> m.isResponse() && m.status() == 180, Duration.ofSeconds(5)).status());
        SipText ok = Calls.answer(alice, bob, invite, "bobtag");
        assertEquals(200, Calls.hangUp(alice, bob, ok));

        String secondCall = UUID.randomUUID().toString();
        Calls.sendAuthenticated(alice, "alice-secret", "sip:bob@" + DOMAIN, secondCall, Calls.SDP);
        SipText second = bob.awaitRequest("INVITE");
        Calls.answer(alice, bob, second, "bobtag2");
        assertEquals(200, Calls.hangUpFromCallee(bob, alice, second, "bobtag2"));
    }

    @Test
    void aCancelFromNodeBReachesBobRingingOnNodeA() throws Exception {
        assertEquals(200, bob.register("bob-secret", "").status());
        String invite = Calls.sendAuthenticated(alice, "alice-secret", "sip:bob@" + DOMAIN,
                UUID.randomUUID().toString(), Calls.SDP);

        assertEquals(487, Calls.cancelWhileRinging(alice, bob, invite));
    }

    /** Node A finds bob's binding among his bindings it holds (node B's Route names his AoR): no Contact index read. */
    @Test
    void aMessageFromNodeBReachesBobOverHisTcpConnectionToNodeA() throws Exception {
        assertEquals(200, bob.register("bob-secret", "").status());
        String message = alice.messageRequest("sip:bob@" + DOMAIN, UUID.randomUUID().toString(), "text/plain",
                "through node a");

        List<String> sent = redis.server().commandsSentDuring(() -> {
            try {
                assertEquals(407, alice.sendAnsweringChallenge(message, "alice-secret").first().status());
                SipText received = bob.awaitRequest("MESSAGE");
                assertEquals("through node a", received.body());
                bob.respond(received, 200, "OK", "b", null, null);
                assertEquals(200, alice.awaitResponse("MESSAGE", 200).status());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        assertTrue(sent.stream().noneMatch(command -> command.contains("liaison:reg-contact:")),
                "the Contact index was read: " + sent);
    }

    /** The AoR a handoff names is where to look first, no more: naming another still reaches the Request-URI's device. */
    @Test
    void aHandoffNamingAnotherAddressOfRecordStillReachesTheDeviceItsRequestUriNames() throws Exception {
        assertEquals(200, bob.register("bob-secret", "").status());
        String invite = Calls.invite(stranger, bob.contact(), UUID.randomUUID().toString());
        String token = clusterTokens().tokenFor(parse(invite), nodeUri(nodeA));

        stranger.send(withRoute(invite, token + ";" + TargetResolver.HANDED_FOR_PARAM + "=alice").replace("{auth}", ""));

        SipText received = bob.awaitRequest("INVITE");
        assertTrue(received.header("via").orElseThrow().contains(":" + nodeA.port()), received.toString());
    }

    /** A phone behind NAT: its Contact names a private address, only node A's pinhole (the REGISTER's source) reaches it. */
    @Test
    void aUdpDeviceBehindNatOnNodeAIsReachedThroughNodeA() throws Exception {
        TestUa carol = liaison.own(new TestUa("carol", nodeA));
        String natContact = "sip:carol@192.0.2.1:5060";
        assertEquals(200, carol.sendWithAuth(carol.registerRequest(UUID.randomUUID().toString(), 3600, "")
                .replace("<" + carol.contact() + ">", "<" + natContact + ">"), "carol-secret").status());

        Calls.sendAuthenticated(alice, "alice-secret", "sip:carol@" + DOMAIN, UUID.randomUUID().toString(), Calls.SDP);
        SipText invite = carol.awaitRequest("INVITE");
        assertEquals(natContact, invite.requestUri());
        assertTrue(invite.header("via").orElseThrow().contains(":" + nodeA.port()),
                "the INVITE comes from node A's pinhole: " + invite);
        SipText ok = Calls.answer(alice, carol, invite, "caroltag");
        assertEquals(200, Calls.hangUp(alice, carol, ok));
    }

    /**
     * sip.tls.required (shipped: true) holds for our users, in dialogs too; a BYE one node forwards to another comes
     * over the transport of the node URI and is still taken.
     */
    @Test
    void aTlsCallAcrossNodesEndsFromEitherSideWhenOurUsersMustUseTls() throws Exception {
        TestServer[] nodes = tlsNodes();
        TestUa bobOverTls = liaison.own(TestUa.overTls("bob", nodes[0]));
        TestUa aliceOverTls = liaison.own(TestUa.overTls("alice", nodes[1]));
        assertEquals(200, bobOverTls.register("bob-secret", "").status());

        Calls.sendAuthenticated(aliceOverTls, "alice-secret", "sip:bob@" + DOMAIN, UUID.randomUUID().toString(),
                Calls.SDP);
        SipText ok = Calls.answer(aliceOverTls, bobOverTls, bobOverTls.awaitRequest("INVITE"), "bobtag");
        assertEquals(200, Calls.hangUp(aliceOverTls, bobOverTls, ok));

        Calls.sendAuthenticated(aliceOverTls, "alice-secret", "sip:bob@" + DOMAIN, UUID.randomUUID().toString(),
                Calls.SDP);
        SipText second = bobOverTls.awaitRequest("INVITE");
        Calls.answer(aliceOverTls, bobOverTls, second, "bobtag2");
        assertEquals(200, Calls.hangUpFromCallee(bobOverTls, aliceOverTls, second, "bobtag2"));
    }

    /**
     * "From another node" is not a matter of source address alone: the nodes here share 127.0.0.1 with the phones,
     * as nodes behind one NAT or a spoofed UDP source would. A user's in-dialog request without the sending node's
     * proof in its Via is a user's, held to sip.tls.required, and reaches nobody.
     */
    @Test
    void anInDialogRequestFromANodesAddressWithoutTheNodesProofIsHeldToTheUsersRules() throws Exception {
        TestServer[] nodes = tlsNodes();
        TestUa bobOverTls = liaison.own(TestUa.overTls("bob", nodes[0]));
        TestUa aliceOverTls = liaison.own(TestUa.overTls("alice", nodes[1]));
        TestUa aliceOverUdp = liaison.own(new TestUa("alice", nodes[1]));
        assertEquals(200, bobOverTls.register("bob-secret", "").status());
        Calls.sendAuthenticated(aliceOverTls, "alice-secret", "sip:bob@" + DOMAIN, UUID.randomUUID().toString(),
                Calls.SDP);
        SipText ok = Calls.answer(aliceOverTls, bobOverTls, bobOverTls.awaitRequest("INVITE"), "bobtag");

        aliceOverUdp.send(Calls.fromCaller(aliceOverUdp, ok, "BYE", 3));

        assertTrue(bobOverTls.receivesNothing(m -> "BYE".equals(m.method()), Duration.ofSeconds(1)),
                "a user's BYE over UDP was taken as another node's");
        SipText refused = aliceOverUdp.awaitResponse("BYE", 200);
        assertEquals(403, refused.status(), refused.toString());
        assertEquals(200, Calls.hangUp(aliceOverTls, bobOverTls, ok), "the call itself is still up and ends");
    }

    /** Two more nodes, with TLS, on which sip.tls.required holds (shipped: true). */
    private TestServer[] tlsNodes() throws Exception {
        TestServer[] nodes = new TestServer[2];
        for (int i = 0; i < nodes.length; i++) {
            nodes[i] = liaison.own(node(redis.uri(), nodeTransport).withTls().property("sip.tls.required", "true")
                    .start(liaison.directory().resolve("tls-" + i)));
        }
        return nodes;
    }

    // A stranger naming node A in a Route gets what strangers get, even holding genuine tokens (made with the
    // cluster's key, as node B makes them) for other requests than the one it sends.

    @Test
    void aForgedHandoffTokenGetsTheChallengeAnyStrangerGetsAndReachesNobody() throws Exception {
        assertEquals(200, bob.register("bob-secret", "").status());
        long expiry = Clock.systemUTC().instant().getEpochSecond() + 30;
        String invite = withRoute(Calls.invite(stranger, bob.contact(), UUID.randomUUID().toString()),
                expiry + "." + "0".repeat(32));

        stranger.send(invite.replace("{auth}", ""));

        assertEquals(407, stranger.awaitResponse("INVITE", 200).status());
        assertTrue(bob.receivesNothing(m -> !m.isResponse(), QUIET), "the forged handoff reached bob");
    }

    @Test
    void aGenuineTokenReplayedWithAnotherRequestUriIsRefusedAndReachesNobody() throws Exception {
        assertEquals(200, bob.register("bob-secret", "").status());
        TestUa victim = liaison.own(new TestUa("victim", nodeA));
        String forBob = Calls.invite(stranger, bob.contact(), UUID.randomUUID().toString());
        String token = clusterTokens().tokenFor(parse(forBob), nodeUri(nodeA));
        String toVictim = withRoute(forBob, token)
                .replace("INVITE " + bob.contact() + " ", "INVITE " + victim.contact() + " ");

        stranger.send(toVictim.replace("{auth}", ""));

        assertEquals(407, stranger.awaitResponse("INVITE", 200).status());
        assertTrue(victim.receivesNothing(m -> !m.isResponse(), QUIET), "node A relayed to an arbitrary Request-URI");
        assertTrue(bob.receivesNothing(m -> !m.isResponse(), QUIET));
    }

    @Test
    void aGenuineTokenForADeviceRegisteredOnAnotherNodeIsRefusedAndNothingIsSent() throws Exception {
        TestUa carolOnB = liaison.own(new TestUa("carol", nodeB));
        assertEquals(200, carolOnB.register("carol-secret", "").status());
        for (String contact : new String[] {carolOnB.contact(), "sip:nobody@127.0.0.1:9"}) {
            String invite = Calls.invite(stranger, contact, UUID.randomUUID().toString());
            String handedOver = withRoute(invite, clusterTokens().tokenFor(parse(invite), nodeUri(nodeA)));

            stranger.send(handedOver.replace("{auth}", ""));

            SipText answer = stranger.awaitResponse("INVITE", 200);
            assertEquals(480, answer.status(), contact + ": " + answer);
        }
        assertTrue(carolOnB.receivesNothing(m -> !m.isResponse(), QUIET), "node A sent to a flow it does not hold");
    }

    /** A dialog's remote target may be a device's GRUU (RFC 5627 §5.3): a handoff naming it reaches that device. */
    @Test
    void aHandedOverRequestForAGruuReachesThatDeviceOnItsFlow() throws Exception {
        String instance = "urn:uuid:" + UUID.randomUUID();
        assertEquals(200, bob.register("bob-secret", ";+sip.instance=\"<" + instance + ">\"").status());
        String gruu = "sip:bob@" + DOMAIN + ";gr=" + instance;
        String invite = Calls.invite(stranger, gruu, UUID.randomUUID().toString());

        stranger.send(withRoute(invite, clusterTokens().tokenFor(parse(invite), nodeUri(nodeA))).replace("{auth}", ""));

        SipText received = bob.awaitRequest("INVITE");
        assertTrue(received.header("via").orElseThrow().contains(":" + nodeA.port()), received.toString());
    }

    /**
     * A MESSAGE handed over on UDP is passed on without a transaction (RFC 3261 §16.11): node B's client transaction
     * retransmits it, each copy reaches the device as the same transaction (the same branch), and the device's answer
     * goes back by its Via, without the note of where a device signalled from that only a node may add.
     */
    @Test
    void aMessageHandedOverOnUdpIsRelayedWithoutATransaction() throws Exception {
        assertEquals(200, bob.register("bob-secret", "").status());
        String message = stranger.messageRequest(bob.contact(), UUID.randomUUID().toString(), "text/plain", "hi");
        String handedOver = withRoute(message, clusterTokens().tokenFor(parse(message), nodeUri(nodeA)))
                .replace("{auth}", "");

        stranger.send(handedOver);
        SipText first = bob.awaitRequest("MESSAGE");
        stranger.send(handedOver);
        SipText again = bob.awaitRequest("MESSAGE");

        assertTrue(first.header("via").orElseThrow().contains(":" + nodeA.port()), first.toString());
        assertEquals(first.header("via"), again.header("via"), "the retransmission left node A as another transaction");
        bob.respond(again, 200, "OK", "b", "Liaison-Signalled-From: 192.0.2.7\r\n", null);
        SipText answer = stranger.awaitResponse("MESSAGE", 200);
        assertEquals(200, answer.status());
        assertTrue(answer.header("liaison-signalled-from").isEmpty(), answer.toString());
    }

    /**
     * Over TCP nobody retransmits a handed-over request, so node A keeps a transaction for it and retransmits it
     * itself to a device on UDP until the device answers.
     */
    @Test
    void aMessageHandedOverOnTcpIsRetransmittedByNodeAToADeviceOnUdp() throws Exception {
        TestUa carol = liaison.own(new TestUa("carol", nodeA));
        assertEquals(200, carol.register("carol-secret", "").status());
        TestUa sender = liaison.own(TestUa.overTcpFromAddress("alice", nodeA, "127.0.0.9"));
        String message = sender.messageRequest(carol.contact(), UUID.randomUUID().toString(), "text/plain", "hi");

        sender.send(withRoute(message, clusterTokens().tokenFor(parse(message), nodeUri(nodeA))).replace("{auth}", ""));
        SipText first = carol.awaitRequest("MESSAGE");
        SipText retransmitted = carol.awaitRequest("MESSAGE");

        assertEquals(first.header("via"), retransmitted.header("via"));
        carol.respond(retransmitted, 200, "OK", "c", null, null);
        assertEquals(200, sender.awaitResponse("MESSAGE", 200).status());
    }

    private String nodeUri(TestServer node) {
        return "sip:127.0.0.1:" + (nodeTransport.equals("tls") ? node.tlsPort() : node.port()) + ";transport="
                + nodeTransport;
    }

    /** Tokens made with the cluster's key, as any node makes them. */
    private static HandoffToken clusterTokens() throws Exception {
        try (ClusterRedis shared = ClusterRedis.connect(redis.uri())) {
            return HandoffToken.withKey(new SharedSecrets(shared).secret(StateStores.HANDOFF_SECRET,
                    HandoffToken.KEY_BYTES), Clock.systemUTC());
        }
    }

    /** {@code request} with a Route naming node A, carrying {@code token} as a node's handoff would. */
    private String withRoute(String request, String token) {
        return request.replaceFirst("Max-Forwards: 70\r\n", "Max-Forwards: 70\r\nRoute: <" + nodeUri(nodeA)
                + ";lr;" + HandoffToken.PARAM + "=" + token + ">\r\n");
    }

    private static Request parse(String request) throws ParseException {
        return SIP.messages().createRequest(request.replace("{auth}", ""));
    }
}
