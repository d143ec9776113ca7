package org.liaison.sip.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.liaison.sip.testing.LiaisonServer;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.wire.SoftPhone.Kind;

/**
 * Chat (SIP MESSAGE, RFC 3428) between real clients through the server, every sender × receiver pair
 * of client kinds: forwarded live when the recipient is online, stored and answered 202 when not, and
 * delivered when the recipient's device registers. The receiver must show exactly the text that was
 * sent: ASCII, UTF-8 and the characters that need escaping in XML ({@code <}, {@code &}).
 */
@Timeout(60)
class RealClientChatTest {
    private static final Duration DELIVERY = Duration.ofSeconds(15);
    private static final String ALICE = "sip:alice@" + TestServer.DOMAIN;
    private static final String BOB = "sip:bob@" + TestServer.DOMAIN;

    @RegisterExtension
    final LiaisonServer liaison = LiaisonServer.started(TestServer.builder().user("alice", "alice-secret", "1001")
            .user("bob", "bob-secret", "1002").property("im.device-answer-ms", "1000"));
    final RealClients clients = new RealClients(liaison);

    static Stream<Arguments> pairs() {
        return Stream.of(Kind.values()).flatMap(sender -> Stream.of(Kind.values()).map(to -> Arguments.of(sender, to)));
    }

    @ParameterizedTest(name = "{0} chats with an online {1}")
    @MethodSource("pairs")
    void chatWithAnOnlineUserIsForwardedLiveAndTheReceiverShowsExactlyTheText(Kind sender, Kind receiver)
            throws Exception {
        SoftPhone alice = clients.registered(sender, "alice", false, BOB);
        SoftPhone bob = clients.registered(receiver, "bob", false, ALICE);
        Supplier<String> logs = () -> alice.logs() + bob.logs();
        String text = text(sender + "-" + receiver);

        alice.chat(BOB, text);

        assertEquals(Optional.of(text), bob.awaitChat(ALICE, marker(text), DELIVERY), logs);
        if (alice instanceof Linphonec) {
            assertTrue(alice.awaitSip("moving from InProgress to Delivered", DELIVERY),
                    () -> "the sender's message never went to Delivered\n" + logs.get());
        }
        assertTrue(!alice.sipLog().contains("SIP/2.0 202 "), () -> "stored instead of forwarded live\n" + logs.get());
    }

    /** RFC 3428 §7: 202 means accepted for later delivery; the recipient gets it once it registers. */
    @ParameterizedTest(name = "{0} chats with an offline user who gets the text when their {1} starts")
    @MethodSource("pairs")
    void chatWithAnOfflineUserIsStoredAndDeliveredWhenTheirClientStarts(Kind sender, Kind receiver) throws Exception {
        SoftPhone alice = clients.registered(sender, "alice", false, BOB);
        String text = text(sender + "-offline-" + receiver);

        alice.chat(BOB, text);

        assertTrue(alice.awaitSip("SIP/2\\.0 202 ", DELIVERY), () -> "no 202 for the MESSAGE to an offline user\n"
                + alice.logs());
        if (alice instanceof Linphonec) {
            assertTrue(alice.awaitSip("moving from InProgress to Delivered", DELIVERY),
                    () -> "the sender's message never went to Delivered\n" + alice.logs());
        }
        assertEquals(1, liaison.server().server().messages().count(), "stored messages");
        SoftPhone bob = clients.registered(receiver, "bob", false, ALICE);
        assertEquals(Optional.of(text), bob.awaitChat(ALICE, marker(text), DELIVERY), () -> alice.logs() + bob.logs());
    }

    /** A unique text: ASCII, UTF-8 and XML's special characters, with a marker to find it by. */
    private static String text(String what) {
        return "chat " + what + " " + UUID.randomUUID().toString().substring(0, 8) + " grüße ✓ <ok> & done";
    }

    private static String marker(String text) {
        return text.split(" ")[2];
    }
}
