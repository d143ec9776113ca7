package org.liaison.sip.edge;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A token bucket per source, so that one flooding source is cut down to {@code perSecond} (bursts of
 * one second's worth included) while everybody else keeps being served. Thread-safe.
 *
 * <p>A source is an IPv4 address or an IPv6 /64: one host owns a whole /64 and could otherwise give
 * every message a fresh address. At most {@link #MAX_SOURCES} sources are tracked; beyond, the one
 * heard from least recently is forgotten (a flooder is always heard from recently, so it stays).
 *
 * <p>One line per throttled source and minute, for the admin:
 * {@code flood-throttle source=198.51.100.7 transport=udp dropped=12345}.
 */
final class SourceThrottle {
    private static final Logger log = LoggerFactory.getLogger(SourceThrottle.class);
    static final int MAX_SOURCES = 10_000;
    private static final long REPORT_NANOS = 60_000_000_000L;

    private final int perSecond;
    /** Every refusal since start (the admin listener's flood drops), not only those reported. */
    private final LongAdder refusedTotal = new LongAdder();
    private final Map<Source, Throttle> sources = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Source, Throttle> eldest) {
            return size() > MAX_SOURCES;
        }
    };

    /** A source's buckets and the refusals not yet reported. */
    private static final class Throttle {
        final TokenBucket messages;
        final TokenBucket answers;
        final InetAddress example;
        long refused;
        long reportedNanos;

        Throttle(int perSecond, InetAddress example, long nowNanos) {
            this.messages = new TokenBucket(perSecond, nowNanos);
            this.answers = new TokenBucket(perSecond, nowNanos);
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

    SourceThrottle(int perSecond) {
        this.perSecond = perSecond;
    }

    /** Takes one message from {@code source}'s bucket; false when it is empty. */
    synchronized boolean tryTake(InetAddress source, long nowNanos) {
        return throttle(source, nowNanos).messages.tryTake(1, nowNanos);
    }

    /**
     * Counts a message refused from {@code source} (reported once a minute) and says whether it may
     * still be answered: at most {@code perSecond} refusals a second are, so that what a source that
     * does not read makes the server queue for it stays bounded.
     */
    synchronized boolean refused(InetAddress source, String transport, long nowNanos) {
        Throttle throttle = throttle(source, nowNanos);
        throttle.refused++;
        refusedTotal.increment();
        if (nowNanos - throttle.reportedNanos >= REPORT_NANOS) {
            log.warn("flood-throttle source={} transport={} dropped={}", throttle.example.getHostAddress(),
                    transport, throttle.refused);
            throttle.refused = 0;
            throttle.reportedNanos = nowNanos;
        }
        return throttle.answers.tryTake(1, nowNanos);
    }

    LongAdder refusedTotal() {
        return refusedTotal;
    }

    private Throttle throttle(InetAddress source, long nowNanos) {
        return sources.computeIfAbsent(Source.of(source), s -> new Throttle(perSecond, source, nowNanos));
    }
}
