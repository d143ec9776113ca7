package org.liaison.sip.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.liaison.sip.testing.LiaisonServer;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.wire.SoftPhone.Kind;

/** Registration of each kind of real client with digest authentication. */
@Timeout(60)
class RealClientRegistrationTest {
    /** The server with the shipped digest settings (SHA-256 and MD5; MD5 alone for baresip). */
    @RegisterExtension
    final LiaisonServer liaison = LiaisonServer.started(TestServer.builder().user("alice", "alice-secret", "1001"));
    final RealClients clients = new RealClients(liaison);

    @ParameterizedTest
    @EnumSource(Kind.class)
    void registersAfterADigestChallengeAndUnregistersOnQuit(Kind kind) throws Exception {
        SoftPhone alice = clients.started(kind, clients.account("alice", "alice-secret"), false, null);

        assertTrue(alice.awaitRegistered(RealClients.REGISTRATION), alice::logs);
        assertTrue(alice.sipLog().contains("SIP/2.0 401 "), () -> "registered without a challenge\n" + alice.logs());
        assertEquals(1, liaison.server().server().locations().lookup("alice").size());
        if (alice instanceof Linphonec linphonec) {
            linphonec.command("status register");
            assertTrue(linphonec.awaitOutput("registered, identity=sip:alice@" + TestServer.DOMAIN,
                    Duration.ofSeconds(5)), alice::logs);
        }

        assertTrue(alice.quit(Duration.ofSeconds(10)), () -> kind + " did not quit\n" + alice.logs());
        if (alice instanceof Linphonec) {
            assertTrue(alice.sipLog().contains("to [LinphoneRegistrationCleared]"), () -> "unregister\n" + alice.logs());
        }
        assertTrue(liaison.server().server().locations().lookup("alice").isEmpty(), "binding left after unregister");
    }

    /** linphonec then waits for a password on its input: it is killed after the test, not told to quit. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aWrongPasswordIsRefused(Kind kind) throws Exception {
        SoftPhone alice = clients.started(kind, clients.account("alice", "not-alice-secret"), false, null);

        assertTrue(alice.awaitRefused(RealClients.REGISTRATION), () -> "expected a 401/403 refusal\n" + alice.logs());
        assertTrue(liaison.server().server().locations().lookup("alice").isEmpty(), "a wrong password registered");
    }
}
