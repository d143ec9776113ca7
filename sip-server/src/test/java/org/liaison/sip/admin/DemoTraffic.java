package org.liaison.sip.admin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.liaison.sip.testing.Calls;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/**
 * Real traffic for a while, for the status page's screenshot in docs/: a call streaming RTP through
 * the relay (with a few packets from a stranger, dropped), a device that comes and goes, chat
 * messages answered by their recipient. Users alice, bob and carol, passwords USER-secret.
 */
final class DemoTraffic {
    private static final Duration ROUND = Duration.ofSeconds(5);

    private DemoTraffic() {
    }

    /** What to do at the end of the traffic, while the call is still up. */
    @FunctionalInterface
    interface AtTheEnd {
        void run() throws Exception;
    }

    static void run(TestServer server, Duration length, AtTheEnd atTheEnd) throws Exception {
        ScheduledExecutorService rtp = Executors.newSingleThreadScheduledExecutor();
        try (TestUa alice = new TestUa("alice", server); TestUa bob = new TestUa("bob", server);
                TestUa carol = new TestUa("carol", server);
                DatagramSocket aliceMedia = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
                DatagramSocket bobMedia = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
                DatagramSocket stranger = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            alice.register("alice-secret", "");
            bob.register("bob-secret", "");
            Calls.sendAuthenticated(alice, "alice-secret", "sip:bob@" + server.domain(),
                    UUID.randomUUID().toString(),
                    Calls.SDP.replace("40000", Integer.toString(aliceMedia.getLocalPort())));
            SipText invite = bob.awaitRequest("INVITE");
            bob.respond(invite, 200, "OK", "demo", "Content-Type: application/sdp\r\n",
                    Calls.SDP.replace("40000", Integer.toString(bobMedia.getLocalPort())));
            SipText ok = alice.awaitResponse("INVITE", 200);
            Calls.ack(alice, bob, ok);
            int relayPort = mediaPort(ok.body());
            byte[] packet = new byte[172];
            packet[0] = (byte) 0x80;
            DatagramPacket toRelay = new DatagramPacket(packet, packet.length, InetAddress.getLoopbackAddress(),
                    relayPort);
            rtp.scheduleAtFixedRate(() -> {
                try {
                    aliceMedia.send(toRelay);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, 0, 20, TimeUnit.MILLISECONDS);
            Instant end = Instant.now().plus(length);
            boolean carolOnline = false;
            String carolsRegistration = UUID.randomUUID().toString(); // one device coming and going
            for (int round = 0; Instant.now().isBefore(end); round++) {
                if (round % 8 == 2) {
                    carol.sendWithAuth(carol.registerRequest(carolsRegistration, 3600, ""), "carol-secret");
                    carolOnline = true;
                } else if (round % 8 == 6) {
                    carol.sendWithAuth(carol.registerRequest(carolsRegistration, 0, ""), "carol-secret");
                    carolOnline = false;
                }
                if (carolOnline) {
                    answerMessages(carol);
                } else {
                    for (int m = 0; m < 1 + round % 3; m++) { // kept for carol until she registers
                        alice.sendWithAuth(alice.messageRequest("sip:carol@" + server.domain(),
                                UUID.randomUUID().toString(), "text/plain", "round " + round), "alice-secret");
                    }
                }
                if (round % 4 == 1) {
                    stranger.send(toRelay);
                }
                Thread.sleep(ROUND.toMillis()); // pacing the demo, not waiting for anything
            }
            atTheEnd.run();
            Calls.hangUp(alice, bob, ok);
        } finally {
            rtp.shutdownNow();
        }
    }

    /** Carol's device takes every stored message delivered to it now. */
    private static void answerMessages(TestUa carol) throws IOException {
        while (true) {
            SipText message;
            try {
                message = carol.await(m -> !m.isResponse() && "MESSAGE".equals(m.method()), Duration.ofMillis(300));
            } catch (AssertionError none) {
                return;
            }
            carol.respond(message, 200, "OK", "carol", null, null);
        }
    }

    private static int mediaPort(String sdp) {
        Matcher m = Pattern.compile("m=audio (\\d+)").matcher(sdp);
        if (!m.find()) {
            throw new AssertionError("no media line: " + sdp);
        }
        return Integer.parseInt(m.group(1));
    }
}
