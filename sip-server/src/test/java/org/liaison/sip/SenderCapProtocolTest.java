package org.liaison.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.liaison.sip.testing.LiaisonServer;
import org.liaison.sip.testing.LiaisonServer.Agent;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/** Issue 16, item 6: one sender cannot fill an offline user's queue and shut everyone else out. */
class SenderCapProtocolTest {
    private static final String BOB = "sip:bob@" + TestServer.DOMAIN;

    @RegisterExtension
    final LiaisonServer liaison = LiaisonServer.started(TestServer.builder().user("alice", "alice-secret", "1001")
            .user("bob", "bob-secret", "1002").user("carol", "carol-secret", "1003")
            .property("im.max-queued-per-sender-per-user", "3"));
    @Agent TestUa alice;
    @Agent TestUa bob;
    @Agent TestUa carol;

    @Test
    void pastItsShareASenderGets480WhileAnotherSendersMessageIsStillStoredAndDelivered() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertEquals(202, send(alice, "alice-secret", "spam " + i).status());
        }
        SipText refused = send(alice, "alice-secret", "spam 3");
        assertEquals(480, refused.status());
        assertEquals(202, send(carol, "carol-secret", "hello bob").status());

        assertEquals(200, bob.register("bob-secret", "").status());
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            SipText m = bob.await(TestUa.STORED_MESSAGE, Duration.ofSeconds(5));
            bodies.add(m.body());
            bob.respond(m, 200, "OK", "b", null, null);
        }
        assertEquals(List.of("spam 0", "spam 1", "spam 2", "hello bob"), bodies);
    }

    private static SipText send(TestUa from, String password, String body) throws Exception {
        return from.sendWithAuth(from.messageRequest(BOB, UUID.randomUUID().toString(), "text/plain", body), password);
    }
}
