package org.liaison.sip.hardening;

import static org.awaitility.Awaitility.await;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.sip.testing.LogFiles;
import org.liaison.sip.testing.ServerProcess;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;
import org.liaison.sip.testing.TlsClients;

/**
 * Issue 5, floods over TLS: one source pipelines OPTIONS and REGISTER requests over one TLS
 * connection at 40 times {@code security.stream.max-requests-per-source-per-second}; it gets no more
 * than its budget answered (the rest dropped, some answered 503 with Retry-After), one
 * {@code flood-throttle} line names it, and meanwhile a TLS client and a UDP client from another
 * source get every OPTIONS answered, 99 in 100 within 1 s, from a server in a 64 MB JVM.
 */
@Timeout(60)
class StreamFloodTest {
    /** The flooder's address and the clients' service level are UDP's {@link FloodTest}'s. */
    private static final String FLOODER = FloodTest.FLOODER;
    private static final Duration ANSWERED_WITHIN = FloodTest.ANSWERED_WITHIN;
    private static final double WITHIN_ONE_SECOND = FloodTest.WITHIN_ONE_SECOND;
    private static final int LIMIT = 50;
    private static final int FLOOD_REQUESTS_PER_SECOND = 40 * LIMIT;
    private static final int BATCH = 20;
    private static final Duration FLOOD = Duration.ofSeconds(6);
    /** A client's pace: an OPTIONS each 50 ms, well within the limit (from 127.0.0.1, another source). */
    private static final Duration CLIENT_INTERVAL = Duration.ofMillis(50);
    private static final Duration GIVE_UP = Duration.ofSeconds(3);

    @TempDir
    Path root;

    @Test
    void flooderIsThrottledWhileOtherClientsAreAnswered() throws Exception {
        TestServer config = TestServer.builder().user("alice", "alice-secret", "1001").withTls()
                .property("security.stream.max-requests-per-source-per-second", Integer.toString(LIMIT))
                .create(root);
        try (ServerProcess server = ServerProcess.serve(config.configDir(), root.resolve("server.log"),
                "-Xmx64m", "-XX:+ExitOnOutOfMemoryError");
                TestUa tls = TestUa.overTls("alice", config);
                TestUa udp = new TestUa("alice", config);
                SSLSocket flooder = connectFrom(FLOODER, config)) {
            Statuses answered = new Statuses();
            Thread reader = new Thread(() -> answered.readAll(flooder), "flood-reader");
            reader.start();
            // one answered request first: the flood then measures the throttle on a live TLS session. (Once in
            // about four runs a flood sent right after the handshake was never read by the server, which closed
            // the connection as silent after security.first-message-timeout-seconds: see the closing note.)
            sendOptions(flooder);
            await("the flooder's first OPTIONS answered").atMost(Duration.ofSeconds(15))
                    .failFast("the flooder's connection ended", () -> answered.stoppedBy != null)
                    .until(() -> answered.total() >= 1);
            AtomicBoolean flooding = new AtomicBoolean(true);
            AtomicLong sent = new AtomicLong();
            Thread flood = new Thread(() -> flood(flooder, flooding, sent), "flooder");
            long start = System.nanoTime();
            flood.start();
            List<Long> millis = new ArrayList<>();
            try {
                long end = start + FLOOD.toNanos();
                for (long next = start; next < end; next += CLIENT_INTERVAL.toNanos()) {
                    LockSupport.parkNanos(next - System.nanoTime());
                    millis.add(options(tls));
                    millis.add(options(udp));
                }
            } finally {
                flooding.set(false);
                flood.join(5000);
            }
            // every answer the server meant to send has arrived: the count stops growing
            // (a loaded machine drains the server's backlog slowly; the wait ends once nothing more comes)
            await("the flooder's answers to stop coming").atMost(Duration.ofSeconds(20)).until(answered::settled);
            double seconds = (System.nanoTime() - start) / 1e9;
            long budget = (long) (LIMIT * (1 + seconds));
            String measured = String.format("stream flood: %d requests in %.1f s; answered %s; clients: %d"
                    + " transactions, slowest %d ms; the flooder's reader stopped on %s", sent.get(), seconds,
                    answered.counts, millis.size(), millis.stream().mapToLong(Long::longValue).max().orElse(0),
                    answered.stoppedBy);
            System.out.println(measured);

            assertTrue(sent.get() > 10L * budget, "the flood was too weak to prove anything: " + measured);
            assertTrue(server.isAlive(), "the server died under the flood:\n" + server.logText());
            long admitted = answered.count(200) + answered.count(401);
            assertTrue(admitted > 0 && admitted <= budget, "admitted past the limit: " + measured);
            assertTrue(answered.count(503) > 0 && answered.count(503) <= budget, "503s: " + measured);
            assertEquals(admitted + answered.count(503), answered.total(), "unexpected statuses: " + measured);
            assertTrue(answered.retryAfters.sum() == answered.count(503), "a 503 without Retry-After: " + measured);
            assertTrue(LogFiles.matches(root.resolve("server.log"), "flood-throttle source=" + FLOODER + " transport=tls",
                    Duration.ofSeconds(5)), "no flood-throttle line for the flooding source");
            long late = millis.stream().filter(m -> m > ANSWERED_WITHIN.toMillis()).count();
            assertTrue(late <= millis.size() * (1 - WITHIN_ONE_SECOND), measured + ", " + late + " over 1 s");
        }
    }

