package org.liaison.media.relay;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A fake phone's media socket on loopback: sends to the relay port its SDP answer named, receives. */
final class Endpoint implements AutoCloseable {
    private static final Pattern M_PORT = Pattern.compile("^m=audio (\\d+) ", Pattern.MULTILINE);
    final DatagramSocket socket;
    private final InetAddress address;

    Endpoint() throws IOException {
        this(InetAddress.getLoopbackAddress());
    }

    /** On a loopback address: 127.0.0.1 or ::1. */
    Endpoint(InetAddress loopback) throws IOException {
        this.address = loopback;
        this.socket = new DatagramSocket(new InetSocketAddress(loopback, 0));
    }

    int port() {
        return socket.getLocalPort();
    }

    /** An SRTP audio offer or answer (rtcp-mux) naming this socket. */
    String sdp() {
        if (address instanceof Inet6Address) {
            return sdp(port(), true).replace("IN IP4 127.0.0.1", "IN IP6 ::1");
        }
        return sdp(port(), true);
    }

    static String sdp(int port, boolean rtcpMux) {
        return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio " + port + " RTP/SAVP 0\r\n"
                + "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n"
                + (rtcpMux ? "a=rtcp-mux\r\n" : "");
    }

    static int relayPort(String sdp) {
        Matcher m = M_PORT.matcher(sdp);
        if (!m.find()) {
            throw new AssertionError("no audio port in " + sdp);
        }
        return Integer.parseInt(m.group(1));
    }

    void send(byte[] payload, int relayPort) throws IOException {
        socket.send(new DatagramPacket(payload, payload.length, address, relayPort));
    }

    /** The next datagram's bytes, or null if none comes within {@code millis}. */
    byte[] receive(int millis) throws IOException {
        socket.setSoTimeout(millis);
        byte[] buffer = new byte[2048];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        try {
            socket.receive(packet);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return Arrays.copyOf(buffer, packet.getLength());
    }

    @Override
    public void close() {
        socket.close();
    }
}
