package org.liaison.media.relay;

import static org.awaitility.Awaitility.await;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.liaison.media.CallStats;
import org.liaison.media.FreePortRange;
import org.liaison.media.MediaDestinations;
import org.liaison.media.MediaRelayException;
import org.liaison.media.MediaRelayException.Reason;
import org.liaison.media.RelayConfig;
import org.liaison.media.RelayLoad;

/** The in-process relay over real loopback sockets: fake phones exchange packets through it. */
class RelaySessionsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String CALL = "call-1@test";
    /** Loopback included: these phones are sockets on this host (the relay's own ports stay refused). */
    private static final MediaDestinations ANYWHERE = destination -> true;

    private RelaySessions relay;
    private final Endpoint a = endpoint();
    private final Endpoint b = endpoint();

    @AfterEach
    void stop() {
        a.close();
        b.close();
        if (relay != null) {
            relay.close();
        }
    }

    @Test
    void twoEndpointsExchangePacketsThroughTheRelayBothWaysByteForByte() throws Exception {
        relay = start(8, Duration.ofSeconds(60));
        int relayForB = Endpoint.relayPort(relay.offer(CALL, "ta", Optional.empty(), a.sdp()));
        int relayForA = Endpoint.relayPort(relay.answer(CALL, "ta", "tb", b.sdp()));

        byte[] fromA = bytes("srtp from A");
        byte[] fromB = bytes("srtp from B");
        a.send(fromA, relayForA);
        assertArrayEquals(fromA, b.receive(2000));
        b.send(fromB, relayForB);
        assertArrayEquals(fromB, a.receive(2000));
        a.send(fromA, relayForA);
        assertArrayEquals(fromA, b.receive(2000));

        CallStats.StreamStats s = relay.query(CALL).orElseThrow().streams().get(0);
        assertEquals(2, s.packetsAtoB());
        assertEquals(2L * fromA.length, s.bytesAtoB());
        assertEquals(1, s.packetsBtoA());
        assertEquals(relayForA, s.relayPortA());
        assertEquals(relayForB, s.relayPortB());
        assertTrue(s.lastPacket().isPresent());
        assertEquals(Map.of(), s.drops());
    }

    @Test
    void injectionFromAThirdSocketDuringTheCallIsDroppedAndDoesNotRedirect() throws Exception {
        relay = start(8, Duration.ofSeconds(60));
        int[] ports = callWithMediaBothWays();
        int relayForA = ports[0];
        int relayForB = ports[1];

        try (Endpoint attacker = endpoint()) {
            attacker.send(bytes("inject to B"), relayForA);
            attacker.send(bytes("inject to A"), relayForB);
            await("both injected packets counted").atMost(WAIT).until(() -> drops().getOrDefault("wrong-source", 0L) == 2L);
            // the relay serves each port in order: had the injection gone through, it would come first
            a.send(bytes("a2"), relayForA);
            assertArrayEquals(bytes("a2"), b.receive(2000), "B gets A's packet, not the injected one");
            b.send(bytes("b2"), relayForB);
            assertArrayEquals(bytes("b2"), a.receive(2000), "A gets B's packet, not the injected one");
        }
    }

    @Test
    void loadSumsTheLiveCallsAndKeepsWhatEndedCallsForwardedAndDropped() throws Exception {
        relay = start(8, Duration.ofSeconds(60));
        assertEquals(new RelayLoad(0, 0, 16, 0, 0, Map.of()), relay.load().orElseThrow());
        int[] ports = callWithMediaBothWays();
        try (Endpoint attacker = endpoint()) {
            attacker.send(bytes("inject"), ports[0]);
            await("the injection counted").atMost(WAIT).until(() -> drops().getOrDefault("wrong-source", 0L) == 1L);
        }
        CallStats.StreamStats stream = relay.query(CALL).orElseThrow().streams().get(0);
        RelayLoad during = relay.load().orElseThrow();
        assertEquals(new RelayLoad(1, 1, 16 - 4, stream.packetsAtoB() + stream.packetsBtoA(),
                stream.bytesAtoB() + stream.bytesBtoA(), Map.of("wrong-source", 1L)), during);
        assertTrue(during.packetsForwarded() >= 2, during.toString());

        relay.delete(CALL, Optional.empty());
        assertEquals(new RelayLoad(0, 0, 16, during.packetsForwarded(), during.bytesForwarded(),
                Map.of("wrong-source", 1L)), relay.load().orElseThrow(), "an ended call's packets stay counted");
    }

    @Test
    void strangerSendingFirstToAPhoneBehindNatDoesNotWinTheLockTheSignalledAddressDoes() throws Exception {
        relay = start(8, Duration.ofSeconds(60));
        // phone A behind NAT: its SDP names its private address, its INVITE came from 127.0.0.1
        String natOffer = a.sdp().replace("c=IN IP4 127.0.0.1", "c=IN IP4 10.0.0.20");
        int relayForB = Endpoint.relayPort(relay.offer(CALL, "ta", Optional.empty(), natOffer,
                Optional.of(loopback())));
        int relayForA = Endpoint.relayPort(relay.answer(CALL, "ta", "tb", b.sdp(), Optional.of(loopback())));

        try (DatagramSocket attacker = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0))) {
            byte[] spray = bytes("rtp bleed probe");
            attacker.send(new DatagramPacket(spray, spray.length, loopback(), relayForA));
            await("the stranger's packet dropped").atMost(WAIT).until(() -> drops().getOrDefault("wrong-source", 0L) == 1L);

            a.send(bytes("from the phone"), relayForA);
            assertArrayEquals(bytes("from the phone"), b.receive(2000), "B gets the phone's packet, not the probe");
            b.send(bytes("to the phone"), relayForB);
            assertArrayEquals(bytes("to the phone"), a.receive(2000), "media goes back to the learned phone");
            attacker.send(new DatagramPacket(spray, spray.length, loopback(), relayForA));
            await("the stranger is still refused after the lock").atMost(WAIT).until(() -> drops().getOrDefault("wrong-source", 0L) == 2L);
        }
        assertEquals(0, relay.unverifiedLocks(), "every lock was checked against the signalling address");
    }

    @Test
    void strangerSprayingThePortsWhileTheCallRingsLongerThanTheWindowDoesNotSilenceThePhoneBehindNat()
            throws Exception {
        int[] range = FreePortRange.of(4);
        Duration window = Duration.ofMillis(200);
        relay = RelaySessions.start(new RelayConfig(loopback(), range[0], range[1], Duration.ofSeconds(60), window,
                List.of(), ANYWHERE, 8));
        String natOffer = a.sdp().replace("c=IN IP4 127.0.0.1", "c=IN IP4 10.0.0.20");
        int relayForB = Endpoint.relayPort(relay.offer(CALL, "ta", Optional.empty(), natOffer,
                Optional.of(loopback())));
        // the relay's ports are predictable: the stranger sprays the one phone A will send to
        int relayForA = relay.query(CALL).orElseThrow().streams().get(0).relayPortA();
        try (DatagramSocket stranger = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0))) {
            byte[] spray = bytes("spray");
            long until = System.nanoTime() + 3 * window.toNanos();
            int sent = 0;
            while (System.nanoTime() < until || sent < 3) {
                stranger.send(new DatagramPacket(spray, spray.length, loopback(), relayForA));
                sent++;
                int expected = sent;
                await("spray " + expected + " dropped").atMost(WAIT).until(() -> drops().getOrDefault("wrong-source", 0L) == expected);
            }
        }
        relay.answer(CALL, "ta", "tb", b.sdp(), Optional.of(loopback()));

        a.send(bytes("hello after a long ring"), relayForA);
        assertArrayEquals(bytes("hello after a long ring"), b.receive(2000), "the phone is learned, not locked out");
        b.send(bytes("and back"), relayForB);
        assertArrayEquals(bytes("and back"), a.receive(2000));
    }

    @Test
    void anOfferPointingAtTheRelaysOwnPortsOrAForbiddenAddressIsRefusedAndNothingIsSentThere() throws Exception {
        int[] range = FreePortRange.of(8);
        try (Endpoint internal = endpoint()) {
            MediaDestinations notTheInternalService = destination -> destination.getPort() != internal.port();
            relay = RelaySessions.start(new RelayConfig(loopback(), range[0], range[1], Duration.ofSeconds(60),
                    Duration.ofSeconds(3), List.of(), notTheInternalService, 8));
            MediaRelayException toInternal = assertThrows(MediaRelayException.class,
                    () -> relay.offer(CALL, "ta", Optional.empty(), internal.sdp()));
            assertEquals(Reason.BAD_SDP, toInternal.reason());
            assertTrue(toInternal.getMessage().contains("port " + internal.port()), toInternal.getMessage());
            MediaRelayException rtcpToInternal = assertThrows(MediaRelayException.class, () -> relay.offer(CALL,
                    "ta", Optional.empty(), Endpoint.sdp(internal.port() - 1, false)));
            assertEquals(Reason.BAD_SDP, rtcpToInternal.reason(), "RTCP goes to the port above RTP's");
            assertEquals(Reason.BAD_SDP, assertThrows(MediaRelayException.class, () -> relay.offer(CALL, "ta",
                    Optional.empty(), Endpoint.sdp(range[0] + 4, true))).reason(), "a port of the relay itself");
            assertEquals(0, relay.portsInUse());

            // the answer is checked too: the callee cannot aim the caller's media at the service
            int relayForA = Endpoint.relayPort(relay.offer(CALL, "ta", Optional.empty(), a.sdp()));
            assertEquals(Reason.BAD_SDP, assertThrows(MediaRelayException.class,
                    () -> relay.answer(CALL, "ta", "tb", internal.sdp())).reason());
            a.send(bytes("to the internal service?"), Endpoint.relayPort(relay.answer(CALL, "ta", "tb", b.sdp())));
            assertArrayEquals(bytes("to the internal service?"), b.receive(2000));
            assertEquals(null, internal.receive(200), "the internal service got nothing");
            assertTrue(relayForA > 0);
        }
    }

    @Test
    void anOfferWithThousandsOfMediaLinesIsRefusedBeforeAnyPortIsTakenAndOtherCallsGetPorts() throws Exception {
        relay = start(64, Duration.ofSeconds(60));
        StringBuilder flood = new StringBuilder("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n");
        for (int i = 0; i < 2400; i++) {
            flood.append("m=application ").append(10000 + 2 * i).append(" udp bfcp\r\n");
        }
        MediaRelayException e = assertThrows(MediaRelayException.class,
                () -> relay.offer("flood", "tx", Optional.empty(), flood.toString()));
        assertEquals(Reason.BAD_SDP, e.reason());
        assertTrue(e.getMessage().contains("at most 8"), e.getMessage());
        assertEquals(0, relay.portsInUse());
        assertTrue(relay.query("flood").isEmpty());

        relay.offer(CALL, "ta", Optional.empty(), a.sdp());
        assertEquals(4, relay.portsInUse(), "another call still gets its ports");
    }

    @Test
    void aReOfferAddingStreamsPastTheCapIsRefusedAndTheCallKeepsWhatItHad() throws Exception {
        relay = start(64, Duration.ofSeconds(60));
        relay.offer(CALL, "ta", Optional.empty(), a.sdp());
        relay.answer(CALL, "ta", "tb", b.sdp());
        String nine = a.sdp() + (Endpoint.sdp(a.port(), true).substring(a.sdp().indexOf("m=audio"))).repeat(8);
        assertEquals(Reason.BAD_SDP, assertThrows(MediaRelayException.class,
                () -> relay.offer(CALL, "ta", Optional.of("tb"), nine)).reason());
        assertEquals(4, relay.portsInUse(), "the refused re-offer took nothing and freed nothing");
        String eight = a.sdp() + (Endpoint.sdp(a.port(), true).substring(a.sdp().indexOf("m=audio"))).repeat(7);
        relay.offer(CALL, "ta", Optional.of("tb"), eight);
        relay.offer(CALL, "ta", Optional.of("tb"), eight);
        assertEquals(8 * 4, relay.portsInUse(), "a repeated re-offer reuses its streams");
    }

    @Test
    void privateSdpAddressWithoutSignalledFromFallsBackToTheFirstSourceAndCountsIt() throws Exception {
        relay = start(8, Duration.ofSeconds(60));
        String natOffer = a.sdp().replace("c=IN IP4 127.0.0.1", "c=IN IP4 10.0.0.20");
        relay.offer(CALL, "ta", Optional.empty(), natOffer);
        int relayForA = Endpoint.relayPort(relay.answer(CALL, "ta", "tb", b.sdp()));

        a.send(bytes("first source"), relayForA);
        assertArrayEquals(bytes("first source"), b.receive(2000));
        assertEquals(1, relay.unverifiedLocks());
    }

    @Test
    void idleCallTimesOutAndFreesItsPorts() throws Exception {
        relay = start(8, Duration.ofSeconds(1));
        relay.offer(CALL, "ta", Optional.empty(), a.sdp());
        int relayForA = Endpoint.relayPort(relay.answer(CALL, "ta", "tb", b.sdp()));
        assertEquals(4, relay.portsInUse(), "two pairs: one per side");
        a.send(bytes("a1"), relayForA);
        assertArrayEquals(bytes("a1"), b.receive(2000));

        await("the idle call ended").atMost(WAIT).until(() -> relay.query(CALL).isEmpty());
        assertEquals(0, relay.portsInUse());
    }

    @Test
    void unansweredCallEndsAfterFiveIdleTimeouts() throws Exception {
        relay = start(8, Duration.ofMillis(400));
        relay.offer(CALL, "ta", Optional.empty(), a.sdp());
        long started = System.nanoTime();

        await("the unanswered call ended").atMost(WAIT).until(() -> relay.query(CALL).isEmpty());
        assertTrue(System.nanoTime() - started >= Duration.ofMillis(5 * 400).toNanos(),
                "not before " + RelayConfig.UNANSWERED_FACTOR + " idle timeouts");
        assertEquals(0, relay.portsInUse());
    }

    @Test
    void portRangeUsedUpGivesPortsExhaustedAndLeaksNothing() throws Exception {
        relay = start(2, Duration.ofSeconds(60));
        relay.offer(CALL, "ta", Optional.empty(), a.sdp());

        MediaRelayException e = assertThrows(MediaRelayException.class,
                () -> relay.offer("call-2", "tc", Optional.empty(), b.sdp()));
        assertEquals(Reason.PORTS_EXHAUSTED, e.reason());
        assertEquals(4, relay.portsInUse(), "the refused call holds nothing");
        relay.delete(CALL, Optional.empty());
        assertEquals(0, relay.portsInUse());
        relay.offer("call-2", "tc", Optional.empty(), b.sdp());
    }

    @Test
    void portHeldByAnotherProcessIsSkipped() throws Exception {
        int[] range = FreePortRange.of(4);
        try (DatagramSocket squatter = new DatagramSocket(new InetSocketAddress(loopback(), range[0]))) {
            relay = RelaySessions.start(config(range, Duration.ofSeconds(60)));
            String out = relay.offer(CALL, "ta", Optional.empty(), a.sdp());
            assertNotEquals(range[0], Endpoint.relayPort(out));
            CallStats.StreamStats s = relay.query(CALL).orElseThrow().streams().get(0);
            assertNotEquals(range[0], s.relayPortA());
            assertEquals(4, relay.portsInUse(), "the squatted pair is not kept");
        }
    }

    @Test
    void aSecondDeviceAnsweringAForkedCallTakesSideBOver() throws Exception {
        relay = start(8, Duration.ofSeconds(60));
        relay.offer(CALL, "ta", Optional.empty(), a.sdp());
        int relayForA = Endpoint.relayPort(relay.answer(CALL, "ta", "b1", b.sdp()));
        try (Endpoint b2 = endpoint()) {
            int relayForA2 = Endpoint.relayPort(relay.answer(CALL, "ta", "b2", b2.sdp()));
            assertEquals(relayForA, relayForA2, "A keeps its relay port");

            a.send(bytes("to the device that answered"), relayForA);
            assertArrayEquals(bytes("to the device that answered"), b2.receive(2000));
            assertEquals("b2", relay.query(CALL).orElseThrow().streams().get(0).toTag());
        }
    }

    @Test
    void deletingAForkKeepsTheCallAndDeletingTheCallFreesEverything() throws Exception {
        relay = start(8, Duration.ofSeconds(60));
        relay.offer(CALL, "ta", Optional.empty(), a.sdp());
        relay.answer(CALL, "ta", "b1", b.sdp());

        relay.delete(CALL, Optional.of("b1"));
        assertEquals(4, relay.portsInUse());
        assertEquals("", relay.query(CALL).orElseThrow().streams().get(0).toTag());
        relay.delete(CALL, Optional.empty());
        assertTrue(relay.query(CALL).isEmpty());
        assertEquals(0, relay.portsInUse());
        relay.delete("no such call", Optional.empty());
    }

    @Test
    void reInviteFromEitherSideKeepsTheRelayPorts() throws Exception {
        relay = start(8, Duration.ofSeconds(60));
        int relayForB = Endpoint.relayPort(relay.offer(CALL, "ta", Optional.empty(), a.sdp()));
        int relayForA = Endpoint.relayPort(relay.answer(CALL, "ta", "tb", b.sdp()));

        assertEquals(relayForA, Endpoint.relayPort(relay.offer(CALL, "tb", Optional.of("ta"), b.sdp())),
                "callee's re-INVITE: A is told its same port");
        assertEquals(relayForB, Endpoint.relayPort(relay.answer(CALL, "tb", "ta", a.sdp())));
        assertEquals(relayForB, Endpoint.relayPort(relay.offer(CALL, "ta", Optional.of("tb"), a.sdp())));
        assertEquals(4, relay.portsInUse());
    }

    @Test
    void holdWithTheZeroAddressStopsMediaToTheHeldSideAndResumeRestoresIt() throws Exception {
        relay = start(8, Duration.ofSeconds(60));
        int[] ports = callWithMediaBothWays();
        int relayForA = ports[0];
        int relayForB = ports[1];

        String holdOffer = a.sdp().replace("c=IN IP4 127.0.0.1", "c=IN IP4 0.0.0.0");
        String hold = relay.offer(CALL, "ta", Optional.of("tb"), holdOffer);
        assertTrue(hold.contains("c=IN IP4 0.0.0.0\r\n"), hold);
        b.send(bytes("to the held phone"), relayForB);
        await("B's packet dropped for want of a destination").atMost(WAIT).until(() -> drops().getOrDefault("no-peer", 0L) == 1L);

        relay.offer(CALL, "ta", Optional.of("tb"), a.sdp());
        b.send(bytes("b2"), relayForB);
        assertArrayEquals(bytes("b2"), a.receive(2000), "after resume A gets B's next packet, not the held one");
    }

    @Test
    void ipv6EndpointsAreRelayedOnAnIpv6RelayAddress() throws Exception {
        int[] range = FreePortRange.of(4);
        relay = RelaySessions.start(new RelayConfig(InetAddress.getByName("::1"), range[0], range[1],
                Duration.ofSeconds(60), Duration.ofSeconds(3), List.of(), ANYWHERE, 8));
        InetAddress ipv6Loopback = InetAddress.getByName("::1");
        try (Endpoint a6 = new Endpoint(ipv6Loopback); Endpoint b6 = new Endpoint(ipv6Loopback)) {
            String offer = relay.offer(CALL, "ta", Optional.empty(), a6.sdp());
            String answer = relay.answer(CALL, "ta", "tb", b6.sdp());
            assertTrue(offer.contains("c=IN IP6 ::1\r\n") && answer.contains("c=IN IP6 ::1\r\n"), offer + answer);

            a6.send(bytes("over ipv6"), Endpoint.relayPort(answer));
            assertArrayEquals(bytes("over ipv6"), b6.receive(2000));
            b6.send(bytes("and back"), Endpoint.relayPort(offer));
            assertArrayEquals(bytes("and back"), a6.receive(2000));
        }
    }

    @Test
    void withoutRtcpMuxRtcpIsRelayedOnTheOddPorts() throws Exception {
        relay = start(8, Duration.ofSeconds(60));
        try (Endpoint aRtcp = new Endpoint(); Endpoint bRtcp = new Endpoint()) {
            String offer = relay.offer(CALL, "ta", Optional.empty(),
                    Endpoint.sdp(a.port(), false) + "a=rtcp:" + aRtcp.port() + "\r\n");
            String answer = relay.answer(CALL, "ta", "tb", Endpoint.sdp(b.port(), false)
                    + "a=rtcp:" + bRtcp.port() + "\r\n");
            int rtcpForA = Endpoint.relayPort(answer) + 1;
            assertTrue(answer.contains("a=rtcp:" + rtcpForA + "\r\n"), answer);
            assertTrue(offer.contains("a=rtcp:" + (Endpoint.relayPort(offer) + 1) + "\r\n"), offer);

            aRtcp.send(bytes("srtcp from A"), rtcpForA);
            assertArrayEquals(bytes("srtcp from A"), bRtcp.receive(2000));
        }
    }

    @Test
    void rtcpMuxOfferedButDeclinedBindsRtcpPortsAtTheAnswer() throws Exception {
        relay = start(8, Duration.ofSeconds(60));
        try (Endpoint aRtcp = new Endpoint(); Endpoint bRtcp = new Endpoint()) {
            relay.offer(CALL, "ta", Optional.empty(), a.sdp() + "a=rtcp:" + aRtcp.port() + "\r\n");
            String answer = relay.answer(CALL, "ta", "tb", Endpoint.sdp(b.port(), false)
                    + "a=rtcp:" + bRtcp.port() + "\r\n");
            int rtcpForA = Endpoint.relayPort(answer) + 1;
            int rtcpForB = relay.query(CALL).orElseThrow().streams().get(0).relayPortB() + 1;

            aRtcp.send(bytes("srtcp from A"), rtcpForA);
            assertArrayEquals(bytes("srtcp from A"), bRtcp.receive(2000));
            bRtcp.send(bytes("srtcp from B"), rtcpForB);
            assertArrayEquals(bytes("srtcp from B"), aRtcp.receive(2000));
        }
    }

    @Test
    void badSdpAndUnknownCallsAreRefusedWithTheirReason() {
        relay = start(8, Duration.ofSeconds(60));
        assertEquals(Reason.BAD_SDP, assertThrows(MediaRelayException.class,
                () -> relay.offer(CALL, "ta", Optional.empty(), "v=0\r\nm=audio x RTP/AVP 0\r\n")).reason());
        assertEquals(Reason.BAD_SDP, assertThrows(MediaRelayException.class, () -> relay.offer(CALL, "ta",
                Optional.empty(), Endpoint.sdp(4000, true).replace("IN IP4 127.0.0.1", "IN IP6 ::1"))).reason());
        assertEquals(Reason.UNKNOWN_CALL, assertThrows(MediaRelayException.class,
                () -> relay.answer("nobody", "ta", "tb", b.sdp())).reason());
        assertEquals(0, relay.portsInUse());
        assertTrue(relay.query(CALL).isEmpty());
    }

    /** Offer from A, answer from B, one packet each way (so both ends are locked): {A's port, B's port}. */
    private int[] callWithMediaBothWays() throws Exception {
        int relayForB = Endpoint.relayPort(relay.offer(CALL, "ta", Optional.empty(), a.sdp()));
        int relayForA = Endpoint.relayPort(relay.answer(CALL, "ta", "tb", b.sdp()));
        a.send(bytes("a1"), relayForA);
        assertArrayEquals(bytes("a1"), b.receive(2000));
        b.send(bytes("b1"), relayForB);
        assertArrayEquals(bytes("b1"), a.receive(2000));
        return new int[] {relayForA, relayForB};
    }

    private Map<String, Long> drops() {
        return relay.query(CALL).map(c -> c.streams().get(0).drops()).orElse(Map.of());
    }

    private static RelaySessions start(int pairs, Duration idle) {
        return RelaySessions.start(config(FreePortRange.of(pairs), idle));
    }

    private static RelayConfig config(int[] range, Duration idle) {
        return new RelayConfig(loopback(), range[0], range[1], idle, Duration.ofSeconds(3), List.of(), ANYWHERE, 8);
    }

    private static InetAddress loopback() {
        return InetAddress.getLoopbackAddress();
    }

    private static Endpoint endpoint() {
        try {
            return new Endpoint();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
