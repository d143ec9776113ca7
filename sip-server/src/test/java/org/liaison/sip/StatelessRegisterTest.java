package org.liaison.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/**
 * Issue 12: the registrar answers without a server transaction, as Kamailio's does, so nothing is kept per
 * registration. A retransmission of a REGISTER that was answered (its 200 lost) therefore is not absorbed by a
 * transaction resending the 200: its nonce-count is spent, so it is challenged again with stale=TRUE (RFC 7616 §3.4),
 * and the client's next REGISTER with the fresh nonce succeeds. Real socket, raw SIP.
 */
@Timeout(30)
class StatelessRegisterTest {
    /** Beyond the retransmissions a server transaction would make of its 200 (RFC 3261 §17.2.2: it resends it once
     * per retransmitted request, and this test retransmits once). */
    private static final Duration LISTEN = Duration.ofSeconds(2);

    /** RFC 3261's T1: a UDP client's first retransmission interval. */
    private static final Duration T1 = Duration.ofMillis(500);

    @TempDir
    Path root;

    @Test
    void aRetransmittedRegisterIsChallengedAgainAndTheNextOneSucceeds() throws Exception {
        try (TestServer server = TestServer.builder().user("alice", "alice-secret", "1001").start(root);
                TestUa alice = new TestUa("alice", server)) {
            String register = alice.registerRequest(UUID.randomUUID().toString(), 3600, "");
            TestUa.Challenged exchange = alice.sendAnsweringChallenge(register, "alice-secret");
            assertEquals(401, exchange.first().status());
            assertEquals(200, alice.awaitResponse("REGISTER", 200).status());

            // the same datagram again, as a client whose 200 was lost resends it on Timer E (T1, then 2*T1, ...);
            // the stack drops a copy that arrives while the original is still in the listener, so a resend that
            // follows the 200 at once may go unanswered, exactly as on a real network where the next one comes
            int sent = 0;
            SipText again = null;
            for (Duration wait = T1; again == null && sent < 4; wait = wait.multipliedBy(2)) {
                alice.send(exchange.retry());
                sent++;
                again = answerWithin(alice, wait);
            }
            assertTrue(again != null, "no answer to " + sent + " retransmissions");
            assertEquals(401, again.status(), "the retransmission was answered from a transaction: " + again);
            assertEquals("true",
                    TestUa.param(again.header("www-authenticate").orElseThrow(), "stale").toLowerCase());
            for (int late = 1; late < sent; late++) { // an earlier copy may still be answered, never with a 200
                SipText extra = answerWithin(alice, LISTEN);
                if (extra == null) {
                    break;
                }
                assertEquals(401, extra.status(), "a retransmission was answered from a transaction: " + extra);
            }
            assertTrue(alice.receivesNothing(SipText::isResponse, LISTEN), "more answers than datagrams sent");

            String fresh = alice.answering(register, again, "alice-secret");
            alice.send(fresh);
            SipText ok = alice.awaitResponse("REGISTER", 200);
            assertEquals(200, ok.status());
            assertEquals(1, ok.all("contact").size(), "one device, one binding: " + ok);
        }
    }

    private static SipText answerWithin(TestUa ua, Duration wait) throws Exception {
        try {
            return ua.await(m -> m.isResponse() && m.cseqMethod().equals("REGISTER"), wait);
        } catch (AssertionError none) {
            return null;
        }
    }
}
