package org.liaison.media.relay;

import java.util.BitSet;
import org.liaison.media.MediaRelayException;

/**
 * Hands out relay port pairs (even RTP port, odd RTCP port above) from a fixed range, never the same
 * pair twice until it is freed. Reservation rotates through the range so a port just freed is
 * reused last: late packets of an ended call do not reach the next one. Thread-safe.
 */
final class PortAllocator {
    private final int firstPair;
    private final int pairs;
    private final BitSet used;
    private int next;

    /** Pairs whose even port lies in {@code portMin..portMax - 1} ({@code portMin} even). */
    PortAllocator(int portMin, int portMax) {
        this.firstPair = portMin;
        this.pairs = (portMax - portMin + 1) / 2;
        this.used = new BitSet(pairs);
    }

    /** The even port of a pair nobody else holds. */
    synchronized int reserve() throws MediaRelayException {
        int free = used.nextClearBit(next);
        if (free >= pairs) {
            free = used.nextClearBit(0);
        }
        if (free >= pairs) {
            throw new MediaRelayException(MediaRelayException.Reason.PORTS_EXHAUSTED,
                    "relay ports exhausted (" + pairs + " pairs in use)");
        }
        used.set(free);
        next = (free + 1) % pairs;
        return firstPair + 2 * free;
    }

    synchronized void free(int evenPort) {
        used.clear((evenPort - firstPair) / 2);
    }

    synchronized int inUse() {
        return used.cardinality();
    }
}
