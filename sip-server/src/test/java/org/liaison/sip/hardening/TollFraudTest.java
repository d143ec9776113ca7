package org.liaison.sip.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.liaison.sip.testing.Calls;
import org.liaison.sip.testing.LiaisonServer;
import org.liaison.sip.testing.LiaisonServer.Agent;
import org.liaison.sip.testing.SipText;
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

    @RegisterExtension
    final LiaisonServer liaison = LiaisonServer.notStarted();
    private DatagramSocket gateway;
    @Agent private TestUa alice;

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
        Calls.sendAuthenticated(alice, "alice-secret", uri, UUID.randomUUID().toString(), Calls.SDP);
        String invite = received();
        assertEquals("INVITE " + uri + " SIP/2.0", invite == null ? null : invite.substring(0, invite.indexOf("\r\n")));
    }

    /**
     * Issue 16: in-dialog requests of a call to an allowed foreign peer go both ways, though the
     * peer's Contact is no device of ours: the dialog's token names a callee in an allowed domain.
     */
    @Test
    void inDialogRequestsOfACallToAnAllowedGatewayGoBothWays() throws Exception {
        start(GATEWAY);
        String uri = "sip:00449001234567@" + GATEWAY + ":" + gateway.getLocalPort();
        Calls.sendAuthenticated(alice, "alice-secret", uri, UUID.randomUUID().toString(), Calls.SDP);
        SipText invite = SipText.parse(received());
        answerFromGateway(invite);
        SipText ok = alice.awaitResponse("INVITE", 200);
        alice.send(Calls.fromCaller(alice, ok, "BYE", 3));
        String bye = received();
        // to the gateway's Contact, the dialog's remote target (RFC 3261 §12.2.1.1)
        assertEquals("BYE sip:gw@" + GATEWAY + ":" + gateway.getLocalPort() + " SIP/2.0",
                bye == null ? null : bye.substring(0, bye.indexOf("\r\n")));

        StringBuilder fromGateway = new StringBuilder("BYE " + Calls.contactUri(invite.header("contact").orElseThrow())
                + " SIP/2.0\r\nVia: SIP/2.0/UDP " + GATEWAY + ":" + gateway.getLocalPort() + ";branch=z9hG4bKgw"
                + UUID.randomUUID() + "\r\nMax-Forwards: 70\r\n");
        Calls.recordRoutes(invite).forEach(r -> fromGateway.append("Route: ").append(r).append("\r\n"));
        fromGateway.append("From: ").append(invite.header("to").orElseThrow()).append(";tag=gw\r\nTo: ")
                .append(invite.header("from").orElseThrow()).append("\r\nCall-ID: ")
                .append(invite.header("call-id").orElseThrow()).append("\r\nCSeq: 1 BYE\r\nContent-Length: 0\r\n\r\n");
        sendFromGateway(fromGateway.toString());
        assertEquals("BYE", alice.awaitRequest("BYE").method());
    }

    /** The gateway answers an INVITE with 200 and a Contact at its own address. */
    private void answerFromGateway(SipText invite) throws IOException {
        StringBuilder ok = new StringBuilder("SIP/2.0 200 OK\r\n");
        invite.all("via").forEach(v -> ok.append("Via: ").append(v).append("\r\n"));
        invite.all("record-route").forEach(r -> ok.append("Record-Route: ").append(r).append("\r\n"));
        ok.append("From: ").append(invite.header("from").orElseThrow()).append("\r\nTo: ")
                .append(invite.header("to").orElseThrow()).append(";tag=gw\r\nCall-ID: ")
                .append(invite.header("call-id").orElseThrow()).append("\r\nCSeq: ")
                .append(invite.header("cseq").orElseThrow()).append("\r\nContact: <sip:gw@").append(GATEWAY)
                .append(':').append(gateway.getLocalPort()).append(">\r\nContent-Length: 0\r\n\r\n");
        sendFromGateway(ok.toString());
    }

    private void sendFromGateway(String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        gateway.send(new DatagramPacket(bytes, bytes.length,
                new InetSocketAddress(liaison.server().host(), liaison.server().port())));
    }

    private void start(String foreignDomains) throws Exception {
        TestServer.Builder builder = TestServer.builder().user("alice", "alice-secret", "1001");
        if (foreignDomains != null) {
            builder.property("proxy.foreign-domains", foreignDomains);
        }
        liaison.start(builder);
        gateway = liaison.own(new DatagramSocket(new InetSocketAddress(GATEWAY, 0)));
        gateway.setSoTimeout(1500);
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
