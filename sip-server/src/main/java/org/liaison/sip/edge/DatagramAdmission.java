package org.liaison.sip.edge;

import java.net.InetAddress;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.liaison.sip.config.TransportLimits;

/**
 * Decides, for each datagram as it is received and before anything parses it, whether it may go on
 * to the stack: each source has a token bucket of datagrams (a flooding source is cut down to
 * {@link TransportLimits#datagramsPerSourcePerSecond()} while everybody else keeps being served; a
 * {@link SourceThrottle}), and all sources together a bucket of bytes (what a distributed flood may
 * queue is bounded). Thread-safe. A dropped datagram is never answered: its source may be forged.
 */
final class DatagramAdmission {
    private final SourceThrottle sources;
    private final LongSupplier nanoClock;
    private final TokenBucket bytes;

    DatagramAdmission(TransportLimits limits, LongSupplier nanoClock) {
        this.sources = new SourceThrottle(limits.datagramsPerSourcePerSecond());
        this.nanoClock = nanoClock;
        this.bytes = new TokenBucket(limits.datagramBytesPerSecond(), nanoClock.getAsLong());
    }

    /** Datagrams dropped since start, whichever bucket was empty. */
    LongAdder dropped() {
        return sources.refusedTotal();
    }

    /** Whether a datagram of {@code length} bytes from {@code source} may be handed to the stack. */
    synchronized boolean admit(InetAddress source, int length) {
        long now = nanoClock.getAsLong();
        if (sources.tryTake(source, now) && bytes.tryTake(length, now)) {
            return true;
        }
        sources.refused(source, "udp", now);
        return false;
    }
}
