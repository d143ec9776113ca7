package org.liaison.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.liaison.im.redis.RedisPerClass;
import org.liaison.sip.testing.LiaisonServer;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/**
 * Cluster mode: a node knows which users have no stored message waiting (cluster.KnownEmptyQueues), so their
 * REGISTERs skip the store's round trip, and a message stored through any node ends what every node knew.
 */
class NothingWaitingProtocolTest {
    private static final String DOMAIN = TestServer.DOMAIN;

    @RegisterExtension
    static final RedisPerClass redis = RedisPerClass.durable();

    @RegisterExtension
    final LiaisonServer liaison = LiaisonServer.notStarted();
    private TestServer nodeA;
    private TestServer nodeB;

    @BeforeEach
    void startTwoNodes() throws Exception {
        nodeA = liaison.start(CrossNodeProtocolTest.node(redis.uri(), "udp"));
        nodeB = liaison.own(CrossNodeProtocolTest.node(redis.uri(), "udp").start(liaison.directory().resolve("node-b")));
    }

    /**
     * Issue 10's cost target: a known phone's REGISTER sends Redis one command, the bindings script: not another
     * asking whether messages wait, and nothing for its nonce-count (each node counts its own nonces in memory). Two REGISTERs are watched so that whatever the first
     * one does after its 200 (the check runs then) is seen before the watch ends.
     */
    @Test
    void aReRegisterOfAUserWithNothingWaitingCostsOneRoundTrip() throws Exception {
        TestUa bob = liaison.own(new TestUa("bob", nodeA));
        assertEquals(200, bob.register("bob-secret", "").status());
        assertEquals(200, bob.register("bob-secret", "").status());

        List<String> sent = redis.server().commandsSentDuring(() -> {
            try {
                assertEquals(200, bob.register("bob-secret", "").status());
                assertEquals(200, bob.register("bob-secret", "").status());
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });

        // the node's timers (the purge, leases) may send meanwhile: only what names bob or a nonce is the REGISTERs'
        List<String> forRegisters = sent.stream()
                .filter(command -> command.contains("bob") || command.contains("\"liaison:nc:")).toList();
        assertTrue(forRegisters.stream().noneMatch(command -> command.contains("\"EXISTS\"")),
                String.join("\n", forRegisters));
        assertEquals(2, forRegisters.size(), "one per REGISTER:\n" + String.join("\n", forRegisters));
        assertTrue(forRegisters.stream().allMatch(command -> command.contains("\"liaison:reg:bob\"")
                && !command.contains("\"liaison:nc:")), String.join("\n", forRegisters));
    }

    /** RFC 3428 §7: a message accepted (202) must reach the user, whichever node it was stored through. */
    @Test
    void aMessageStoredThroughNodeAReachesTheUserRegisteringOnNodeBThatKnewHimWithNothingWaiting() throws Exception {
        TestUa bob = liaison.own(new TestUa("bob", nodeB));
        assertEquals(200, bob.register("bob-secret", "").status()); // node B notes: nothing waits for bob
        assertEquals(200, bob.sendWithAuth(bob.registerRequest(UUID.randomUUID().toString(), 0, ""), "bob-secret")
                .status());

        TestUa alice = liaison.own(new TestUa("alice", nodeA));
        String message = alice.messageRequest("sip:bob@" + DOMAIN, UUID.randomUUID().toString(), "text/plain",
                "kept through node a");
        assertEquals(202, alice.sendWithAuth(message, "alice-secret").status());

        assertEquals(200, bob.register("bob-secret", "").status());
        SipText received = bob.awaitRequest("MESSAGE");
        assertEquals("kept through node a", received.body());
    }
}