    /** One OPTIONS transaction; its time in ms. Over UDP it is not retransmitted: a loss fails the test. */
    private static long options(TestUa ua) throws IOException {
        String request = ua.optionsRequest();
        String cseq = SipText.parse(request).header("cseq").orElseThrow();
        long start = System.nanoTime();
        ua.send(request);
        SipText response = ua.await(m -> m.isResponse() && cseq.equals(m.header("cseq").orElse("")), GIVE_UP);
        assertEquals(200, response.status(), ua.transport() + ": " + response);
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static SSLSocket connectFrom(String local, TestServer config) throws IOException {
        SSLSocket socket = (SSLSocket) TlsClients.trusting(config.dataDir().resolve("ca.pem")).getSocketFactory()
                .createSocket(config.host(), config.tlsPort(), InetAddress.getByName(local), 0);
        socket.startHandshake();
        return socket;
    }

    private static void sendOptions(SSLSocket socket) throws IOException {
        String options = "OPTIONS sip:" + TestServer.DOMAIN + " SIP/2.0\r\nVia: SIP/2.0/TLS " + FLOODER + ":"
                + socket.getLocalPort() + ";rport;branch=z9hG4bKfirst\r\nFrom: <sip:alice@" + TestServer.DOMAIN
                + ">;tag=first\r\nTo: <sip:" + TestServer.DOMAIN + ">\r\nCall-ID: first-" + UUID.randomUUID()
                + "\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
        socket.getOutputStream().write(options.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    /** OPTIONS and REGISTER (without credentials) in turn, pipelined, in batches at the flood's rate. */
    private static void flood(SSLSocket socket, AtomicBoolean flooding, AtomicLong sent) {
        String via = "Via: SIP/2.0/TLS " + FLOODER + ":" + socket.getLocalPort() + ";rport;branch=z9hG4bK";
        String from = "From: <sip:alice@" + TestServer.DOMAIN + ">;tag=flood\r\nTo: <sip:alice@"
                + TestServer.DOMAIN + ">\r\nCall-ID: flood-" + UUID.randomUUID() + "\r\nMax-Forwards: 70\r\n";
        String contact = "Contact: <sip:alice@" + FLOODER + ":" + socket.getLocalPort() + ";transport=tls>\r\n";
        try {
            OutputStream out = socket.getOutputStream();
            long start = System.nanoTime();
            while (flooding.get()) {
                StringBuilder batch = new StringBuilder();
                for (int i = 0; i < BATCH; i++) {
                    long n = sent.incrementAndGet();
                    String method = n % 2 == 0 ? "OPTIONS" : "REGISTER";
                    batch.append(method).append(" sip:").append(TestServer.DOMAIN).append(" SIP/2.0\r\n")
                            .append(via).append(n).append("\r\n").append(from)
                            .append(method.equals("REGISTER") ? contact : "")
                            .append("CSeq: ").append(n).append(' ').append(method).append("\r\nContent-Length: 0\r\n\r\n");
                }
                out.write(batch.toString().getBytes(StandardCharsets.US_ASCII));
                out.flush();
                long due = start + sent.get() * 1_000_000_000L / FLOOD_REQUESTS_PER_SECOND;
                LockSupport.parkNanos(due - System.nanoTime());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The statuses of the responses read from the flooder's connection, by status line. */
    private static final class Statuses {
        final ConcurrentHashMap<Integer, LongAdder> counts = new ConcurrentHashMap<>();
        final LongAdder retryAfters = new LongAdder();
        /** Why reading the flooder's answers ended early, if it did: a test that read nothing must say why. */
        volatile Throwable stoppedBy;
        private long lastTotal = -1;
        private long lastChangeNanos;

        void readAll(SSLSocket socket) {
            try {
                socket.setSoTimeout(0);
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.US_ASCII));
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.startsWith("SIP/2.0 ")) {
                        counts.computeIfAbsent(Integer.parseInt(line.substring(8, 11)), s -> new LongAdder()).increment();
                    } else if (line.regionMatches(true, 0, "Retry-After:", 0, 12)) {
                        retryAfters.increment();
                    }
                }
            } catch (IOException | RuntimeException e) {
                stoppedBy = e; // the test closing the connection at the end, or the reason it read nothing
            }
        }

        long count(int status) {
            LongAdder n = counts.get(status);
            return n == null ? 0 : n.sum();
        }

        long total() {
            return counts.values().stream().mapToLong(LongAdder::sum).sum();
        }

        /** True once the total has not changed for half a second (the test polls it). */
        synchronized boolean settled() {
            long total = total();
            long now = System.nanoTime();
            if (total != lastTotal) {
                lastTotal = total;
                lastChangeNanos = now;
            }
            return now - lastChangeNanos >= 500_000_000L;
        }
    }
}
