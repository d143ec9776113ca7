package org.liaison.sip.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
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
 * Issue 16, items 1 and 2: nobody can make the server send a request where no dialog it set up
 * leads. A "trunk" listens on 127.0.0.9 (an allowed destination, so only the dialog and Path rules
 * stand in the way) and must receive nothing. Legitimate in-dialog requests in both directions still
 * pass.
 */
@Timeout(60)
class DialogHijackTest {
    private static final String TRUNK = "127.0.0.9";
    private static final String DOMAIN = TestServer.DOMAIN;

    @RegisterExtension
    final LiaisonServer liaison = LiaisonServer.started(TestServer.builder().user("alice", "alice-secret", "1001")
            .user("bob", "bob-secret", "1002"));
    private DatagramSocket trunk;
    @Agent private TestUa alice;
    @Agent private TestUa bob;
    @Agent private TestUa mallory;

    @BeforeEach
    void listen() throws IOException {
        trunk = liaison.own(new DatagramSocket(new InetSocketAddress(TRUNK, 0)));
        trunk.setSoTimeout(1500);
    }

    /** The issue's reproduction: a Route and Call-ID seen once, replayed without credentials towards a trunk. */
    @Test
    void aReplayedRouteTokenDoesNotMakeTheServerARelay() throws Exception {
        SipText ok = answeredCall();
        String trunkUri = "sip:+88213000@" + TRUNK + ":" + trunk.getLocalPort();
        List<String> routes = new ArrayList<>(Calls.recordRoutes(ok));
        Collections.reverse(routes);
        String callId = ok.header("call-id").orElseThrow();
        mallory.send(Calls.inDialog(mallory, "INVITE", trunkUri, routes, "<sip:ceo@" + DOMAIN + ">;tag=made-up",
                "<" + trunkUri + ">;tag=made-up-too", callId, "7 INVITE"));
        assertEquals(403, mallory.awaitResponse("INVITE", 300).status());
        // even with the caller's own From and tag, the Request-URI is no device of the dialog
        mallory.send(Calls.inDialog(mallory, "INVITE", trunkUri, routes, ok.header("from").orElseThrow(),
                ok.header("to").orElseThrow(), callId, "7 INVITE"));
        assertEquals(403, mallory.awaitResponse("INVITE", 300).status());
        assertNull(trunkReceived(), "the trunk was sent a request");
    }

    /** The callee of a dialog (who saw the token) cannot add a Route beyond us towards the trunk. */
    @Test
    void theCalleeCannotAddARouteBeyondTheServer() throws Exception {
        assertEquals(200, bob.register("bob-secret", "").status());
        SipText invite = answeredInvite();
        String bye = Calls.fromCallee(bob, invite, "bobtag", "BYE", 1);
        String extraRoute = "Route: <sip:" + TRUNK + ":" + trunk.getLocalPort() + ";lr>\r\n";
        bob.send(bye.replaceFirst("(Route: [^\r]*\r\n)(?!Route)", "$1" + extraRoute));
        assertEquals(403, bob.awaitResponse("BYE", 300).status());
        assertNull(trunkReceived(), "the trunk was sent a request");
    }

    /** A token is bound to its dialog: the Route of one call does not open another Call-ID. */
    @Test
    void aTokenFromAnotherDialogIsRefused() throws Exception {
        SipText ok = answeredCall();
        String bye = Calls.fromCaller(alice, ok, "BYE", 3)
                .replace(ok.header("call-id").orElseThrow(), UUID.randomUUID().toString());
        alice.send(bye);
        assertEquals(403, alice.awaitResponse("BYE", 300).status());
        assertTrue(bob.receivesNothing(m -> "BYE".equals(m.method()), Duration.ofMillis(500)));
    }

    /** Re-INVITEs both ways and a BYE from the callee keep working. */
    @Test
    void bothPartiesStillReachEachOtherInTheDialog() throws Exception {
        assertEquals(200, bob.register("bob-secret", "").status());
        alice.register("alice-secret", "");
        SipText invite = answeredInvite();
        SipText ok = alice.awaitResponse("INVITE", 200);
        Calls.ack(alice, bob, ok);
        alice.send(Calls.fromCaller(alice, ok, "INVITE", 3));
        bob.respond(bob.awaitRequest("INVITE"), 200, "OK", null, null, null);
        assertEquals(200, alice.awaitResponse("INVITE", 200).status());
        bob.send(Calls.fromCallee(bob, invite, "bobtag", "INVITE", 1));
        alice.respond(alice.awaitRequest("INVITE"), 200, "OK", null, null, null);
        assertEquals(200, bob.awaitResponse("INVITE", 200).status());
        bob.send(Calls.fromCallee(bob, invite, "bobtag", "BYE", 2));
        alice.respond(alice.awaitRequest("BYE"), 200, "OK", null, null, null);
        assertEquals(200, bob.awaitResponse("BYE", 200).status());
    }

    /** The issue's second reproduction: alice's Path made bob's call to her go to the trunk. */
    @Test
    void aPathFromAClientIsNotANextHop() throws Exception {
        String path = "Path: <sip:" + TRUNK + ":" + trunk.getLocalPort() + ";lr>\r\n";
        SipText registered = alice.sendWithAuth(alice.registerRequest(UUID.randomUUID().toString(), 3600, "")
                .replace("{auth}", path + "{auth}"), "alice-secret");
        assertEquals(403, registered.status(), "Path from a client that is no edge proxy: " + registered);
        assertEquals(480, bob.sendWithAuth(Calls.invite(bob, "sip:alice@" + DOMAIN, UUID.randomUUID().toString()),
                "bob-secret").status());
        assertNull(trunkReceived(), "the trunk was sent a request");
    }

