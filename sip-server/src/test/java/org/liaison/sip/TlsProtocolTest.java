package org.liaison.sip;

import static org.awaitility.Awaitility.await;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.liaison.sip.edge.SipEdge;
import org.liaison.sip.testing.Calls;
import org.liaison.sip.testing.LiaisonServer;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;
import org.liaison.sip.testing.TlsClients;

/** SIP over TLS (RFC 3261 §26, RFC 5630) between test user agents and the real server on loopback. */
class TlsProtocolTest {
    private static final String DOMAIN = TestServer.DOMAIN;

    @TempDir
    Path root;

    @RegisterExtension
    final LiaisonServer liaison = LiaisonServer.notStarted();

    private TestServer server(boolean tlsRequired) throws Exception {
        return liaison.start(TestServer.builder().user("alice", "alice-secret", "1001")
                .user("bob", "bob-secret", "1002").withTls().property("sip.tls.required", Boolean.toString(tlsRequired)));
    }

    @Test
    void deviceRegistersOverTlsWithAStrongProtocolAndSuite() throws Exception {
        TestServer server = server(false);
        TestUa alice = liaison.own(TestUa.overTls("alice", server));
        assertEquals(200, alice.register("alice-secret", "").status());
        assertTrue(List.of("TLSv1.3", "TLSv1.2").contains(alice.tlsSession().getProtocol()),
                alice.tlsSession().getProtocol());
        assertTrue(SipEdge.TLS_CIPHER_SUITES.contains(alice.tlsSession().getCipherSuite()),
                alice.tlsSession().getCipherSuite());
    }

    /**
     * A call between two TLS devices, to a {@code sip:} or (RFC 5630) {@code sips:} URI: the callee is
     * reached over its own connection, and Record-Route names the TLS listener ({@code sips:} for a
     * {@code sips:} request, RFC 3261 §16.6 step 4), which in-dialog requests then follow.
     */
    @ParameterizedTest
    @ValueSource(strings = {"sip", "sips"})
    void callBetweenTwoTlsDevicesReachesTheCalleeOverItsOwnConnection(String scheme) throws Exception {
        TestServer server = server(true);
        TestUa alice = liaison.own(TestUa.overTls("alice", server));
        TestUa bob = liaison.own(TestUa.overTls("bob", server));
        SipText invite = inviteFromAliceReachingBob(alice, bob, scheme + ":bob@" + DOMAIN);
        // bob's Contact names a port nobody listens on: the INVITE can only have come over bob's connection
        assertEquals(bob.contact(), invite.requestUri());
        for (String recordRoute : Calls.recordRoutes(invite)) {
            assertTrue("sips".equals(scheme) ? recordRoute.startsWith("<sips:") : recordRoute.contains("transport=tls"),
                    recordRoute);
        }
        SipText ok = Calls.answer(alice, bob, invite, "bobtag");
        assertEquals(200, Calls.hangUp(alice, bob, ok));
    }

    /**
     * Issue 16: sip.tls.required holds in dialogs too. The BYE of a TLS call, sent by a local party
     * over UDP with the dialog's own Route, tags and Call-ID, gets 403 and reaches nobody.
     */
    @Test
    void withTlsRequiredAnInDialogRequestOfALocalUserOverUdpGets403() throws Exception {
        TestServer server = server(true);
        TestUa alice = liaison.own(TestUa.overTls("alice", server));
        TestUa bob = liaison.own(TestUa.overTls("bob", server));
        TestUa aliceOverUdp = liaison.own(new TestUa("alice", server));
        SipText invite = inviteFromAliceReachingBob(alice, bob, "sip:bob@" + DOMAIN);
        bob.respond(invite, 200, "OK", "bobtag", null, null);
        SipText ok = alice.awaitResponse("INVITE", 200);
        aliceOverUdp.send(Calls.fromCaller(aliceOverUdp, ok, "BYE", 3));
        assertEquals(403, aliceOverUdp.awaitResponse("BYE", 200).status());
        assertTrue(bob.receivesNothing(m -> "BYE".equals(m.method()), Duration.ofMillis(300)));
    }

    /** bob registers, alice calls {@code uri} (challenged, then authenticated); the INVITE bob got, over TLS. */
    private static SipText inviteFromAliceReachingBob(TestUa alice, TestUa bob, String uri) throws Exception {
        assertEquals(200, bob.register("bob-secret", "").status());
        assertEquals(407, alice.sendAnsweringChallenge(Calls.invite(alice, uri, UUID.randomUUID().toString()),
                "alice-secret").first().status());
        SipText invite = bob.awaitRequest("INVITE");
        assertTrue(invite.header("via").orElseThrow().startsWith("SIP/2.0/TLS "), invite.toString());
        return invite;
    }

