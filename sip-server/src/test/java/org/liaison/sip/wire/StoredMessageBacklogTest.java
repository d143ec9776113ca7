package org.liaison.sip.wire;

import static org.awaitility.Awaitility.await;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.liaison.sip.testing.LiaisonServer;
import org.liaison.sip.testing.LiaisonServer.Agent;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/**
 * A long backlog of stored chat messages (RFC 3428 store and forward): a thousand messages to an
 * offline user are each answered 202, and when the user's device registers it receives every one,
 * exactly once and in the order they were sent.
 */
@Timeout(60)
class StoredMessageBacklogTest {
    private static final int MESSAGES = 1000;
    /** Bounds on each phase; together under the 40 s the whole test may take. */
    private static final Duration STORE_ALL = Duration.ofSeconds(20);
    private static final Duration DELIVER_ALL = Duration.ofSeconds(20);

    @RegisterExtension
    final LiaisonServer liaison = LiaisonServer.started(TestServer.builder().user("alice", "alice-secret", "1001")
            .user("bob", "bob-secret", "1002")
            .property("im.device-answer-ms", "1000")
            // one test UA sends 2,000 requests back to back and never retransmits: far above what
            // the flood throttle lets one source send (security.udp.max-datagrams-per-source-per-second)
            .property("security.udp.max-datagrams-per-source-per-second", "1000000")
            // a full queue (im.max-queued-per-user) from one sender: what this test delivers, and
            // what im.max-queued-per-sender-per-user (100) refuses on a real site (SenderCapProtocolTest)
            .property("im.max-queued-per-sender-per-user", "1000"));
    @Agent TestUa alice;
    @Agent TestUa bob;

    @Test
    void thousandStoredMessagesAreDeliveredInSendOrderExactlyOnce() throws Exception {
        long storeStart = System.nanoTime();
        for (int i = 0; i < MESSAGES; i++) {
            SipText answer = alice.sendWithAuth(alice.messageRequest("sip:bob@" + TestServer.DOMAIN, UUID.randomUUID().toString(), "text/plain", body(i)), "alice-secret");
            assertEquals(202, answer.status(), () -> "message " + answer);
            assertTrue(System.nanoTime() - storeStart < STORE_ALL.toNanos(),
                    "storing took longer than " + STORE_ALL + "; stored " + (i + 1));
        }
        Duration stored = Duration.ofNanos(System.nanoTime() - storeStart);

        long deliverStart = System.nanoTime();
        assertEquals(200, bob.register("bob-secret", "").status());
        List<String> bodies = new ArrayList<>();
        Set<String> transactions = new HashSet<>();
        int retransmissions = 0;
        while (bodies.size() < MESSAGES) {
            assertTrue(System.nanoTime() - deliverStart < DELIVER_ALL.toNanos(),
                    "delivery took longer than " + DELIVER_ALL + "; delivered " + bodies.size());
            SipText m = bob.await(TestUa.STORED_MESSAGE, Duration.ofSeconds(5));
            bob.respond(m, 200, "OK", "b", null, null);
            // a UDP retransmission of a request already answered is the same transaction, not a new delivery
            if (!transactions.add(m.header("via").orElseThrow() + m.header("cseq").orElseThrow())) {
                retransmissions++;
                continue;
            }
            bodies.add(m.body());
        }
        Duration delivered = Duration.ofNanos(System.nanoTime() - deliverStart);
        System.out.printf("stored %d messages in %d ms, delivered them in %d ms (%d retransmissions)%n",
                MESSAGES, stored.toMillis(), delivered.toMillis(), retransmissions);

        assertEquals(IntStream.range(0, MESSAGES).mapToObj(StoredMessageBacklogTest::body).toList(), bodies);
        String device = liaison.server().server().locations().lookup("bob").get(0).key();
        await("every delivered message acknowledged").atMost(Duration.ofSeconds(5)).until(() -> liaison.server().server().messages().pendingFor("bob", device, 1).isEmpty());
        assertTrue(bob.receivesNothing(m -> TestUa.STORED_MESSAGE.test(m)
                && !transactions.contains(m.header("via").orElseThrow() + m.header("cseq").orElseThrow()),
                Duration.ofSeconds(1)), "a message beyond the thousand sent was delivered");
    }

    /** One after the other: the next stored message waits for the 2xx of the one before. */
    @Test
    void nextStoredMessageIsSentOnlyAfterThePreviousOneIsAcknowledged() throws Exception {
        for (int i = 0; i < 2; i++) {
            assertEquals(202, alice.sendWithAuth(alice.messageRequest("sip:bob@" + TestServer.DOMAIN, UUID.randomUUID().toString(), "text/plain", body(i)), "alice-secret").status());
        }
        assertEquals(200, bob.register("bob-secret", "").status());
        SipText first = bob.await(TestUa.STORED_MESSAGE, Duration.ofSeconds(5));
        assertEquals(body(0), first.body());
        String firstCallId = first.header("call-id").orElseThrow();
        // retransmissions of the first (UDP, RFC 3261 Timer E) may come; the second must not yet
        assertTrue(bob.receivesNothing(m -> TestUa.STORED_MESSAGE.test(m) && !firstCallId.equals(m.header("call-id")
                .orElse("")), Duration.ofMillis(1500)), "the second message was sent before the first was answered");
        bob.respond(first, 200, "OK", "b", null, null);
        SipText second = bob.await(m -> TestUa.STORED_MESSAGE.test(m) && !firstCallId.equals(m.header("call-id").orElse("")),
                Duration.ofSeconds(5));
        assertEquals(body(1), second.body());
        bob.respond(second, 200, "OK", "b", null, null);
    }

    private static String body(int i) {
        return String.format("backlog %04d", i);
    }

}
