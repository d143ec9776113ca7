package org.liaison.sip.edge;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.liaison.sip.config.TransportLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, for each datagram as it is received and before anything parses it, whether it may go on
 * to the stack: each source has a token bucket of datagrams (a flooding source is cut down to
 * {@link TransportLimits#datagramsPerSourcePerSecond()} while everybody else keeps being served), and
 * all sources together a bucket of bytes (what a distributed flood may queue is bounded). Thread-safe.
 *
 * <p>A source is an IPv4 address or an IPv6 /64: one host owns a whole /64 and could otherwise give
 * every datagram a fresh address. At most {@link #MAX_SOURCES} sources are tracked; beyond, the one
 * heard from least recently is forgotten (a flooder is always heard from recently, so it stays).
 *
 * <p>One line per throttled source and minute, for the admin and for fail2ban:
 * {@code flood-throttle source=198.51.100.7 transport=udp dropped=12345}.
 */
final class DatagramAdmission {
    private static final Logger log = LoggerFactory.getLogger(DatagramAdmission.class);
    static final int MAX_SOURCES = 10_000;
    private static final long REPORT_NANOS = 60_000_000_000L;

    private final int perSource;
    private final LongSupplier nanoClock;
    private final TokenBucket bytes;
    private final Map<Source, Throttle> sources = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Source, Throttle> eldest) {
            return size() > MAX_SOURCES;
        }
    };

    /** A source's bucket and the drops not yet reported. */
    private static final class Throttle {
        final TokenBucket bucket;
        long dropped;
        long reportedNanos;
        final InetAddress example;

        Throttle(TokenBucket bucket, InetAddress example, long nowNanos) {
            this.bucket = bucket;
            this.example = example;
            this.reportedNanos = nowNanos - REPORT_NANOS;
        }
    }

    /** An IPv4 address or the first 64 bits of an IPv6 address. */
    private record Source(byte[] prefix) {
        static Source of(InetAddress address) {
            byte[] raw = address.getAddress();
            return new Source(address instanceof Inet6Address ? Arrays.copyOf(raw, 8) : raw);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Source s && Arrays.equals(prefix, s.prefix);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(prefix);
        }
    }

    DatagramAdmission(TransportLimits limits, LongSupplier nanoClock) {
        this.perSource = limits.datagramsPerSourcePerSecond();
        this.nanoClock = nanoClock;
        this.bytes = new TokenBucket(limits.datagramBytesPerSecond(), nanoClock.getAsLong());
    }

    /** Whether a datagram of {@code length} bytes from {@code source} may be handed to the stack. */
    synchronized boolean admit(InetAddress source, int length) {
        long now = nanoClock.getAsLong();
        Throttle throttle = sources.computeIfAbsent(Source.of(source),
                s -> new Throttle(new TokenBucket(perSource, now), source, now));
        if (throttle.bucket.tryTake(1, now) && bytes.tryTake(length, now)) {
            return true;
        }
        throttle.dropped++;
        if (now - throttle.reportedNanos >= REPORT_NANOS) {
            log.warn("flood-throttle source={} transport=udp dropped={}", throttle.example.getHostAddress(),
                    throttle.dropped);
            throttle.dropped = 0;
            throttle.reportedNanos = now;
        }
        return false;
    }
}
