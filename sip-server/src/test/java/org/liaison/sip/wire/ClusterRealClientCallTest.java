package org.liaison.sip.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.liaison.sip.wire.LinphonecRelayedCallTest.ALICE_HZ;
import static org.liaison.sip.wire.LinphonecRelayedCallTest.BOB_HZ;
import static org.liaison.sip.wire.LinphonecRelayedCallTest.assertHeard;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.liaison.im.redis.RedisPerClass;
import org.liaison.media.ng.NgMediaRelay;
import org.liaison.sip.CrossNodeProtocolTest;
import org.liaison.sip.StandaloneRelay;
import org.liaison.sip.testing.LiaisonServer;
import org.liaison.sip.testing.TestServer;

/**
 * Issue 10 with real clients: linphonec (alice) registered on node A calls baresip (bob) registered on node B, two
 * Liaison nodes sharing one redis-server and one standalone relay. The call connects with DTLS-SRTP (RFC 5763) under
 * mandatory encryption, both tones cross the relay, and alice's hang-up reaches bob through both nodes.
 *
 * <p>The nodes listen on 127.0.0.2 and 127.0.0.3, apart from the clients' 127.0.0.1: a node tells another node's
 * requests by their source address, so a phone must not share a node's address.
 */
@Timeout(60)
class ClusterRealClientCallTest {
    private static final String NODE_A = "127.0.0.2";
    private static final String NODE_B = "127.0.0.3";
    private static final Duration REGISTRATION = Duration.ofSeconds(15);
    private static final Duration SETUP = Duration.ofSeconds(20);
    /** 4 s of G.711 at 50 packets/s. */
    private static final long FOUR_SECONDS = 200;

    @RegisterExtension
    static final RedisPerClass redis = RedisPerClass.durable();
    @RegisterExtension
    final LiaisonServer liaison = LiaisonServer.notStarted();

    @Test
    void linphonecOnOneNodeCallsBaresipOnTheOtherWithDtlsSrtpThroughTheSharedRelay() throws Exception {
        StandaloneRelay relay = StandaloneRelay.configure(liaison);
        TestServer nodeA = liaison.start(node(relay, NODE_A)); // first: starting closes what the test owned
        NgMediaRelay relayOverNg = relay.start(liaison);
        TestServer nodeB = liaison.own(node(relay, NODE_B).start(liaison.directory().resolve("node-b")));
        Path root = liaison.directory().resolve("clients");

        Linphonec alice = liaison.own(Linphonec.start(root, "alice", account("alice", nodeA, NODE_A), false, "dtls"));
        assertEquals("Ok", alice.awaitRegistration(REGISTRATION), alice::logs);
        alice.useFiles(Tone.write(root.resolve("alice.wav"), ALICE_HZ, Duration.ofSeconds(30), 8000, 1),
                root.resolve("alice-heard.wav"));
        Path bobMicrophone = Tone.write(root.resolve("bob.wav"), BOB_HZ, Duration.ofSeconds(30), 48000, 2);
        Baresip bob = liaison.own(Baresip.start(root, "bob", account("bob", nodeB, NODE_B), null,
                new Baresip.Media("dtls_srtp", bobMicrophone)));
        assertEquals("ok", bob.awaitRegistration(REGISTRATION), bob::logs);
        Supplier<String> logs = () -> alice.logs() + bob.logs();

        alice.call("sip:bob@" + TestServer.DOMAIN);
        assertTrue(bob.awaitCallConnected(SETUP), logs);
        assertTrue(alice.awaitCallConnected(SETUP), logs);
        // bob's INVITE came from node B, which had it from node A (RFC 3261 16.6 step 8: a Via per proxy)
        assertTrue(bob.awaitSip("(?m)^Via: SIP/2\\.0/\\w+ " + Pattern.quote(NODE_B + ":" + nodeB.port())
                + ";.*\\R^Via: SIP/2\\.0/\\w+ " + Pattern.quote(NODE_A + ":" + nodeA.port()) + ";", SETUP), logs);
        assertEquals("DTLS", alice.awaitEncryption(SETUP).orElse(""), logs);
        // node A took the INVITE from alice, so node A anchored the call on the relay
        String callId = RelayedServer.awaitCall(nodeA, SETUP);
        RelayedServer.awaitMediaBothWays(relayOverNg, callId, FOUR_SECONDS, SETUP);

        alice.hangUp();
        assertTrue(bob.awaitCallEnded(Duration.ofSeconds(10)), logs);
        assertHeard(alice, bob, logs);
    }

    private static TestServer.Builder node(StandaloneRelay relay, String address) {
        return CrossNodeProtocolTest.node(redis.uri(), "udp").property("sip.address", address)
                .property("cluster.node-uri", "sip:" + address + ":" + TestServer.SIP_PORT + ";transport=udp")
                .property("media.relay", "always").property("media.encryption", "mandatory")
                .property("relay.servers", relay.servers());
    }

    /** {@code user} (password USER-secret) registering over UDP on {@code node}. */
    private static SipAccount account(String user, TestServer node, String address) {
        return new SipAccount(user, user + "-secret", TestServer.DOMAIN, address, node.port());
    }
}
