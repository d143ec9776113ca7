package org.liaison.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.liaison.media.MediaRelay;
import org.liaison.media.RelayConfig;
import org.liaison.media.ng.NgControlServer;
import org.liaison.media.relay.RelaySessions;
import org.liaison.sip.testing.Calls;
import org.liaison.sip.testing.FakeMediaRelay;
import org.liaison.sip.testing.FreePorts;
import org.liaison.sip.testing.LiaisonServer;
import org.liaison.sip.testing.LiaisonServer.Agent;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;
import org.liaison.sip.wire.UdpPorts;

/** media.encryption, media.relay and the relay settings as callers see them. */
class MediaPolicyProtocolTest {
    private static final String BOB = "sip:bob@" + TestServer.DOMAIN;
    private static final String SDP_TYPE = "Content-Type: application/sdp\r\n";
    private static final String DTLS = MediaRelayProtocolTest.sdp("127.0.0.1", "m=audio 40000 UDP/TLS/RTP/SAVPF 0",
            "fingerprint:sha-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB", "setup:actpass");
    private static final String SDES = MediaRelayProtocolTest.sdp("127.0.0.1", "m=audio 40000 RTP/SAVP 0",
            "crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz");

    @RegisterExtension
    final LiaisonServer liaison = LiaisonServer.notStarted();
    final FakeMediaRelay relay = new FakeMediaRelay();
    @Agent TestUa alice;
    @Agent TestUa bob;

    private void startServer(String relayPolicy, String encryption) throws Exception {
        start(TestServer.builder().mediaRelay(relay).property("media.relay", relayPolicy)
                .property("media.encryption", encryption));
    }

    private void start(TestServer.Builder builder) throws Exception {
        liaison.start(builder.user("alice", "alice-secret", "1001").user("bob", "bob-secret", "1002"));
    }

    /** Alice calls Bob (registered) offering {@code sdp}: the SDP Bob gets. */
    private String offerReachingBob(String sdp) throws Exception {
        assertEquals(200, bob.register("bob-secret", "").status());
        Calls.sendAuthenticated(alice, "alice-secret", BOB, UUID.randomUUID().toString(), sdp);
        return bob.awaitRequest("INVITE").body();
    }

    @Test
    void mandatoryEncryptionRefusesAPlainOfferWith488AndAWarningSayingWhy() throws Exception {
        startServer("always", "mandatory");
        SipText refused = call(Calls.SDP);
        assertEquals(488, refused.status());
        assertEquals("399 " + TestServer.DOMAIN
                + " \"media must be encrypted: m=audio offers no DTLS-SRTP, ZRTP, or SDES over TLS\"",
                refused.header("warning").orElseThrow());
        assertEquals(List.of(), relay.events());
    }

    @Test
    void mandatoryEncryptionRefusesSdesKeysThatCameOverUdp() throws Exception {
        startServer("always", "mandatory");
        SipText refused = call(SDES);
        assertEquals(488, refused.status());
        assertTrue(refused.header("warning").orElseThrow().contains("(a=crypto) arrived over UDP and were readable"),
                refused.toString());
    }

    @Test
    void mandatoryEncryptionLetsDtlsSrtpThroughAndDoesNotPoliceTheAnswer() throws Exception {
        startServer("always", "mandatory");
        assertEquals(200, bob.register("bob-secret", "").status());
        Calls.sendAuthenticated(alice, "alice-secret", BOB, UUID.randomUUID().toString(), DTLS);
        SipText invite = bob.awaitRequest("INVITE");
        assertTrue(invite.body().contains("a=fingerprint:sha-256 4A:AD"), invite.body());
        bob.respond(invite, 200, "OK", "bobtag", SDP_TYPE, Calls.SDP);
        SipText ok = alice.awaitResponse("INVITE", 200);
        assertEquals(200, ok.status());

        // a re-INVITE falling back to plain RTP is an offer too: refused, the call stays
        alice.send(Calls.withSdp(Calls.fromCaller(alice, ok, "INVITE", 3), Calls.SDP));
        assertEquals(488, alice.awaitResponse("INVITE", 300).status());
        assertTrue(relay.events().stream().noneMatch(e -> e.startsWith("delete")), relay.events().toString());
    }

