package org.liaison.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.sip.edge.SipEdge;
import org.liaison.sip.testing.Calls;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/** SIP over TLS (RFC 3261 §26, RFC 5630) between test user agents and the real server on loopback. */
class TlsProtocolTest {
    private static final String DOMAIN = TestServer.DOMAIN;

    @TempDir
    Path root;

    private TestServer server(boolean tlsRequired) throws Exception {
        return TestServer.builder().user("alice", "alice-secret", "1001").user("bob", "bob-secret", "1002")
                .withTls().property("sip.tls.required", Boolean.toString(tlsRequired)).start(root);
    }

    @Test
    void deviceRegistersOverTlsWithAStrongProtocolAndSuite() throws Exception {
        try (TestServer server = server(false); TestUa alice = TestUa.overTls("alice", server)) {
            assertEquals(200, alice.register("alice-secret", "").status());
            assertTrue(List.of("TLSv1.3", "TLSv1.2").contains(alice.tlsSession().getProtocol()),
                    alice.tlsSession().getProtocol());
            assertTrue(SipEdge.TLS_CIPHER_SUITES.contains(alice.tlsSession().getCipherSuite()),
                    alice.tlsSession().getCipherSuite());
        }
    }

    @Test
    void callBetweenTwoTlsDevicesReachesTheCalleeOverItsOwnConnection() throws Exception {
        try (TestServer server = server(true);
                TestUa alice = TestUa.overTls("alice", server);
                TestUa bob = TestUa.overTls("bob", server)) {
            assertEquals(200, bob.register("bob-secret", "").status());
            String callId = UUID.randomUUID().toString();
            SipText challenge = sendInvite(alice, callId, "");
            assertEquals(407, challenge.status());
            sendInvite(alice, callId, alice.authorization(challenge, "INVITE", "sip:bob@" + DOMAIN, "alice",
                    "alice-secret"));

            // bob's Contact names a port nobody listens on: the INVITE can only have come over bob's connection
            SipText invite = bob.awaitRequest("INVITE");
            assertEquals(bob.contact(), invite.requestUri());
            assertTrue(invite.header("via").orElseThrow().startsWith("SIP/2.0/TLS "), invite.toString());
            for (String recordRoute : Calls.recordRoutes(invite)) {
                assertTrue(recordRoute.contains("transport=tls"), recordRoute);
            }
            bob.respond(invite, 200, "OK", "bobtag", null, null);
            SipText ok = alice.awaitResponse("INVITE", 200);
            assertEquals(200, ok.status());
            alice.send(Calls.fromCaller(alice, ok, "ACK", 2));
            bob.awaitRequest("ACK");
            alice.send(Calls.fromCaller(alice, ok, "BYE", 3));
            SipText bye = bob.awaitRequest("BYE");
            bob.respond(bye, 200, "OK", null, null, null);
            assertEquals(200, alice.awaitResponse("BYE", 200).status());
        }
    }

    private static SipText sendInvite(TestUa caller, String callId, String authorization) throws Exception {
        caller.send(Calls.invite(caller, "sip:bob@" + DOMAIN, callId).replace("{auth}", authorization));
        return caller.awaitResponse("INVITE", 400 - (authorization.isEmpty() ? 0 : 300));
    }

    @Test
    void sipsUrisAreAcceptedOverTls() throws Exception {
        try (TestServer server = server(true); TestUa alice = TestUa.overTls("alice", server)) {
            String register = alice.registerRequest(UUID.randomUUID().toString(), 3600, "")
                    .replace("REGISTER sip:", "REGISTER sips:")
                    .replace("<sip:alice@", "<sips:alice@")
                    .replace(";transport=tls>", ">");
            SipText ok = alice.sendWithAuth(register, "alice-secret");
            assertEquals(200, ok.status(), ok.toString());
            assertTrue(ok.header("contact").orElseThrow().contains("sips:alice@"), ok.toString());
        }
    }

    @Test
    void withTlsRequiredARegisterOverUdpGets403BeforeAnyChallenge() throws Exception {
        try (TestServer server = server(true); TestUa alice = new TestUa("alice", server)) {
            alice.send(alice.registerRequest(UUID.randomUUID().toString(), 3600, "").replace("{auth}", ""));
            SipText refused = alice.awaitResponse("REGISTER", 200);
            assertEquals(403, refused.status());
            assertTrue(refused.header("www-authenticate").isEmpty(), "challenged over UDP: " + refused);
            assertTrue(refused.header("warning").orElseThrow().contains("Use TLS"), refused.toString());
        }
    }

    @Test
    void withTlsRequiredACallOverTcpGets403() throws Exception {
        try (TestServer server = server(true); TestUa alice = new TestUa("alice", server, true)) {
            assertEquals(403, sendInvite(alice, UUID.randomUUID().toString(), "").status());
        }
    }

    /**
     * Connections that never finish (or never start) their handshake hold no thread: a UDP client
     * and a new TLS client are served as usual meanwhile.
     */
    @Test
    void stalledHandshakesDoNotBlockOtherClients() throws Exception {
        try (TestServer server = server(false)) {
            List<Socket> stalled = new ArrayList<>();
            try {
                for (int i = 0; i < 50; i++) {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress(server.host(), server.tlsPort()), 2000);
                    OutputStream out = s.getOutputStream();
                    out.write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01}); // a ClientHello's first bytes, then nothing
                    out.flush();
                    stalled.add(s);
                }
                long started = System.nanoTime();
                try (TestUa udp = new TestUa("alice", server); TestUa tls = TestUa.overTls("bob", server)) {
                    assertEquals(200, udp.register("alice-secret", "").status());
                    assertEquals(200, tls.register("bob-secret", "").status());
                }
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                assertTrue(took.compareTo(Duration.ofSeconds(2)) < 0, "other clients waited " + took);
            } finally {
                for (Socket s : stalled) {
                    s.close();
                }
            }
        }
    }
}
