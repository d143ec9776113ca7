package org.liaison.media.relay;

import io.netty.channel.Channel;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One endpoint of one stream component (RTP, or RTCP on its own port): the relay socket that
 * endpoint sends to, the {@link SourceLock} saying which source it may send from, and what it
 * sent. Packets the endpoint sends go out of the {@link #peer()} leg's socket.
 *
 * <p>Counters have a single writer (the stream's event loop) and are volatile so that stats read
 * from other threads are recent; they never allocate.
 */
final class Leg {
    final SourceLock lock;
    // set once after binding, read by the event loop
    private volatile Channel socket;
    private volatile Leg peer;
    private volatile long packets;
    private volatile long bytes;
    private volatile long lastPacketMillis;
    private final long[] drops = new long[DropReason.values().length];

    Leg(SourceLock lock) {
        this.lock = lock;
    }

    void attach(Channel boundSocket) {
        this.socket = boundSocket;
    }

    static void pair(Leg a, Leg b) {
        a.peer = b;
        b.peer = a;
    }

    Leg peer() {
        return peer;
    }

    /** The relay socket this leg's endpoint sends to; null until bound. */
    Channel socket() {
        return socket;
    }

    /** A packet from this leg's endpoint was forwarded. */
    void forwarded(int size, long nowMillis) {
        packets = packets + 1;
        bytes = bytes + size;
        lastPacketMillis = nowMillis;
    }

    void dropped(DropReason reason) {
        drops[reason.ordinal()]++;
    }

    long packets() {
        return packets;
    }

    long bytes() {
        return bytes;
    }

    /** Wall-clock millis of the last forwarded packet, 0 if none. */
    long lastPacketMillis() {
        return lastPacketMillis;
    }

    /** Adds this leg's drops by counter name into {@code into}; only non-zero counts. */
    void addDrops(Map<String, Long> into) {
        for (DropReason reason : DropReason.values()) {
            long n = drops[reason.ordinal()];
            if (n > 0) {
                into.merge(reason.counterName, n, Long::sum);
            }
        }
    }

    Map<String, Long> drops() {
        Map<String, Long> all = new LinkedHashMap<>();
        addDrops(all);
        return all;
    }
}
