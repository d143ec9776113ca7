package org.liaison.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.liaison.media.MediaRelay;
import org.liaison.media.ng.NgControlServer;
import org.liaison.media.ng.NgMediaRelay;
import org.liaison.media.relay.RelaySessions;
import org.liaison.sip.config.LiaisonConfig;
import org.liaison.sip.config.RelaySettings;
import org.liaison.sip.testing.FreePorts;
import org.liaison.sip.testing.LiaisonServer;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.wire.UdpPorts;

/**
 * The relay host of a cluster test, as {@code bin/liaison relay} runs it (the relay and its ng server, in process on
 * loopback, from its own configuration), and the phones' media sockets that talk through it.
 */
public final class StandaloneRelay {
    /** Where the nodes reach the relay's ng socket: {@code relay.servers}. */
    final InetSocketAddress ng;
    private final RelaySettings settings;

    private StandaloneRelay(RelaySettings settings) {
        this.settings = settings;
        this.ng = settings.control();
    }

    /**
     * The private address a phone behind NAT puts in its SDP. It must pass the relay's destination check; the relay
     * never sends to a private address (it waits for media from the address the phone signalled from), so nothing
     * leaves loopback.
     */
    static final String NATTED_PHONE = "10.0.0.20";

    /** The relay host's configuration: ng on a free port, ten media ports. Nothing runs yet. */
    public static StandaloneRelay configure(LiaisonServer liaison) throws Exception {
        int ngPort = FreePorts.udpAndTcp();
        int relayPorts = UdpPorts.freeBlock(10);
        TestServer relayHost = TestServer.builder().property("relay.control-port", Integer.toString(ngPort))
                .property("media.allowed-destinations", "127.0.0.0/8, ::1/128, " + NATTED_PHONE)
                .property("relay.port-min", Integer.toString(relayPorts))
                .property("relay.port-max", Integer.toString(relayPorts + 9))
                .create(liaison.directory().resolve("relay-host"));
        return new StandaloneRelay(LiaisonConfig.load(relayHost.configDir()).relay());
    }

    /**
     * Starts the relay and its ng server, owned by {@code liaison} (start the first node before: starting closes what
     * the test owned). Returns the relay as the nodes drive it: over ng, without any node's record of where calls are.
     */
    public NgMediaRelay start(LiaisonServer liaison) throws Exception {
        MediaRelay sessions = liaison.own(RelaySessions.start(settings.toRelayConfig()));
        liaison.own(NgControlServer.start(sessions, ng));
        return liaison.own(NgMediaRelay.to(List.of(ng)));
    }

    /** {@code relay.servers} of a node using this relay. */
    public String servers() {
        return "127.0.0.1:" + ng.getPort();
    }

    /** An RTP packet from {@code from} to the relay port {@code relayPort} reaches {@code to}. */
    static void assertMediaFlows(DatagramSocket from, int relayPort, DatagramSocket to, String text)
            throws IOException {
        byte[] packet = text.getBytes(StandardCharsets.US_ASCII);
        from.send(new DatagramPacket(packet, packet.length, new InetSocketAddress("127.0.0.1", relayPort)));
        to.setSoTimeout((int) Duration.ofSeconds(3).toMillis());
        byte[] heard = new byte[2048];
        DatagramPacket received = new DatagramPacket(heard, heard.length);
        try {
            to.receive(received);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("\"" + text + "\" sent to relay port " + relayPort + " never arrived", e);
        }
        assertEquals(text, new String(heard, 0, received.getLength(), StandardCharsets.US_ASCII));
    }

    /** A phone's media socket; 127.0.0.x are other hosts on Linux loopback. */
    static DatagramSocket phone(String address) throws IOException {
        return new DatagramSocket(new InetSocketAddress(address, 0));
    }

    static String sdp(String address, int port) {
        return MediaRelayProtocolTest.sdp(address, "m=audio " + port + " RTP/AVP 0");
    }

    static int mediaPort(String sdp) {
        Matcher port = Pattern.compile("(?m)^m=audio (\\d+) ").matcher(sdp);
        assertTrue(port.find(), sdp);
        return Integer.parseInt(port.group(1));
    }
}
