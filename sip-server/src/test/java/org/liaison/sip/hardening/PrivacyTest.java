package org.liaison.sip.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.sip.testing.Calls;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/**
 * Issue 5, privacy: nothing the server sends carries a Server or User-Agent header (no version
 * banner for scanners to match), and what it adds to a request it forwards is what RFC 3261 requires
 * and no more: one Via (§16.6 step 8) and its Record-Route (§16.6 step 4), both naming the address
 * it listens on; the responses it returns carry no Via of its own (§16.7 step 3).
 */
@Timeout(60)
class PrivacyTest {
    @TempDir
    Path root;

    @Test
    void noVersionBannerAndNoTopologyBeyondViaAndRecordRoute() throws Exception {
        try (TestServer server = TestServer.builder().user("alice", "alice-secret", "1001")
                .user("bob", "bob-secret", "1002").start(root);
                TestUa alice = new TestUa("alice", server);
                TestUa bob = new TestUa("bob", server)) {
            List<SipText> fromServer = new ArrayList<>();
            alice.send(alice.optionsRequest());
            fromServer.add(alice.awaitResponse("OPTIONS", 200));
            alice.send(alice.registerRequest(UUID.randomUUID().toString(), 3600, "").replace("{auth}", ""));
            fromServer.add(alice.awaitResponse("REGISTER", 400));
            fromServer.add(bob.register("bob-secret", ""));
            fromServer.add(alice.sendWithAuth(Calls.invite(alice, "sip:nobody@" + TestServer.DOMAIN,
                    UUID.randomUUID().toString()), "alice-secret"));
            alice.send("OPTIONS sip:" + TestServer.DOMAIN + " SIP/2.0\r\n" + "Via: " + alice.via(TestUa.newBranch())
                    + "\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: x\r\nCSeq: nonsense\r\n\r\n");
            // the stack's own 400 (its CSeq is the client's, so it is matched by status)
            fromServer.add(alice.await(m -> m.isResponse() && m.status() == 400, Duration.ofSeconds(5)));

            String callId = UUID.randomUUID().toString();
            SipText sent = SipText.parse(Calls.invite(alice, "sip:bob@" + TestServer.DOMAIN, callId)
                    .replace("{auth}", ""));
            alice.sendWithAuth(Calls.invite(alice, "sip:bob@" + TestServer.DOMAIN, callId), "alice-secret");
            SipText forwarded = bob.awaitRequest("INVITE");
            fromServer.add(forwarded);
            bob.respond(forwarded, 486, "Busy Here", "bobtag", null, null);
            SipText busy = alice.await(m -> m.isResponse() && m.status() == 486, Duration.ofSeconds(5));
            fromServer.add(busy);

            for (SipText message : fromServer) {
                assertTrue(message.header("server").isEmpty() && message.header("user-agent").isEmpty(),
                        "a version banner in\n" + message);
            }
            String us = server.host() + ":" + server.port();
            assertEquals(vias(sent).size() + 1, vias(forwarded).size(), forwarded.toString());
            assertTrue(vias(forwarded).get(0).contains(us), forwarded.toString());
            assertTrue(forwarded.header("proxy-authorization").isEmpty(), "alice's credentials went on to bob");
            for (String recordRoute : Calls.recordRoutes(forwarded)) {
                assertTrue(recordRoute.contains(us), "a Record-Route naming another address: " + recordRoute);
            }
            assertEquals(vias(sent).size(), vias(busy).size(), busy.toString());
            assertTrue(vias(busy).stream().noneMatch(v -> v.contains(us)), busy.toString());
        }
    }

    /** Via entries in order; one header line may hold several, comma-separated. */
    private static List<String> vias(SipText message) {
        List<String> all = new ArrayList<>();
        message.all("via").forEach(v -> all.addAll(List.of(v.split(",\\s*(?=SIP/)"))));
        return all;
    }
}
