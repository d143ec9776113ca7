package org.liaison.sip.edge;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link QueueProbe} on a real loopback listener, read by the test as the workers read it. */
@Timeout(30)
class QueueProbeTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private final AtomicLong now = new AtomicLong(1_000 * MS);
    private DatagramSocket listener;
    private DatagramSocket sender;
    private QueueProbe probe;

    @BeforeEach
    void open() throws IOException {
        listener = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        listener.setSoTimeout(5_000);
        sender = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        probe = new QueueProbe(listener, now::get, QueueProbe.EVERY_NANOS);
    }

    @AfterEach
    void close() {
        probe.close();
        listener.close();
        sender.close();
    }

    @Test
    void aDatagramReadWhileAProbeSentAfterItIsUnreadWaitedAtLeastSinceThatProbe() throws IOException {
        send("first");
        probe.send();
        now.addAndGet(300 * MS);
        send("second");

        assertFalse(probe.isProbe(receive("first")));
        assertEquals(300 * MS, probe.waitedAtLeast(now.get()));
        assertTrue(probe.isProbe(read()));
        assertFalse(probe.isProbe(receive("second")));
        assertEquals(0, probe.waitedAtLeast(now.get()), "nothing unread was sent after it");
    }

    @Test
    void aProbeTheKernelLostStandsForNoWaitOnceALaterProbeIsRead() throws IOException {
        probe.send();
        DatagramPacket lost = read(); // taken off the socket unseen: as if the kernel had dropped it
        now.addAndGet(100 * MS);
        probe.send();
        now.addAndGet(200 * MS);
        assertEquals(300 * MS, probe.waitedAtLeast(now.get()), "the first unread probe is the oldest");

        assertTrue(probe.isProbe(read()));
        assertEquals(0, probe.waitedAtLeast(now.get()));
        assertTrue(probe.isProbe(lost), "a probe read late is still recognised");
        assertEquals(0, probe.waitedAtLeast(now.get()));
    }

    @Test
    void probesThatStopArrivingStandForNoWaitUntilOneArrivesAgain() throws IOException {
        probe.send(); // not read for now: as if a host firewall dropped it
        now.addAndGet(QueueProbe.LOST_AFTER_NANOS);
        assertEquals(QueueProbe.LOST_AFTER_NANOS, probe.waitedAtLeast(now.get()));
        now.addAndGet(MS);
        assertEquals(0, probe.waitedAtLeast(now.get()), "every request would be dropped as late");

        probe.send();
        assertTrue(probe.isProbe(read()));
        now.addAndGet(5 * MS);
        assertEquals(5 * MS, probe.waitedAtLeast(now.get()), "the second probe, unread, counts again");
    }

    @Test
    void theSameBytesFromAnotherSocketAreNotAProbe() throws IOException {
        probe.send();
        DatagramPacket real = read();
        byte[] copy = Arrays.copyOf(real.getData(), real.getLength());
        sender.send(new DatagramPacket(copy, copy.length, listener.getLocalSocketAddress()));

        DatagramPacket forged = read();
        assertArrayEquals(copy, Arrays.copyOf(forged.getData(), forged.getLength()));
        assertFalse(probe.isProbe(forged));
        now.addAndGet(10 * MS);
        assertEquals(10 * MS, probe.waitedAtLeast(now.get()), "the probe sent is still unread");
        assertTrue(probe.isProbe(real));
    }

    @Test
    void aListenerOnEveryAddressIsProbedOnLoopback() throws IOException {
        try (DatagramSocket wildcard = new DatagramSocket(new InetSocketAddress(0));
                QueueProbe onWildcard = new QueueProbe(wildcard, now::get, QueueProbe.EVERY_NANOS)) {
            wildcard.setSoTimeout(5_000);
            onWildcard.send();
            DatagramPacket p = new DatagramPacket(new byte[100], 100);
            wildcard.receive(p);
            assertTrue(p.getAddress().isLoopbackAddress(), p.getAddress().toString());
            assertTrue(onWildcard.isProbe(p));
        }
    }

    private void send(String text) throws IOException {
        byte[] bytes = text.getBytes(US_ASCII);
        sender.send(new DatagramPacket(bytes, bytes.length, listener.getLocalSocketAddress()));
    }

    private DatagramPacket receive(String expected) throws IOException {
        DatagramPacket p = read();
        assertEquals(expected, new String(p.getData(), 0, p.getLength(), US_ASCII));
        return p;
    }

    private DatagramPacket read() throws IOException {
        DatagramPacket p = new DatagramPacket(new byte[100], 100);
        listener.receive(p);
        return p;
    }
}
