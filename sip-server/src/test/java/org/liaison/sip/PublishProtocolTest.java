package org.liaison.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.liaison.sip.testing.Calls;
import org.liaison.sip.testing.LiaisonServer;
import org.liaison.sip.testing.LiaisonServer.Agent;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.testing.Subscriber;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/** PUBLISH of presence (RFC 3903) over the real server, and what watchers see of it. */
class PublishProtocolTest {
    private static final String BOB = "sip:bob@" + TestServer.DOMAIN;
    private static final String BUSY = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" xmlns:dm=\"urn:ietf:params:xml:ns:pidf:data-model\""
            + " xmlns:rpid=\"urn:ietf:params:xml:ns:pidf:rpid\" entity=\"" + BOB + "\"><tuple id=\"a1\"><status>"
            + "<basic>open</basic></status></tuple><dm:person id=\"b1\"><rpid:activities><rpid:busy/>"
            + "</rpid:activities></dm:person></presence>";
    private static final String AWAY = BUSY.replace("<rpid:busy/>", "<rpid:away/>");
    /** What liblinphone 5.1 publishes at start, its user having chosen nothing (captured from its PUBLISH). */
    private static final String LINPHONE_ONLINE = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<presence xmlns:pidfonline=\"http://www.linphone.org/xsds/pidfonline.xsd\" entity=\"" + BOB + "\""
            + " xmlns=\"urn:ietf:params:xml:ns:pidf\"><tuple id=\"pf.b-1\"><status><basic>open</basic>"
            + "<pidfonline:online/></status><contact priority=\"0.8\">" + BOB + "</contact></tuple></presence>";

    @RegisterExtension
    final LiaisonServer liaison = LiaisonServer.started(TestServer.builder().user("alice", "alice-secret", "1001")
            .user("bob", "bob-secret", "1002").property("presence.notify-interval-ms", "0"));
    @Agent TestUa alice;
    @Agent TestUa bob;

    @Test
    void publishGets200WithAnEtagAndWatchersSeeThePublishedState() throws Exception {
        assertEquals(200, bob.register("bob-secret", "").status());
        Subscriber watcher = new Subscriber(alice, "alice-secret");
        assertEquals(200, watcher.subscribe(BOB, 600).status());
        assertTrue(watcher.awaitNotify().body().contains("<basic>open</basic>"));

        SipText ok = publish(bob, BOB, null, 600, BUSY);
        assertEquals(200, ok.status(), ok.toString());
        assertTrue(ok.header("sip-etag").isPresent());
        assertEquals("600", ok.header("expires").orElseThrow());
        assertTrue(watcher.awaitNotify().body().contains("<rpid:busy/>"));
    }

    @Test
    void refreshAndModifyGetANewEtagAndRemovalBringsBackWhatTheServerKnows() throws Exception {
        assertEquals(200, bob.register("bob-secret", "").status());
        Subscriber watcher = new Subscriber(alice, "alice-secret");
        assertEquals(200, watcher.subscribe(BOB, 600).status());
        watcher.awaitNotify();
        String etag = publish(bob, BOB, null, 600, BUSY).header("sip-etag").orElseThrow();
        assertTrue(watcher.awaitNotify().body().contains("<rpid:busy/>"));

        SipText refreshed = publish(bob, BOB, etag, 600, null);
        assertEquals(200, refreshed.status());
        String next = refreshed.header("sip-etag").orElseThrow();
        assertNotEquals(etag, next);
        assertEquals(412, publish(bob, BOB, etag, 600, null).status()); // the old tag is gone

        SipText modified = publish(bob, BOB, next, 600, AWAY);
        assertEquals(200, modified.status());
        assertTrue(watcher.awaitNotify().body().contains("<rpid:away/>"));

        assertEquals(200, publish(bob, BOB, modified.header("sip-etag").orElseThrow(), 0, null).status());
        SipText derived = watcher.awaitNotify();
        assertTrue(derived.body().contains("<basic>open</basic>") && !derived.body().contains("away"), derived.body());
    }

