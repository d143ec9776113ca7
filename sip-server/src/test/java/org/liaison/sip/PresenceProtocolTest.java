package org.liaison.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.liaison.sip.testing.Calls;
import org.liaison.sip.testing.LiaisonServer;
import org.liaison.sip.testing.LiaisonServer.Agent;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.testing.Subscriber;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/**
 * Presence subscriptions (RFC 3856, RFC 6665) to a colleague, over the real server: who may watch
 * whom, the dialog's life, and what the server tells of someone who publishes nothing.
 */
class PresenceProtocolTest {
    private static final String BOB = "sip:bob@" + TestServer.DOMAIN;

    @RegisterExtension
    final LiaisonServer liaison = LiaisonServer.started(TestServer.builder().user("alice", "alice-secret", "1001")
            .user("bob", "bob-secret", "1002").user("carol", "carol-secret", "1003")
            .userLine("dave,clrtxt:dave-secret,Dave Board,1004,board")
            .configFile("groups.csv", "group,display_name,extension,visibility\nboard,Board,,members\n")
            .property("presence.notify-interval-ms", "1500")
            .property("presence.max-subscriptions-per-user", "3"));
    @Agent TestUa alice;
    @Agent TestUa bob;
    @Agent TestUa carol;

    @Test
    void subscribeToAColleagueGets200ThenANotifyOfTheirState() throws Exception {
        assertEquals(200, bob.register("bob-secret", "").status());
        Subscriber watcher = new Subscriber(alice, "alice-secret");
        SipText ok = watcher.subscribe(BOB, 600);
        assertEquals(200, ok.status(), ok.toString()); // RFC 6665 §4.2.1.1: never 202
        assertEquals("600", ok.header("expires").orElseThrow());
        SipText notify = watcher.awaitNotify();
        assertEquals("active;expires=600", notify.header("subscription-state").orElseThrow().replace(" ", "")
                .replaceAll("expires=59\\d", "expires=600"));
        assertEquals("presence", notify.header("event").orElseThrow());
        assertEquals(watcher.toTag(), SipText.tagOf(notify.header("from").orElseThrow()));
        assertTrue(notify.header("content-type").orElseThrow().startsWith("application/pidf+xml"));
        assertTrue(notify.body().contains("<basic>open</basic>"), notify.body());
    }

    @Test
    void aColleagueWithNoRegisteredDeviceIsOffline() throws Exception {
        Subscriber watcher = new Subscriber(alice, "alice-secret");
        assertEquals(200, watcher.subscribe("sip:1002@" + TestServer.DOMAIN, 600).status());
        assertTrue(watcher.awaitNotify().body().contains("<basic>closed</basic>"));
    }

    @Test
    void subscribeToSomeoneOutsideYourDirectoryGets403() throws Exception {
        Subscriber watcher = new Subscriber(alice, "alice-secret");
        assertEquals(403, watcher.subscribe("sip:dave@" + TestServer.DOMAIN, 600).status());
        assertTrue(watcher.getsNoNotify(Duration.ofMillis(300)));
        assertEquals(404, new Subscriber(carol, "carol-secret").subscribe("sip:nobody@" + TestServer.DOMAIN, 600)
                .status());
    }

    @Test
    void aColleagueHiddenSinceIsNoLongerWatchedTheRefreshGets403AndAStatelessTerminatedNotify() throws Exception {
        Subscriber watcher = new Subscriber(alice, "alice-secret");
        assertEquals(200, watcher.subscribe(BOB, 600).status());
        watcher.awaitNotify();
        Path users = liaison.server().usersFile();
        Files.writeString(users, Files.readString(users)
                .replace("bob Test,1002,staff", "bob Test,1002,board"));
        await(() -> liaison.server().server().accounts().byUsername("bob").orElseThrow().groups().contains("board"));

        assertEquals(403, watcher.refresh(600).status());
        SipText last = watcher.awaitNotify();
        assertEquals("terminated;reason=rejected", last.header("subscription-state").orElseThrow().replace(" ", ""));
        assertEquals("", last.body(), "the state of someone the watcher may no longer see");
        assertEquals(0, liaison.server().server().presence().count());
    }

    @Test
    void subscribeAcceptingOnlyAnotherFormatGets406NamingPidf() throws Exception {
        SipText refused = new Subscriber(alice, "alice-secret").subscribe(BOB, 600,
                "Accept: application/xpidf+xml\r\n", null, null);
        assertEquals(406, refused.status());
        assertEquals("application/pidf+xml", refused.header("accept").orElseThrow());
        assertEquals(200, new Subscriber(alice, "alice-secret").subscribe(BOB, 600,
                "Accept: application/xpidf+xml, application/pidf+xml\r\n", null, null).status());
    }

    @Test
    void subscribeBelowTheMinimumGets423WithMinExpires() throws Exception {
        SipText brief = new Subscriber(alice, "alice-secret").subscribe(BOB, 10);
        assertEquals(423, brief.status());
        assertEquals("60", brief.header("min-expires").orElseThrow());
    }

    @Test
    void subscribeAboveTheMaximumIsGrantedTheMaximum() throws Exception {
        assertEquals("3600", new Subscriber(alice, "alice-secret").subscribe(BOB, 86400).header("expires")
                .orElseThrow());
    }

