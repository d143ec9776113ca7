package org.liaison.sip.wire;

import static org.awaitility.Awaitility.await;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.media.CallStats;
import org.liaison.sip.testing.TestServer;

/**
 * baresip calls baresip through the media relay, both insisting on SRTP: the tone each side plays
 * arrives on the other side, the packets on the wire go through the relay's ports and are not
 * plain RTP, and a stranger's packets sent to the relay's ports reach nobody and steal nothing.
 */
@Timeout(90)
class RelayedCallTest {
    private static final Duration REGISTRATION = Duration.ofSeconds(15);
    private static final Duration SETUP = Duration.ofSeconds(20);
    private static final int ALICE_HZ = 1000;
    private static final int BOB_HZ = 440;
    private static final int STRANGER_HZ = 2500;
    /** 4 s of G.711 at 50 packets/s: past the relay's learning window of 3 s. */
    private static final long SETTLED_PACKETS = 200;

    @TempDir
    Path root;
    RelayedServer server;

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void srtpToneArrivesBothWaysThroughTheRelayAndAStrangersPacketsReachNobody() throws Exception {
        // SDES over UDP is refused by media.encryption=mandatory; the clients insist on SRTP themselves
        server = RelayedServer.start(root, "optional");
        Tshark capture = Tshark.capture(root, server.portMin(), server.portMax(), Duration.ofSeconds(60));
        server.add(capture);
        Baresip alice = baresip("alice", ALICE_HZ);
        Baresip bob = baresip("bob", BOB_HZ);
        Supplier<String> logs = () -> alice.logs() + bob.logs();

        alice.call("sip:bob@" + TestServer.DOMAIN);
        assertTrue(alice.awaitCallConnected(SETUP), logs);
        assertTrue(bob.awaitCallConnected(SETUP), logs);
        String callId = server.awaitCall(Duration.ofSeconds(5));
        server.awaitMediaBothWays(callId, SETTLED_PACKETS, Duration.ofSeconds(20));

        int injected = injectFromAStranger(server.stats(callId));
        await("every stranger's packet dropped as wrong-source: " + server.stats(callId)).atMost(Duration.ofSeconds(5)).until(() -> server.wrongSourceDrops(callId) >= injected);
        server.awaitMediaBothWays(callId, 100, Duration.ofSeconds(10));

        alice.hangUp();
        assertTrue(bob.awaitCallEnded(Duration.ofSeconds(10)), logs);
        assertTrue(alice.awaitCallEnded(Duration.ofSeconds(10)), logs);

        assertHeard(bob, ALICE_HZ, logs);
        assertHeard(alice, BOB_HZ, logs);
        assertSrtpThroughTheRelay(capture.packets());
    }

    /**
     * A third local socket sends plain RTP (a 2500 Hz tone, like a real phone would) to every relay
     * port of the call, as an RTP Bleed attacker would; returns the number of packets sent.
     */
    private int injectFromAStranger(CallStats stats) throws Exception {
        byte[] tone = Tone.muLawSine(STRANGER_HZ, 160);
        int sent = 0;
        try (DatagramSocket stranger = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            for (CallStats.StreamStats s : stats.streams()) {
                for (int port : new int[] {s.relayPortA(), s.relayPortB()}) {
                    for (int seq = 0; seq < 50; seq++) {
                        byte[] packet = ByteBuffer.allocate(12 + tone.length).put((byte) 0x80).put((byte) 0)
                                .putShort((short) seq).putInt(seq * 160).putInt(0x5eed).put(tone).array();
                        stranger.send(new DatagramPacket(packet, packet.length,
                                new InetSocketAddress("127.0.0.1", port)));
                        sent++;
                    }
                }
            }
        }
        return sent;
    }

    private void assertHeard(Baresip listener, int hz, Supplier<String> logs) throws Exception {
        Path recording = listener.heard().orElseThrow(() -> new AssertionError("no recording\n" + logs.get()));
        double seconds = Tone.secondsIn(recording, hz);
        assertTrue(seconds >= 3, () -> recording + " carries " + seconds + " s of " + hz + " Hz\n" + logs.get());
        assertEquals(0.0, Tone.secondsIn(recording, STRANGER_HZ), recording + " carries the stranger's tone");
    }

    /**
     * The capture holds the call's media leaving the relay ports towards each client, and no such
     * stream decodes to a tone (plain G.711 of a sine would: {@link ToneTest}).
     */
    private void assertSrtpThroughTheRelay(List<Tshark.Packet> packets) {
        Map<Integer, ByteArrayOutputStream> towardsClient = new TreeMap<>();
        for (Tshark.Packet p : packets) {
            boolean rtp = p.payload().length > 12 && (p.payload()[0] & 0xc0) == 0x80 && (p.payload()[1] & 0x7f) == 0;
            if (rtp && server.isRelayPort(p.sourcePort()) && !server.isRelayPort(p.destinationPort())) {
                towardsClient.computeIfAbsent(p.destinationPort(), port -> new ByteArrayOutputStream())
                        .write(p.payload(), 12, p.payload().length - 12);
            }
        }
        assertEquals(2, towardsClient.size(), "media from the relay to two client ports: " + towardsClient.keySet());
        towardsClient.forEach((port, payload) -> {
            assertTrue(payload.size() >= SETTLED_PACKETS * 160, "too little media towards port " + port);
            for (int hz : new int[] {ALICE_HZ, BOB_HZ}) {
                assertEquals(0.0, Tone.secondsInMuLaw(payload.toByteArray(), hz),
                        "plain " + hz + " Hz left the relay towards port " + port);
            }
        });
    }

    private Baresip baresip(String user, int hz) throws Exception {
        Path microphone = Tone.write(root.resolve(user + "-" + hz + ".wav"), hz, Duration.ofSeconds(30), 48000, 2);
        Baresip client = Baresip.start(root, user, server.account(user), null,
                new Baresip.Media("srtp-mand", microphone));
        server.add(client);
        assertEquals("ok", client.awaitRegistration(REGISTRATION), client::logs);
        return client;
    }
}
