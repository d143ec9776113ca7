package org.liaison.sip;

import static org.awaitility.Awaitility.await;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.liaison.media.MediaRelay;
import org.liaison.media.ng.NgControlServer;
import org.liaison.media.relay.RelaySessions;
import org.liaison.sip.config.LiaisonConfig;
import org.liaison.sip.config.RelaySettings;
import org.liaison.sip.testing.Calls;
import org.liaison.sip.testing.FakeMediaRelay;
import org.liaison.sip.testing.FreePorts;
import org.liaison.sip.testing.LiaisonServer;
import org.liaison.sip.testing.LiaisonServer.Agent;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;
import org.liaison.sip.wire.UdpPorts;

/**
 * What a caller's SDP must not make the media relay do (issue 16): send to the server's own
 * sockets or to internal services, take every relay port, or slip past the policy in a multipart
 * body. Raw SIP from loopback sockets, the server's real relay where ports matter.
 */
class MediaAbuseProtocolTest {
    private static final String BOB = "sip:bob@" + TestServer.DOMAIN;
    private static final String SDP_TYPE = "Content-Type: application/sdp\r\n";
    private static final int RELAY_PORTS = 40;

    @TempDir
    Path root;
    @RegisterExtension
    final LiaisonServer liaison = LiaisonServer.notStarted();
    @Agent TestUa alice;
    @Agent TestUa bob;
    @Agent TestUa carol;
    int relayPortMin;

    /** The server with its own relay on {@link #RELAY_PORTS} free ports. */
    private TestServer.Builder relayed() throws IOException {
        relayPortMin = UdpPorts.freeBlock(RELAY_PORTS);
        return TestServer.builder().property("media.relay", "always").property("media.encryption", "optional")
                .property("relay.port-min", Integer.toString(relayPortMin))
                .property("relay.port-max", Integer.toString(relayPortMin + RELAY_PORTS - 1));
    }

    private void start(TestServer.Builder builder) throws Exception {
        liaison.start(builder.user("alice", "alice-secret", "1001").user("bob", "bob-secret", "1002")
                .user("carol", "carol-secret", "1003"));
        assertEquals(200, bob.register("bob-secret", "").status());
    }

    @Test
    void anOfferAimingMediaAtAnInternalServiceIsRefusedWith488AndTheServiceHearsNothing() throws Exception {
        try (DatagramSocket internal = new DatagramSocket(new InetSocketAddress("127.0.0.5", 0))) {
            start(relayed().property("media.denied-destinations", "127.0.0.5"));
            SipText refused = call(alice, "alice-secret", sdp("127.0.0.5", internal.getLocalPort()));

            assertEquals(488, refused.status(), refused::toString);
            assertTrue(refused.header("warning").orElseThrow().contains("media address 127.0.0.5 port "
                    + internal.getLocalPort() + " is not a destination the relay may send to"), refused::toString);
            assertTrue(bob.receivesNothing(m -> "INVITE".equals(m.method()), Duration.ofMillis(300)));
            assertNull(receive(internal, Duration.ofMillis(300)), "the internal service got a datagram");
            assertEquals(0, ((RelaySessions) liaison.server().relay()).portsInUse(), "the refused call holds no port");
        }
    }

    @Test
    void anOfferAimingMediaOrRtcpAtTheServersOwnSipPortIsRefusedThoughLoopbackIsAllowed() throws Exception {
        start(relayed());
        assertEquals(488, call(alice, "alice-secret", sdp("127.0.0.1", liaison.server().port())).status());
        SipText rtcp = call(alice, "alice-secret", sdp("127.0.0.1", liaison.server().port() - 1));
        assertEquals(488, rtcp.status(), "RTCP goes to the port above RTP's: " + rtcp);
        assertEquals(488, call(alice, "alice-secret", sdp("127.0.0.1", relayPortMin + 8)).status(),
                "a port of the relay itself");
        // a phone on loopback is allowed by the test configuration: a plain call still goes through
        assertTrue(relayedOffer(call(carol, "carol-secret", Calls.SDP, BOB)));
    }

    @Test
    void anOfferAimingMediaAtTheNgControlPortOfARelayDrivenOverNgIsRefused() throws Exception {
        // `liaison relay` on this host, configured like the server (media to loopback allowed)
        int ngPort = FreePorts.udpAndTcp();
        int ngRelayPorts = UdpPorts.freeBlock(10);
        TestServer relayHost = TestServer.builder().property("relay.control-port", Integer.toString(ngPort))
                .property("relay.port-min", Integer.toString(ngRelayPorts))
                .property("relay.port-max", Integer.toString(ngRelayPorts + 9)).create(root.resolve("relay-host"));
        RelaySettings settings = LiaisonConfig.load(relayHost.configDir()).relay();
        try (MediaRelay remote = RelaySessions.start(settings.toRelayConfig());
                NgControlServer ng = NgControlServer.start(remote, settings.control())) {
            start(TestServer.builder().property("media.relay", "always").property("media.encryption", "optional")
                    .property("relay.servers", "127.0.0.1:" + ngPort));
            SipText refused = call(alice, "alice-secret", sdp("127.0.0.1", ngPort));

            assertEquals(488, refused.status(), refused::toString);
            assertTrue(refused.header("warning").orElseThrow().contains("port " + ngPort), refused::toString);
            assertEquals(0, ((RelaySessions) remote).portsInUse());
        }
    }

