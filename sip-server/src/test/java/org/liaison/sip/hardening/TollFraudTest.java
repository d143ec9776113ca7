package org.liaison.sip.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.sip.testing.Calls;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/**
 * Issue 5, toll fraud: an authenticated local user cannot make the server relay a call to a foreign
 * domain, a {@code tel:} URI, or a number at a gateway-looking address, unless
 * {@code proxy.foreign-domains} names that destination. A "gateway" listens on 127.0.0.2 (an allowed
 * destination, so only the relay rule stands in the way) and must receive nothing.
 */
@Timeout(60)
class TollFraudTest {
    private static final String GATEWAY = "127.0.0.2";

    @TempDir
    Path root;
    private DatagramSocket gateway;
    private TestServer server;
    private TestUa alice;

    @BeforeEach
    void listen() throws IOException {
        gateway = new DatagramSocket(new InetSocketAddress(GATEWAY, 0));
        gateway.setSoTimeout(1500);
    }

    @AfterEach
    void close() {
        if (alice != null) {
            alice.close();
        }
        if (server != null) {
            server.close();
        }
        gateway.close();
    }

    @Test
    void nothingIsRelayedToAForeignDomainATelUriOrAGatewayNumber() throws Exception {
        start(null);
        String at = GATEWAY + ":" + gateway.getLocalPort();
        assertEquals(403, call("sip:victim@" + at));
        assertEquals(403, call("sip:00449001234567@" + at + ";user=phone"));
        assertEquals(416, call("tel:+449001234567"));
        assertEquals(403, call("sip:00449001234567@premium-rate.example"));
        // a number in our own domain that is no extension is nobody, not a way out
        assertEquals(404, call("sip:00449001234567@" + TestServer.DOMAIN));
        assertEquals(403, alice.sendWithAuth(alice.messageRequest("sip:victim@" + at, UUID.randomUUID().toString(),
                "text/plain", "hello"), "alice-secret").status());
        assertNull(received(), "the gateway was sent a request");
    }

    @Test
    void aGatewayTheAdminAllowedIsReached() throws Exception {
        start(GATEWAY);
        String uri = "sip:00449001234567@" + GATEWAY + ":" + gateway.getLocalPort() + ";user=phone";
        alice.send(Calls.invite(alice, uri, UUID.randomUUID().toString()).replace("{auth}", ""));
        String challenge = alice.awaitResponse("INVITE", 400).header("proxy-authenticate").orElseThrow();
        alice.send(Calls.invite(alice, uri, UUID.randomUUID().toString()).replace("{auth}",
                alice.authorizationFor(challenge, true, "INVITE", uri, "alice", "alice-secret")));
        String invite = received();
        assertEquals("INVITE " + uri + " SIP/2.0", invite == null ? null : invite.substring(0, invite.indexOf("\r\n")));
    }

    private void start(String foreignDomains) throws Exception {
        TestServer.Builder builder = TestServer.builder().user("alice", "alice-secret", "1001");
        if (foreignDomains != null) {
            builder.property("proxy.foreign-domains", foreignDomains);
        }
        server = builder.start(root);
        alice = new TestUa("alice", server);
    }

    /** An authenticated INVITE from alice; its final status. */
    private int call(String requestUri) throws IOException {
        return alice.sendWithAuth(Calls.invite(alice, requestUri, UUID.randomUUID().toString()), "alice-secret")
                .status();
    }

    /** What the gateway received, or null if nothing came within its timeout. */
    private String received() throws IOException {
        DatagramPacket packet = new DatagramPacket(new byte[65536], 65536);
        try {
            gateway.receive(packet);
            return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
        } catch (SocketTimeoutException nothing) {
            return null;
        }
    }
}
