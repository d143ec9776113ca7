package org.liaison.sip.edge;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gov.nist.javax.sip.stack.DatagramQueuedMessageDispatch;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link DatagramReaders} on a real loopback socket, with worker threads that take from it as the stack's do. */
@Timeout(30)
class DatagramReadersTest {
    private final AtomicLong clockOffset = new AtomicLong();
    private final LongAdder expired = new LongAdder();
    private final List<Thread> workers = new ArrayList<>();
    private final BlockingQueue<String> taken = new LinkedBlockingQueue<>();
    private final Map<String, String> takenBy = new ConcurrentHashMap<>();
    private final List<Throwable> endings = new ArrayList<>();
    private final LongSupplier clock = () -> System.nanoTime() + clockOffset.get();
    private DatagramSocket socket;
    private DatagramSocket sender;
    private QueueProbe probe;
    private DatagramReaders readers;

    @BeforeEach
    void open() throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        sender = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        probe = new QueueProbe(socket, clock, QueueProbe.EVERY_NANOS); // sends only when a test says so or starts it
    }

    @AfterEach
    void close() throws InterruptedException {
        readers.stop();
        probe.close();
        socket.close();
        sender.close();
        for (Thread w : workers) {
            w.join(5_000);
        }
    }

    @Test
    void oneWorkerReadsAndHandlesEveryDatagramWhileItKeepsUp() throws Exception {
        start(4, text -> { });
        List<String> sent = sendSpaced("light-", 40);
        assertEquals(sent, takeEach(sent.size()));
        // a reader kept off the CPU for most of a watch (a busy machine) brings in a second for about 50 ms
        assertEquals(1, sent.subList(20, 40).stream().map(takenBy::get).distinct().count(),
                "read by " + takenBy.values());
    }

    @Test
    void whileTheReaderIsHeldAnotherReadsAndOnceItIsFreeOneReadsAgainEvenAfterEveryWorkerRead() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        start(2, holdingOn("held", release));
        send("held");
        assertEquals("held", taken.poll(5, TimeUnit.SECONDS));
        send("while-held");
        assertEquals("while-held", taken.poll(1, TimeUnit.SECONDS), "nobody read while the reader was held");
        assertNotEquals(takenBy.get("held"), takenBy.get("while-held"));
        assertTrue(readers.wantedReaders() >= 2, "wanted " + readers.wantedReaders());
        release.countDown();

        // both workers read now, so nobody watches; the readers weigh it themselves as datagrams come, and after
        // 50 ms of waiting nearly all the time, one reader is wanted again
        List<String> sent = sendSpaced("after-", 30);
        assertEquals(sent, takeEach(sent.size()));
        assertEquals(1, readers.wantedReaders());
        assertEquals(1, sent.subList(20, 30).stream().map(takenBy::get).distinct().count(),
                "read by " + takenBy.values());
    }

    @Test
    void aRequestThatWaitedOverHalfOfT1IsDroppedUnreadAndAResponseIsHandled() throws Exception {
        send("stale-1");
        send("SIP/2.0 200 OK late"); // a response to one of our requests: handled even late
        send("stale-2");
        probe.send(); // queued behind them: while it is unread, they waited at least since it was sent
        clockOffset.addAndGet(DatagramReaders.MAX_BEHIND_NANOS + TimeUnit.MILLISECONDS.toNanos(50));
        send("behind-the-probe"); // its wait is not known to be long: the probe is read first
        start(2, text -> { });
        assertEquals(Set.of("SIP/2.0 200 OK late", "behind-the-probe"), Set.copyOf(takeEach(2)));
        assertEquals(2, expired.sum());
        send("next");
        assertEquals("next", taken.poll(5, TimeUnit.SECONDS), "the probe reached a worker");
        assertEquals(2, expired.sum());
    }

    @Test
    void whileEveryWorkerIsHeldTheProbesQueueBehindTheRequestsAndTellHowLongTheyWaited() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        probe.close();
        probe = new QueueProbe(socket, clock, TimeUnit.MILLISECONDS.toNanos(5));
        start(1, holdingOn("held", release));
        send("held");
        assertEquals("held", taken.poll(5, TimeUnit.SECONDS));
        send("stale");
        probe.start(); // every probe it sends is behind "stale"
        await().atMost(Duration.ofSeconds(5)).until(() -> probe.waitedAtLeast(clock.getAsLong()) > 0);
        clockOffset.addAndGet(DatagramReaders.MAX_BEHIND_NANOS + TimeUnit.MILLISECONDS.toNanos(50));
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> expired.sum() == 1);
        send("fresh"); // the probes that followed "stale" were read: nothing unread is old
        assertEquals("fresh", taken.poll(5, TimeUnit.SECONDS));
        assertEquals(1, expired.sum());
    }

    @Test
    void stoppingEndsEveryWorkerWhetherReadingOrWaitingForItsTurn() throws Exception {
        start(3, text -> { });
        send("one");
        assertEquals("one", taken.poll(5, TimeUnit.SECONDS));
        readers.stop();
        socket.close();
        for (Thread w : workers) {
            w.join(5_000);
            assertTrue(!w.isAlive(), w.getName() + " still runs");
        }
        synchronized (endings) {
            assertEquals(3, endings.size());
            assertTrue(endings.stream().allMatch(InterruptedException.class::isInstance), endings.toString());
        }
    }

    private void start(int count, Consumer<String> handling) {
        readers = new DatagramReaders(socket, packet -> true, probe, count, clock, expired);
        startWorkers(count, handling);
    }

    /** Threads that take and handle as JAIN-SIP's UDP workers do, until {@code take} throws. */
    private void startWorkers(int count, Consumer<String> handling) {
        for (int i = 0; i < count; i++) {
            Thread w = new Thread(() -> {
                try {
                    while (true) {
                        DatagramQueuedMessageDispatch next = readers.take();
                        DatagramPacket p = next.packet;
                        String text = new String(p.getData(), p.getOffset(), p.getLength(), US_ASCII);
                        takenBy.put(text, Thread.currentThread().getName());
                        taken.add(text);
                        handling.accept(text);
                    }
                } catch (InterruptedException | RuntimeException e) {
                    synchronized (endings) {
                        endings.add(e);
                    }
                }
            }, "worker-" + i);
            w.setDaemon(true);
            workers.add(w);
            w.start();
        }
    }

    private String send(String text) throws IOException {
        byte[] bytes = text.getBytes(US_ASCII);
        sender.send(new DatagramPacket(bytes, bytes.length, socket.getLocalSocketAddress()));
        return text;
    }

    /** {@code count} datagrams 5 ms apart: a light load, which one reader keeps up with. */
    private List<String> sendSpaced(String prefix, int count) throws IOException, InterruptedException {
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sent.add(send(prefix + i));
            Thread.sleep(5);
        }
        return sent;
    }

    private List<String> takeEach(int count) throws InterruptedException {
        List<String> got = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String next = taken.poll(5, TimeUnit.SECONDS);
            if (next == null) {
                break;
            }
            got.add(next);
        }
        return got;
    }

    /** Handling that keeps the worker which took {@code text} until {@code release} opens. */
    private static Consumer<String> holdingOn(String text, CountDownLatch release) {
        return handled -> {
            if (handled.equals(text)) {
                awaitQuietly(release);
            }
        };
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
