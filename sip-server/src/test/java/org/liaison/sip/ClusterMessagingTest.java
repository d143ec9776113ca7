package org.liaison.sip;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.liaison.im.redis.RedisPerClass;
import org.liaison.sip.testing.CapturedLog;
import org.liaison.sip.testing.LiaisonServer;
import org.liaison.sip.testing.LiaisonServer.Agent;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/** Stored messages in cluster mode (issue 10 item 3): what one node accepted, another delivers; Redis hanging. */
class ClusterMessagingTest {
    private static final String DOMAIN = TestServer.DOMAIN;

    @RegisterExtension
    static final RedisPerClass redis = RedisPerClass.durable();

    @RegisterExtension
    final LiaisonServer liaison = LiaisonServer.started(node());
    @Agent TestUa alice;
    @Agent TestUa bob;

    private static TestServer.Builder node() {
        return TestServer.builder().userLine("alice,clrtxt:alice-secret,alice Test,1001,staff")
                .userLine("bob,clrtxt:bob-secret,bob Test,1002,staff")
                .userLine("carol,clrtxt:carol-secret,carol Test,1003,staff")
                .property("im.device-answer-ms", "700")
                .property("cluster.redis-uri", redis.server().uri()).property("cluster.node-uri", "sip:127.0.0.1;transport=udp");
    }

    private SipText message(TestUa from, String to, String body) throws IOException {
        return from.sendWithAuth(from.messageRequest(to, UUID.randomUUID().toString(), "text/plain", body),
                from.user() + "-secret");
    }

    @Test
    void messagesAcceptedByANodeThatThenStopsAreDeliveredByAnotherAtTheNextRegisterInOrderAndOnce() throws Exception {
        for (int i = 1; i <= 3; i++) {
            assertEquals(202, message(alice, "sip:bob@" + DOMAIN, "m" + i).status());
        }
        assertEquals(202, message(alice, "sip:staff@" + DOMAIN, "to the team").status());
        TestServer nodeB = liaison.own(node().start(liaison.directory().resolve("node-b")));
        liaison.server().stop();

        TestUa bobOnB = liaison.own(new TestUa("bob", nodeB));
        assertEquals(200, bobOnB.register("bob-secret", "").status());

        List<String> received = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            SipText delivered = bobOnB.await(TestUa.STORED_MESSAGE, Duration.ofSeconds(5));
            received.add(delivered.body());
            bobOnB.respond(delivered, 200, "OK", "b", null, null);
        }
        assertEquals(List.of("m1", "m2", "m3", "to the team"), received, "oldest first");
        assertTrue(bobOnB.receivesNothing(TestUa.STORED_MESSAGE, Duration.ofSeconds(1)), "each once");
        // bob's four are deleted; the post waits for carol
        await("what bob has deleted").atMost(Duration.ofSeconds(5))
                .until(() -> nodeB.server().messages().count() == 1);
    }

    /** A receipt (IMDN) is a stored message to Redis too: kept decoded by one node, delivered readable by another. */
    @Test
    void aCompressedReceiptKeptByOneNodeIsDeliveredDecodedByAnother() throws Exception {
        String xml = LinphoneNotifications.deliveredXml("m-1");
        assertEquals(202, LinphoneNotifications.send(bob, "bob-secret", "sip:alice@" + DOMAIN, "message/imdn+xml",
                "deflate", LinphoneNotifications.deflate(xml)).status());
        TestServer nodeB = liaison.own(node().start(liaison.directory().resolve("node-b")));

        TestUa aliceOnB = liaison.own(new TestUa("alice", nodeB));
        assertEquals(200, aliceOnB.register("alice-secret", "").status());
        SipText delivered = aliceOnB.await(TestUa.STORED_MESSAGE, Duration.ofSeconds(5));
        assertEquals("message/imdn+xml", delivered.header("content-type").orElseThrow());
        assertEquals(xml, delivered.body());
        aliceOnB.respond(delivered, 200, "OK", "a", null, null);
    }

    @Test
    void aNodeDeliveringToADeviceHoldsItsLeaseInRedisUntilTheDeviceHasItsMessages() throws Exception {
        assertEquals(202, message(alice, "sip:bob@" + DOMAIN, "m1").status());
        assertEquals(200, bob.register("bob-secret", "").status());

        SipText delivered = bob.await(TestUa.STORED_MESSAGE, Duration.ofSeconds(5));
        // while the device has not answered, no other node may start a delivery to it
        assertEquals(":1", leasesInRedis());
        bob.respond(delivered, 200, "OK", "b", null, null);

        await("the lease released").atMost(Duration.ofSeconds(5)).until(() -> leasesInRedis().equals(":0"));
    }

    private static String leasesInRedis() throws IOException {
        return redis.command("EVAL", "return #redis.call('KEYS', 'liaison:im:lease:*')", "0");
    }

    @Test
    void aHangingRedisOnlyTheMessageStoreMeetsIsLoggedOnceAndMessagesGoOutWhenItAnswersAgain() throws Exception {
        assertEquals(200, bob.register("bob-secret", "").status());
        List<String> warnings;
        try (CapturedLog log = CapturedLog.start()) {
            String request = alice.messageRequest("sip:bob@" + DOMAIN, UUID.randomUUID().toString(), "text/plain",
                    "while redis hangs");
            alice.sendAnsweringChallenge(request, "alice-secret");
            // bob's phone does not answer: when im.device-answer-ms has passed the node stores the message
            bob.awaitRequest("MESSAGE");
            redis.server().pause();
            SipText refused;
            try {
                refused = alice.await(m -> m.isResponse() && m.cseqMethod().equals("MESSAGE") && m.status() >= 200,
                        Duration.ofSeconds(10));
            } finally {
                redis.server().resume();
            }
            assertEquals(503, refused.status(), refused.toString());
            assertEquals("5", refused.header("retry-after").orElseThrow().trim());

            String unregister = bob.registerRequest(UUID.randomUUID().toString(), 0, "");
            assertEquals(200, bob.sendWithAuth(unregister, "bob-secret").status());
            assertEquals(202, message(alice, "sip:bob@" + DOMAIN, "after").status());
            assertEquals(200, bob.register("bob-secret", "").status());
            // the command that timed out may have run once Redis woke up (architecture.md): then it comes first
            String body;
            do {
                SipText delivered = bob.await(TestUa.STORED_MESSAGE, Duration.ofSeconds(5));
                body = delivered.body();
                bob.respond(delivered, 200, "OK", "b", null, null);
            } while (!body.equals("after"));
            await("the outage's end to be logged").atMost(Duration.ofSeconds(10))
                    .until(() -> log.has(Level.INFO, "reachable again"));
            warnings = log.warnings();
        }
        assertEquals(1, warnings.size(), "one warning for the outage: " + warnings);
        assertTrue(warnings.get(0).contains("unreachable"), warnings.get(0));
    }
}