    /** From an edge proxy the admin configured (here every loopback client), a Path is followed. */
    @Test
    void aPathFromAConfiguredEdgeProxyIsFollowed() throws Exception {
        liaison.start(TestServer.builder().user("alice", "alice-secret", "1001").user("bob", "bob-secret", "1002")
                .property("proxy.edge-proxies", "127.0.0.1"));
        listen();
        String path = "Path: <sip:" + TRUNK + ":" + trunk.getLocalPort() + ";lr>\r\n";
        assertEquals(200, alice.sendWithAuth(alice.registerRequest(UUID.randomUUID().toString(), 3600, "")
                .replace("{auth}", path + "{auth}"), "alice-secret").status());
        Calls.sendAuthenticated(bob, "bob-secret", "sip:alice@" + DOMAIN, UUID.randomUUID().toString(), Calls.SDP);
        String invite = trunkReceived();
        assertTrue(invite != null && invite.startsWith("INVITE sip:alice@"), "the edge proxy got: " + invite);
    }

    /** Issue 16 item 7: the callee sees the directory's name and identity, not what the caller claims. */
    @Test
    void spoofedIdentityHeadersAreReplacedByTheAssertedIdentity() throws Exception {
        assertEquals(200, bob.register("bob-secret", "").status());
        String spoofed = Calls.invite(alice, "sip:bob@" + DOMAIN, UUID.randomUUID().toString())
                .replace("From: <", "From: \"CEO Bob\" <")
                .replace("{auth}", "P-Asserted-Identity: \"CEO\" <sip:ceo@" + DOMAIN + ">\r\n"
                        + "P-Preferred-Identity: <sip:ceo@" + DOMAIN + ">\r\n"
                        + "Remote-Party-ID: \"CEO\" <sip:ceo@" + DOMAIN + ">;party=calling\r\n{auth}");
        assertEquals(407, alice.sendAnsweringChallenge(spoofed, "alice-secret").first().status());
        SipText invite = bob.awaitRequest("INVITE");
        assertEquals("\"alice Test\" <sip:alice@" + DOMAIN + ">", invite.header("p-asserted-identity").orElse(null));
        assertTrue(invite.header("from").orElseThrow().startsWith("\"alice Test\" <sip:alice@"), invite.toString());
        assertTrue(invite.header("p-preferred-identity").isEmpty(), invite.toString());
        assertTrue(invite.header("remote-party-id").isEmpty(), invite.toString());
        // the callee's own claims do not travel back to the caller either (RFC 3325 §5)
        bob.respond(invite, 200, "OK", "bobtag", "P-Asserted-Identity: <sip:ceo@" + DOMAIN + ">\r\n", null);
        SipText ok = alice.awaitResponse("INVITE", 200);
        assertFalse(ok.header("p-asserted-identity").orElse("").contains("ceo"), ok.toString());
    }

    /** RFC 3325 §9.3: a caller asking for privacy is asserted to nobody outside the liaison.server(). */
    @Test
    void privacyIdWithholdsTheAssertedIdentity() throws Exception {
        assertEquals(200, bob.register("bob-secret", "").status());
        assertEquals(407, alice.sendAnsweringChallenge(Calls.invite(alice, "sip:bob@" + DOMAIN,
                UUID.randomUUID().toString()).replace("{auth}", "Privacy: id\r\nP-Asserted-Identity: <sip:ceo@"
                        + DOMAIN + ">\r\n{auth}"), "alice-secret").first().status());
        SipText invite = bob.awaitRequest("INVITE");
        assertTrue(invite.header("p-asserted-identity").isEmpty(), invite.toString());
    }

    /** The low item: alice cannot register bob's Contact URI and so take his in-dialog requests. */
    @Test
    void aContactBoundToAnotherUserIsRefused() throws Exception {
        assertEquals(200, bob.register("bob-secret", "").status());
        String stolen = alice.registerRequest(UUID.randomUUID().toString(), 3600, "")
                .replace("Contact: <" + alice.contact() + ">", "Contact: <" + bob.contact() + ">");
        assertEquals(403, alice.sendWithAuth(stolen, "alice-secret").status());
    }

    private SipText answeredCall() throws IOException {
        assertEquals(200, bob.register("bob-secret", "").status());
        answeredInvite();
        return alice.awaitResponse("INVITE", 200);
    }

    /** alice calls bob, bob answers; the INVITE bob received. */
    private SipText answeredInvite() throws IOException {
        Calls.sendAuthenticated(alice, "alice-secret", "sip:bob@" + DOMAIN, UUID.randomUUID().toString(), Calls.SDP);
        SipText invite = bob.awaitRequest("INVITE");
        bob.respond(invite, 200, "OK", "bobtag", null, null);
        return invite;
    }

    /** What the trunk received, or null if nothing came within its timeout. */
    private String trunkReceived() throws IOException {
        DatagramPacket packet = new DatagramPacket(new byte[65536], 65536);
        try {
            trunk.receive(packet);
            return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
        } catch (SocketTimeoutException nothing) {
            return null;
        }
    }
}