    @Test
    void refreshGets200AndANotifyWithAHigherCseqAndUnsubscribeEndsWithTerminated() throws Exception {
        Subscriber watcher = new Subscriber(alice, "alice-secret");
        assertEquals(200, watcher.subscribe(BOB, 600).status());
        long first = cseq(watcher.awaitNotify());
        assertEquals(200, watcher.refresh(900).status());
        SipText refreshed = watcher.awaitNotify();
        assertTrue(cseq(refreshed) > first);
        assertTrue(refreshed.header("subscription-state").orElseThrow().startsWith("active"));
        assertEquals(200, watcher.refresh(0).status());
        SipText last = watcher.awaitNotify();
        assertTrue(last.header("subscription-state").orElseThrow().startsWith("terminated"), last.toString());
        assertTrue(cseq(last) > cseq(refreshed));
        assertEquals(481, watcher.refresh(600).status());
        assertEquals(0, liaison.server().server().presence().count());
    }

    @Test
    void subscriptionsPerUserAreBounded() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertEquals(200, new Subscriber(alice, "alice-secret").subscribe(BOB, 600).status());
        }
        SipText refused = new Subscriber(alice, "alice-secret").subscribe(BOB, 600);
        assertEquals(403, refused.status());
        assertEquals(200, new Subscriber(carol, "carol-secret").subscribe(BOB, 600).status());
    }

    @Test
    void aNotifyRefusedWith481EndsTheSubscription() throws Exception {
        Subscriber watcher = new Subscriber(alice, "alice-secret");
        assertEquals(200, watcher.subscribe(BOB, 600).status());
        watcher.awaitNotify(481, Duration.ofSeconds(5));
        await(() -> liaison.server().server().presence().count() == 0);
        assertEquals(481, watcher.refresh(600).status());
    }

    @Test
    void registeringAndUnregisteringIsNotifiedAtOnce() throws Exception {
        Subscriber watcher = new Subscriber(alice, "alice-secret");
        assertEquals(200, watcher.subscribe(BOB, 600).status());
        assertTrue(watcher.awaitNotify().body().contains("<basic>closed</basic>"));
        String callId = UUID.randomUUID().toString();
        assertEquals(200, bob.sendWithAuth(bob.registerRequest(callId, 3600, ""), "bob-secret").status());
        assertTrue(watcher.awaitNotify().body().contains("<basic>open</basic>"));
        assertEquals(200, bob.sendWithAuth(bob.registerRequest(callId, 0, ""), "bob-secret").status());
        assertTrue(watcher.awaitNotify().body().contains("<basic>closed</basic>"));
    }

    @Test
    void aUserInACallShowsOnThePhoneWithoutAnyPublish() throws Exception {
        assertEquals(200, bob.register("bob-secret", "").status());
        assertEquals(200, alice.register("alice-secret", "").status());
        Subscriber watcher = new Subscriber(carol, "carol-secret");
        assertEquals(200, watcher.subscribe(BOB, 600).status());
        assertTrue(watcher.awaitNotify().body().contains("<basic>open</basic>"));

        Calls.sendAuthenticated(alice, "alice-secret", BOB, "call-" + UUID.randomUUID(), Calls.SDP);
        SipText ok = Calls.answer(alice, bob, bob.awaitRequest("INVITE"), "callee");
        SipText onThePhone = watcher.awaitNotify();
        assertTrue(onThePhone.body().contains("<rpid:on-the-phone/>"), onThePhone.body());

        assertEquals(200, Calls.hangUp(alice, bob, ok));
        SipText after = watcher.awaitNotify();
        assertTrue(after.body().contains("<basic>open</basic>") && !after.body().contains("on-the-phone"),
                after.body());
    }

    @Test
    void changesCloserThanTheNotifyIntervalAreSentTogetherAfterIt() throws Exception {
        Subscriber watcher = new Subscriber(alice, "alice-secret");
        assertEquals(200, watcher.subscribe(BOB, 600).status());
        watcher.awaitNotify();
        String callId = UUID.randomUUID().toString();
        assertEquals(200, bob.sendWithAuth(bob.registerRequest(callId, 3600, ""), "bob-secret").status());
        long first = System.nanoTime();
        assertTrue(watcher.awaitNotify().body().contains("<basic>open</basic>"));
        assertEquals(200, bob.sendWithAuth(bob.registerRequest(callId, 0, ""), "bob-secret").status());
        assertEquals(200, bob.sendWithAuth(bob.registerRequest(callId, 3600, ""), "bob-secret").status());
        assertEquals(200, bob.sendWithAuth(bob.registerRequest(callId, 0, ""), "bob-secret").status());
        SipText coalesced = watcher.awaitNotify();
        long gapMs = (System.nanoTime() - first) / 1_000_000;
        assertTrue(gapMs >= 1400, "second NOTIFY after " + gapMs + " ms");
        assertTrue(coalesced.body().contains("<basic>closed</basic>"), coalesced.body());
        assertTrue(watcher.getsNoNotify(Duration.ofMillis(2000)), "the changes in between were sent one by one");
    }

    private static long cseq(SipText message) {
        String cseq = message.header("cseq").orElseThrow();
        return Long.parseLong(cseq.substring(0, cseq.indexOf(' ')));
    }

    private static void await(BooleanSupplier condition) {
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(condition::getAsBoolean);
    }
}