    @Test
    void aSipsCallIsNotForwardedToADeviceRegisteredWithoutTls() throws Exception {
        TestServer server = server(false);
        TestUa alice = liaison.own(TestUa.overTls("alice", server));
        TestUa bob = liaison.own(new TestUa("bob", server));
        assertEquals(200, bob.register("bob-secret", "").status());
        String uri = "sips:bob@" + DOMAIN;
        SipText refused = alice.sendWithAuth(Calls.invite(alice, uri, UUID.randomUUID().toString()), "alice-secret");
        assertEquals(480, refused.status());
        assertTrue(bob.receivesNothing(m -> "INVITE".equals(m.method()), Duration.ofMillis(300)));
    }

    @Test
    void withTlsRequiredARegisterOverUdpGets403BeforeAnyChallenge() throws Exception {
        TestServer server = server(true);
        TestUa alice = liaison.own(new TestUa("alice", server));
        alice.send(alice.registerRequest(UUID.randomUUID().toString(), 3600, "").replace("{auth}", ""));
        SipText refused = alice.awaitResponse("REGISTER", 200);
        assertEquals(403, refused.status());
        assertTrue(refused.header("www-authenticate").isEmpty(), "challenged over UDP: " + refused);
        assertTrue(refused.header("warning").orElseThrow().contains("Use TLS"), refused.toString());
    }

    @Test
    void withTlsRequiredACallOverTcpGets403() throws Exception {
        TestServer server = server(true);
        TestUa alice = liaison.own(new TestUa("alice", server, true));
        assertEquals(403, alice.sendAnsweringChallenge(Calls.invite(alice, "sip:bob@" + DOMAIN,
                UUID.randomUUID().toString()), "alice-secret").first().status());
    }

    /**
     * An ACME client replacing the certificate files: new handshakes get the new certificate while
     * the server keeps running. Here the replacement comes from another server's CA, so a client
     * trusting only that CA can connect exactly when the new certificate is served.
     */
    @Test
    void aReplacedCertificateIsServedWithoutRestart() throws Exception {
        Path other = root.resolve("other");
        TestServer.builder().withTls().start(other).close(); // leaves a CA and a certificate in other/data
        SSLContext trustingTheNewCa = TlsClients.trusting(other.resolve("data/ca.pem"));
        TestServer server = server(false);
        assertFalse(handshakes(server, trustingTheNewCa), "the new CA is trusted before the replacement");
        Path tls = server.dataDir().resolve("tls");
        Files.copy(other.resolve("data/tls/server-key.pem"), tls.resolve("server-key.pem"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.copy(other.resolve("data/tls/server.pem"), tls.resolve("server.pem"), StandardCopyOption.REPLACE_EXISTING);
        await("the replaced certificate to be served").atMost(Duration.ofSeconds(5)).until(() -> handshakes(server, trustingTheNewCa));
        try (TestUa alice = TestUa.overTls("alice", server)) {
            fail("the old certificate is still served to a client trusting only the old CA");
        } catch (SSLHandshakeException expected) {
            // the old CA signed the old certificate only
        }
    }

    /** Every sip.address has a TLS listener, and the certificate names each (checked as HTTPS clients do). */
    @Test
    void tlsIsServedOnEveryAddressUnderItsName() throws Exception {
        TestServer server = liaison.start(TestServer.builder().withTls().property("sip.address", "127.0.0.1, ::1"));
        SSLContext trust = TlsClients.trusting(server.dataDir().resolve("ca.pem"));
        for (String address : List.of("127.0.0.1", "::1")) {
            assertTrue(handshakes(address, server.tlsPort(), trust), address);
        }
    }

    private static boolean handshakes(TestServer server, SSLContext trust) {
        return handshakes(server.host(), server.tlsPort(), trust);
    }

    private static boolean handshakes(String host, int port, SSLContext trust) {
        try (SSLSocket socket = TlsClients.connect(trust, host, port)) {
            return socket.getSession().isValid();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Connections that never finish (or never start) their handshake hold no thread: a UDP client
     * and a new TLS client are served as usual meanwhile.
     */
    @Test
    void stalledHandshakesDoNotBlockOtherClients() throws Exception {
        TestServer server = server(false);
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

    /** The connection guard's first-message deadline also ends a TLS handshake that never completes. */
    @Test
    void aHandshakeThatNeverCompletesIsClosedAtTheFirstMessageDeadline() throws Exception {
        TestServer server = liaison.start(TestServer.builder().user("alice", "alice-secret", "1001").withTls()
                .property("security.first-message-timeout-seconds", "1"));
        Socket s = liaison.own(new Socket());
        s.connect(new InetSocketAddress(server.host(), server.tlsPort()), 2000);
        s.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01});
        s.setSoTimeout(10_000); // well past the 1 s deadline and the guard's sweep
        long started = System.nanoTime();
        try {
            assertEquals(-1, s.getInputStream().read(), "the server sent data instead of closing");
        } catch (SocketException reset) {
            // closed by the server with a reset: also closed
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(took.compareTo(Duration.ofSeconds(8)) < 0, "closed only after " + took);
    }
}
