package org.liaison.media.ng;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.liaison.media.FreePortRange;
import org.liaison.media.MediaRelay;
import org.liaison.media.MediaRelayException;
import org.liaison.media.MediaRelayException.Reason;
import org.liaison.media.RelayConfig;
import org.liaison.media.relay.RelaySessions;

/**
 * SIP servers sharing relays (a cluster) over ng: each call's relay is recorded at its first offer, and every
 * later command of any SIP server goes there, whatever relays that server lists or thinks down.
 */
class SharedRelaysTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final List<AutoCloseable> opened = new ArrayList<>();
    private final InMemoryPlacements placements = new InMemoryPlacements();

    @AfterEach
    void stop() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    @Test
    void aCallKeepsItsRelayWhenAnotherSipServerListsARelayMore() throws Exception {
        Relay first = relay();
        Relay added = relay();
        NgMediaRelay setUpBy = NgMediaRelay.sharing(List.of(first.ng()), placements);
        String callId = callHashingTo(0, 2);
        setUpBy.offer(callId, "ta", Optional.empty(), sdp(4000));
        assertEquals(first.ng(), placements.calls.get(callId));

        // a SIP server started after the admin added a relay: the Call-ID now hashes to the new one
        NgMediaRelay other = NgMediaRelay.sharing(List.of(added.ng(), first.ng()), placements);
        String answer = other.answer(callId, "ta", "tb", sdp(5000));
        assertTrue(answer.contains("m=audio " + first.sessions.query(callId).orElseThrow().streams().get(0).relayPortA()
                + " "), answer);
        assertEquals(Optional.empty(), added.sessions.query(callId), "the added relay never heard of the call");

        other.delete(callId, Optional.empty());
        assertEquals(Optional.empty(), first.sessions.query(callId));
        assertEquals(Map.of(), placements.calls, "an ended call leaves no record");
        assertEquals(Optional.empty(), other.query(callId));
    }

    @Test
    void aNewCallAvoidsARelayMarkedDownAndEverySipServerFindsItWhereItWent() throws Exception {
        InetSocketAddress silent;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            silent = new InetSocketAddress(LOOPBACK, probe.getLocalPort());
        }
        Relay alive = relay();
        NgMediaRelay setUpBy = NgMediaRelay.sharing(List.of(silent, alive.ng()), placements);
        String lost = callHashingTo(0, 2);
        assertEquals(Reason.UNAVAILABLE, assertThrows(MediaRelayException.class,
                () -> setUpBy.offer(lost, "ta", Optional.empty(), sdp(4000))).reason());
        assertEquals(Map.of(), placements.calls, "a call no relay took is not recorded: its retry may go elsewhere");

        String callId = callHashingTo(0, 2, lost);
        setUpBy.offer(callId, "ta", Optional.empty(), sdp(4000));
        assertEquals(alive.ng(), placements.calls.get(callId));

        // another SIP server, which has not found the silent relay down, still finds the call
        NgMediaRelay other = NgMediaRelay.sharing(List.of(silent, alive.ng()), placements);
        assertTrue(other.query(callId).isPresent());
        assertEquals(Reason.UNKNOWN_CALL, assertThrows(MediaRelayException.class,
                () -> other.answer("never-offered", "ta", "tb", sdp(5000))).reason(),
                "no relay holds it: none is asked");
    }

    private record Relay(MediaRelay sessions, InetSocketAddress ng) {
    }

    private Relay relay() throws Exception {
        int[] range = FreePortRange.of(4);
        MediaRelay sessions = RelaySessions.start(new RelayConfig(LOOPBACK, range[0], range[1], Duration.ofSeconds(60),
                Duration.ofSeconds(3), List.of(), destination -> true, 8));
        opened.add(sessions);
        NgControlServer server = NgControlServer.start(sessions, new InetSocketAddress(LOOPBACK, 0));
        opened.add(server);
        return new Relay(sessions, new InetSocketAddress(LOOPBACK, server.port()));
    }

    /** A Call-ID that hashes to relay {@code index} of {@code relays}, unlike any of {@code taken}. */
    private static String callHashingTo(int index, int relays, String... taken) {
        for (int i = 0;; i++) {
            String callId = "call-" + i;
            if (Math.floorMod(callId.hashCode(), relays) == index && !List.of(taken).contains(callId)) {
                return callId;
            }
        }
    }

    /** The record as a map, as every SIP server of a cluster sees it in Redis. */
    private static final class InMemoryPlacements implements RelayPlacements {
        final Map<String, InetSocketAddress> calls = new ConcurrentHashMap<>();

        @Override
        public InetSocketAddress placeIfAbsent(String callId, InetSocketAddress chosen) {
            return calls.computeIfAbsent(callId, c -> chosen);
        }

        @Override
        public Optional<InetSocketAddress> find(String callId) {
            return Optional.ofNullable(calls.get(callId));
        }

        @Override
        public void forget(String callId) {
            calls.remove(callId);
        }
    }

    private static String sdp(int port) {
        return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio " + port
                + " RTP/AVP 0\r\n";
    }
}