    @Test
    void natOnlyLeavesACallAloneWhenMediaComeFromWhereTheSignallingCame() throws Exception {
        startServer("nat-only", "optional");
        assertEquals(Calls.SDP, offerReachingBob(Calls.SDP));
        assertEquals(List.of(), relay.events());
    }

    @Test
    void natOnlyRelaysACallerWhoseMediaAddressIsNotItsSignallingAddress() throws Exception {
        startServer("nat-only", "optional");
        assertTrue(offerReachingBob(MediaRelayProtocolTest.sdp("10.1.2.3", "m=audio 40000 RTP/AVP 0"))
                .contains("c=IN IP4 " + FakeMediaRelay.ADDRESS));
    }

    @Test
    void natOnlyRelaysACallToADeviceRegisteredFromBehindANat() throws Exception {
        startServer("nat-only", "optional");
        String request = bob.registerRequest(UUID.randomUUID().toString(), 3600, "")
                .replace("<" + bob.contact() + ">", "<sip:bob@10.1.2.4:5060>");
        assertEquals(200, bob.sendWithAuth(request, "bob-secret").status());
        Calls.sendAuthenticated(alice, "alice-secret", BOB, UUID.randomUUID().toString(), Calls.SDP);
        assertTrue(bob.awaitRequest("INVITE").body().contains("c=IN IP4 " + FakeMediaRelay.ADDRESS));
    }

    @Test
    void neverRelaysNothing() throws Exception {
        startServer("never", "optional");
        assertTrue(offerReachingBob(MediaRelayProtocolTest.sdp("10.1.2.3", "m=audio 40000 RTP/AVP 0"))
                .contains("c=IN IP4 10.1.2.3"));
        assertEquals(List.of(), relay.events());
    }

    @Test
    void alwaysRunsTheInProcessRelayOnTheConfiguredPorts() throws Exception {
        int min = UdpPorts.freeBlock(10);
        start(TestServer.builder().property("media.relay", "always").property("media.encryption", "optional")
                .property("relay.port-min", Integer.toString(min)).property("relay.port-max", Integer.toString(min + 9)));
        assertOfferPointsAt(min, offerReachingBob(Calls.SDP));
        assertEquals(1, liaison.server().server().media().relayedCallIds().size());
    }

    @Test
    void relayServersMakeTheServerDriveARelayOverNg() throws Exception {
        int min = UdpPorts.freeBlock(10);
        InetSocketAddress control = new InetSocketAddress("127.0.0.1", FreePorts.udpAndTcp());
        try (MediaRelay remote = RelaySessions.start(new RelayConfig(InetAddress.getLoopbackAddress(), min, min + 9,
                Duration.ofSeconds(30), Duration.ofSeconds(3), List.of(), TestServer.LOOPBACK_MEDIA, 8));
                NgControlServer ng = NgControlServer.start(remote, control)) {
            start(TestServer.builder().property("media.relay", "always").property("media.encryption", "optional")
                    .property("relay.servers", "127.0.0.1:" + control.getPort()));
            assertOfferPointsAt(min, offerReachingBob(Calls.SDP));
            String callId = liaison.server().server().media().relayedCallIds().iterator().next();
            assertTrue(remote.query(callId).isPresent(), "the remote relay knows the call");
        }
    }

    /** The offer's media go to the relay on 127.0.0.1, ports {@code min..min+9}. */
    private static void assertOfferPointsAt(int min, String offer) {
        Matcher port = Pattern.compile("(?m)^m=audio (\\d+) ").matcher(offer);
        assertTrue(port.find() && Integer.parseInt(port.group(1)) >= min && Integer.parseInt(port.group(1)) <= min + 9,
                offer);
        assertTrue(offer.contains("c=IN IP4 127.0.0.1"), offer);
    }

    /** Alice's INVITE to Bob (registered) offering {@code sdp}: the final response. */
    private SipText call(String sdp) throws Exception {
        assertEquals(200, bob.register("bob-secret", "").status());
        Calls.sendAuthenticated(alice, "alice-secret", BOB, UUID.randomUUID().toString(), sdp);
        return alice.awaitResponse("INVITE", 300);
    }
}
