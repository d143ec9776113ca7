package org.liaison.sip.media;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the anchor remembers of one relayed call; guarded by its own monitor, which is held while
 * the relay is asked about the call, so that an ACK and a BYE handled on two threads reach the
 * relay one after the other and nothing reaches it after the call ended.
 */
final class RelayedCall {
    /** The caller whose {@link RelayedCallsPerUser} count the call takes. */
    final String owner;
    /** Devices (To tags) that answered the first INVITE with SDP: each is a fork leg of the relay. */
    final Set<String> forks = new HashSet<>();
    /** The SDP sent upstream in the last 2xx of each device, by To tag, for its retransmissions. */
    final Map<String, SentAnswer> sent = new HashMap<>();
    /** The relay took an offer of the call: from then on it knows the call until it times it out. */
    boolean offered;
    /** Sweeps in a row that found the relay without the call (a relay over ng may just be unreachable). */
    int sweepsMissed;
    /** A 2xx to the first INVITE went upstream: a CANCEL can no longer end the call. */
    boolean answered;
    boolean ended;

    RelayedCall(String owner) {
        this.owner = owner;
    }

    record SentAnswer(long cseq, String sdp) {
    }
}
