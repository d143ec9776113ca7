package org.liaison.sip.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.liaison.sip.testing.LiaisonServer;
import org.liaison.sip.testing.TestServer;

/**
 * Chat (SIP MESSAGE, RFC 3428) between SIPp user agents through the server: a sender authenticated
 * by a 407 challenge, forwarded to a registered device whose 200 comes back, stored and answered
 * 202 for an offline user and delivered with a Date header when the user's device registers, and
 * posted to a group, which every other member's device receives from the group's address.
 */
@Timeout(60)
class SippMessageTest {
    private static final Duration LIMIT = Duration.ofSeconds(25);
    private static final String GROUP = "sip:staff@" + TestServer.DOMAIN;
    /** sipp's default {@code -cid_str}: call number, process id, local address. */
    private static final String SIPP_CALL_IDS = "%u-%p@%s";

    @TempDir
    Path root;
    /** All three in group staff. */
    @RegisterExtension
    final LiaisonServer liaison = LiaisonServer.started(SippServers.builder().user("alice", "alice-secret", "1001")
            .user("bob", "bob-secret", "1002").user("carol", "carol-secret", "1003"));

    @BeforeEach
    void requireSipp() {
        Tools.require("sipp");
    }

    @Test
    void aMessageToAnOnlineUserIsChallengedThenForwardedAndTheDevicesOkComesBack() throws Exception {
        Sipp.Run bob = start(Sipp.scenario("uas-message.xml").named("bob-phone")
                .localPort(registerDevice("bob", "bob-secret", "phone")));

        Sipp.Result alice = send("message-uac.xml", "alice", "alice-secret", "bob", SIPP_CALL_IDS);

        alice.assertAllSucceeded(1);
        List<SipLog.Message> aliceSaw = SipLog.parseSippMessages(alice.messages());
        assertEquals(1, SipLog.responses(aliceSaw, 407).size(), "the first MESSAGE is challenged by the proxy");
        assertEquals(0, SipLog.responses(aliceSaw, 202).size(), "stored instead of forwarded live");
        SipLog.Message received = onlyMessage(bob.await().assertAllSucceeded(1));
        assertEquals(List.of(), received.values("proxy-authorization"), "credentials forwarded to the recipient");
    }

    /** RFC 3428 §7: 202 Accepted, and the stored message goes to the device when it registers. */
    @Test
    void aMessageToAnOfflineUserIsAnswered202AndDeliveredWithADateWhenTheUserRegisters() throws Exception {
        // sipp maps requests to its calls by its own Call-ID, -cid_str: the same for sender and device
        String callIds = "stored-" + UUID.randomUUID() + "-%u@sipp";
        String callId = callIds.replace("%u", "1");

        send("message-stored-uac.xml", "alice", "alice-secret", "bob", callIds).assertAllSucceeded(1);
        assertEquals(1, liaison.server().server().messages().count(), "stored messages");

        Sipp.Result bob = start(Sipp.scenario("register-take-stored.xml").named("bob-registers")
                .to(liaison.server().host(), liaison.server().port())
                .injection(Sipp.injectionFile(root.resolve("bob-registers.csv"),
                        List.of("bob;" + Sipp.authentication("bob", "bob-secret"))))
                .option("-cid_str", callIds).key("domain", TestServer.DOMAIN)
                .key("instance", "urn:uuid:" + UUID.randomUUID())).await();

        bob.assertAllSucceeded(1);
        SipLog.Message stored = onlyMessage(bob);
        assertEquals(1, stored.values("date").size(), "the stored message says when it was taken in: " + stored);
        assertEquals(List.of(callId), stored.values("call-id"), "the stored message keeps its Call-ID");
        assertTrue(stored.values("from").get(0).contains("sip:alice@" + TestServer.DOMAIN),
                "the stored message keeps its sender: " + stored);
    }

    @Test
    void aMessageToAGroupIsAnswered202AndEveryOtherMemberReceivesItFromTheGroup() throws Exception {
        Sipp.Run bob = start(Sipp.scenario("uas-message.xml").named("bob-phone")
                .localPort(registerDevice("bob", "bob-secret", "phone")));
        Sipp.Run carol = start(Sipp.scenario("uas-message.xml").named("carol-phone")
                .localPort(registerDevice("carol", "carol-secret", "phone")));

        send("message-stored-uac.xml", "alice", "alice-secret", "staff", SIPP_CALL_IDS).assertAllSucceeded(1);

        for (Sipp.Run member : List.of(bob, carol)) {
            SipLog.Message copy = onlyMessage(member.await().assertAllSucceeded(1));
            String from = copy.values("from").get(0);
            assertTrue(from.contains("<" + GROUP + ">"), "the copy comes from the group: " + copy);
            assertTrue(from.startsWith("\"alice Test\""), "the copy names the sender: " + copy);
        }
    }

    private int registerDevice(String user, String password, String device) throws Exception {
        return SippServers.registerDevice(liaison.server(), root, user, password, device, LIMIT);
    }

    private Sipp.Run start(Sipp.Builder run) throws Exception {
        return liaison.own(run.in(root).calls(1).timeout(LIMIT).start());
    }

    /** Sends one MESSAGE; {@code callIds} is sipp's {@code -cid_str} (%u the call number, %p its pid). */
    private Sipp.Result send(String scenario, String sender, String password, String recipient, String callIds)
            throws Exception {
        return start(Sipp.scenario(scenario).named(sender + "-to-" + recipient)
                .to(liaison.server().host(), liaison.server().port())
                .injection(Sipp.injectionFile(root.resolve(sender + "-to-" + recipient + ".csv"),
                        List.of(sender + ";" + Sipp.authentication(sender, password) + ";" + recipient)))
                .option("-cid_str", callIds).key("domain", TestServer.DOMAIN)).await();
    }

    /** The one MESSAGE the run received: exactly one transaction (retransmissions share the Via). */
    private static SipLog.Message onlyMessage(Sipp.Result run) {
        List<SipLog.Message> messages = SipLog.parseSippMessages(run.messages()).stream()
                .filter(m -> m.startLine().startsWith("MESSAGE ")).toList();
        assertEquals(1, messages.stream().map(m -> m.values("via").get(0)).distinct().count(),
                () -> "MESSAGE transactions received by sipp " + run.name() + "\n" + run.logs());
        return messages.get(0);
    }
}