    @Test
    void anInviteWithThousandsOfMediaLinesIsRefusedWith488AndTheNextCallStillGetsRelayPorts() throws Exception {
        start(relayed());
        StringBuilder flood = new StringBuilder(
                "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n");
        for (int i = 0; i < 2400; i++) {
            flood.append("m=application 9 udp x\r\n");
        }
        try (TestUa mallory = new TestUa("alice", liaison.server(), true)) {
            SipText refused = call(mallory, "alice-secret", flood.toString());
            assertEquals(488, refused.status(), refused::toString);
            assertTrue(refused.header("warning").orElseThrow().contains("at most 8"), refused::toString);
        }
        assertEquals(0, ((RelaySessions) liaison.server().relay()).portsInUse(), "the refused offer took no port");

        assertTrue(relayedOffer(call(carol, "carol-secret", Calls.SDP, BOB)), "another caller's call is relayed");
    }

    @Test
    void aStrangerSprayingTheRelayPortWhileACallRingsDoesNotSilenceTheCallerBehindNat() throws Exception {
        // Alice's private SDP address must pass the destination check; the relay never sends to a
        // private address (it waits for the address her INVITE came from), so nothing leaves loopback
        start(relayed().property("relay.learning-seconds", "1")
                .property("media.allowed-destinations", "127.0.0.0/8, ::1/128, 10.0.0.20"));
        try (DatagramSocket alicePhone = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
                DatagramSocket bobPhone = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
                DatagramSocket stranger = new DatagramSocket(new InetSocketAddress("127.0.0.2", 0))) {
            // Alice behind NAT: her SDP names her private address, her INVITE comes from 127.0.0.1
            String callId = UUID.randomUUID().toString();
            Calls.sendAuthenticated(alice, "alice-secret", BOB, callId, sdp("10.0.0.20", alicePhone.getLocalPort()));
            SipText invite = bob.awaitRequest("INVITE");
            bob.respond(invite, 180, "Ringing", "bobtag", null, null);
            int aliceSendsTo = liaison.server().relay().query(callId).orElseThrow().streams().get(0).relayPortA();

            // the relay's ports are predictable: the stranger sprays for twice the learning window
            byte[] spray = "spray".getBytes(StandardCharsets.US_ASCII);
            long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            for (long sent = 1; System.nanoTime() < until; sent++) {
                stranger.send(new DatagramPacket(spray, spray.length, InetAddress.getLoopbackAddress(), aliceSendsTo));
                long dropped = sent;
                await("spray " + sent + " dropped").atMost(Duration.ofSeconds(5)).until(() -> drops(callId) >= dropped);
            }
            bob.respond(invite, 200, "OK", "bobtag", SDP_TYPE, sdp("127.0.0.1", bobPhone.getLocalPort()));
            SipText ok = ok(alice);
            assertEquals(aliceSendsTo, mediaPort(ok.body()));

            byte[] voice = "hello after a long ring".getBytes(StandardCharsets.US_ASCII);
            alicePhone.send(new DatagramPacket(voice, voice.length, InetAddress.getLoopbackAddress(), aliceSendsTo));
            byte[] heard = receive(bobPhone, Duration.ofSeconds(2));
            assertTrue(heard != null && new String(heard, 0, voice.length, StandardCharsets.US_ASCII)
                    .equals("hello after a long ring"), "Bob hears Alice: she was learned, not locked out");
        }
    }

    @Test
    void oneCallersCallPastTheCapGets403WhileAnotherCallerAndReInvitesGoOn() throws Exception {
        FakeMediaRelay relay = new FakeMediaRelay();
        start(TestServer.builder().mediaRelay(relay).property("media.max-relayed-calls-per-user", "2"));
        SipText first = answered(UUID.randomUUID().toString());
        Calls.sendAuthenticated(alice, "alice-secret", BOB, UUID.randomUUID().toString(), Calls.SDP);
        bob.awaitRequest("INVITE"); // ringing: it holds relay ports too

        Calls.sendAuthenticated(alice, "alice-secret", BOB, UUID.randomUUID().toString(), Calls.SDP);
        SipText refused = finalResponse(alice);
        assertEquals(403, refused.status(), refused::toString);
        assertEquals("399 " + TestServer.DOMAIN + " \"alice has 2 relayed calls already, the most one user may"
                + " have at once\"", refused.header("warning").orElseThrow());
        assertEquals(2, liaison.server().server().media().relayedCallsOf("alice"));

        assertTrue(relayedOffer(call(carol, "carol-secret", Calls.SDP, BOB)), "another user's call goes on");

        // a re-INVITE is not a new call
        alice.send(Calls.withSdp(Calls.fromCaller(alice, first, "INVITE", 3), Calls.SDP));
        bob.respond(bob.awaitRequest("INVITE"), 200, "OK", null, SDP_TYPE, Calls.SDP);
        assertEquals(200, ok(alice).status());
        // a call that ends frees its place
        alice.send(Calls.fromCaller(alice, first, "BYE", 4));
        bob.respond(bob.awaitRequest("BYE"), 200, "OK", null, null, null);
        alice.awaitResponse("BYE", 200);
        assertEquals(1, liaison.server().server().media().relayedCallsOf("alice"));
        Calls.sendAuthenticated(alice, "alice-secret", BOB, UUID.randomUUID().toString(), Calls.SDP);
        assertTrue(relayedOffer(bob.awaitRequest("INVITE")));
    }

