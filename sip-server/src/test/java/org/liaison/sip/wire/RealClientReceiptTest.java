package org.liaison.sip.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.liaison.sip.testing.LiaisonServer;
import org.liaison.sip.testing.TestServer;

/**
 * linphonec's delivery notification (IMDN, RFC 5438) reaching the sender through the server, with
 * linphonec's defaults ({@code [sip] im_notif_policy} "all"). Its sender's side of a message goes
 * Delivered on the MESSAGE's 2xx or 202, then DeliveredToUser when the recipient's
 * {@code message/imdn+xml} MESSAGE comes back (liblinphone's Imdn::parse); that last step is what
 * these tests wait for. linphonec 5.1 chats in a basic chat room: no CPIM (even with
 * {@code cpim_in_basic_chat_rooms_enabled=1} its log says "Chat room doesn't support CPIM"), so its
 * receipt is a bare, deflate-compressed {@code message/imdn+xml} naming the message's Call-ID.
 */
@Timeout(90)
class RealClientReceiptTest {
    private static final Duration DELIVERY = Duration.ofSeconds(20);
    private static final String ALICE = "sip:alice@" + TestServer.DOMAIN;
    private static final String BOB = "sip:bob@" + TestServer.DOMAIN;
    private static final String DELIVERED_TO_USER = "moving from Delivered to DeliveredToUser";

    @RegisterExtension
    final LiaisonServer liaison = LiaisonServer.started(TestServer.builder().user("alice", "alice-secret", "1001")
            .user("bob", "bob-secret", "1002").property("im.device-answer-ms", "1000"));
    final RealClients clients = new RealClients(liaison);

    @Test
    void theRecipientsDeliveryNotificationReachesTheOnlineSender() throws Exception {
        Linphonec alice = registered("alice");
        Linphonec bob = registered("bob");
        Supplier<String> logs = () -> alice.logs() + bob.logs();
        String text = "receipt " + UUID.randomUUID().toString().substring(0, 8);

        alice.chat(BOB, text);

        assertEquals(Optional.of(text), bob.awaitChat(ALICE, text, DELIVERY), logs);
        assertTrue(bob.awaitLog("Content-Type: message/imdn\\+xml", DELIVERY), () -> "bob sent no receipt\n" + logs.get());
        assertTrue(alice.awaitLog(DELIVERED_TO_USER, DELIVERY), () -> "the receipt never reached alice\n" + logs.get());
    }

    /**
     * Alice writes to bob, who is away (202), and leaves; bob's phone starts, shows the message and
     * sends its receipt, which the server keeps (202); alice's phone comes back and the receipt marks
     * her message delivered.
     */
    @Test
    void aNotificationForASenderWhoLeftIsKeptAndReachesItsPhoneWhenItComesBack() throws Exception {
        Linphonec alice = registered("alice");
        String text = "receipt-later " + UUID.randomUUID().toString().substring(0, 8);
        alice.chat(BOB, text);
        assertTrue(alice.awaitSip("SIP/2\\.0 202 ", DELIVERY), () -> "bob's message not kept\n" + alice.logs());
        assertTrue(alice.awaitLog("moving from InProgress to Delivered", DELIVERY), alice::logs);
        assertTrue(alice.quit(DELIVERY), alice::logs);
        assertEquals(1, liaison.server().server().messages().count(), "stored messages");

        Linphonec bob = registered("bob");
        assertEquals(Optional.of(text), bob.awaitChat(ALICE, text, DELIVERY), bob::logs);
        assertTrue(bob.awaitLog("SIP/2\\.0 202 Accepted", DELIVERY), () -> "bob's receipt was not kept\n" + bob.logs());

        Linphonec aliceAgain = liaison.own(alice.restartedWithHistoryAs(liaison.directory(), "alice-again"));
        assertTrue(aliceAgain.awaitRegistered(RealClients.REGISTRATION), aliceAgain::logs);
        assertTrue(aliceAgain.awaitLog(DELIVERED_TO_USER, DELIVERY),
                () -> "the kept receipt never marked alice's message\n" + aliceAgain.logs() + bob.logs());
        assertTrue(!aliceAgain.log().contains("Received IMDN for unknown message"), aliceAgain::logs);
    }

    private Linphonec registered(String user) throws Exception {
        return (Linphonec) clients.registered(SoftPhone.Kind.LINPHONEC, user, false, null);
    }
}
