package org.liaison.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.liaison.sip.testing.LiaisonServer;
import org.liaison.sip.testing.LiaisonServer.Agent;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.testing.Subscriber;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/** The directory as one list subscription (RFC 4662) at sip:rls@DOMAIN, over the real server. */
class ResourceListProtocolTest {
    private static final String DOMAIN = TestServer.DOMAIN;
    private static final String LIST = "sip:rls@" + DOMAIN;
    private static final String EVENTLIST = "Supported: eventlist\r\n"
            + "Accept: multipart/related, application/rlmi+xml, application/pidf+xml\r\n";

    @RegisterExtension
    final LiaisonServer liaison = LiaisonServer.started(TestServer.builder().user("alice", "alice-secret", "1001")
            .user("bob", "bob-secret", "1002").user("carol", "carol-secret", "1003")
            .userLine("dave,clrtxt:dave-secret,Dave Board,1004,board")
            .configFile("groups.csv", "group,display_name,extension,visibility\nboard,Board,,members\n")
            .property("presence.notify-interval-ms", "0"));
    @Agent TestUa alice;
    @Agent TestUa bob;

    @Test
    void theListShowsEveryoneTheSubscriberSeesAndNoneOfTheHidden() throws Exception {
        assertEquals(200, bob.register("bob-secret", "").status());
        Subscriber watcher = new Subscriber(alice, "alice-secret");
        SipText ok = watcher.subscribe(LIST, 600, EVENTLIST, null, null);
        assertEquals(200, ok.status(), ok.toString());
        assertEquals("eventlist", ok.header("require").orElseThrow());
        SipText notify = watcher.awaitNotify();
        assertTrue(notify.header("content-type").orElseThrow().startsWith("multipart/related"));
        String body = notify.body();
        assertTrue(body.contains("fullState=\"true\"") && body.contains("version=\"0\""), body);
        assertTrue(body.contains("<resource uri=\"sip:bob@" + DOMAIN + "\""), body);
        assertTrue(body.contains("<resource uri=\"sip:carol@" + DOMAIN + "\""), body);
        assertFalse(body.contains("dave"), "a members-only group's member leaked: " + body);
        assertFalse(body.contains("<resource uri=\"sip:alice@"), body);
        assertEquals(2, count(body, "<basic>"), body); // bob open, carol closed
        assertTrue(body.contains("<basic>open</basic>") && body.contains("<basic>closed</basic>"), body);
    }

    @Test
    void aChangeIsSentAsPartialStateOfThatPersonOnly() throws Exception {
        Subscriber watcher = new Subscriber(alice, "alice-secret");
        assertEquals(200, watcher.subscribe(LIST, 600, EVENTLIST, null, null).status());
        watcher.awaitNotify();
        assertEquals(200, bob.sendWithAuth(bob.registerRequest(UUID.randomUUID().toString(), 3600, ""), "bob-secret")
                .status());
        String partial = watcher.awaitNotify().body();
        assertTrue(partial.contains("fullState=\"false\"") && partial.contains("version=\"1\""), partial);
        assertTrue(partial.contains("sip:bob@") && !partial.contains("sip:carol@"), partial);
        assertTrue(partial.contains("<basic>open</basic>"), partial);
    }

    @Test
    void aResourceListInTheSubscribeNarrowsItToTheEntriesTheSubscriberSees() throws Exception {
        String friends = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<resource-lists xmlns=\"urn:ietf:params:xml:ns:resource-lists\"><list>"
                + "<entry uri=\"sip:bob@" + DOMAIN + "\"/><entry uri=\"sip:dave@" + DOMAIN + "\"/></list>"
                + "</resource-lists>";
        Subscriber watcher = new Subscriber(alice, "alice-secret");
        assertEquals(200, watcher.subscribe(LIST, 600, EVENTLIST + "Require: recipient-list-subscribe\r\n"
                + "Content-Disposition: recipient-list\r\n", "application/resource-lists+xml", friends).status());
        String body = watcher.awaitNotify().body();
        assertTrue(body.contains("sip:bob@"), body);
        assertFalse(body.contains("dave") || body.contains("sip:carol@"), body);
    }

    @Test
    void aListSubscriberThatCannotReadMultipartGets406() throws Exception {
        assertEquals(406, new Subscriber(alice, "alice-secret").subscribe(LIST, 600,
                "Supported: eventlist\r\nAccept: application/pidf+xml\r\n", null, null).status());
    }

    @Test
    void aListSubscriberThatDoesNotSupportEventlistGets421() throws Exception {
        SipText refused = new Subscriber(alice, "alice-secret").subscribe(LIST, 600);
        assertEquals(421, refused.status());
        assertEquals("eventlist", refused.header("require").orElseThrow());
    }

    private static int count(String text, String part) {
        return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }
}
