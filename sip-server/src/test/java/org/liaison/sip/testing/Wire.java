package org.liaison.sip.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/** How a {@link TestUa} reaches the server: a UDP socket, or one TCP connection (RFC 3261 §18). */
sealed interface Wire extends AutoCloseable {
    String name();

    int localPort();

    void send(byte[] message) throws IOException;

    /** The next message, or null if none arrived within {@code timeout}. */
    String receive(Duration timeout) throws IOException;

    @Override
    void close();

    /** The loopback address of the server's family: the UA talks IPv6 to an IPv6 server. */
    static InetAddress loopbackLike(InetSocketAddress server) throws IOException {
        return InetAddress.getByName(server.getAddress() instanceof java.net.Inet6Address ? "::1" : "127.0.0.1");
    }

    /** The local address as written in SIP ({@code [::1]} for IPv6). */
    String host();

    private static String uriHost(InetAddress address) {
        return address instanceof java.net.Inet6Address ? "[::1]" : address.getHostAddress();
    }

    final class Udp implements Wire {
        private final DatagramSocket socket;
        private final InetSocketAddress server;
        private final byte[] buffer = new byte[65536];

        Udp(InetSocketAddress server) throws IOException {
            this(server, loopbackLike(server));
        }

        /** From {@code local}: another loopback address (127.0.0.x) is another source to the server. */
        Udp(InetSocketAddress server, InetAddress local) throws IOException {
            this.socket = new DatagramSocket(new InetSocketAddress(local, 0));
            this.server = server;
        }

        @Override
        public String name() {
            return "UDP";
        }

        @Override
        public String host() {
            return uriHost(socket.getLocalAddress());
        }

        @Override
        public int localPort() {
            return socket.getLocalPort();
        }

        @Override
        public void send(byte[] message) throws IOException {
            socket.send(new DatagramPacket(message, message.length, server));
        }

        @Override
        public String receive(Duration timeout) throws IOException {
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException e) {
                return null;
            }
            return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    /**
     * One TCP connection, or (RFC 3261 §26.2) one TLS connection over it. Messages on a stream are
     * framed by Content-Length (RFC 3261 §18.3); CRLF keep-alives are skipped.
     */
    final class Tcp implements Wire {
        private static final Pattern LENGTH = Pattern.compile("(?im)^(?:content-length|l)\\s*:\\s*(\\d+)\\s*$");
        private final Socket socket;
        private final String name;
        private final InputStream in;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        Tcp(InetSocketAddress server) throws IOException {
            this(server, loopbackLike(server));
        }

        /** From {@code local}: another loopback address (127.0.0.x) is another source to the server. */
        Tcp(InetSocketAddress server, InetAddress local) throws IOException {
            this(connect(server, local, false), "TCP");
        }

        private Tcp(Socket socket, String name) throws IOException {
            this.socket = socket;
            this.name = name;
            this.in = socket.getInputStream();
        }

        /** A TLS connection, the handshake done, trusting what {@code tls} trusts. */
        static Tcp tls(InetSocketAddress server, SSLContext tls) throws IOException {
            return tls(server, tls, false);
        }

        /** {@code sharedPort}: a test may listen on the connection's port, even while the connection holds it. */
        static Tcp tls(InetSocketAddress server, SSLContext tls, boolean sharedPort) throws IOException {
            Socket plain = connect(server, loopbackLike(server), sharedPort);
            SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(plain,
                    server.getAddress().getHostAddress(), server.getPort(), true);
            socket.setSoTimeout(5000);
            TlsClients.checkingName(socket).startHandshake();
            return new Tcp(socket, "TLS");
        }

        private static Socket connect(InetSocketAddress server, InetAddress local, boolean sharedPort)
                throws IOException {
            Socket socket = new Socket();
            if (sharedPort) {
                socket.setOption(java.net.StandardSocketOptions.SO_REUSEPORT, true);
            }
            socket.bind(new InetSocketAddress(local, 0));
            socket.connect(server, 2000);
            return socket;
        }

        /** The TLS session (for tests of the server's TLS policy); null over plain TCP. */
        SSLSession session() {
            return socket instanceof SSLSocket tls ? tls.getSession() : null;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String host() {
            return uriHost(socket.getLocalAddress());
        }

        @Override
        public int localPort() {
            return socket.getLocalPort();
        }

        @Override
        public void send(byte[] message) throws IOException {
            socket.getOutputStream().write(message);
            socket.getOutputStream().flush();
        }

        @Override
        public String receive(Duration timeout) throws IOException {
            long deadline = System.nanoTime() + timeout.toNanos();
            byte[] chunk = new byte[8192];
            while (true) {
                String message = takeMessage();
                if (message != null) {
                    return message;
                }
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return null;
                }
                socket.setSoTimeout((int) Math.max(1, left));
                try {
                    int n = in.read(chunk);
                    if (n < 0) {
                        throw new IOException("server closed the connection");
                    }
                    pending.write(chunk, 0, n);
                } catch (SocketTimeoutException e) {
                    return null;
                }
            }
        }

        private String takeMessage() {
            String text = pending.toString(StandardCharsets.UTF_8);
            String trimmed = text.replaceFirst("^(\\r\\n)+", "");
            int headEnd = trimmed.indexOf("\r\n\r\n");
            if (headEnd < 0) {
                return null;
            }
            Matcher m = LENGTH.matcher(trimmed.substring(0, headEnd));
            int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
            byte[] all = trimmed.getBytes(StandardCharsets.UTF_8);
            int headBytes = trimmed.substring(0, headEnd + 4).getBytes(StandardCharsets.UTF_8).length;
            if (all.length < headBytes + length) {
                return null;
            }
            pending.reset();
            pending.write(all, headBytes + length, all.length - headBytes - length);
            return new String(all, 0, headBytes + length, StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing a test connection: nothing to do
            }
        }
    }
}
