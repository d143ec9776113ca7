package org.liaison.media.relay;

/** Why a received packet was not forwarded; the names are the counters' names in stats and ng. */
enum DropReason {
    /** From a source other than the endpoint the stream locked onto (or may learn). */
    WRONG_SOURCE("wrong-source"),
    /** The other side has no address to send to yet (no answer, on hold, or not learned). */
    NO_PEER("no-peer"),
    /** The other side's socket has more queued than its write buffer allows. */
    CONGESTED("congested");

    final String counterName;

    DropReason(String counterName) {
        this.counterName = counterName;
    }
}
