package org.liaison.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.liaison.sip.testing.CapturedLog;
import org.liaison.sip.testing.LiaisonServer;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.testing.Subscriber;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/** A presence subscriber over TLS gets its NOTIFYs over its own connection. */
class TlsPresenceTest {
    private static final String DOMAIN = TestServer.DOMAIN;

    @RegisterExtension
    final LiaisonServer liaison = LiaisonServer.started(TestServer.builder().withTls()
            .user("alice", "alice-secret", "1001").user("bob", "bob-secret", "1002")
            .user("carol", "carol-secret", "1003"));

    @Test
    void aSubscriberOverTlsGetsItsNotifyOnItsConnection() throws Exception {
        TestUa alice = liaison.own(TestUa.overTls("alice", liaison.server()));
        assertEquals(200, alice.register("alice-secret", "").status());
        Subscriber watcher = new Subscriber(alice, "alice-secret");
        assertEquals(200, watcher.subscribe("sip:bob@" + DOMAIN, 600).status());
        assertTrue(watcher.awaitNotify().body().contains("<basic>closed</basic>"));
    }

    /**
     * What a provisioned liblinphone does with {@code [sip] rls_uri}: one list SUBSCRIBE over its TLS connection,
     * its GRUU ({@code sips:}) as Contact. The list NOTIFY goes over that connection; the server opens no connection
     * of its own (the phone's source port is ephemeral: JAIN-SIP 1.3.0-91 looped connecting there) and keeps
     * answering everyone else.
     */
    @Test
    void aListSubscriberOverTlsWithItsGruuAsContactGetsTheNotifyAndOthersAreStillServed() throws Exception {
        TestUa bob = liaison.own(TestUa.overTls("bob", liaison.server()));
        String instance = "urn:uuid:" + UUID.randomUUID();
        assertEquals(200, bob.register("bob-secret", ";+sip.instance=\"<" + instance + ">\"").status());
        TestUa alice = liaison.own(new TestUa("alice", liaison.server()));
        try (CapturedLog log = CapturedLog.start()) {
            String callId = "list-" + UUID.randomUUID();
            SipText ok = bob.sendWithAuth("SUBSCRIBE sip:rls@" + DOMAIN + " SIP/2.0\r\n"
                    + "Via: " + bob.via(TestUa.newBranch()) + "\r\n"
                    + "Max-Forwards: 70\r\n"
                    + "From: <" + bob.aor() + ">;tag=list\r\n"
                    + "To: <sip:rls@" + DOMAIN + ">\r\n"
                    + "Call-ID: " + callId + "\r\n"
                    + "CSeq: " + bob.nextCseq() + " SUBSCRIBE\r\n"
                    + "Contact: <sips:bob@" + DOMAIN + ";gr=" + instance + ">\r\n"
                    + "Event: presence\r\n"
                    + "Supported: eventlist\r\n"
                    + "Accept: multipart/related, application/rlmi+xml, application/pidf+xml\r\n"
                    + "Expires: 600\r\n"
                    + "{auth}"
                    + "Content-Length: 0\r\n\r\n", "bob-secret");
            assertEquals(200, ok.status(), ok.toString());

            SipText notify = bob.await(Subscriber.NOTIFY, Duration.ofSeconds(5));
            assertTrue(notify.body().contains("<resource uri=\"sip:carol@" + DOMAIN + "\""), notify.toString());
            bob.respond(notify, 200, "OK", null, null, null);

            String message = alice.messageRequest("sip:carol@" + DOMAIN, UUID.randomUUID().toString(), "text/plain",
                    "still served");
            assertEquals(407, alice.sendAnsweringChallenge(message, "alice-secret").first().status(),
                    "another phone's request is answered");
            assertTrue(log.warnings().stream().noneMatch(w -> w.contains("Old socket")), log.warnings().toString());
        }
    }
}
