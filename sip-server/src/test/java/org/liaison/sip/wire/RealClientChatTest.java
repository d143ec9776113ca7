package org.liaison.sip.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.sip.testing.TestServer;

/**
 * Chat (SIP MESSAGE, RFC 3428) between real clients through the server: forwarded live when the
 * recipient is online, stored and answered 202 when not, and delivered when the recipient's device
 * registers. The receiver must show exactly the text that was sent: ASCII, UTF-8 and the characters
 * that need escaping in XML ({@code <}, {@code &}).
 */
@Timeout(60)
class RealClientChatTest {
    private static final Duration REGISTRATION = Duration.ofSeconds(15);
    private static final Duration DELIVERY = Duration.ofSeconds(15);
    private static final String ALICE = "sip:alice@" + TestServer.DOMAIN;
    private static final String BOB = "sip:bob@" + TestServer.DOMAIN;

    @TempDir
    Path root;
    TestServer server;
    final List<AutoCloseable> clients = new ArrayList<>();

    @BeforeEach
    void startServer() throws Exception {
        server = TestServer.builder().user("alice", "alice-secret", "1001").user("bob", "bob-secret", "1002")
                .property("im.device-answer-ms", "1000").start(root.resolve("server"));
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (AutoCloseable c : clients) {
            c.close();
        }
        server.close();
    }

    @Test
    void linphonecChatsWithAnOnlineLinphonecAndTheReceiverShowsExactlyTheText() throws Exception {
        Linphonec alice = linphonec("alice");
        Linphonec bob = linphonec("bob");
        Supplier<String> logs = () -> alice.logs() + bob.logs();
        String text = text("lp-lp");

        alice.chat(BOB, text);

        assertEquals(Optional.of(text), bob.awaitChat(ALICE, marker(text), DELIVERY), logs);
        assertDeliveredLive(alice, logs);
    }

    /** RFC 3428 §7: 202 means accepted for later delivery; the recipient gets it once it registers. */
    @Test
    void linphonecChatsWithAnOfflineUserWhoGetsTheTextWhenTheirLinphonecStarts() throws Exception {
        Linphonec alice = linphonec("alice");
        String text = text("lp-offline");

        alice.chat(BOB, text);

        assertTrue(alice.awaitLog("SIP/2\\.0 202 ", DELIVERY), () -> "no 202 for the MESSAGE to an offline user\n"
                + alice.logs());
        assertTrue(alice.awaitLog("moving from InProgress to Delivered", DELIVERY),
                () -> "the sender's message never went to Delivered\n" + alice.logs());
        assertEquals(1, server.server().messages().count(), "stored messages");
        Linphonec bob = linphonec("bob");
        assertEquals(Optional.of(text), bob.awaitChat(ALICE, marker(text), DELIVERY), () -> alice.logs() + bob.logs());
    }

    @Test
    void baresipChatsWithAnOnlineLinphonecAndTheReceiverShowsExactlyTheText() throws Exception {
        Linphonec alice = linphonec("alice");
        Baresip bob = baresip("bob", ALICE);
        Supplier<String> logs = () -> alice.logs() + bob.logs();
        String text = text("bs-lp");

        bob.message(text);

        assertEquals(Optional.of(text), alice.awaitChat(BOB, marker(text), DELIVERY), logs);
    }

    @Test
    void linphonecChatsWithAnOnlineBaresipAndTheReceiverShowsExactlyTheText() throws Exception {
        Linphonec alice = linphonec("alice");
        Baresip bob = baresip("bob", ALICE);
        Supplier<String> logs = () -> alice.logs() + bob.logs();
        String text = text("lp-bs");

        alice.chat(BOB, text);

        assertEquals(Optional.of(text), bob.awaitChat(ALICE, marker(text), DELIVERY), logs);
        assertDeliveredLive(alice, logs);
    }

    /** The sender's message went to Delivered on a 2xx that was not the 202 of a stored message. */
    private static void assertDeliveredLive(Linphonec sender, Supplier<String> logs) {
        assertTrue(sender.awaitLog("moving from InProgress to Delivered", DELIVERY),
                () -> "the sender's message never went to Delivered\n" + logs.get());
        assertTrue(!sender.log().contains("SIP/2.0 202 "), () -> "stored instead of forwarded live\n" + logs.get());
    }

    /** A unique text: ASCII, UTF-8 and XML's special characters, with a marker to find it by. */
    private static String text(String what) {
        return "chat " + what + " " + UUID.randomUUID().toString().substring(0, 8) + " grüße ✓ <ok> & done";
    }

    private static String marker(String text) {
        return text.split(" ")[2];
    }

    private Linphonec linphonec(String user) throws Exception {
        Linphonec client = Linphonec.start(root, user, account(user), false);
        clients.add(client);
        assertEquals("Ok", client.awaitRegistration(REGISTRATION), client::logs);
        return client;
    }

    private Baresip baresip(String user, String peer) throws Exception {
        Baresip client = Baresip.start(root, user, account(user), peer);
        clients.add(client);
        assertEquals("ok", client.awaitRegistration(REGISTRATION), client::logs);
        return client;
    }

    private SipAccount account(String user) {
        return new SipAccount(user, user + "-secret", TestServer.DOMAIN, server.host(), server.port());
    }
}
