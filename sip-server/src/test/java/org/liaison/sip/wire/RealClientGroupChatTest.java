package org.liaison.sip.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.sip.testing.TestServer;

/**
 * Group chat between real clients: a message posted to a group's address ({@code sip:staff@domain})
 * reaches every other member's client from the group's address, with exactly the text that was sent,
 * and does not come back to the sender.
 */
@Timeout(60)
class RealClientGroupChatTest {
    private static final Duration REGISTRATION = Duration.ofSeconds(15);
    private static final Duration DELIVERY = Duration.ofSeconds(15);
    private static final String GROUP = "sip:staff@" + TestServer.DOMAIN;

    @TempDir
    Path root;
    TestServer server;
    final List<AutoCloseable> clients = new ArrayList<>();

    @BeforeEach
    void startServer() throws Exception {
        // TestServer.Builder.user puts each user in group staff
        server = TestServer.builder().user("alice", "alice-secret", "1001").user("bob", "bob-secret", "1002")
                .user("carol", "carol-secret", "1003").property("im.device-answer-ms", "1000")
                .start(root.resolve("server"));
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (AutoCloseable c : clients) {
            c.close();
        }
        server.close();
    }

    @Test
    void aLinphonecPostToTheGroupReachesTheOtherMembersLinphonecAndBaresipButNotTheSender() throws Exception {
        Linphonec alice = linphonec("alice");
        Linphonec bob = linphonec("bob");
        Baresip carol = baresip("carol");
        Supplier<String> logs = () -> alice.logs() + bob.logs() + carol.logs();
        String text = "chat group " + UUID.randomUUID().toString().substring(0, 8) + " grüße ✓ <ok> & done";
        String marker = text.split(" ")[2];

        alice.chat(GROUP, text);

        // linphonec prints the From of the copy: the group, with the sender's name
        assertEquals(Optional.of(text), bob.awaitChat(GROUP, marker, DELIVERY), logs);
        assertEquals(Optional.of(text), carol.awaitChat(GROUP, marker, DELIVERY), logs);
        assertFalse(Pattern.compile("Message received from .*" + Pattern.quote(marker)).matcher(alice.output()).find(),
                () -> "the sender got its own post back\n" + logs.get());
    }

    private Linphonec linphonec(String user) throws Exception {
        Linphonec client = Linphonec.start(root, user, account(user), false);
        clients.add(client);
        assertEquals("Ok", client.awaitRegistration(REGISTRATION), client::logs);
        return client;
    }

    private Baresip baresip(String user) throws Exception {
        Baresip client = Baresip.start(root, user, account(user));
        clients.add(client);
        assertEquals("ok", client.awaitRegistration(REGISTRATION), client::logs);
        return client;
    }

    private SipAccount account(String user) {
        return new SipAccount(user, user + "-secret", TestServer.DOMAIN, server.host(), server.port());
    }
}
