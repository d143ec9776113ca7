package org.liaison.sip.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.sip.testing.Calls;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/**
 * Issue 11, amplification: the answer to an unauthenticated request is sent without a server transaction, so a
 * datagram with a forged source draws exactly one answer to that source, no larger than a small multiple of it. With a
 * transaction, a 407 to an INVITE was retransmitted until an ACK that the forged source never sends (RFC 3261
 * §17.2.1, timer G from T1 = 500 ms: at 0.5, 1.5, 3.5 s ...). The test UA's socket stands for the forged source.
 */
@Timeout(30)
class StatelessChallengeTest {
    /** Beyond T1 * 2 and beyond the third retransmission (3.5 s) a server transaction would send. */
    private static final Duration LISTEN = Duration.ofSeconds(4);

    @TempDir
    Path root;

    @Test
    void aSpoofedInviteDrawsExactlyOneSmallAnswer() throws Exception {
        try (TestServer server = TestServer.builder().user("alice", "alice-secret", "1001")
                .user("bob", "bob-secret", "1002").start(root);
                TestUa victim = new TestUa("alice", server)) {
            String invite = Calls.invite(victim, "sip:bob@" + TestServer.DOMAIN, UUID.randomUUID().toString())
                    .replace("{auth}", "");
            victim.send(invite);

            SipText challenge = victim.awaitResponse("INVITE", 400);
            assertEquals(407, challenge.status());
            assertTrue(victim.receivesNothing(SipText::isResponse, LISTEN), "the 407 was retransmitted");
            int answered = challenge.toString().getBytes(StandardCharsets.UTF_8).length;
            int asked = invite.getBytes(StandardCharsets.UTF_8).length;
            assertTrue(answered <= 2 * asked, "answered " + answered + " bytes to " + asked);
        }
    }
}
