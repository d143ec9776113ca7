package org.liaison.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.liaison.sip.proxy.LoopDetector;
import org.liaison.sip.testing.LiaisonServer;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/**
 * A response no transaction holds goes back by its own Via (a relayed request's answer, RFC 3261 §16.11), and anyone
 * can send us one: it is held to security.allowed-destinations as every request the server sends, so the server
 * reflects nothing to an address the admin did not allow.
 */
class StrayResponseTest {
    @RegisterExtension
    final LiaisonServer liaison = LiaisonServer.started(TestServer.builder()
            .property("security.allowed-destinations", "127.0.0.1/32"));

    @Test
    void aResponseForOurRelayBranchGoesOnlyToAnAllowedDestination() throws Exception {
        TestUa sender = liaison.ua("alice");
        TestUa allowed = liaison.ua("bob");
        TestUa notAllowed = liaison.own(TestUa.fromAddress("carol", liaison.server(), "127.0.0.9"));

        sender.send(response(allowed));
        assertEquals(200, allowed.awaitResponse("MESSAGE", 200).status());

        sender.send(response(notAllowed));
        assertTrue(notAllowed.receivesNothing(m -> true, Duration.ofSeconds(1)), "reflected to a refused address");
    }

    /** A 200 whose top Via is a relay branch of the server's, and whose next Via names {@code next}. */
    private String response(TestUa next) {
        String relayBranch = LoopDetector.BRANCH_MARK + "0123456789ab.s1";
        return "SIP/2.0 200 OK\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + liaison.server().port() + ";branch=" + relayBranch + "\r\n"
                + "Via: " + next.via(TestUa.newBranch()) + "\r\n"
                + "From: <sip:alice@" + TestServer.DOMAIN + ">;tag=a\r\n"
                + "To: <sip:bob@" + TestServer.DOMAIN + ">;tag=b\r\n"
                + "Call-ID: " + TestUa.newBranch() + "\r\n"
                + "CSeq: 1 MESSAGE\r\n"
                + "Content-Length: 0\r\n\r\n";
    }
}
