package org.liaison.sip.edge;

import gov.nist.javax.sip.stack.DatagramQueuedMessageDispatch;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where JAIN-SIP's UDP workers take their next datagram from, in place of the stack's queue: the listener's socket.
 * A worker that asks for a datagram reads it from the socket and handles it on its own thread. Why: handing each
 * datagram from a receive thread to a parked worker cost 9 {@code futex} calls and 6 context switches per MESSAGE
 * (Kamailio: 0 and 1.2), and one thread that reads and handles spent a quarter to a third less CPU per MESSAGE
 * (docs/BENCHMARKS.md, 2026-12-07).
 *
 * <p><b>How many workers read.</b> One, while one keeps up: a second reading the same socket would wait for the first
 * and be woken for each datagram, the hand-off again. The workers not reading wait; one of them, the watcher, looks
 * every few ms ({@link #MIN_TICK_NANOS}, doubling up to {@link #MAX_TICK_NANOS} while the readers mostly wait) at how
 * much of that time the readers spent waiting for the socket. Hardly any (they are behind, or one is held by a slow
 * step: a disk flush, a Redis round trip over a network, a DNS lookup): it reads too, up to every worker. So much
 * that one reader fewer would still wait half the time, for {@link #SPARE_NANOS}: one reader stops after its
 * datagram.
 *
 * <p><b>No answer later than its retransmission.</b> A client retransmits a request after T1 (500 ms, RFC 3261
 * §17.1.1.2): an answer later than that crosses the retransmission, which is then answered again, so under load (a
 * registration storm after a restart) the work per request multiplies and the server never catches up. The kernel's
 * receive buffer is now the queue, and it tells no datagram's age; {@link QueueProbe} bounds it from below. A request
 * that waited more than {@link #MAX_BEHIND_NANOS} (half of T1) is dropped unparsed and counted; the retransmissions
 * that follow are served fresh (responses are not dropped: {@link #isResponse}). What is not late goes through the
 * listener's admission and syntax check ({@link Check}) before the stack sees it.
 */
final class DatagramReaders extends LinkedBlockingQueue<DatagramQueuedMessageDispatch> {
    private static final Logger LOG = LoggerFactory.getLogger(DatagramReaders.class);
    static final long MIN_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    static final long MAX_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(16);
    static final long MAX_BEHIND_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    /** The readers were behind in a tick where they waited less than this share of it. */
    static final double BEHIND = 0.1;
    /** One reader fewer would still have waited this share of the time, ... */
    static final double SPARE = 0.5;
    /** ... for this long. */
    static final long SPARE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final int LARGEST_DATAGRAM = 65_535;
    private static final byte[] RESPONSE_START = "SIP/2.0 ".getBytes(StandardCharsets.US_ASCII);

    private final DatagramSocket socket;
    private final Check admitted;
    private final QueueProbe probe;
    private final int workers;
    private final LongSupplier clock;
    private final LongAdder expired;
    /** The readers take turns at the socket here, so that a read's duration is the kernel's wait alone. */
    private final ReentrantLock receiving = new ReentrantLock();
    private final ReentrantLock roles = new ReentrantLock();
    private final Condition turn = roles.newCondition();
    private final List<Worker> all = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Worker> self = ThreadLocal.withInitial(this::newWorker);
    /** Written under {@code roles}; read without it for the check each datagram makes. */
    private volatile int readers;
    private volatile int wanted = 1;
    private volatile boolean stopped;
    /** Guarded by {@code roles}. */
    private boolean watched;
    private long tickNanos = MIN_TICK_NANOS;
    /** Written under {@code roles}; read without it by a reader deciding whether to weigh. */
    private volatile long lastTick;
    private long waitedAtLastTick;
    /** Since when the readers have had one too many (0: not so). */
    private long spareSince;

    /** One worker's state; its fields are written by that worker alone. */
    private static final class Worker {
        final byte[] buffer = new byte[LARGEST_DATAGRAM];
        boolean reading;
        /** When its current read began (0: not reading the socket now), and the time its finished reads took. */
        volatile long readingSince;
        volatile long waited;

        long waitedUntil(long now) {
            long since = readingSince;
            return waited + (since == 0 ? 0 : Math.max(0, now - since));
        }
    }

    /** What a datagram that is not late must pass to reach the stack: the listener's admission and syntax check. */
    @FunctionalInterface
    interface Check {
        boolean passes(DatagramPacket packet) throws IOException;
    }

    /**
     * {@code socket} read through {@code admitted}, its waits bounded by {@code probe} (on the same clock);
     * {@code workers}: how many threads may read at most; {@code expired} counts the requests dropped as late.
     */
    DatagramReaders(DatagramSocket socket, Check admitted, QueueProbe probe, int workers, LongSupplier clock,
            LongAdder expired) {
        this.socket = socket;
        this.admitted = admitted;
        this.probe = probe;
        this.workers = workers;
        this.clock = clock;
        this.expired = expired;
        this.lastTick = clock.getAsLong();
    }

    /**
     * Reads the next datagram that is neither a probe nor late and passes the check, after waiting for this worker's
     * turn to read if it has none.
     */
    @Override
    public DatagramQueuedMessageDispatch take() throws InterruptedException {
        Worker me = self.get();
        if (!me.reading || readers > wanted) {
            awaitTurn(me);
        }
        while (true) {
            DatagramPacket packet = new DatagramPacket(me.buffer, me.buffer.length);
            long received = read(me, packet);
            weighIfNobodyWatches(received);
            if (probe.isProbe(packet)) {
                continue;
            }
            if (probe.waitedAtLeast(received) > MAX_BEHIND_NANOS && !isResponse(packet)) {
                expired.increment();
                continue;
            }
            if (passes(packet)) {
                return new DatagramQueuedMessageDispatch(packet, received);
            }
        }
    }

    private boolean passes(DatagramPacket packet) {
        try {
            return admitted.passes(packet);
        } catch (IOException e) {
            // the check answers a malformed request itself: that answer could not be sent
            LOG.warn("UDP refusal to {} from {} not sent: {}", packet.getSocketAddress(),
                    socket.getLocalSocketAddress(), e.toString());
            return false;
        }
    }

    /**
     * A response is handled even when late: it only ends one of our transactions, while dropping it has the server
     * retransmit the request and the peer answer again (and a peer that ignores a retransmission it already answered
     * leaves the request unanswered: a MESSAGE then waits its device answer time and is stored).
     */
    private static boolean isResponse(DatagramPacket packet) {
        byte[] b = packet.getData();
        int at = packet.getOffset();
        return packet.getLength() >= RESPONSE_START.length
                && Arrays.equals(b, at, at + RESPONSE_START.length, RESPONSE_START, 0, RESPONSE_START.length);
    }

    /** How many workers are to read now; readers beyond that step down after their datagram. */
    int wantedReaders() {
        return wanted;
    }

    /** Stops the readers: the workers waiting for a turn leave (the socket's closing stops the one reading). */
    void stop() {
        stopped = true;
        roles.lock();
        try {
            turn.signalAll();
        } finally {
            roles.unlock();
        }
    }

    private long read(Worker me, DatagramPacket packet) throws InterruptedException {
        while (true) {
            long began = clock.getAsLong();
            me.readingSince = began;
            receiving.lockInterruptibly();
            try {
                socket.receive(packet);
                return clock.getAsLong();
            } catch (IOException e) {
                if (stopped || socket.isClosed()) {
                    throw new InterruptedException("the UDP listener stopped");
                }
                LOG.warn("UDP receive on {} failed: {}", socket.getLocalSocketAddress(), e.toString());
            } finally {
                receiving.unlock();
                me.waited += clock.getAsLong() - began;
                me.readingSince = 0;
            }
        }
    }

    /** Makes {@code me} a reader once fewer read than wanted; meanwhile it waits, or watches if nobody does. */
    private void awaitTurn(Worker me) throws InterruptedException {
        roles.lockInterruptibly();
        try {
            if (me.reading) {
                me.reading = false;
                readers--;
            }
            while (!stopped) {
                if (readers < wanted) {
                    me.reading = true;
                    readers++;
                    turn.signal(); // a worker still waiting takes over the watch
                    return;
                }
                if (watched) {
                    turn.await();
                } else {
                    watch();
                }
            }
            throw new InterruptedException("the UDP listener stopped");
        } finally {
            roles.unlock();
        }
    }

    /** One tick of the watch, with {@code roles} held (and released while it sleeps). */
    private void watch() throws InterruptedException {
        watched = true;
        try {
            turn.awaitNanos(tickNanos);
        } finally {
            watched = false;
        }
        weigh(clock.getAsLong());
    }

    /**
     * While every worker reads, none waits to watch, and the readers weigh the last tick themselves, one
     * {@link #MAX_TICK_NANOS} apart at most; else the readers, once all in, would never be fewer again.
     */
    private void weighIfNobodyWatches(long now) {
        if (readers == workers && now - lastTick >= MAX_TICK_NANOS && roles.tryLock()) {
            try {
                weigh(now);
            } finally {
                roles.unlock();
            }
        }
    }

    /** How much the readers waited since the last tick, and whether one more or one fewer should read. */
    private void weigh(long now) {
        long waited = 0;
        for (Worker w : all) {
            waited += w.waitedUntil(now);
        }
        long capacity = (now - lastTick) * Math.max(1, readers);
        double waiting = capacity <= 0 ? 1 : Math.min(1, (double) (waited - waitedAtLastTick) / capacity);
        lastTick = now;
        waitedAtLastTick = waited;
        tickNanos = waiting < SPARE ? MIN_TICK_NANOS : Math.min(2 * tickNanos, MAX_TICK_NANOS);
        if (waiting < BEHIND && wanted < workers) {
            wanted++;
            spareSince = 0;
        } else if (wanted > 1 && (1 - waiting) * readers <= (readers - 1) * (1 - SPARE)) {
            if (spareSince == 0) {
                spareSince = now;
            } else if (now - spareSince >= SPARE_NANOS) {
                wanted--;
                spareSince = 0;
            }
        } else {
            spareSince = 0;
        }
    }

    private Worker newWorker() {
        Worker w = new Worker();
        all.add(w);
        return w;
    }
}
