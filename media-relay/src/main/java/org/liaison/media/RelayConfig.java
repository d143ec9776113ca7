package org.liaison.media;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The relay's settings, checked when built. The SIP server reads them from liaison.properties
 * ({@code relay.*}) and converts; this module does not read configuration files itself.
 *
 * @param address        where relay ports are bound and what rewritten SDP points at
 * @param portMin        lowest relay port (even: RTP takes the even port, RTCP the odd one above)
 * @param portMax        highest relay port; the range holds at least {@link #PAIRS_PER_STREAM} pairs
 * @param idleTimeout    a call with no packet either way for this long is ended and its ports freed;
 *                       a call never answered gets {@link #UNANSWERED_FACTOR} times as long
 * @param learningWindow how long after the answer a stream may learn its endpoint's real source from any
 *                       port of the expected address (see {@code SourceLock})
 * @param servers        relays to drive over ng; empty = relay in this process
 * @param destinations   where SDP may point media (see {@link MediaDestinations})
 * @param maxStreamsPerCall media streams (m-lines not rejected) one call may have relayed at once:
 *                       each takes {@link #PAIRS_PER_STREAM} port pairs, so an SDP with thousands of m-lines would
 *                       otherwise take every port
 */
public record RelayConfig(InetAddress address, int portMin, int portMax, Duration idleTimeout,
        Duration learningWindow, List<InetSocketAddress> servers, MediaDestinations destinations,
        int maxStreamsPerCall) {

    /** Ringing can last minutes (Timer C is three): an unanswered call waits this many idle timeouts. */
    public static final int UNANSWERED_FACTOR = 5;

    /**
     * Port pairs one media stream holds: one facing each side of the call, so a range with fewer
     * cannot relay a single call.
     */
    public static final int PAIRS_PER_STREAM = 2;

    public RelayConfig {
        if (address.isAnyLocalAddress()) {
            throw new IllegalArgumentException("relay address " + address.getHostAddress()
                    + " is a wildcard; SDP needs the address peers send to");
        }
        if (portMin < 1024 || !isPairStart(portMin) || portMax > 65535 || !holdsOneStream(portMin, portMax)) {
            throw new IllegalArgumentException("relay ports " + portMin + "-" + portMax
                    + " must start at an even port >= 1024 and hold at least " + PAIRS_PER_STREAM + " pairs");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero() || learningWindow.isNegative()) {
            throw new IllegalArgumentException("idle timeout must be positive and learning window not negative");
        }
        if (maxStreamsPerCall < 1) {
            throw new IllegalArgumentException("a call must be allowed at least one media stream");
        }
        servers = List.copyOf(servers);
        Objects.requireNonNull(destinations, "destinations");
    }

    /** Whether a range may start at {@code portMin}: RTP takes an even port and RTCP the odd one above (RFC 3550 §11). */
    public static boolean isPairStart(int portMin) {
        return portMin % 2 == 0;
    }

    /** Whether {@code portMin..portMax} holds the {@link #PAIRS_PER_STREAM} pairs a call's one stream takes. */
    public static boolean holdsOneStream(int portMin, int portMax) {
        return (portMax - portMin + 1) / 2 >= PAIRS_PER_STREAM;
    }

    /** A call that never got an answer is ended after this long without signalling. */
    public Duration unansweredTimeout() {
        return idleTimeout.multipliedBy(UNANSWERED_FACTOR);
    }
}