    @Test
    void aPublishedAvailableGivesWayToOnThePhoneDuringACallAndComesBackAfter() throws Exception {
        assertEquals(200, publish(bob, BOB, null, 600, LINPHONE_ONLINE).status());
        assertEquals(200, bob.register("bob-secret", "").status());
        Subscriber watcher = new Subscriber(alice, "alice-secret");
        assertEquals(200, watcher.subscribe(BOB, 600).status());
        assertTrue(watcher.awaitNotify().body().contains("<pidfonline:online/>"));
        assertEquals(200, alice.register("alice-secret", "").status());

        Calls.sendAuthenticated(alice, "alice-secret", BOB, "call-" + UUID.randomUUID(), Calls.SDP);
        SipText ok = Calls.answer(alice, bob, bob.awaitRequest("INVITE"), "callee");
        SipText inCall = watcher.awaitNotify();
        assertTrue(inCall.body().contains("<rpid:on-the-phone/>") && !inCall.body().contains("pidfonline"),
                inCall.body());

        assertEquals(200, Calls.hangUp(alice, bob, ok));
        assertTrue(watcher.awaitNotify().body().contains("<pidfonline:online/>"));
    }

    @Test
    void aPublishedBusyStaysDuringACall() throws Exception {
        assertEquals(200, bob.register("bob-secret", "").status());
        assertEquals(200, alice.register("alice-secret", "").status());
        assertEquals(200, publish(bob, BOB, null, 600, BUSY).status());
        Calls.sendAuthenticated(alice, "alice-secret", BOB, "call-" + UUID.randomUUID(), Calls.SDP);
        Calls.answer(alice, bob, bob.awaitRequest("INVITE"), "callee");

        Subscriber watcher = new Subscriber(alice, "alice-secret");
        assertEquals(200, watcher.subscribe(BOB, 600).status());
        SipText notify = watcher.awaitNotify();
        assertTrue(notify.body().contains("<rpid:busy/>") && !notify.body().contains("on-the-phone"), notify.body());
    }

    @Test
    void anUnknownEtagGets412() throws Exception {
        assertEquals(412, publish(bob, BOB, "0123456789abcdef01234567", 600, null).status());
        assertEquals(412, publish(bob, BOB, "0123456789abcdef01234567", 0, null).status());
    }

    @Test
    void publishBelowTheMinimumGets423() throws Exception {
        SipText brief = publish(bob, BOB, null, 5, BUSY);
        assertEquals(423, brief.status());
        assertEquals("60", brief.header("min-expires").orElseThrow());
    }

    @Test
    void publishingSomeoneElsesPresenceGets403() throws Exception {
        assertEquals(403, publish(alice, BOB, null, 600, BUSY).status());
    }

    @Test
    void aDocumentThatIsNotPidfIsRefusedAndChangesNothing() throws Exception {
        assertEquals(400, publish(bob, BOB, null, 600, "<presence><unclosed></presence>").status());
        assertEquals(400, publish(bob, BOB, null, 600, "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM"
                + " \"file:///etc/passwd\">]><presence xmlns=\"urn:ietf:params:xml:ns:pidf\">&e;</presence>")
                .status());
        assertEquals(413, publish(bob, BOB, null, 600, BUSY.replace("<tuple", "<!--" + "x".repeat(20_000)
                + "--><tuple")).status());
        String text = publishRequest(bob, BOB, null, 600, "hello").replace("application/pidf+xml", "text/plain");
        assertEquals(415, bob.sendWithAuth(text, "bob-secret").status());
    }

    @Test
    void withNoRegisteredDeviceAPublishedStateShowsOffline() throws Exception {
        assertEquals(200, publish(bob, BOB, null, 600, BUSY).status());
        Subscriber watcher = new Subscriber(alice, "alice-secret");
        assertEquals(200, watcher.subscribe(BOB, 600).status());
        SipText notify = watcher.awaitNotify();
        assertTrue(notify.body().contains("<basic>closed</basic>") && !notify.body().contains("busy"), notify.body());
    }

    private static SipText publish(TestUa ua, String target, String etag, int expires, String document)
            throws IOException {
        return ua.sendWithAuth(publishRequest(ua, target, etag, expires, document), ua.user() + "-secret");
    }

    private static String publishRequest(TestUa ua, String target, String etag, int expires, String document) {
        String body = document == null ? "" : document;
        return "PUBLISH " + target + " SIP/2.0\r\n"
                + "Via: " + ua.via(TestUa.newBranch()) + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <" + ua.aor() + ">;tag=p" + ua.nextCseq() + "\r\n"
                + "To: <" + target + ">\r\n"
                + "Call-ID: pub-" + UUID.randomUUID() + "\r\n"
                + "CSeq: " + ua.nextCseq() + " PUBLISH\r\n"
                + "Event: presence\r\n"
                + "Expires: " + expires + "\r\n"
                + (etag == null ? "" : "SIP-If-Match: " + etag + "\r\n")
                + (document == null ? "" : "Content-Type: application/pidf+xml\r\n")
                + "{auth}"
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }
}
