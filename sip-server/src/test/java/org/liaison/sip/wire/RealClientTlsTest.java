package org.liaison.sip.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.sip.testing.TestServer;

/**
 * Real clients on the shipped policy: signalling over TLS only ({@code sip.tls.required}), the
 * server's certificate checked against the generated {@code ca.pem}, and calls with mandatory
 * SDES-SRTP, whose keys are safe only because the signalling is encrypted.
 */
@Timeout(90)
class RealClientTlsTest {
    private static final Duration REGISTRATION = Duration.ofSeconds(15);
    private static final Duration SETUP = Duration.ofSeconds(20);
    private static final Duration HANG_UP = Duration.ofSeconds(10);

    @TempDir
    Path root;
    TestServer server;
    final List<AutoCloseable> clients = new ArrayList<>();

    @BeforeEach
    void startServer() throws Exception {
        server = TestServer.builder().user("alice", "alice-secret", "1001").user("bob", "bob-secret", "1002")
                .withTls().property("sip.tls.required", "true").start(root.resolve("server"));
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (AutoCloseable c : clients) {
            c.close();
        }
        server.close();
    }

    @Test
    void linphonecCallsLinphonecOverTlsWithSrtp() throws Exception {
        Linphonec alice = linphonec("alice", false);
        Linphonec bob = linphonec("bob", true);
        Supplier<String> logs = () -> alice.logs() + bob.logs();

        alice.call("sip:bob@" + TestServer.DOMAIN);

        assertTrue(alice.awaitCallConnected(SETUP), logs);
        assertTrue(bob.awaitCallConnected(SETUP), logs);
        assertTrue(alice.log().contains("RTP/SAVP") && alice.log().contains("a=crypto:"),
                () -> "the offer was not SDES-SRTP\n" + logs.get());
        alice.hangUp();
        assertTrue(bob.awaitCallEnded(HANG_UP), () -> "the callee did not see the hang-up\n" + logs.get());
    }

    @Test
    void baresipCallsBaresipOverTlsWithSrtp() throws Exception {
        Baresip alice = baresip("alice");
        Baresip bob = baresip("bob");
        Supplier<String> logs = () -> alice.logs() + bob.logs();

        alice.dial("sip:bob@" + TestServer.DOMAIN);

        assertTrue(alice.awaitCallEstablished(SETUP), logs);
        assertTrue(bob.awaitCallEstablished(SETUP), logs);
        assertTrue(bob.awaitOutput("(?s).*a=crypto:.*", Duration.ofSeconds(1)), () -> "no SDES offer\n" + logs.get());
        alice.hangUp();
        assertTrue(bob.awaitCallTerminated(HANG_UP), () -> "baresip did not see the hang-up\n" + logs.get());
    }

    @Test
    void linphonecCallsBaresipOverTlsWithSrtp() throws Exception {
        Linphonec alice = linphonec("alice", false);
        Baresip bob = baresip("bob");
        Supplier<String> logs = () -> alice.logs() + bob.logs();

        alice.call("sip:bob@" + TestServer.DOMAIN);

        assertTrue(alice.awaitCallConnected(SETUP), logs);
        assertTrue(bob.awaitCallEstablished(SETUP), logs);
        alice.hangUp();
        assertTrue(bob.awaitCallTerminated(HANG_UP), () -> "baresip did not see the hang-up\n" + logs.get());
    }

    private Linphonec linphonec(String user, boolean autoAnswer) throws Exception {
        Linphonec client = Linphonec.start(root, user, account(user), autoAnswer);
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
        return new SipAccount(user, user + "-secret", TestServer.DOMAIN, server.host(), server.tlsPort(),
                Optional.of(server.dataDir().resolve("ca.pem")));
    }
}
