package org.liaison.sip.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.sip.testing.TestServer;

/** Registration of real clients (linphonec, baresip) with digest authentication. */
@Timeout(60)
class RealClientRegistrationTest {
    private static final Duration REGISTRATION = Duration.ofSeconds(15);

    @TempDir
    Path root;
    TestServer server;
    AutoCloseable client;

    /** The server with the shipped digest settings (SHA-256 and MD5; MD5 alone for baresip). */
    @BeforeEach
    void startServer() throws Exception {
        server = TestServer.builder().user("alice", "alice-secret", "1001").start(root.resolve("server"));
    }

    @AfterEach
    void stopEverything() throws Exception {
        if (client != null) {
            client.close();
        }
        server.close();
    }

    @Test
    void linphonecRegistersAfterADigestChallengeAndUnregistersOnQuit() throws Exception {
        Linphonec alice = Linphonec.start(root, "alice", account("alice-secret"), false);
        client = alice;

        assertEquals("Ok", alice.awaitRegistration(REGISTRATION), alice::logs);
        assertTrue(alice.log().contains("SIP/2.0 401 "), () -> "registered without a challenge\n" + alice.logs());
        assertEquals(1, server.server().locations().lookup("alice").size());
        alice.command("status register");
        assertTrue(alice.awaitOutput("registered, identity=sip:alice@" + TestServer.DOMAIN, Duration.ofSeconds(5)),
                alice::logs);

        assertTrue(alice.quit(Duration.ofSeconds(10)), () -> "linphonec did not quit\n" + alice.logs());
        assertTrue(alice.log().contains("to [LinphoneRegistrationCleared]"), () -> "unregister\n" + alice.logs());
        assertTrue(server.server().locations().lookup("alice").isEmpty(), "binding left after unregister");
    }

    @Test
    void linphonecWithAWrongPasswordIsRefused() throws Exception {
        Linphonec alice = Linphonec.start(root, "alice", account("not-alice-secret"), false);
        client = alice; // killed afterwards: it now waits for a password on its input

        assertEquals("Failed", alice.awaitRegistration(REGISTRATION), alice::logs);
        assertTrue(server.server().locations().lookup("alice").isEmpty(), "a wrong password registered");
    }

    @Test
    void baresipRegistersAfterADigestChallenge() throws Exception {
        Baresip alice = Baresip.start(root, "alice", account("alice-secret"));
        client = alice;

        assertEquals("ok", alice.awaitRegistration(REGISTRATION), alice::logs);
        assertTrue(alice.awaitOutput("SIP/2.0 401 ", Duration.ZERO), () -> "no challenge\n" + alice.logs());
        assertEquals(1, server.server().locations().lookup("alice").size());

        assertTrue(alice.quit(Duration.ofSeconds(10)), () -> "baresip did not quit\n" + alice.logs());
        assertTrue(server.server().locations().lookup("alice").isEmpty(), "binding left after unregister");
    }

    @Test
    void baresipWithAWrongPasswordIsRefused() throws Exception {
        Baresip alice = Baresip.start(root, "alice", account("not-alice-secret"));
        client = alice;

        String result = alice.awaitRegistration(REGISTRATION);
        assertTrue(result.matches("reg: .*: 40[13] .*"), () -> "expected a 401/403 refusal, got '" + result + "'\n"
                + alice.logs());
        assertTrue(server.server().locations().lookup("alice").isEmpty(), "a wrong password registered");
    }

    private SipAccount account(String password) {
        return new SipAccount("alice", password, TestServer.DOMAIN, server.host(), server.port());
    }
}
