package org.liaison.sip.wire;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.liaison.sip.testing.LiaisonServer;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.wire.SoftPhone.Kind;

/**
 * Presence seen by a real client: linphonec watches a colleague (a friend, subscribed to by
 * liblinphone itself) who publishes nothing, and sees what the server knows: available while the
 * colleague's linphonec is registered, on the phone during a call, offline once it quits.
 */
@Timeout(90)
class RealClientPresenceTest {
    private static final Duration NOTICE = Duration.ofSeconds(15);
    private static final String BOB = "sip:bob@" + TestServer.DOMAIN;

    @RegisterExtension
    final LiaisonServer liaison = LiaisonServer.started(TestServer.builder().user("alice", "alice-secret", "1001")
            .user("bob", "bob-secret", "1002").property("presence.notify-interval-ms", "500"));
    final RealClients clients = new RealClients(liaison);

    @Test
    void linphonecSeesAColleagueAvailableThenOnThePhoneThenOfflineWhenItQuits() throws Exception {
        Linphonec bob = (Linphonec) clients.registered(Kind.LINPHONEC, "bob", true, null);
        Linphonec alice = (Linphonec) clients.registered(Kind.LINPHONEC, "alice", false, null);

        alice.command("friend add bob " + BOB);
        // the server's own document for bob (bob publishes nothing; alice's linphonerc publishes nothing either)
        assertTrue(alice.awaitLog("<tuple id=\"t1\"><status><basic>open</basic>", NOTICE),
                () -> "no NOTIFY of bob available\n" + alice.logs());

        alice.call(BOB);
        assertTrue(bob.awaitCallConnected(NOTICE), () -> alice.logs() + bob.logs());
        assertTrue(alice.awaitLog("<rpid:on-the-phone/>", NOTICE), () -> "bob never showed on the phone\n"
                + alice.logs());
        alice.hangUp();
        assertTrue(bob.awaitCallEnded(NOTICE), bob::logs);

        assertTrue(bob.quit(NOTICE), bob::logs);
        assertTrue(alice.awaitLog("<tuple id=\"t1\"><status><basic>closed</basic>", NOTICE),
                () -> "bob never showed offline\n" + alice.logs());
    }
}
