package org.liaison.sip.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.sip.testing.Calls;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/**
 * Issue 11: a malformed response from a device the server forwarded to is dropped at the edge, never
 * relayed to the caller, and the call goes on when the device answers properly.
 */
class MalformedResponseTest {
    @TempDir
    Path root;

    @Test
    void aMalformedProvisionalResponseIsDroppedAndTheCallStillCompletes() throws Exception {
        try (TestServer server = TestServer.builder().user("alice", "alice-secret", "1001")
                .user("bob", "bob-secret", "1002").start(root);
                TestUa alice = new TestUa("alice", server); TestUa bob = new TestUa("bob", server)) {
            assertEquals(200, bob.register("bob-secret", "").status());
            String uri = "sip:bob@" + TestServer.DOMAIN;
            Calls.sendAuthenticated(alice, "alice-secret", uri, UUID.randomUUID().toString(), Calls.SDP);
            SipText invite = bob.awaitRequest("INVITE");

            // RFC 3261 §20: one From and one Call-ID per message; a proxy cannot tell which is meant
            bob.respond(invite, 183, "Session Progress", "bobtag", "From: <sip:mallory@evil.example>;tag=m\r\n", null);
            bob.respond(invite, 180, "Ringing", "bobtag", "Call-ID: another-call\r\n", null);
            assertTrue(alice.receivesNothing(m -> m.isResponse() && m.status() > 100 && m.status() < 200,
                    Duration.ofMillis(1500)), "a malformed provisional response was relayed");

            bob.respond(invite, 200, "OK", "bobtag", null, null);
            assertEquals(200, alice.await(m -> m.isResponse() && m.status() == 200, Duration.ofSeconds(5)).status());
        }
    }
}
