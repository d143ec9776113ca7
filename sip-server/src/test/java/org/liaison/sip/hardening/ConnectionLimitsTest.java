package org.liaison.sip.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/**
 * Issue 5, half-open connections and connection floods: connections that never deliver a whole SIP
 * message are closed after {@code security.first-message-timeout-seconds}, one source cannot hold
 * more than {@code security.max-connections-per-source}, and meanwhile UDP clients and other TCP
 * clients are served.
 */
@Timeout(60)
class ConnectionLimitsTest {
    private static final String ATTACKER = "127.0.0.2";
    private static final int PER_SOURCE = 5;

    @TempDir
    Path root;
    private final List<Socket> attackers = new ArrayList<>();

    @AfterEach
    void closeAttackers() throws IOException {
        for (Socket s : attackers) {
            s.close();
        }
    }

    @Test
    void halfOpenConnectionsAreClosedAfterTheFirstMessageTimeoutWhileOthersAreServed() throws Exception {
        try (TestServer server = TestServer.builder().user("alice", "alice-secret", "1001")
                .user("bob", "bob-secret", "1002")
                .property("security.first-message-timeout-seconds", "2")
                .start(root);
                TestUa udp = new TestUa("alice", server);
                TestUa tcp = new TestUa("bob", server, true)) {
            for (int i = 0; i < PER_SOURCE; i++) {
                Socket silent = connect(server);
                if (i % 2 == 1) { // half a request, never finished (slow loris)
                    silent.getOutputStream().write(("REGISTER sip:" + TestServer.DOMAIN + " SIP/2.0\r\nVia: SIP/2.0/TCP "
                            + ATTACKER + ";branch=z9hG4bK1\r\n").getBytes(StandardCharsets.US_ASCII));
                }
            }
            assertEquals(200, udp.register("alice-secret", "").status());
            assertEquals(200, tcp.register("bob-secret", "").status());
            for (Socket silent : attackers) {
                assertTrue(closedByServerWithin(silent, Duration.ofSeconds(6)), "a silent connection was kept open");
            }
            // the client that spoke keeps its connection beyond the first-message timeout
            tcp.send(tcp.optionsRequest());
            assertEquals(200, tcp.awaitResponse("OPTIONS", 200).status());
        }
    }

    @Test
    void oneSourceCannotHoldMoreThanItsShareOfConnections() throws Exception {
        try (TestServer server = TestServer.builder().user("alice", "alice-secret", "1001")
                .user("bob", "bob-secret", "1002")
                .property("security.max-connections-per-source", Integer.toString(PER_SOURCE))
                .start(root);
                TestUa udp = new TestUa("alice", server)) {
            for (int i = 0; i < 4 * PER_SOURCE; i++) {
                connect(server);
            }
            int closed = 0;
            for (Socket s : attackers.subList(PER_SOURCE, attackers.size())) {
                closed += closedByServerWithin(s, Duration.ofSeconds(3)) ? 1 : 0;
            }
            assertEquals(3 * PER_SOURCE, closed, "connections beyond the per-source cap were kept");
            assertEquals(200, udp.register("alice-secret", "").status());
            try (TestUa tcp = new TestUa("bob", server, true)) {
                assertEquals(200, tcp.register("bob-secret", "").status());
            }
        }
    }

    private Socket connect(TestServer server) throws IOException {
        Socket socket = new Socket();
        attackers.add(socket);
        socket.bind(new InetSocketAddress(ATTACKER, 0));
        socket.connect(new InetSocketAddress(server.host(), server.port()), 2000);
        return socket;
    }

    /** Whether the server closes {@code socket} (end of stream or reset) within {@code timeout}. */
    private static boolean closedByServerWithin(Socket socket, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        InputStream in = socket.getInputStream();
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return false;
            }
            socket.setSoTimeout((int) left);
            try {
                if (in.read() < 0) {
                    return true;
                }
            } catch (SocketTimeoutException stillOpen) {
                return false;
            } catch (IOException reset) {
                return true;
            }
        }
    }
}
