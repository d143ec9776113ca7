package org.liaison.sip.wire;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.liaison.sip.testing.LiaisonServer;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.wire.SoftPhone.Kind;

/**
 * Presence seen by a real client: linphonec watches a colleague (a friend, subscribed to by
 * liblinphone itself). A colleague who publishes nothing shows what the server knows: available while
 * registered, on the phone during a call, offline once it quits. A colleague whose liblinphone
 * publishes (RFC 3903) shows what it published, relayed in the server's NOTIFYs, on the phone during a
 * call when it published only "online", offline once it quits.
 *
 * <p>What liblinphone 5.1 publishes (captured from its PUBLISH): "online" is basic open with its own
 * {@code <pidfonline:online/>}; "busy" (its consolidated presence, the Linphone apps' busy) is basic open
 * with the RPID activity {@code <rpid:away/>}, which linphonec prints as "Away" and the apps as busy;
 * on quitting it removes its publication (Expires 0) and unregisters.
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

    @Test
    void aColleagueSeesTheStatusLiblinphonePublishesBusyThenOnlineThenOfflineWhenItQuits() throws Exception {
        Linphonec bob = clients.registeredWithStatusCommand("bob");
        Linphonec alice = (Linphonec) clients.registered(Kind.LINPHONEC, "alice", false, null);

        alice.command("friend add bob " + BOB);
        // bob's own document, relayed: the server's would have no pidfonline element
        assertTrue(alice.awaitLog("<pidfonline:online/>", NOTICE), () -> "bob's publication never reached alice\n"
                + alice.logs() + bob.logs());
        assertTrue(showsInTurn(alice, "Online"), alice::logs);

        bob.command("status busy");
        assertTrue(alice.awaitLog("<rpid:away/>", NOTICE), () -> "bob's busy never reached alice\n" + alice.logs());
        assertTrue(showsInTurn(alice, "Online", "Away"), alice::logs);

        bob.command("status online");
        assertTrue(showsInTurn(alice, "Online", "Away", "Online"), alice::logs);

        assertTrue(bob.quit(NOTICE), bob::logs);
        assertTrue(showsInTurn(alice, "Online", "Away", "Online", "Offline"), () -> "bob never showed offline\n"
                + alice.logs());
    }

    @Test
    void linphonecThatPublishesOnlineShowsOnThePhoneDuringACallThenOfflineWhenItQuits() throws Exception {
        Linphonec bob = clients.registeredPublishing("bob", true);
        Linphonec alice = (Linphonec) clients.registered(Kind.LINPHONEC, "alice", false, null);

        alice.command("friend add bob " + BOB);
        assertTrue(alice.awaitLog("<pidfonline:online/>", NOTICE), () -> "bob's publication never reached alice\n"
                + alice.logs() + bob.logs());
        assertTrue(showsInTurn(alice, "Online"), alice::logs);

        // bob's linphonec publishes nothing new for a call: the server knows better than "online"
        alice.call(BOB);
        assertTrue(bob.awaitCallConnected(NOTICE), () -> alice.logs() + bob.logs());
        assertTrue(showsInTurn(alice, "Online", "On the phone"), () -> "bob never showed on the phone\n"
                + alice.logs());
        alice.hangUp();
        assertTrue(bob.awaitCallEnded(NOTICE), bob::logs);
        assertTrue(showsInTurn(alice, "Online", "On the phone", "Online"), alice::logs);

        assertTrue(bob.quit(NOTICE), bob::logs);
        assertTrue(showsInTurn(alice, "Online", "On the phone", "Online", "Offline"),
                () -> "bob never showed offline\n" + alice.logs());
    }

    /** {@code watcher} printed bob's status as each of {@code statuses} in turn (linphonec's friend lines). */
    private static boolean showsInTurn(Linphonec watcher, String... statuses) {
        return watcher.awaitOutput(Arrays.stream(statuses)
                .map(status -> "Friend \"bob\" <" + Pattern.quote(BOB) + "> is " + Pattern.quote(status) + "\\r?$")
                .collect(Collectors.joining("(?s:.*?)" + Linphonec.PROMPT)), NOTICE);
    }
}