    @Test
    void anOfferInAMultipartBodyIsRefusedWith488NotPassedOnUnpoliced() throws Exception {
        start(TestServer.builder().mediaRelay(new FakeMediaRelay()).property("media.encryption", "mandatory"));
        String callId = UUID.randomUUID().toString();
        alice.sendAnsweringChallenge(multipartInvite(callId), "alice-secret");

        SipText refused = finalResponse(alice);
        assertEquals(488, refused.status(), refused::toString);
        assertTrue(refused.header("warning").orElseThrow().contains("multipart bodies are not accepted"),
                refused::toString);
        assertTrue(bob.receivesNothing(m -> "INVITE".equals(m.method()), Duration.ofMillis(300)),
                "plain RTP in a multipart body reached the callee unpoliced and unrelayed");
    }

    /** Alice's INVITE to Bob with plain RTP offered in a multipart/mixed body, {@code {auth}} for credentials. */
    private String multipartInvite(String callId) {
        String body = "--b1\r\nContent-Type: application/sdp\r\n\r\n" + Calls.SDP
                + "--b1\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b1--\r\n";
        return Calls.invite(alice, BOB, callId, "").replace("Content-Length: 0\r\n",
                "Content-Type: multipart/mixed;boundary=b1\r\nContent-Length: " + body.length() + "\r\n") + body;
    }

    /** Alice calls Bob, Bob answers, Alice ACKs: the 200. */
    private SipText answered(String callId) throws Exception {
        Calls.sendAuthenticated(alice, "alice-secret", BOB, callId, Calls.SDP);
        bob.respond(bob.awaitRequest("INVITE"), 200, "OK", "bobtag" + callId.hashCode(), SDP_TYPE, Calls.SDP);
        SipText ok = ok(alice);
        alice.send(Calls.fromCaller(alice, ok, "ACK", 2));
        bob.awaitRequest("ACK");
        return ok;
    }

    /** {@code caller} calls Bob offering {@code sdp}: the final response, or the INVITE Bob got. */
    private SipText call(TestUa caller, String password, String sdp, String... to) throws Exception {
        Calls.sendAuthenticated(caller, password, to.length == 0 ? BOB : to[0], UUID.randomUUID().toString(), sdp);
        if (to.length > 0) {
            return bob.awaitRequest("INVITE");
        }
        return finalResponse(caller);
    }

    /** A 200 to an INVITE (not the retransmitted 407 of the unauthenticated first try). */
    private static SipText ok(TestUa caller) throws IOException {
        return caller.await(m -> m.isResponse() && m.cseqMethod().equals("INVITE") && m.status() == 200,
                Duration.ofSeconds(5));
    }

    /** The final response to the authenticated INVITE (the 407 before it, never ACKed here, is retransmitted). */
    private static SipText finalResponse(TestUa caller) throws IOException {
        return caller.await(m -> m.isResponse() && m.cseqMethod().equals("INVITE") && m.status() >= 300
                && m.status() != 407, Duration.ofSeconds(5));
    }

    /** The offer went through a relay: the real one on its ports, or the fake one. */
    private boolean relayedOffer(SipText invite) {
        if (invite.body().contains("c=IN IP4 " + FakeMediaRelay.ADDRESS)) {
            return true;
        }
        Matcher port = Pattern.compile("(?m)^m=audio (\\d+) ").matcher(invite.body());
        return port.find() && Integer.parseInt(port.group(1)) >= relayPortMin
                && Integer.parseInt(port.group(1)) < relayPortMin + RELAY_PORTS;
    }

    private long drops(String callId) {
        return liaison.server().relay().query(callId).map(c -> c.streams().get(0).drops().getOrDefault("wrong-source", 0L))
                .orElse(0L);
    }

    private static int mediaPort(String sdp) {
        Matcher port = Pattern.compile("(?m)^m=audio (\\d+) ").matcher(sdp);
        assertTrue(port.find(), sdp);
        return Integer.parseInt(port.group(1));
    }

    private static String sdp(String address, int port) {
        return MediaRelayProtocolTest.sdp(address, "m=audio " + port + " RTP/AVP 0");
    }

    private static byte[] receive(DatagramSocket socket, Duration within) throws IOException {
        socket.setSoTimeout((int) within.toMillis());
        byte[] buffer = new byte[2048];
        try {
            socket.receive(new DatagramPacket(buffer, buffer.length));
            return buffer;
        } catch (SocketTimeoutException e) {
            return null;
        }
    }
}
