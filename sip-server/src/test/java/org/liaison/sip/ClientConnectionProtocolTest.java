package org.liaison.sip;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.liaison.sip.testing.CapturedLog;
import org.liaison.sip.testing.LiaisonServer;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/**
 * A phone's TLS (or TCP) connection is the only way to it (RFC 5626 §5.3): once it is gone, a request for that phone
 * fails at once and the server never connects to the phone's source port. JAIN-SIP 1.3.0-91 did connect there, and
 * over TLS kept opening new connections hundreds of times a second while other phones went unanswered.
 */
class ClientConnectionProtocolTest {
    private static final String DOMAIN = TestServer.DOMAIN;

    @RegisterExtension
    final LiaisonServer liaison = LiaisonServer.started(TestServer.builder().withTls()
            .user("alice", "alice-secret", "1001").user("bob", "bob-secret", "1002"));

    @Test
    void aRequestForAPhoneWhoseTlsConnectionIsGoneIsAnsweredWithoutConnectingToItsPort() throws Exception {
        TestUa bob = TestUa.overTlsFromASharedPort("bob", liaison.server());
        assertEquals(200, bob.register("bob-secret", "").status());
        int bobsPort = bob.port();
        bob.close();
        TestUa alice = liaison.own(new TestUa("alice", liaison.server()));

        // whoever connects to bob's old source port now reaches this listener
        try (ServerSocket bobsPortListening = await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> listeningOn(bobsPort), Objects::nonNull); CapturedLog log = CapturedLog.start()) {
            bobsPortListening.setSoTimeout(1000);

            String message = alice.messageRequest("sip:bob@" + DOMAIN, UUID.randomUUID().toString(), "text/plain",
                    "bob has gone");
            SipText answer = alice.sendWithAuth(message, "alice-secret");
            assertEquals(202, answer.status(), "stored for bob's next registration: " + answer);

            assertThrows(SocketTimeoutException.class, bobsPortListening::accept,
                    "the server connected to bob's source port");
            assertTrue(log.warnings().stream().noneMatch(w -> w.contains("Old socket")), log.warnings().toString());
        }
    }

    /** A listener on {@code port} of 127.0.0.1, or null while the port is still taken. */
    private static ServerSocket listeningOn(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setOption(StandardSocketOptions.SO_REUSEPORT, true); // as the phone's socket (overTlsFromASharedPort)
        try {
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            return socket;
        } catch (BindException inUse) {
            socket.close();
            return null;
        }
    }

    /** The same phone's connection, still open, carries what the server sends it. */
    @Test
    void aRequestForAPhoneGoesOverTheConnectionItRegisteredOn() throws Exception {
        TestUa bob = liaison.own(TestUa.overTls("bob", liaison.server()));
        assertEquals(200, bob.register("bob-secret", "").status());
        TestUa alice = liaison.own(new TestUa("alice", liaison.server()));

        String message = alice.messageRequest("sip:bob@" + DOMAIN, UUID.randomUUID().toString(), "text/plain",
                "over your connection");
        assertEquals(407, alice.sendAnsweringChallenge(message, "alice-secret").first().status());
        SipText received = bob.awaitRequest("MESSAGE");
        bob.respond(received, 200, "OK", "b", null, null);
        assertEquals(200, alice.await(m -> m.isResponse() && m.status() == 200, Duration.ofSeconds(5)).status());
    }
}
