package org.liaison.sip.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.liaison.sip.testing.LiaisonServer;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.wire.SoftPhone.Kind;

/**
 * Group chat between real clients: a message posted to a group's address ({@code sip:staff@domain})
 * reaches every other member's client from the group's address, with exactly the text that was sent,
 * and does not come back to the sender.
 */
@Timeout(60)
class RealClientGroupChatTest {
    private static final Duration DELIVERY = Duration.ofSeconds(15);
    private static final String GROUP = "sip:staff@" + TestServer.DOMAIN;

    /** TestServer.Builder.user puts each user in group staff. */
    @RegisterExtension
    final LiaisonServer liaison = LiaisonServer.started(TestServer.builder().user("alice", "alice-secret", "1001")
            .user("bob", "bob-secret", "1002").user("carol", "carol-secret", "1003")
            .property("im.device-answer-ms", "1000"));
    final RealClients clients = new RealClients(liaison);

    @Test
    void aLinphonecPostToTheGroupReachesTheOtherMembersLinphonecAndBaresipButNotTheSender() throws Exception {
        Linphonec alice = (Linphonec) clients.registered(Kind.LINPHONEC, "alice", false, null);
        SoftPhone bob = clients.registered(Kind.LINPHONEC, "bob", false, null);
        SoftPhone carol = clients.registered(Kind.BARESIP, "carol", false, null);
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
}
