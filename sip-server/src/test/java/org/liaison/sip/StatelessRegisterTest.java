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

            alice.send(exchange.retry()); // the same datagram again: what a client sends when the 200 is lost
            SipText again = alice.awaitResponse("REGISTER", 200);
            assertEquals(401, again.status(), "the retransmission was answered from a transaction: " + again);
            assertEquals("true",
                    TestUa.param(again.header("www-authenticate").orElseThrow(), "stale").toLowerCase());
            assertTrue(alice.receivesNothing(SipText::isResponse, LISTEN), "more than one answer to one datagram");

            String fresh = alice.answering(register, again, "alice-secret");
            alice.send(fresh);
            SipText ok = alice.awaitResponse("REGISTER", 200);
            assertEquals(200, ok.status());
            assertEquals(1, ok.all("contact").size(), "one device, one binding: " + ok);
        }
    }
}
