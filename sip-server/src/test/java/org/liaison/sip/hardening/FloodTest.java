package org.liaison.sip.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.sip.testing.ServerProcess;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/**
 * Issue 5, floods: while one local source sends 10,000 mangled datagrams a second, a legitimate
 * client's REGISTER and OPTIONS transactions are answered within 1 s (99 in 100 at least: on a
 * loaded 2-core machine the scheduler alone sometimes takes longer; none is lost, the client
 * retransmits as RFC 3261 says), and the server, in a JVM of 64 MB that exits on OutOfMemoryError,
 * is still up and serving afterwards: what the flood makes it hold is bounded. (Before the admission at receipt, ~380,000 such datagrams filled the stack's
 * unbounded UDP queue, 64 KB each, until its reader thread died of OutOfMemoryError.)
 */
@Timeout(90)
class FloodTest {
    /** The flood comes from another loopback address, so that it is another source than the client. */
    static final String FLOODER = "127.0.0.2";
    private static final Duration FLOOD = Duration.ofSeconds(12);
    /**
     * 25 times what one source may send. Without the admission at receipt, a second of it queued in
     * 64 KB buffers is ten times the server's heap.
     */
    private static final int FLOOD_DATAGRAMS_PER_SECOND = 10_000;
    /** Sent back to back, then the sender sleeps until they are due: 200 wake-ups a second, not 20,000. */
    private static final int BATCH = 100;
    static final Duration ANSWERED_WITHIN = Duration.ofSeconds(1);
    private static final Duration T1 = Duration.ofMillis(500);
    private static final Duration GIVE_UP = Duration.ofSeconds(2);
    /** Share of client transactions that must be answered within 1 s (the rest within 3.5 s). */
    static final double WITHIN_ONE_SECOND = 0.99;

    @TempDir
    Path root;

    @Test
    void legitimateClientIsAnsweredWithinOneSecondWhileAnotherSourceFloods() throws Exception {
        TestServer config = TestServer.builder().user("alice", "alice-secret", "1001").create(root);
        try (ServerProcess server = ServerProcess.serve(config.configDir(), root.resolve("server.log"),
                "-Xmx64m", "-XX:+ExitOnOutOfMemoryError");
                TestUa alice = new TestUa("alice", config)) {
            // the client is around before the flood starts (and the server's first requests are not timed)
            assertEquals(200, alice.register("alice-secret", "").status());
            AtomicBoolean flooding = new AtomicBoolean(true);
            AtomicLong sent = new AtomicLong();
            Thread flood = new Thread(() -> flood(config.port(), flooding, sent), "flooder");
            flood.start();
            List<Long> millis = new ArrayList<>();
            try {
                long end = System.nanoTime() + FLOOD.toNanos();
                while (System.nanoTime() < end) {
                    millis.add(transaction(alice, alice.optionsRequest(), 200));
                    String register = alice.registerRequest(UUID.randomUUID().toString(), 3600, "");
                    millis.add(transaction(alice, register.replace("{auth}", ""), 401));
                    SipText challenge = lastResponse;
                    String answer = alice.answering(register, challenge, "alice-secret");
                    millis.add(transaction(alice, answer, 200));
                }
            } finally {
                flooding.set(false);
                flood.join(5000);
            }
            assertTrue(sent.get() > FLOOD_DATAGRAMS_PER_SECOND * FLOOD.toSeconds() / 2, "the flood was too weak to prove anything: " + sent + " datagrams");
            assertTrue(server.isAlive(), "the server died under the flood:\n" + server.logText());
            assertTrue(server.logText().contains("flood-throttle source=" + FLOODER + " transport=udp"),
                    "no flood-throttle line for the flooding source");
            alice.send(alice.optionsRequest());
            assertEquals(200, alice.awaitResponse("OPTIONS", 200).status());
            long[] sorted = millis.stream().mapToLong(Long::longValue).sorted().toArray();
            long late = Arrays.stream(sorted).filter(m -> m > ANSWERED_WITHIN.toMillis()).count();
            String measured = String.format("flood: %d datagrams in %s; %d client transactions, median %d ms,"
                    + " 99th percentile %d ms, slowest %d ms, %d over 1 s", sent.get(), FLOOD, sorted.length,
                    sorted[sorted.length / 2], sorted[sorted.length * 99 / 100], sorted[sorted.length - 1], late);
            System.out.println(measured);
            assertTrue(late <= sorted.length * (1 - WITHIN_ONE_SECOND), measured);
        }
    }

    private SipText lastResponse;

    /**
     * Sends {@code request} as a SIP client over UDP does (RFC 3261 §17.1.2.2: retransmitted after
     * T1 = 500 ms, then after 1 s, 2 s), requires its final response, with {@code status}, and
     * returns how long it took in ms.
     */
    private long transaction(TestUa ua, String request, int status) throws Exception {
        String cseq = SipText.parse(request).header("cseq").orElseThrow();
        Predicate<SipText> finalResponse = m -> m.isResponse() && m.status() >= 200
                && cseq.equals(m.header("cseq").orElse(""));
        long start = System.nanoTime();
        SipText response = null;
        for (Duration wait = T1; response == null; wait = wait.multipliedBy(2)) {
            ua.send(request);
            try {
                response = ua.await(finalResponse, wait);
            } catch (AssertionError notYet) {
                assertTrue(wait.compareTo(GIVE_UP) < 0, request.substring(0, request.indexOf(' '))
                        + " never answered (" + cseq + ")");
            }
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(status, response.status(), response.toString());
        lastResponse = response;
        return millis;
    }

    /** Mutations of a REGISTER: bytes flipped, cut short, or (one in a hundred) repeated up to 60 KB. */
    private static void flood(int port, AtomicBoolean flooding, AtomicLong sent) {
        byte[] template = ("REGISTER sip:" + TestServer.DOMAIN + " SIP/2.0\r\nVia: SIP/2.0/UDP " + FLOODER
                + ":5099;branch=z9hG4bK" + UUID.randomUUID() + "\r\nMax-Forwards: 70\r\nFrom: <sip:alice@"
                + TestServer.DOMAIN + ">;tag=1\r\nTo: <sip:alice@" + TestServer.DOMAIN + ">\r\nCall-ID: flood\r\n"
                + "CSeq: 1 REGISTER\r\nContact: <sip:alice@" + FLOODER + ":5099>\r\nContent-Length: 0\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        Random random = new Random(5);
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(FLOODER, 0))) {
            InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);
            long start = System.nanoTime();
            while (flooding.get()) {
                for (int i = 0; i < BATCH; i++) {
                    byte[] datagram = mutate(template, random);
                    socket.send(new DatagramPacket(datagram, datagram.length, server));
                }
                long due = start + sent.addAndGet(BATCH) * 1_000_000_000L / FLOOD_DATAGRAMS_PER_SECOND;
                LockSupport.parkNanos(due - System.nanoTime());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] mutate(byte[] template, Random random) {
        int kind = random.nextInt(100);
        if (kind == 0) {
            byte[] big = new byte[1000 + random.nextInt(60_000)];
            for (int i = 0; i < big.length; i++) {
                big[i] = template[i % template.length];
            }
            return big;
        }
        byte[] copy = template.clone();
        for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
            copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
        }
        return kind < 10 ? Arrays.copyOf(copy, random.nextInt(copy.length)) : copy;
    }
}
