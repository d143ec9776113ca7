package org.liaison.media.ng;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.liaison.media.CallStats;
import org.liaison.media.FreePortRange;
import org.liaison.media.MediaRelay;
import org.liaison.media.MediaRelayException;
import org.liaison.media.MediaRelayException.Reason;
import org.liaison.media.RelayConfig;
import org.liaison.media.relay.RelaySessions;

/** A relay process's ng server driven by our ng client over loopback UDP. */
class NgRoundTripTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private MediaRelay relay;
    private NgControlServer server;
    private NgMediaRelay client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
        if (relay != null) {
            relay.close();
        }
    }

    @Test
    void offerAnswerQueryDeleteOverNgRewriteSdpAndFreeTheCall() throws Exception {
        start(4);
        String offer = client.offer("c1", "ta", Optional.empty(), sdp(4000));
        String answer = client.answer("c1", "ta", "tb", sdp(5000));
        assertTrue(offer.contains("c=IN IP4 127.0.0.1\r\n") && !offer.contains("m=audio 4000 "), offer);
        assertTrue(answer.contains("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:"), answer);

        CallStats stats = client.query("c1").orElseThrow();
        assertEquals(1, stats.streams().size());
        CallStats.StreamStats s = stats.streams().get(0);
        assertEquals("ta", s.fromTag());
        assertEquals("tb", s.toTag());
        assertTrue(offer.contains("m=audio " + s.relayPortB() + " "), "offer carries side B's port");
        assertTrue(answer.contains("m=audio " + s.relayPortA() + " "), "answer carries side A's port");

        client.delete("c1", Optional.empty());
        assertEquals(Optional.empty(), relay.query("c1"));
        assertEquals(Optional.empty(), client.query("c1"));
    }

    @Test
    void receivedFromTravelsWithOfferAndAnswerAndReachesTheRelay() throws Exception {
        SignalledFromRecorder recorder = new SignalledFromRecorder();
        relay = recorder;
        server = NgControlServer.start(relay, new InetSocketAddress(LOOPBACK, 0));
        client = NgMediaRelay.to(List.of(new InetSocketAddress(LOOPBACK, server.port())));
        InetAddress v6 = InetAddress.getByName("2001:db8::7");

        client.offer("c1", "ta", Optional.empty(), sdp(4000), Optional.of(LOOPBACK));
        client.answer("c1", "ta", "tb", sdp(5000), Optional.of(v6));
        client.offer("c1", "ta", Optional.of("tb"), sdp(4000));
        assertEquals(List.of(Optional.of(LOOPBACK), Optional.of(v6), Optional.empty()), recorder.signalledFrom);
    }

    @Test
    void receivedFromAsKamailioSendsItIsReadAndAHostNameIsRefused() throws Exception {
        SignalledFromRecorder recorder = new SignalledFromRecorder();
        relay = recorder;
        server = NgControlServer.start(relay, new InetSocketAddress(LOOPBACK, 0));
        String offer = "d7:command5:offer7:call-id2:c18:from-tag2:ta3:sdp1:x13:received-froml3:IP412:198.51.100.9ee";
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            socket.setSoTimeout(2000);
            assertEquals("k1 d6:result2:ok3:sdp1:xe", exchange(socket, "k1 " + offer));
            assertEquals(List.of(Optional.of(InetAddress.getByName("198.51.100.9"))), recorder.signalledFrom);

            String byName = offer.replace("12:198.51.100.9", "11:example.org");
            assertTrue(exchange(socket, "k2 " + byName).contains("6:result5:error"), "a host name is never looked up");
        }
    }

    @Test
    void relayErrorsKeepTheirReasonAcrossNg() throws Exception {
        start(2);
        client.offer("c1", "ta", Optional.empty(), sdp(4000));
        assertEquals(Reason.PORTS_EXHAUSTED, assertThrows(MediaRelayException.class,
                () -> client.offer("c2", "tc", Optional.empty(), sdp(4002))).reason());
        assertEquals(Reason.BAD_SDP, assertThrows(MediaRelayException.class,
                () -> client.offer("c3", "td", Optional.empty(), "v=0\r\nnonsense\r\n")).reason());
        assertEquals(Reason.UNKNOWN_CALL, assertThrows(MediaRelayException.class,
                () -> client.answer("c4", "te", "tf", sdp(4004))).reason());
    }

    @Test
    void pingRepliesPongWithTheRequestsCookieAndUnknownCommandsGetAnError() throws Exception {
        start(2);
        assertTrue(client.ping(new InetSocketAddress(LOOPBACK, server.port())));
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            socket.setSoTimeout(2000);
            assertEquals("7_1 d6:result4:ponge", exchange(socket, "7_1 d7:command4:pinge"));
            assertEquals("abc d12:error-reason20:Unrecognized command6:result5:errore",
                    exchange(socket, "abc d7:command4:fooze"));
        }
    }

    @Test
    void silentRelayIsMarkedDownAndItsCallsGetUnavailableAtOnce() throws Exception {
        int nobody;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            nobody = probe.getLocalPort();
        }
        client = NgMediaRelay.to(List.of(new InetSocketAddress(LOOPBACK, nobody)));
        assertEquals(Reason.UNAVAILABLE, assertThrows(MediaRelayException.class,
                () -> client.offer("c1", "ta", Optional.empty(), sdp(4000))).reason());

        long started = System.nanoTime();
        assertEquals(Reason.UNAVAILABLE, assertThrows(MediaRelayException.class,
                () -> client.offer("c1", "ta", Optional.empty(), sdp(4000))).reason());
        assertTrue(System.nanoTime() - started < Duration.ofMillis(200).toNanos(), "no second wait while down");
    }

    private void start(int pairs) throws Exception {
        int[] range = FreePortRange.of(pairs);
        relay = RelaySessions.start(new RelayConfig(LOOPBACK, range[0], range[1], Duration.ofSeconds(60),
                Duration.ofSeconds(3), List.of(), destination -> true, 8));
        server = NgControlServer.start(relay, new InetSocketAddress(LOOPBACK, 0));
        client = NgMediaRelay.to(List.of(new InetSocketAddress(LOOPBACK, server.port())));
    }

    private String exchange(DatagramSocket socket, String request) throws Exception {
        byte[] out = request.getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(out, out.length, new InetSocketAddress(LOOPBACK, server.port())));
        byte[] in = new byte[4096];
        DatagramPacket reply = new DatagramPacket(in, in.length);
        socket.receive(reply);
        return new String(in, 0, reply.getLength(), StandardCharsets.UTF_8);
    }

    /** A relay that only records the signalled-from address of each offer and answer, and echoes the SDP. */
    private static final class SignalledFromRecorder implements MediaRelay {
        final List<Optional<InetAddress>> signalledFrom = new CopyOnWriteArrayList<>();

        @Override
        public String offer(String callId, String fromTag, Optional<String> toTag, String sdp,
                Optional<InetAddress> from) {
            signalledFrom.add(from);
            return sdp;
        }

        @Override
        public String answer(String callId, String fromTag, String toTag, String sdp, Optional<InetAddress> from) {
            signalledFrom.add(from);
            return sdp;
        }

        @Override
        public void delete(String callId, Optional<String> toTag) {
        }

        @Override
        public Optional<CallStats> query(String callId) {
            return Optional.empty();
        }

        @Override
        public void close() {
        }
    }

    private static String sdp(int port) {
        return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio " + port
                + " RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:bmcgcm91bmQgdHJpcCB0ZXN0IGtleQ==\r\n"
                + "a=rtcp-mux\r\n";
    }

}
