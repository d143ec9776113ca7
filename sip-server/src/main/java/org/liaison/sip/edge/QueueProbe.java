package org.liaison.sip.edge;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long the datagrams waiting in a UDP listener's socket have waited, which the kernel does not tell. Every
 * {@link #EVERY_NANOS} a thread of its own sends the listener a probe: a datagram from a socket of ours, with the time
 * it was sent and a random token. One socket's queue is first in, first out, so a datagram read while a probe sent at
 * {@code t} is still unread arrived before {@code t}: it has waited at least {@code now - t}
 * ({@link #waitedAtLeast}). That bound never overstates a wait (a probe the kernel dropped, its buffer full, only
 * understates it until a later probe is read), and it does not depend on how long anything took to run, which on an
 * overloaded CPU says nothing. Probes that stop arriving altogether (a host firewall that drops the node's own
 * datagrams to its SIP port) stand for no wait once none has been read for {@link #LOST_AFTER_NANOS}, with one
 * warning: late requests are then served, never every request dropped.
 */
final class QueueProbe implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QueueProbe.class);
    static final long EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /**
     * No probe read for this long while some are unread: they do not arrive. Far longer than the workers take to read
     * a full receive buffer (4 MiB, ~6,500 datagrams), which dropping late requests unparsed makes quick.
     */
    static final long LOST_AFTER_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Probes unread beyond this many (the kernel dropped them, or nothing reads) are forgotten, oldest first. */
    private static final int MAX_UNREAD = 64;
    private static final int TOKEN_LENGTH = 16;
    private static final int LENGTH = TOKEN_LENGTH + Long.BYTES;
    private static final long NONE = Long.MIN_VALUE;
    private static final byte[] LOOPBACK4 = {127, 0, 0, 1};
    private static final byte[] LOOPBACK6 = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

    private final DatagramSocket socket;
    /** Where the probes come from: the socket's bound address and port. */
    private final InetSocketAddress from;
    private final InetSocketAddress listener;
    private final LongSupplier clock;
    private final long everyNanos;
    private final byte[] token = new byte[TOKEN_LENGTH];
    /** Send times of the probes not read yet, oldest first. Guarded by itself. */
    private final ArrayDeque<Long> unread = new ArrayDeque<>();
    private volatile long oldestUnread = NONE;
    private volatile long lastRead;
    private boolean warnedLost;
    private volatile Thread sender;

    /**
     * A probe for the socket {@code listener} (bound), sending every {@code everyNanos} from {@link #start} on. A
     * listener bound to every address is probed on the loopback address of its family.
     */
    QueueProbe(DatagramSocket listener, LongSupplier clock, long everyNanos) throws IOException {
        InetAddress at = listener.getLocalAddress();
        if (at.isAnyLocalAddress()) {
            at = InetAddress.getByAddress(at instanceof Inet6Address ? LOOPBACK6 : LOOPBACK4);
        }
        this.listener = new InetSocketAddress(at, listener.getLocalPort());
        this.socket = new DatagramSocket(new InetSocketAddress(at, 0));
        this.from = new InetSocketAddress(at, socket.getLocalPort());
        this.clock = clock;
        this.everyNanos = everyNanos;
        this.lastRead = clock.getAsLong();
        new SecureRandom().nextBytes(token);
    }

    /** Starts sending a probe every {@code everyNanos}. */
    void start() {
        Thread t = new Thread(this::sendEvery, "liaison-udp-probe-" + listener.getPort());
        t.setDaemon(true);
        sender = t;
        t.start();
    }

    /** Sends one probe now. */
    void send() {
        long now = clock.getAsLong();
        warnIfLost(now);
        synchronized (unread) {
            if (unread.size() == MAX_UNREAD) {
                unread.pollFirst();
            }
            unread.addLast(now);
            oldestUnread = unread.peekFirst();
        }
        byte[] probe = Arrays.copyOf(token, LENGTH);
        ByteBuffer.wrap(probe).putLong(TOKEN_LENGTH, now);
        try {
            socket.send(new DatagramPacket(probe, LENGTH, listener));
        } catch (IOException e) {
            readUpTo(now); // never to be read: it must not stand for a wait
            if (!socket.isClosed()) {
                LOG.warn("could not probe the UDP listener {}: {}", listener, e.toString());
            }
        }
    }

    /** Whether {@code packet}, just read from the listener, is one of the probes; if so, it and those before it are read. */
    boolean isProbe(DatagramPacket packet) {
        if (packet.getLength() != LENGTH || packet.getPort() != from.getPort()
                || !from.getAddress().equals(packet.getAddress())) {
            return false;
        }
        byte[] b = packet.getData();
        int at = packet.getOffset();
        if (!Arrays.equals(b, at, at + TOKEN_LENGTH, token, 0, TOKEN_LENGTH)) {
            return false;
        }
        lastRead = clock.getAsLong();
        readUpTo(ByteBuffer.wrap(b, at + TOKEN_LENGTH, Long.BYTES).getLong());
        return true;
    }

    /** At least how long a datagram read at {@code now} waited in the socket: 0 unless a probe sent after it is unread. */
    long waitedAtLeast(long now) {
        long oldest = oldestUnread;
        return oldest == NONE || lost(now) ? 0 : Math.max(0, now - oldest);
    }

    private boolean lost(long now) {
        return now - lastRead > LOST_AFTER_NANOS;
    }

    /** Called by the one thread that sends. */
    private void warnIfLost(long now) {
        if (oldestUnread != NONE && lost(now) && !warnedLost) {
            warnedLost = true;
            LOG.warn("no probe datagram from {} has reached the UDP listener {} for {} s: requests that waited too"
                    + " long in its queue are no longer dropped; allow this node's own datagrams to its SIP port",
                    from, listener, TimeUnit.NANOSECONDS.toSeconds(LOST_AFTER_NANOS));
        } else if (warnedLost && !lost(now)) {
            warnedLost = false;
            LOG.info("probe datagrams reach the UDP listener {} again", listener);
        }
    }

    @Override
    public void close() {
        Thread t = sender;
        if (t != null) {
            t.interrupt();
        }
        socket.close();
    }

    private void readUpTo(long sentAt) {
        synchronized (unread) {
            while (!unread.isEmpty() && unread.peekFirst() <= sentAt) {
                unread.pollFirst();
            }
            oldestUnread = unread.isEmpty() ? NONE : unread.peekFirst();
        }
    }

    private void sendEvery() {
        try {
            while (!socket.isClosed()) {
                TimeUnit.NANOSECONDS.sleep(everyNanos);
                send();
            }
        } catch (InterruptedException e) {
            // closed
        }
    }
}
