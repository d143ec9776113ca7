package org.liaison.sip.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.sip.testing.TestServer;

/**
 * Calls between real clients through the server: the call is established on both sides and the
 * hang-up of one side reaches the other. Media flows directly between the clients (plain RTP,
 * G.711), so only signalling is under test here.
 */
@Timeout(60)
class RealClientCallTest {
    private static final Duration REGISTRATION = Duration.ofSeconds(15);
    private static final Duration SETUP = Duration.ofSeconds(20);
    private static final Duration HANG_UP = Duration.ofSeconds(10);

    @TempDir
    Path root;
    TestServer server;
    final List<AutoCloseable> clients = new ArrayList<>();

    /** The server with the shipped digest settings (SHA-256 and MD5; MD5 alone for baresip). */
    @BeforeEach
    void startServer() throws Exception {
        server = transports(TestServer.builder().user("alice", "alice-secret", "1001").user("bob", "bob-secret", "1002"))
                .start(root.resolve("server"));
    }

    /** The listeners and policy: the test server's UDP and TCP here (a subclass runs the calls over TLS). */
    TestServer.Builder transports(TestServer.Builder builder) {
        return builder;
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (AutoCloseable c : clients) {
            c.close();
        }
        server.close();
    }

    @Test
    void linphonecCallsBaresipAndTheHangUpReachesBaresip() throws Exception {
        Linphonec alice = linphonec("alice", false);
        Baresip bob = baresip("bob");
        Supplier<String> logs = () -> alice.logs() + bob.logs();

        alice.call("sip:bob@" + TestServer.DOMAIN);

        assertTrue(alice.awaitCallConnected(SETUP), logs);
        assertTrue(bob.awaitCallEstablished(SETUP), logs);
        alice.hangUp();
        assertTrue(bob.awaitCallTerminated(HANG_UP), () -> "baresip did not see the hang-up\n" + logs.get());
    }

    @Test
    void baresipCallsLinphonecAndTheHangUpReachesLinphonec() throws Exception {
        Linphonec alice = linphonec("alice", true);
        Baresip bob = baresip("bob");
        Supplier<String> logs = () -> alice.logs() + bob.logs();

        bob.dial("sip:alice@" + TestServer.DOMAIN);

        assertTrue(bob.awaitCallEstablished(SETUP), logs);
        assertTrue(alice.awaitCallConnected(SETUP), logs);
        bob.hangUp();
        assertTrue(alice.awaitCallEnded(HANG_UP), () -> "linphonec did not see the hang-up\n" + logs.get());
    }

    /**
     * linphonec uses its GRUU as Contact (RFC 5627), so the BYE's Request-URI is a GRUU of our domain
     * that the server must resolve to the device (ACK too).
     */
    @Test
    void linphonecCallsLinphonecAndTheCallersHangUpReachesTheCallee() throws Exception {
        Linphonec alice = linphonec("alice", false);
        Linphonec bob = linphonec("bob", true);
        Supplier<String> logs = () -> alice.logs() + bob.logs();

        alice.call("sip:bob@" + TestServer.DOMAIN);

        assertTrue(alice.awaitCallConnected(SETUP), logs);
        assertTrue(bob.awaitCallConnected(SETUP), logs);
        alice.hangUp();
        assertTrue(bob.awaitCallEnded(HANG_UP), () -> "the callee did not see the hang-up\n" + logs.get());
        assertTrue(alice.log().contains("BYE sip:bob@" + TestServer.DOMAIN + ";gr="),
                () -> "the BYE was not sent to the callee's GRUU: this test proves nothing then\n" + logs.get());
    }

    @Test
    void linphonecCallsLinphonecAndTheCalleesHangUpReachesTheCaller() throws Exception {
        Linphonec alice = linphonec("alice", false);
        Linphonec bob = linphonec("bob", true);
        Supplier<String> logs = () -> alice.logs() + bob.logs();

        alice.call("sip:bob@" + TestServer.DOMAIN);

        assertTrue(alice.awaitCallConnected(SETUP), logs);
        assertTrue(bob.awaitCallConnected(SETUP), logs);
        bob.hangUp();
        assertTrue(alice.awaitCallEnded(HANG_UP), () -> "the caller did not see the hang-up\n" + logs.get());
        assertTrue(bob.log().contains("BYE sip:alice@" + TestServer.DOMAIN + ";gr="),
                () -> "the BYE was not sent to the caller's GRUU: this test proves nothing then\n" + logs.get());
    }

    Linphonec linphonec(String user, boolean autoAnswer) throws Exception {
        Linphonec client = Linphonec.start(root, user, account(user), autoAnswer);
        clients.add(client);
        assertEquals("Ok", client.awaitRegistration(REGISTRATION), client::logs);
        return client;
    }

    Baresip baresip(String user) throws Exception {
        Baresip client = Baresip.start(root, user, account(user));
        clients.add(client);
        assertEquals("ok", client.awaitRegistration(REGISTRATION), client::logs);
        return client;
    }

    /** How the clients reach the server. */
    SipAccount account(String user) {
        return new SipAccount(user, user + "-secret", TestServer.DOMAIN, server.host(), server.port());
    }
}
